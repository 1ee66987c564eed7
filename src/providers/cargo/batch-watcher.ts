// The one watcher of every batch the Cargo provider starts, the sample and the batch run-batch
// launches: create it (and find it again when the creation answer is lost), poll its own status
// and spend, stop it at the cap, the time bound or an interrupt, and cancel any batch it did not
// see end, so no batch the gate started goes on spending unwatched.
import type { BatchOutcome } from '../../engine/receipt.js';
import { describeError, type ErrorKind, GateError } from '../../shared/errors.js';
import { LaunchError, type ProviderContext } from '../provider.js';
import type { BatchData, CargoClient } from './client.js';
import { billedCredits } from './cost.js';
import { CompletionPace, SpendPace } from './poll-schedule.js';
import type { Batch, BatchStatus } from './schemas.js';
import { groupedNumber } from '../../shared/grouped-number.js';

/** The statuses after which a batch neither runs nor bills (reference: `Batch`). */
export const TERMINAL_STATUSES: ReadonlySet<BatchStatus> = new Set([
  'success',
  'error',
  'cancelled',
  'skipped',
]);

/** Failures of a create after which Cargo may still have started the batch (and its billing). */
const AMBIGUOUS: ReadonlySet<ErrorKind> = new Set([
  'timeout',
  'network',
  'invalid-response',
  'server',
  // The job was interrupted while the create was in flight: it may have arrived.
  'cancelled',
]);
/**
 * Clean-up failures worth retrying: the service, or the way to it, may recover. A 404 is among
 * them because the batch is known to exist (the gate created it): a gateway or a deploy answered.
 */
const TRANSIENT: ReadonlySet<ErrorKind> = new Set([
  'timeout',
  'network',
  'server',
  'rate-limited',
  'not-found',
]);
/** How long a failing clean-up call (a cancel) is retried before the gate says it could not. */
export const CLEANUP_RETRY_MS = 30_000;
const CLEANUP_FIRST_DELAY_MS = 1_000;
const CLEANUP_MAX_DELAY_MS = 8_000;
/** Slack for the clocks of this machine and Cargo when a batch is matched by creation time. */
const CLOCK_SKEW_MS = 2_000;
/** A sleep the job's interrupt does not cut short: clean-up waits must still happen after one. */
const NEVER_ABORTED = new AbortController().signal;

/** Why a watched batch was stopped. */
export type StopReason = NonNullable<BatchOutcome['stopped']>;

/** A batch's state and spend at one poll. */
export interface BatchProgress {
  batch: Batch;
  /** Provider credits plus the execution charge so far. */
  spent: number;
  byNode: BatchOutcome['byNode'];
}

/** How one batch is watched. */
export interface WatchPlan {
  /** Spend at which the batch is cancelled. */
  cap: number;
  /** Bound on the watch; past it the batch is cancelled (`Infinity`: no bound). */
  timeoutMs: number;
  /** The input that sets the bound, for the log (`batch-timeout-minutes`). */
  timeoutInput: string;
  /**
   * Base wait before the next poll, from the time elapsed and the previous wait; once spend is
   * seen, the watcher waits less when the cap comes closer (`SpendPace`).
   */
  interval: (elapsedMs: number, previousMs: number | undefined) => number;
  /** Says how it is going after each poll (a progress line). */
  report: (progress: BatchProgress, elapsedMs: number) => void;
  /**
   * The caller waits for the batch's end (a sample's decision does): poll when its last run is
   * predicted to finish rather than a whole base wait later (`CompletionPace`).
   */
  awaitsEnd?: boolean;
}

/** What is known of a batch while it is watched. */
interface Watch {
  started: number;
  cap: number;
  last: BatchProgress;
  /** For the log: what set the time bound. */
  timeoutInput?: string;
}

export interface WatcherDeps {
  client: CargoClient;
  workflowUuid: string;
  context: ProviderContext;
}

const fmt = (n: number) => groupedNumber(n, 0, 2);
/** API text on one line, so it cannot start a line of its own in the log (a runner command). */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Creates, watches and stops Cargo batches. */
export class CargoBatchWatcher {
  /** Every batch this watcher created (or found behind a lost answer): the gate's own. */
  readonly created = new Set<string>();

  constructor(private readonly deps: WatcherDeps) {}

  /**
   * Starts a batch of `size` records (undefined when not known). When the answer is lost, finds
   * the batch the call may have started and cancels it: a `LaunchError` then names it, so the
   * report and the outputs do; else the failure is rethrown as it came.
   */
  async create(
    data: BatchData,
    expected: { size: number | undefined; cap: number },
  ): Promise<Batch> {
    const { client, workflowUuid, context } = this.deps;
    // Nothing is launched once the job is interrupted (and no batch is then searched for).
    if (context.signal.aborted) {
      throw new GateError('cancelled', 'Interrupted before the batch was created: nothing ran.');
    }
    const since = context.now();
    try {
      const batch = await client.createBatch({ workflowUuid, data });
      this.created.add(batch.uuid);
      return batch;
    } catch (error) {
      if (!(error instanceof GateError && AMBIGUOUS.has(error.kind))) throw error;
      const orphan = await this.cancelOrphans({ since, until: context.now(), ...expected });
      if (orphan === undefined) throw error;
      throw await this.lostCreate(orphan, error);
    }
  }

  /**
   * Polls the batch until it ends on its own, or stops it at the cap, the time bound or an
   * interrupt. A batch it did not see end is cancelled on every path; a failure once the batch
   * exists becomes a `LaunchError` carrying what is known of it.
   */
  async watch(batch: Batch, plan: WatchPlan): Promise<BatchOutcome> {
    const w: Watch = {
      started: this.deps.context.now(),
      cap: plan.cap,
      last: { batch, spent: 0, byNode: [] },
      timeoutInput: plan.timeoutInput,
    };
    let reason: StopReason | null;
    try {
      reason = await this.poll(w, plan);
    } catch (error) {
      // An interrupt that cut a poll short is an interrupt, not a lost batch.
      if (!this.deps.context.signal.aborted) {
        await this.stop(w, 'watch-failed', error);
        throw this.failure(w, 'watch-failed', error, true);
      }
      reason = 'interrupted';
    }
    if (reason !== null) await this.stop(w, reason);
    // After an interrupt no request but a clean-up goes out: what was last seen is the outcome.
    if (reason === 'interrupted') return this.outcome(w, reason);
    return this.finish(w, reason);
  }

  /** The outcome of a batch launched and left running (`detach`). */
  leave(batch: Batch, cap: number): BatchOutcome {
    const w = { started: this.deps.context.now(), cap, last: { batch, spent: 0, byNode: [] } };
    return { ...this.outcome(w, null), detached: true };
  }

  /** The batch's own status and what it has spent; `final` counts the runs that really ran. */
  async progress(uuid: string, final = false): Promise<BatchProgress> {
    const { client, workflowUuid } = this.deps;
    const [batch, metrics, ran] = await Promise.all([
      client.getBatch(uuid),
      client.getRunMetrics({ workflowUuid, batchUuid: uuid }),
      // A cancelled batch counts its cancelled runs as executed; at the end, count those that ran.
      final
        ? client.countRuns({ workflowUuid, batchUuid: uuid, statuses: ['success', 'error'] })
        : undefined,
    ]);
    const executions = metrics.reduce((s, m) => s + m.totalExecutionsCount, 0);
    const credits = metrics.reduce((s, m) => s + m.creditsUsedCount, 0);
    return {
      batch: ran === undefined ? batch : { ...batch, executedRunsCount: ran },
      // The metrics' credits and the batch's agree; the larger is what Cargo has billed.
      spent: billedCredits(Math.max(batch.creditsUsedCount, credits), executions),
      byNode: metrics.map((m) => ({
        key: m.nodeUuid,
        credits: m.creditsUsedCount,
        executions: m.totalExecutionsCount,
        cost: billedCredits(m.creditsUsedCount, m.totalExecutionsCount),
      })),
    };
  }

  /** Polls until the batch ends (null) or a reason to stop it comes up. */
  private async poll(w: Watch, plan: WatchPlan): Promise<StopReason | null> {
    const { context } = this.deps;
    const pace = new SpendPace(w.started);
    const completion = plan.awaitsEnd ? new CompletionPace(w.started) : undefined;
    let base: number | undefined;
    for (;;) {
      const elapsed = this.elapsed(w);
      base = plan.interval(elapsed, base);
      const soonest = Math.min(
        pace.nextWait(base, elapsed, plan.cap),
        completion?.nextWait(base) ?? base,
      );
      // Never sleep past the time bound: the batch is stopped at it, not a poll later.
      const wait = Math.min(soonest, plan.timeoutMs - elapsed);
      await context.sleep(Math.max(0, wait), context.signal);
      if (context.signal.aborted) return 'interrupted';
      w.last = await this.progress(w.last.batch.uuid);
      pace.observe(context.now(), w.last.spent);
      const { executedRunsCount, runsCount } = w.last.batch;
      completion?.observe(context.now(), executedRunsCount, runsCount);
      plan.report(w.last, this.elapsed(w));
      if (TERMINAL_STATUSES.has(w.last.batch.status)) return this.ended(w.last.batch);
      if (w.last.spent >= plan.cap) return 'hard-cap';
      if (this.elapsed(w) >= plan.timeoutMs) return 'timeout';
    }
  }

  /** A batch Cargo ended: says so when it did not succeed, in Cargo's own words. */
  private ended(batch: Batch): null {
    if (batch.status !== 'success') {
      const why = batch.errorMessage ? `: ${oneLine(batch.errorMessage)}` : '';
      this.deps.context.log.warning(`Cargo ended batch ${batch.uuid} as ${batch.status}${why}.`);
    }
    return null;
  }

  /** Reads the final state of a batch that ended or was cancelled. */
  private async finish(w: Watch, reason: StopReason | null): Promise<BatchOutcome> {
    try {
      w.last = await this.progress(w.last.batch.uuid, true);
    } catch (error) {
      throw this.failure(w, reason, error, true);
    }
    return this.outcome(w, reason);
  }

  /** Cancels a batch the gate stops watching; a `LaunchError` (not stopped) when it cannot. */
  private async stop(w: Watch, reason: StopReason, cause?: unknown): Promise<void> {
    const { log } = this.deps.context;
    const uuid = w.last.batch.uuid;
    log.warning(`${stopLine(w, reason, this.elapsed(w), cause)}: cancelling batch ${uuid}.`);
    let result: Awaited<ReturnType<CargoClient['cancelBatch']>>;
    try {
      result = await this.persist(`cancel batch ${uuid}`, () => this.deps.client.cancelBatch(uuid));
    } catch (error) {
      throw this.failure(w, reason, error, false);
    }
    log.info(result === 'cancelled' ? `Cancelled batch ${uuid}.` : `Batch ${uuid} had finished.`);
    // What Cargo says of a batch it has just been told to cancel, should it not be read again.
    if (result === 'cancelled' && !TERMINAL_STATUSES.has(w.last.batch.status)) {
      w.last = { ...w.last, batch: { ...w.last.batch, status: 'cancelling' } };
    }
  }

  /**
   * Runs a clean-up call, retrying transient failures with growing waits for up to
   * `CLEANUP_RETRY_MS`. The waits ignore the interrupt: an interrupted job must still cancel.
   */
  private async persist<T>(what: string, call: () => Promise<T>): Promise<T> {
    const { now, sleep, log } = this.deps.context;
    const started = now();
    for (let delay = CLEANUP_FIRST_DELAY_MS; ; delay = Math.min(2 * delay, CLEANUP_MAX_DELAY_MS)) {
      try {
        return await call();
      } catch (error) {
        const transient = error instanceof GateError && TRANSIENT.has(error.kind);
        if (!transient || now() - started + delay > CLEANUP_RETRY_MS) throw error;
        log.warning(`Could not ${what} (${describeError(error)}); retrying in ${delay / 1000} s.`);
        await sleep(delay, NEVER_ABORTED);
      }
    }
  }

  /**
   * Cancels the unfinished batches of the workflow that a lost create may have started; returns
   * the first one, stopped (a `LaunchError` when it could not be), or undefined when none exists.
   */
  private async cancelOrphans(lost: OrphanSearch): Promise<Watch | undefined> {
    const { log } = this.deps.context;
    let orphans: Batch[];
    try {
      orphans = await this.persist('list the batches of the workflow', () =>
        this.findOrphans(lost),
      );
    } catch (error) {
      log.warning(
        `Could not check for a batch started by the failed request: ${describeError(error)}. Check the workflow's batches in Cargo.`,
      );
      return undefined;
    }
    const failures: LaunchError[] = [];
    const stopped: Watch[] = [];
    for (const batch of orphans) {
      this.created.add(batch.uuid);
      const w: Watch = {
        started: lost.since,
        cap: lost.cap,
        last: { batch, spent: 0, byNode: [] },
      };
      await this.stop(w, 'watch-failed').then(
        () => stopped.push(w),
        (error: LaunchError) => failures.push(error),
      );
    }
    if (failures[0]) throw failures[0];
    return stopped[0];
  }

  /** The failure of a create whose batch was found and cancelled: names the batch and its spend. */
  private async lostCreate(w: Watch, cause: GateError): Promise<LaunchError> {
    // Best effort: what the cancelled batch spent before it was found.
    w.last = await this.progress(w.last.batch.uuid, true).catch(() => w.last);
    const message = `The answer to the batch creation was lost (${describeError(cause)}), but Cargo had started batch ${w.last.batch.uuid}: it was cancelled after spending ${fmt(w.last.spent)} credits.`;
    return new LaunchError(cause.kind, message, {
      outcome: this.outcome(w, 'watch-failed'),
      stopped: true,
      cause,
    });
  }

  private async findOrphans(lost: OrphanSearch): Promise<Batch[]> {
    const open = await this.deps.client.listAllBatches(
      { workflowUuids: [this.deps.workflowUuid], isFinished: false },
      { cap: 100, cleanup: true },
    );
    return open.filter((b) => {
      const at = Date.parse(b.createdAt);
      const inWindow = at >= lost.since - CLOCK_SKEW_MS && at <= lost.until + CLOCK_SKEW_MS;
      // A batch still querying its records has no runs yet.
      const sized = lost.size === undefined || b.runsCount === lost.size || b.runsCount === 0;
      return inWindow && sized;
    });
  }

  /** A `LaunchError` carrying what is known of the batch. */
  private failure(
    w: Watch,
    reason: StopReason | null,
    cause: unknown,
    stopped: boolean,
  ): LaunchError {
    const { uuid, status } = w.last.batch;
    const kind = cause instanceof GateError ? cause.kind : 'server';
    const end = reason === null ? `had ended ${status}` : 'was stopped';
    const message = stopped
      ? `Lost sight of batch ${uuid} (${describeError(cause)}); it ${end} after spending at least ${fmt(w.last.spent)} credits.`
      : `Could not cancel batch ${uuid} (${describeError(cause)}). Cancel it in Cargo now: it may still be spending.`;
    return new LaunchError(kind, message, { outcome: this.outcome(w, reason), stopped, cause });
  }

  private outcome(w: Watch, stopped: StopReason | null): BatchOutcome {
    const { batch, spent, byNode } = w.last;
    return {
      batchUuid: batch.uuid,
      status: batch.status,
      stopped,
      detached: false,
      runsCount: batch.runsCount,
      executedRuns: batch.executedRunsCount,
      failedRuns: batch.failedRunsCount,
      actual: spent,
      hardCap: w.cap,
      byNode,
      ...(batch.errorMessage ? { errorMessage: oneLine(batch.errorMessage) } : {}),
      durationMs: this.deps.context.now() - w.started,
    };
  }

  private elapsed(w: Watch): number {
    return this.deps.context.now() - w.started;
  }
}

interface OrphanSearch {
  /** When the create was sent and when its failure came back. */
  since: number;
  until: number;
  size: number | undefined;
  cap: number;
}

/** Why a batch is being cancelled, for the log. */
function stopLine(w: Watch, reason: StopReason, elapsedMs: number, cause: unknown): string {
  const spent = `${fmt(w.last.spent)} credits`;
  if (reason === 'hard-cap') return `Spent ${spent}, at or past the cap of ${fmt(w.cap)}`;
  if (reason === 'timeout') {
    const bound = w.timeoutInput ?? "the watch's time bound";
    return `Still running after ${Math.round(elapsedMs / 1000)} s and ${spent}, past ${bound}`;
  }
  if (reason === 'interrupted') return `Interrupted after ${spent}`;
  return cause === undefined
    ? 'The creation answer was lost'
    : `Lost sight of the batch (${describeError(cause)})`;
}
