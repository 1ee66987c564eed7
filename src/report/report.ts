import type { Advice } from '../engine/advice.js';
import type { Estimate } from '../engine/estimate.js';
import type { Decision, Verdict } from '../engine/gate.js';
import type { BalanceReport, Basis, SampleReport, Vocabulary } from '../engine/evidence.js';
import { observationCost, type Observation, viewList } from '../engine/observation.js';
import type { Projection } from '../engine/project.js';
import type { Receipt } from '../engine/receipt.js';
import { CLIENT_NAME, VERSION } from '../shared/version.js';
import type { ReportComparison } from './comparison.js';
import { plainNumber } from './number.js';
import { type AnnotationKind, outcomeOf } from './outcome.js';

/** Where and when the gate ran (GitHub context, or the machine for the CLI). */
export interface RunMetadata {
  repository: string | null;
  ref: string | null;
  sha: string | null;
  runId: string | null;
  runAttempt: string | null;
  runUrl: string | null;
  prNumber: number | null;
  eventName: string | null;
  time: string;
}

/** One observed record as reports list it. */
export interface ObservationRow {
  id: string;
  recordId: string;
  status: string;
  providerCredits: number;
  executions: number;
  executionCredits: number;
  total: number;
}

/** The one model every output (summary, comment, files, exports, step outputs) is rendered from. */
export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  run: RunMetadata;
  /** The `provider` input: `cargo`, `venice`. */
  provider: string;
  /** The provider's words for its costs (unit, part, subject). */
  vocabulary: Vocabulary;
  /** The workflow (Cargo) or scope (Venice) the batch runs. */
  subject: string;
  /** The subject's human name (a Cargo workflow's name, Venice model names) when the provider could tell; null falls back to `subject`. */
  subjectName: string | null;
  /** The `comment-tag`: keeps matrix legs and environments apart in comments and metrics. */
  tag: string;
  recordCount: number | null;
  /** The settings that shaped the answer (no secrets, no URLs with credentials). */
  settings: ReportSettings;
  decision: Verdict | 'unknown';
  /** What the job did with it (from `outcomeOf`): failed, warned, noted, or passed. */
  outcome: 'fail' | 'warning' | 'notice' | 'none';
  reasons: string[];
  error: { kind: string; message: string } | null;
  balance: BalanceReport | null;
  basis: Basis | null;
  estimate: Estimate | null;
  projection: Projection | null;
  gate: Decision | null;
  sample: SampleReport | null;
  advice: Advice[];
  observations: ObservationRow[];
  /** What a batch launched by `run-batch` cost against the estimate. */
  receipt: Receipt | null;
  /** Previous / New / Diff against the base branch's report (`compare-to`); null when not asked. */
  comparison: ReportComparison | null;
}

/** The settings that shaped the answer; copied into the report so it explains itself. */
export interface ReportSettings {
  estimateFrom: 'auto' | 'history' | 'sample' | 'metrics';
  historyWindowDays: number;
  minHistoryRuns: number;
  sampleSize: number;
  maxSampleCredits: number;
  sampleTimeoutMinutes: number;
  budget: number | undefined;
  reserve: number;
  confidence: number;
  warnThreshold: number;
  onExceed: 'fail' | 'warn';
  onApiError: 'fail' | 'warn' | 'pass';
}

export interface ReportParts {
  /** Any object with the settings' fields (the `Config`); only those are kept. */
  settings: ReportSettings;
  provider: string;
  vocabulary: Vocabulary;
  run: RunMetadata;
  subject: string;
  subjectName?: string | null;
  tag: string;
  recordCount: number | null;
  /** The gate's verdict, or `unknown` when a billing API could not be read or no estimate made. */
  decision: Verdict | 'unknown';
  reasons: string[];
  error?: { kind: string; message: string } | null;
  balance?: BalanceReport | null;
  basis?: Basis | null;
  estimate?: Estimate | null;
  projection?: Projection | null;
  gate?: Decision | null;
  sample?: SampleReport | null;
  advice?: Advice[];
  observations?: Observation[];
  receipt?: Receipt | null;
  comparison?: ReportComparison | null;
}

const OUTCOME_OF_ANNOTATION: Record<AnnotationKind, Report['outcome']> = {
  error: 'fail',
  warning: 'warning',
  notice: 'notice',
  none: 'none',
};

/** Copies only the report's settings out of a larger settings object (no tokens, no URLs). */
function reportSettings(c: ReportSettings): ReportSettings {
  return {
    estimateFrom: c.estimateFrom,
    historyWindowDays: c.historyWindowDays,
    minHistoryRuns: c.minHistoryRuns,
    sampleSize: c.sampleSize,
    maxSampleCredits: c.maxSampleCredits,
    sampleTimeoutMinutes: c.sampleTimeoutMinutes,
    budget: c.budget,
    reserve: c.reserve,
    confidence: c.confidence,
    warnThreshold: c.warnThreshold,
    onExceed: c.onExceed,
    onApiError: c.onApiError,
  };
}

/** Builds the report from the pipeline's pieces; pure. Its `outcome` comes from `outcomeOf`. */
export function buildReport(parts: ReportParts): Report {
  const report: Report = {
    schemaVersion: 1,
    tool: { name: CLIENT_NAME, version: VERSION },
    run: parts.run,
    provider: parts.provider,
    vocabulary: parts.vocabulary,
    subject: parts.subject,
    subjectName: parts.subjectName ?? null,
    tag: parts.tag,
    recordCount: parts.recordCount,
    settings: reportSettings(parts.settings),
    decision: parts.decision,
    outcome: 'none',
    reasons: parts.reasons,
    error: parts.error ?? null,
    balance: parts.balance ?? null,
    basis: parts.basis ?? null,
    estimate: parts.estimate ?? null,
    projection: parts.projection ?? null,
    gate: parts.gate ?? null,
    sample: parts.sample ?? null,
    advice: parts.advice ?? [],
    observations: observationRows(parts.observations ?? []),
    receipt: parts.receipt ?? null,
    comparison: parts.comparison ?? null,
  };
  report.outcome = OUTCOME_OF_ANNOTATION[outcomeOf(report).annotation.kind];
  return report;
}

function observationRow(o: Observation): ObservationRow {
  return {
    id: o.id,
    recordId: o.recordId,
    status: o.status,
    providerCredits: o.providerCredits,
    executions: o.executions,
    executionCredits: o.executionCredits,
    total: observationCost(o),
  };
}

/** Past this many observations, a report's rows are made when read rather than held. */
export const HELD_ROWS = 10_000;

/**
 * One row per observation. A Venice ledger lists 250k requests: held, their rows are 28 MB that
 * outlive V8's young collections; as a `viewList` each row is made when a renderer reads it.
 * Fewer are held, as plain rows a caller may edit.
 */
function observationRows(observations: readonly Observation[]): ObservationRow[] {
  if (observations.length <= HELD_ROWS) return observations.map(observationRow);
  return viewList(observations.length, (i) => observationRow(observations[i]!));
}

/** The step outputs of the interface contract, every one set, '' where not computed. */
export function reportOutputs(
  report: Report,
  paths: { reportJson: string },
): Record<string, string> {
  const p = report.projection;
  const g = report.gate;
  return {
    decision: report.decision,
    'projected-credits': plainNumber(p?.projected),
    'projected-credits-upper': plainNumber(p?.upper),
    'credits-per-record': plainNumber(p?.perRecord ?? report.estimate?.mean),
    'remaining-credits': plainNumber(report.balance?.remaining),
    'limit-credits': plainNumber(g?.limit),
    'headroom-credits': plainNumber(g?.headroom),
    'estimate-source': report.basis?.source ?? '',
    // Records a sample ran; a history or metrics estimate ran none (its n is in the report).
    'sample-size-used': report.basis?.source === 'sample' ? String(report.basis.n) : '',
    'report-json': paths.reportJson,
    'batch-uuid': report.receipt?.batchUuid ?? '',
    'actual-credits':
      report.receipt && !report.receipt.detached ? plainNumber(report.receipt.actual) : '',
    'batch-status': report.receipt
      ? report.receipt.detached
        ? 'running'
        : report.receipt.status
      : '',
    ...comparisonOutputs(report.comparison),
  };
}

/** `base-projected-credits`, `diff-credits`, `diff-percent`: '' when nothing was compared. */
function comparisonOutputs(comparison: ReportComparison | null): Record<string, string> {
  const p = comparison?.result?.projected;
  return {
    'base-projected-credits': plainNumber(p?.previous),
    'diff-credits': plainNumber(p?.diff),
    'diff-percent': plainNumber(p?.percent, 2),
  };
}
