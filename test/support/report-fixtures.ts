import type { Vocabulary } from '../../src/engine/evidence.js';
import { estimateFromObservations } from '../../src/engine/estimate.js';
import { decide } from '../../src/engine/gate.js';
import type { Observation } from '../../src/engine/observation.js';
import { project } from '../../src/engine/project.js';
import { type BatchOutcome, buildReceipt } from '../../src/engine/receipt.js';
import { adviseCargoLevers } from '../../src/providers/cargo/advice.js';
import {
  buildReport,
  type Report,
  type ReportSettings,
  type RunMetadata,
} from '../../src/report/report.js';

// The providers' words, written out here rather than read from the registry, so a change to
// the registry shows up as a golden-file diff instead of silently moving both sides.
export const CARGO_WORDS: Vocabulary = {
  provider: 'Cargo',
  unit: 'credits',
  part: 'node',
  subject: 'workflow',
  observation: 'finished run',
  executions: true,
  perRecordDecimals: 4,
};

export const VENICE_WORDS: Vocabulary = {
  provider: 'Venice',
  unit: 'USD',
  part: 'SKU',
  subject: 'scope',
  observation: 'billed request',
  executions: false,
  perRecordDecimals: 6,
};

/** The action's defaults, as `parseConfig` gives them for no inputs. */
export const DEFAULT_SETTINGS: ReportSettings = {
  estimateFrom: 'auto',
  historyWindowDays: 30,
  minHistoryRuns: 10,
  sampleSize: 10,
  maxSampleCredits: 50,
  sampleTimeoutMinutes: 15,
  budget: undefined,
  reserve: 0,
  confidence: 0.9,
  warnThreshold: 0.8,
  onExceed: 'fail',
  onApiError: 'fail',
};

export const FIXED_RUN: RunMetadata = {
  repository: 'acme/leads',
  ref: 'refs/pull/7/merge',
  sha: 'f00dfeed',
  runId: '4242',
  runAttempt: '1',
  runUrl: 'https://github.com/acme/leads/actions/runs/4242',
  prNumber: 7,
  eventName: 'pull_request',
  time: '2026-11-22T00:00:00.000Z',
};

/** A fixed, realistic set of observed runs: an enrichment with a pay-on-hit provider and an AI node. */
export function fixedObservations(slug = 'find_email'): Observation[] {
  return Array.from({ length: 12 }, (_, i) => {
    const hit = i % 3 !== 0;
    const parts = [
      { key: 'start', kind: 'native', credits: 0, executions: 1 },
      {
        key: slug,
        kind: 'connector',
        action: 'hunter.findEmail',
        credits: hit ? 2 : 0,
        executions: 1,
      },
      {
        key: 'score_lead',
        kind: 'connector',
        action: 'openai.chat',
        credits: 0.5 + (i % 4) * 0.25,
        executions: 1,
      },
      { key: 'end', kind: 'native', credits: 0, executions: 1 },
    ];
    const providerCredits = parts.reduce((s, p) => s + p.credits, 0);
    return {
      id: `run-${String(i).padStart(3, '0')}`,
      recordId: `lead-${i}`,
      status: i === 5 ? 'error' : 'success',
      providerCredits,
      executions: 4,
      executionCredits: 0.04,
      parts,
    } satisfies Observation;
  });
}

/** Twelve Venice requests: input and output tokens of one model, billed in USD per SKU. */
export function veniceObservations(): Observation[] {
  return Array.from({ length: 12 }, (_, i) => {
    const input = 0.00042 + (i % 3) * 0.00011;
    const output = 0.00118 + (i % 4) * 0.00027;
    return {
      id: `req-${String(i).padStart(3, '0')}`,
      recordId: `req-${String(i).padStart(3, '0')}`,
      status: 'success',
      providerCredits: input + output,
      executions: 0,
      executionCredits: 0,
      parts: [
        { key: 'llama-3.3-70b-llm-input-mtoken', kind: 'sku', credits: input, executions: 0 },
        { key: 'llama-3.3-70b-llm-output-mtoken', kind: 'sku', credits: output, executions: 0 },
      ],
    } satisfies Observation;
  });
}

const IN_WINDOW = 'in the window (min-history-runs 10)';

export interface FixtureOptions {
  budget?: string;
  slug?: string;
  /** Credits that must remain after the batch (the `reserve` input). */
  reserve?: number;
  /** The workflow's name as Cargo lists it; null when it could not be looked up. */
  subjectName?: string | null;
  /** What a batch launched by `run-batch` did (the receipt is built from it). */
  batch?: Omit<BatchOutcome, 'hardCap'> & { hardCap?: number };
}

/** A deterministic Cargo report for golden files: `records` records against `remaining` credits. */
export function fixedReport(
  records: number,
  remaining: number,
  options: FixtureOptions = {},
): Report {
  const settings: ReportSettings = {
    ...DEFAULT_SETTINGS,
    ...(options.budget ? { budget: Number(options.budget) } : {}),
    ...(options.reserve ? { reserve: options.reserve } : {}),
  };
  const observations = fixedObservations(options.slug);
  const estimate = estimateFromObservations('history', observations);
  const projection = project({
    estimate,
    observations,
    recordCount: records,
    confidence: settings.confidence,
    sampleOfBatch: false,
  });
  const balance = {
    remaining,
    overageAllowed: false,
    unit: 'credits',
    details: [{ label: 'Plan', value: 'self-serve (monthly)' }],
  };
  const gate = decide(projection, balance, settings);
  const batch = options.batch;
  // The guard compares the batch with the projection for the records it launched.
  const receipt = batch
    ? buildReceipt(
        { hardCap: gate.limit, ...batch },
        estimate,
        project({
          estimate,
          observations,
          recordCount: batch.runsCount,
          confidence: 0.9,
          sampleOfBatch: false,
        }),
      )
    : null;
  return buildReport({
    settings,
    provider: 'cargo',
    vocabulary: CARGO_WORDS,
    run: FIXED_RUN,
    subject: 'wf-golden',
    subjectName: options.subjectName === undefined ? 'Enrich inbound leads' : options.subjectName,
    tag: 'wf-golden',
    recordCount: records,
    decision: gate.decision,
    reasons: gate.reasons,
    balance,
    basis: { source: 'history', n: 12, windowDays: 30, why: `auto: 12 finished runs ${IN_WINDOW}` },
    estimate,
    projection,
    gate,
    advice: adviseCargoLevers(estimate),
    observations,
    receipt,
  });
}

/** A deterministic Venice report: `records` records against `remaining` USD. */
export function veniceReport(records: number, remaining: number): Report {
  const observations = veniceObservations();
  const estimate = estimateFromObservations('history', observations);
  const projection = project({
    estimate,
    observations,
    recordCount: records,
    confidence: DEFAULT_SETTINGS.confidence,
    sampleOfBatch: false,
  });
  const balance = {
    remaining,
    overageAllowed: false,
    unit: 'USD',
    details: [
      { label: 'USD balance', value: remaining.toFixed(2) },
      { label: 'DIEM balance', value: '0' },
    ],
  };
  const gate = decide(projection, balance, DEFAULT_SETTINGS);
  return buildReport({
    settings: DEFAULT_SETTINGS,
    provider: 'venice',
    vocabulary: VENICE_WORDS,
    run: FIXED_RUN,
    subject: 'all inference',
    subjectName: 'llama-3.3-70b',
    tag: 'venice',
    recordCount: records,
    decision: gate.decision,
    reasons: gate.reasons,
    balance,
    basis: {
      source: 'history',
      n: observations.length,
      windowDays: 30,
      note: 'about 2,882 tokens per request',
      why: `auto: 12 billed requests ${IN_WINDOW}`,
    },
    estimate,
    projection,
    gate,
    advice: [],
    observations,
  });
}

/** A watched batch that ran all its 1,000 records for `actual` credits (a receipt's input). */
export const finishedBatch = (actual: number) => ({
  batchUuid: 'batch-0002',
  status: 'success',
  stopped: null,
  detached: false,
  runsCount: 1000,
  executedRuns: 1000,
  failedRuns: 0,
  actual,
  byNode: [],
  durationMs: 600_000,
});
