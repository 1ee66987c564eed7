import type { Config } from '../inputs/config.js';
import type { Advice } from '../providers/cargo/advice.js';
import type { Estimate } from '../engine/estimate.js';
import type { Decision, JobOutcome } from '../engine/gate.js';
import { observationCost, type Observation } from '../engine/observation.js';
import type { Projection } from '../engine/project.js';
import type { Receipt } from '../engine/receipt.js';
import type { BalanceReport, Basis, SampleReport } from '../providers/provider.js';
import { CLIENT_NAME, VERSION } from '../shared/version.js';
import { plainNumber } from './number.js';

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
  provider: Config['provider'];
  /** The workflow (Cargo) or scope (Venice) the batch runs. */
  subject: string;
  recordCount: number | null;
  /** The settings that shaped the answer (no secrets, no URLs with credentials). */
  settings: ReportSettings;
  decision: JobOutcome['decision'];
  /** What the job did with it: failed, warned, or passed. */
  outcome: JobOutcome['action'];
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
}

export type ReportSettings = Pick<
  Config,
  | 'estimateFrom'
  | 'historyWindowDays'
  | 'minHistoryRuns'
  | 'sampleSize'
  | 'maxSampleCredits'
  | 'sampleTimeoutMinutes'
  | 'budget'
  | 'reserve'
  | 'confidence'
  | 'warnThreshold'
  | 'onExceed'
  | 'onApiError'
>;

export interface ReportParts {
  config: Config;
  run: RunMetadata;
  subject: string;
  recordCount: number | null;
  outcome: JobOutcome;
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
}

/** Builds the report from the pipeline's pieces; pure. */
export function buildReport(parts: ReportParts): Report {
  const c = parts.config;
  return {
    schemaVersion: 1,
    tool: { name: CLIENT_NAME, version: VERSION },
    run: parts.run,
    provider: c.provider,
    subject: parts.subject,
    recordCount: parts.recordCount,
    settings: {
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
    },
    decision: parts.outcome.decision,
    outcome: parts.outcome.action,
    reasons: parts.reasons,
    error: parts.error ?? null,
    balance: parts.balance ?? null,
    basis: parts.basis ?? null,
    estimate: parts.estimate ?? null,
    projection: parts.projection ?? null,
    gate: parts.gate ?? null,
    sample: parts.sample ?? null,
    advice: parts.advice ?? [],
    observations: (parts.observations ?? []).map((o) => ({
      id: o.id,
      recordId: o.recordId,
      status: o.status,
      providerCredits: o.providerCredits,
      executions: o.executions,
      executionCredits: o.executionCredits,
      total: observationCost(o),
    })),
    receipt: parts.receipt ?? null,
  };
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
    'sample-size-used': report.basis ? String(report.basis.n) : '',
    'report-json': paths.reportJson,
    'batch-uuid': report.receipt?.batchUuid ?? '',
    'actual-credits':
      report.receipt && !report.receipt.detached ? plainNumber(report.receipt.actual) : '',
    'batch-status': report.receipt
      ? report.receipt.detached
        ? 'running'
        : report.receipt.status
      : '',
  };
}
