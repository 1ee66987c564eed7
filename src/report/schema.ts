import * as z from 'zod';
import type { Report } from './report.js';

// The JSON report's schema. `schema/report.schema.json` is generated from it (a test keeps the
// two equal), so consumers can validate report.json without reading this code.
// Numbers that can be non-finite in memory (a utilization over a zero limit, a share that metrics
// cannot know) are written as null, since JSON has no Infinity or NaN.

const num = z.number();
const maybe = z.number().nullable();

const change = z.object({ previous: num, current: num, diff: num, percent: maybe });

const breakdownLine = z.object({
  key: z.string(),
  kind: z.string(),
  credits: num,
  executions: num,
  total: num,
  billedShare: maybe,
  share: num,
  // Node lines only, when all the node's parts ran one action.
  action: z.string().optional(),
});

export const reportSchema = z
  .object({
    schemaVersion: z.literal(1),
    tool: z.object({ name: z.string(), version: z.string() }),
    run: z.object({
      repository: z.string().nullable(),
      ref: z.string().nullable(),
      sha: z.string().nullable(),
      runId: z.string().nullable(),
      runAttempt: z.string().nullable(),
      runUrl: z.string().nullable(),
      prNumber: z.number().int().nullable(),
      eventName: z.string().nullable(),
      time: z.string(),
    }),
    // The registry's provider ids; the schema stays open so a new provider needs no schema change.
    provider: z.string(),
    vocabulary: z.object({
      provider: z.string(),
      unit: z.string(),
      part: z.string(),
      subject: z.string(),
      observation: z.string(),
      executions: z.boolean(),
      perRecordDecimals: z.number().int(),
    }),
    subject: z.string(),
    // Optional: reports written before names were looked up have none.
    subjectName: z.string().nullable().optional(),
    tag: z.string(),
    recordCount: z.number().int().nullable(),
    settings: z.object({
      estimateFrom: z.enum(['auto', 'history', 'sample', 'metrics']),
      historyWindowDays: num,
      minHistoryRuns: num,
      sampleSize: num,
      maxSampleCredits: num,
      sampleTimeoutMinutes: num,
      budget: num.optional(),
      reserve: num,
      confidence: num,
      warnThreshold: num,
      onExceed: z.enum(['fail', 'warn']),
      onApiError: z.enum(['fail', 'warn', 'pass']),
    }),
    decision: z.enum(['pass', 'warn', 'fail', 'unknown']),
    outcome: z.enum(['fail', 'warning', 'notice', 'none']),
    reasons: z.array(z.string()),
    error: z.object({ kind: z.string(), message: z.string() }).nullable(),
    balance: z
      .object({
        remaining: num,
        overageAllowed: z.boolean(),
        unit: z.string(),
        details: z.array(z.object({ label: z.string(), value: z.string() })),
      })
      .nullable(),
    basis: z
      .object({
        source: z.enum(['history', 'sample', 'metrics']),
        n: num,
        windowDays: num.optional(),
        from: z.string().optional(),
        to: z.string().optional(),
        note: z.string().optional(),
        why: z.string().optional(),
      })
      .nullable(),
    estimate: z
      .object({
        source: z.enum(['history', 'sample', 'metrics']),
        n: num,
        mean: num,
        sd: maybe,
        providerMean: num,
        executionMean: num,
        executionsPerRecord: num,
        errorShare: maybe,
        errorMean: maybe,
        byNode: z.array(breakdownLine),
        byAction: z.array(breakdownLine),
      })
      .nullable(),
    projection: z
      .object({
        recordCount: num,
        perRecord: num,
        projected: num,
        upper: num,
        confidence: num,
        t: maybe,
        lowConfidence: z.string().nullable(),
        // How the bound was computed, in words ("Upper bound: …").
        method: z.string(),
      })
      .nullable(),
    gate: z
      .object({
        decision: z.enum(['pass', 'warn', 'fail']),
        limit: num,
        limitSource: z.enum(['budget', 'balance']),
        headroom: num,
        utilization: maybe,
        overage: num,
        recordsAffordable: maybe,
        reasons: z.array(z.string()),
      })
      .nullable(),
    sample: z
      .object({
        batchUuid: z.string(),
        records: num,
        finished: num,
        cancelled: z.enum(['max-sample-credits', 'sample-timeout', 'interrupted']).nullable(),
        cost: num,
        durationMs: num,
      })
      .nullable(),
    advice: z.array(
      z.object({
        // Each provider names its own levers (Cargo: cheaper-model, filter-early, …).
        lever: z.string(),
        title: z.string(),
        detail: z.string(),
      }),
    ),
    observations: z.array(
      z.object({
        id: z.string(),
        recordId: z.string(),
        status: z.string(),
        providerCredits: num,
        executions: num,
        executionCredits: num,
        total: num,
      }),
    ),
    // Set when report.json left observations out (it keeps a bounded, evenly spaced set;
    // observations.csv has every one).
    observationsOmitted: z.number().int().optional(),
    receipt: z
      .object({
        batchUuid: z.string(),
        status: z.string(),
        stopped: z.enum(['hard-cap', 'timeout', 'interrupted', 'watch-failed']).nullable(),
        detached: z.boolean(),
        runsCount: num,
        executedRuns: num,
        failedRuns: num,
        actual: num,
        hardCap: num,
        byNode: z.array(z.object({ key: z.string(), credits: num, executions: num, cost: num })),
        errorMessage: z.string().optional(),
        durationMs: num,
        estimated: num,
        estimatedUpper: num,
        actualPerRecord: maybe,
        estimatedPerRecord: num,
        errorShare: maybe,
        diverged: z.boolean(),
        boundHeld: z.boolean().nullable(),
        explanations: z.array(z.string()),
      })
      .nullable(),
    // Optional: reports written before the base comparison have none.
    comparison: z
      .object({
        ref: z.string(),
        run: z
          .object({
            id: z.string().nullable(),
            url: z.string().nullable(),
            sha: z.string().nullable(),
            time: z.string().nullable(),
          })
          .nullable(),
        note: z.string().nullable(),
        result: z
          .object({
            projected: change,
            upper: change,
            perRecord: change,
            recordCount: change,
            node: z.object({ key: z.string(), diff: num }).nullable(),
            moved: z.string(),
          })
          .nullable(),
      })
      .nullable()
      .optional(),
  })
  .meta({
    $id: 'https://github.com/acme/batch-cost-gate/schema/report.schema.json',
    title: 'batch-cost-gate report',
    description: 'The usage report batch-cost-gate writes as report.json (schemaVersion 1).',
  });

/** The report as it is written to JSON (non-finite numbers as null). */
export type ReportJson = z.output<typeof reportSchema>;

// Compile-time check that the in-memory Report fits the schema (numbers aside, which JSON nulls).
export type ReportFitsSchema = Report extends ReportJson ? true : never;
const fits: ReportFitsSchema = true;
void fits;

/** The JSON Schema (draft 2020-12) of report.json. */
export function reportJsonSchema(): unknown {
  return z.toJSONSchema(reportSchema, { target: 'draft-2020-12' });
}
