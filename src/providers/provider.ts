// The interface every billing backend implements. Each capability is optional: a provider
// offers what its API can answer, and `pipeline/choose-source.ts` decides which one is used.
import type { BalanceReport, EstimateOutcome } from '../engine/evidence.js';
import type { BatchOutcome } from '../engine/receipt.js';
import { type ErrorKind, GateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';

/** A record of the batch, as read from `records-file` or `sample-records`. */
export type BatchRecord = Record<string, unknown>;

/** The `data` of a batch to launch, e.g. `{"kind":"segment","segmentUuid":"…"}`. */
export type BatchData = { kind: string } & Record<string, unknown>;

/** What history and metrics look at. */
export interface WindowPlan {
  windowDays: number;
  /** Writes an input as the surface takes it (`estimate-from: sample`, `--estimate-from sample`), for messages. */
  say?: (input: string, value?: string) => string;
}

/** What a sample runs and the bounds it runs within. */
export interface SamplePlan {
  /** Records a sample would run (already cut to `sample-size`); empty when none were given. */
  records: BatchRecord[];
  maxCredits: number;
  timeoutMs: number;
}

/** Runs a small sample of the batch and observes what it cost. */
export interface SampleCapability {
  /** What the settings lack for a sample to run (a sentence naming the input), or undefined. */
  missing(plan: SamplePlan): string | undefined;
  /** `balance` resolves when the balance is read: a sample that could not be paid is refused. */
  run(plan: SamplePlan, balance: Promise<BalanceReport>): Promise<EstimateOutcome>;
}

/** Options of a launched batch. */
export interface LaunchOptions {
  hardCap: number;
  detach: boolean;
  /**
   * Bound on watching the batch (`batch-timeout-minutes`); past it the batch is cancelled. The
   * pipeline always sets it; left out (in tests), the watch is bounded by the hard cap alone.
   */
  timeoutMs?: number;
  /**
   * The caller's last check, run just before the batch is created (alongside the guard's own):
   * throwing refuses the launch and nothing is created.
   */
  beforeCreate?: () => Promise<void>;
}

/** A batch of the subject that has not finished, e.g. one a killed run left behind. */
export interface OpenBatch {
  uuid: string;
  status: string;
  /** How long ago it was created, on the provider's clock. */
  ageMs: number;
}

/** Launches and watches a batch, for backends that can run batches. */
export interface BatchGuard {
  /** Counts a segment's or filter's records without running anything. */
  sizePool(data: BatchData): Promise<number>;
  run(data: BatchData, options: LaunchOptions): Promise<BatchOutcome>;
  /** The subject's unfinished batches, for the report; `signal` gives up the look-up. */
  unfinished?(signal: AbortSignal): Promise<OpenBatch[]>;
}

/** A billing backend: where the balance and the cost per record come from. */
export interface Provider {
  /** Names the batch's workflow or scope in reports and metric labels. */
  readonly subject: string;
  /**
   * The subject's human name (a workflow's name), for reports only: looked up beside the
   * decision's reads, never waited for; resolves null when unknown and never rejects.
   */
  subjectName?(signal: AbortSignal): Promise<string | null>;
  readBalance(): Promise<BalanceReport>;
  /** Observations of recent real work (finished runs, billed requests); may hold none. */
  history?(plan: WindowPlan): Promise<EstimateOutcome>;
  /** Aggregate usage over a window divided by the runs in it. */
  metrics?(plan: WindowPlan): Promise<EstimateOutcome>;
  readonly sample?: SampleCapability;
  readonly guard?: BatchGuard;
}

/** Test and benchmark hooks for the HTTP layer. */
export interface HttpTuning {
  timeoutMs?: number;
  retries?: number;
  totalTimeoutMs?: number;
  onRequest?: (info: { method: string; endpoint: string }) => void;
}

/** Everything a provider touches from outside, handed in so tests can pass their own. */
export interface ProviderContext {
  log: Log;
  /** Aborted when the job is interrupted: requests in flight stop and running batches are cancelled. */
  signal: AbortSignal;
  now: () => number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  http?: HttpTuning;
  /** Poll interval of a sample batch by elapsed time (tests make it short). */
  pollIntervalMs?: (elapsedMs: number, previousMs: number | undefined) => number;
  /** Poll interval of a batch launched by run-batch. */
  batchPollIntervalMs?: (elapsedMs: number) => number;
}

/**
 * The settings a provider reads. `inputs/config.ts`'s `Config` has all of these; the type is
 * restated here so providers do not depend on the inputs room.
 */
export interface ProviderSettings {
  /** Undefined means the registry's default provider. */
  provider: string | undefined;
  apiToken: string;
  apiUrl: string | undefined;
  apiTimeoutMs: number;
  workspaceUuid: string | undefined;
  workflowUuid: string | undefined;
  estimateFrom: 'auto' | 'history' | 'sample' | 'metrics';
  runBatch: boolean;
  recordsFile: string | undefined;
  sampleSize: number;
  sampleCommand: string | undefined;
  ledgerSettleSeconds: number;
  skuFilter: RegExp | undefined;
  requestsPerRecord: number;
}

/**
 * A launched batch whose watch ended in a failure (its status could not be read, a cancel was
 * refused). It carries what is known of the batch, so the report and the step outputs still
 * name it, and whether the gate managed to cancel it.
 */
export class LaunchError extends GateError {
  readonly outcome: BatchOutcome;
  /** True when the batch was cancelled (or had already finished) before the gate gave up. */
  readonly stopped: boolean;
  constructor(
    kind: ErrorKind,
    message: string,
    detail: { outcome: BatchOutcome; stopped: boolean; cause?: unknown },
  ) {
    super(kind, message, { cause: detail.cause });
    this.name = 'LaunchError';
    this.outcome = detail.outcome;
    this.stopped = detail.stopped;
  }
}
