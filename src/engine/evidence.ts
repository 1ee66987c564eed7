// What a provider found out, in the engine's words: the balance, how the estimate was made,
// and what a sample run cost. The report shows these; the provider fills them.
import type { Estimate } from './estimate.js';
import type { Balance } from './gate.js';
import type { Observation } from './observation.js';

/** The balance with what the report shows of it. */
export interface BalanceReport extends Balance {
  /** Label/value lines for the report (plan, credits available and used, currencies). */
  details: { label: string; value: string }[];
}

/** What a sample run did, including what it cost. */
export interface SampleReport {
  /** The sample batch's id, or a provider's own word for what ran (`sample-command`). */
  batchUuid: string;
  records: number;
  finished: number;
  /** Why it was stopped early, when it was. */
  cancelled: 'max-sample-credits' | 'sample-timeout' | 'interrupted' | null;
  /** What the sample itself spent, execution charge included. */
  cost: number;
  durationMs: number;
}

/** Where an estimate came from. */
export type EstimateSource = 'history' | 'sample' | 'metrics';

/** How the estimate was made, for the report's "basis" line. */
export interface Basis {
  source: EstimateSource;
  n: number;
  windowDays?: number;
  from?: string;
  to?: string;
  /** What the provider adds about its data (tokens per request, requests per record). */
  note?: string;
  /** Why this source was used (the `auto` policy's reason, or "set by estimate-from"). */
  why?: string;
}

/** An estimate with the observations it was made from and how it was made. */
export interface EstimateOutcome {
  estimate: Estimate;
  observations: Observation[];
  basis: Basis;
  sample?: SampleReport;
}

/** A provider's words for its costs, so reports speak Cargo to Cargo users and USD to Venice's. */
export interface Vocabulary {
  /** Display name: `Cargo`, `Venice`. */
  provider: string;
  /** What costs are counted in: `credits`, `USD`. */
  unit: string;
  /** What a breakdown line is: `node`, `SKU`. */
  part: string;
  /** What the batch runs on: `workflow`, `scope`. */
  subject: string;
  /** One observed unit of past work, singular: `finished run`, `billed request`. */
  observation: string;
  /** True when the provider bills a charge per execution (Cargo's 0.01 per node execution). */
  executions: boolean;
  /** Decimal places a cost per record needs to mean something (USD per request is tiny). */
  perRecordDecimals: number;
}
