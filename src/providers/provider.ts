import type { Estimate } from '../engine/estimate.js';
import type { Balance } from '../engine/gate.js';
import type { Observation } from '../engine/observation.js';
import type { BatchOutcome } from '../engine/receipt.js';

/** Where progress and notes go: `@actions/core` in the action, stderr in the CLI. */
export interface Log {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/** The balance with what the report shows of it. */
export interface BalanceReport extends Balance {
  /** Label/value lines for the report (plan, credits available and used, currencies). */
  details: { label: string; value: string }[];
}

/** What a sample batch did, including what it cost. */
export interface SampleReport {
  batchUuid: string;
  records: number;
  finished: number;
  /** Why it was stopped early, when it was. */
  cancelled: 'max-sample-credits' | 'sample-timeout' | 'interrupted' | null;
  /** Credits the sample itself spent, execution charge included. */
  cost: number;
  durationMs: number;
}

/** How the estimate was made, for the report's "basis" line. */
export interface Basis {
  source: Estimate['source'];
  n: number;
  windowDays?: number;
  from?: string;
  to?: string;
  /** Why `auto` chose this source. */
  note?: string;
}

export interface EstimateOutcome {
  estimate: Estimate;
  observations: Observation[];
  basis: Basis;
  sample?: SampleReport;
}

export interface EstimatePlan {
  source: 'auto' | 'history' | 'sample' | 'metrics';
  windowDays: number;
  minHistoryRuns: number;
  /** Records a sample would run (already cut to `sample-size`); empty when none were given. */
  sampleRecords: Record<string, unknown>[];
  maxSampleCredits: number;
  sampleTimeoutMs: number;
}

/** Launches and watches a batch (Cargo only). */
export interface BatchGuard {
  sizePool(data: { kind: string } & Record<string, unknown>): Promise<number>;
  run(
    data: { kind: string } & Record<string, unknown>,
    options: { hardCap: number; detach: boolean; signal: AbortSignal },
  ): Promise<BatchOutcome>;
}

/** A billing backend: where the balance and the cost per record come from. */
export interface Provider {
  readonly name: 'cargo' | 'venice';
  /** Names the batch's workflow or scope in reports and metric labels. */
  readonly subject: string;
  readBalance(): Promise<BalanceReport>;
  /** `balance` resolves when the balance is read; a sample waits for it, history does not. */
  estimate(
    plan: EstimatePlan,
    balance: Promise<BalanceReport>,
    signal: AbortSignal,
  ): Promise<EstimateOutcome>;
  /** The batch launcher, for backends that can run batches. */
  readonly guard?: BatchGuard;
}
