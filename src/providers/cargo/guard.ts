// The guard: launch a Cargo batch only while no other batch of the workflow runs, then watch it
// and stop it at the hard cap, the time bound or an interrupt (through the one batch watcher).
import { GateError } from '../../shared/errors.js';
import type { BatchGuard, BatchData as LaunchData, LaunchOptions, OpenBatch } from '../provider.js';
import type { BatchOutcome } from '../../engine/receipt.js';
import { CargoBatchWatcher, type BatchProgress, type WatcherDeps } from './batch-watcher.js';
import type { BatchData } from './client.js';
import { batchPollInterval } from './poll-schedule.js';
import { groupedNumber } from '../../shared/grouped-number.js';

const fmt = (n: number) => groupedNumber(n, 0, 2);

/** Most unfinished batches read (one page): enough to see that some exist and name them. */
const OPEN_BATCHES_CAP = 100;

/** Launches a Cargo batch and watches its spend, cancelling it at the hard cap or on interrupt. */
export class CargoBatchGuard implements BatchGuard {
  constructor(
    private readonly deps: WatcherDeps,
    private readonly watcher = new CargoBatchWatcher(deps),
  ) {}

  /** Counts a segment's or filter's records with a free preview (nothing runs). */
  async sizePool(data: LaunchData): Promise<number> {
    const { count } = await this.deps.client.previewBatch({
      workflowUuid: this.deps.workflowUuid,
      data,
    });
    this.deps.context.log.info(`Sized the pool with a batch preview (free): ${count} records.`);
    return count;
  }

  /** The workflow's batches Cargo has not finished, newest first. */
  async unfinished(signal?: AbortSignal): Promise<OpenBatch[]> {
    const open = await this.deps.client.listAllBatches(
      { workflowUuids: [this.deps.workflowUuid], isFinished: false },
      { cap: OPEN_BATCHES_CAP, pageSize: OPEN_BATCHES_CAP, ...(signal ? { signal } : {}) },
    );
    const now = this.deps.context.now();
    return open.map((b) => ({
      uuid: b.uuid,
      status: b.status,
      ageMs: now - Date.parse(b.createdAt),
    }));
  }

  /**
   * Checks, creates the batch, then (unless detached) watches it to the end, the hard cap, or
   * `timeoutMs` (`batch-timeout-minutes`).
   */
  async run(data: LaunchData, launch: LaunchOptions): Promise<BatchOutcome> {
    const { context } = this.deps;
    const options = { ...launch, timeoutMs: launch.timeoutMs ?? Number.POSITIVE_INFINITY };
    if (context.signal.aborted) {
      throw new GateError('cancelled', 'Interrupted before the batch was created: nothing ran.');
    }
    await this.preflight(options);
    const batch = await this.watcher.create(data, { size: recordsIn(data), cap: options.hardCap });
    context.log.info(
      `Launched batch ${batch.uuid} (hard cap ${fmt(options.hardCap)} credits, watched for up to ${minutes(options.timeoutMs)}).`,
    );
    if (options.detach) {
      context.log.info(`detach: leaving batch ${batch.uuid} running.`);
      return this.watcher.leave(batch, options.hardCap);
    }
    return this.watcher.watch(batch, {
      cap: options.hardCap,
      timeoutMs: options.timeoutMs,
      timeoutInput: 'batch-timeout-minutes',
      interval: (elapsedMs) => (context.batchPollIntervalMs ?? batchPollInterval)(elapsedMs),
      report: (p, elapsedMs) => context.log.info(progressLine(p, elapsedMs, options)),
    });
  }

  /**
   * The last checks before the create, read together: the caller's (a fresh balance) and that no
   * other batch of the workflow is running (two gates started together must not both launch).
   */
  private async preflight(options: LaunchOptions): Promise<void> {
    const checks = await Promise.allSettled([options.beforeCreate?.(), this.refuseIfOtherRuns()]);
    const refused = checks.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (refused) throw refused.reason;
  }

  private async refuseIfOtherRuns(): Promise<void> {
    // The gate's own sample may still be winding down: it is not another batch.
    const others = (await this.unfinished()).filter((b) => !this.watcher.created.has(b.uuid));
    if (others.length === 0) return;
    const named = others
      .slice(0, 3)
      .map((b) => `${b.uuid} (${b.status}, started ${age(b.ageMs)} ago)`)
      .join(', ');
    const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
    throw new GateError(
      'request',
      `Another batch of workflow ${this.deps.workflowUuid} is unfinished: ${named}${more}. Not launching a second one on the same credits: wait for it or cancel it in Cargo, and give this workflow's gate a concurrency group.`,
    );
  }
}

/** Records a batch's data lists, when it lists them (a segment or filter is sized by Cargo). */
function recordsIn(data: BatchData): number | undefined {
  if (data.kind === 'records' && Array.isArray(data.records)) return data.records.length;
  if (data.kind === 'recordIds' && Array.isArray(data.ids)) return data.ids.length;
  return undefined;
}

function minutes(ms: number): string {
  return `${fmt(ms / 60_000)} min`;
}

function age(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** One progress line, with the cap and the time bound it is watched against. */
function progressLine(
  { batch, spent }: BatchProgress,
  elapsedMs: number,
  options: { hardCap: number; timeoutMs: number },
): string {
  const done = batch.executedRunsCount;
  const projectedFinal = done > 0 ? (spent / done) * batch.runsCount : spent;
  const seconds = Math.round(elapsedMs / 1000);
  return `Batch ${batch.uuid}: ${done}/${batch.runsCount} runs done, ${fmt(spent)} credits spent (hard cap ${fmt(options.hardCap)}), ~${fmt(projectedFinal)} projected at this rate; ${seconds} s of ${minutes(options.timeoutMs)} (batch-timeout-minutes), ${batch.status}.`;
}
