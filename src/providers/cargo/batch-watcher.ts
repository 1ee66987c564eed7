import { sleepUnlessAborted } from '../../shared/sleep.js';
import { GateError } from '../../shared/errors.js';
import type { BatchOutcome } from '../../engine/receipt.js';
import type { Log } from '../provider.js';
import type { BatchData, CargoClient } from './client.js';

const TERMINAL = new Set(['success', 'error', 'cancelled', 'skipped']);

export interface GuardDeps {
  client: CargoClient;
  workflowUuid: string;
  log: Log;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Cargo advises batches be polled every ~5 s, and every 10–15 s after the first minute. */
  pollIntervalMs?: (elapsedMs: number) => number;
}

function batchPollInterval(elapsedMs: number): number {
  if (elapsedMs < 60_000) return 5_000;
  return elapsedMs < 300_000 ? 10_000 : 15_000;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** Launches a Cargo batch and watches its spend, cancelling it at the hard cap or on interrupt. */
export class CargoBatchGuard {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly interval: (elapsedMs: number) => number;

  constructor(private readonly deps: GuardDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? sleepUnlessAborted;
    this.interval = deps.pollIntervalMs ?? batchPollInterval;
  }

  /** Counts a segment's or filter's records with a free preview (nothing runs). */
  async sizePool(data: BatchData): Promise<number> {
    const { count } = await this.deps.client.previewBatch({
      workflowUuid: this.deps.workflowUuid,
      data,
    });
    this.deps.log.info(`Sized the pool with a batch preview (free): ${count} records.`);
    return count;
  }

  /** What the batch has spent so far: its provider credits plus 0.01 per node execution. */
  private async progress(batchUuid: string, final = false) {
    const [batch, metrics, finished] = await Promise.all([
      this.deps.client.getBatch(batchUuid),
      this.deps.client.getRunMetrics({ workflowUuid: this.deps.workflowUuid, batchUuid }),
      // At the end, count the runs that really ran: a cancelled batch counts its cancelled runs as executed.
      final
        ? this.deps.client.countRuns({
            workflowUuid: this.deps.workflowUuid,
            batchUuid,
            statuses: ['success', 'error'],
          })
        : Promise.resolve(undefined),
    ]);
    if (finished !== undefined) batch.executedRunsCount = finished;
    const executions = metrics.reduce((s, m) => s + m.totalExecutionsCount, 0);
    const credits = metrics.reduce((s, m) => s + m.creditsUsedCount, 0);
    return {
      batch,
      // The metrics' credits and the batch's agree; the batch's is what Cargo bills.
      spent: Math.max(batch.creditsUsedCount, credits) + executions / 100,
      byNode: metrics.map((m) => ({
        key: m.nodeUuid,
        credits: m.creditsUsedCount,
        executions: m.totalExecutionsCount,
      })),
    };
  }

  /** Creates the batch, then (unless detached) watches it to the end or to the cap. */
  async run(
    data: BatchData,
    options: { hardCap: number; detach: boolean; signal: AbortSignal },
  ): Promise<BatchOutcome> {
    const { client, log, workflowUuid } = this.deps;
    const started = this.now();
    const created = await client.createBatch({ workflowUuid, data });
    log.info(`Launched batch ${created.uuid} (hard cap ${fmt(options.hardCap)} credits).`);
    const outcome = (
      p: Awaited<ReturnType<CargoBatchGuard['progress']>>,
      stopped: BatchOutcome['stopped'],
    ): BatchOutcome => ({
      batchUuid: created.uuid,
      status: p.batch.status,
      stopped,
      detached: options.detach,
      runsCount: p.batch.runsCount,
      executedRuns: p.batch.executedRunsCount,
      failedRuns: p.batch.failedRunsCount,
      actual: p.spent,
      hardCap: options.hardCap,
      byNode: p.byNode,
      durationMs: this.now() - started,
    });
    if (options.detach) {
      log.info(`detach: leaving batch ${created.uuid} running.`);
      return outcome({ batch: created, spent: 0, byNode: [] }, null);
    }
    for (;;) {
      await this.sleep(this.interval(this.now() - started), options.signal);
      if (options.signal.aborted) return this.stop(created.uuid, 'interrupted', outcome);
      const p = await this.progress(created.uuid);
      const done = p.batch.executedRunsCount;
      const total = p.batch.runsCount;
      const projectedFinal = done > 0 ? (p.spent / done) * total : p.spent;
      log.info(
        `Batch ${created.uuid}: ${done}/${total} runs done, ${fmt(p.spent)} credits spent, ~${fmt(projectedFinal)} projected at this rate (${Math.round((this.now() - started) / 1000)} s).`,
      );
      if (TERMINAL.has(p.batch.status))
        return outcome(await this.progress(created.uuid, true), null);
      if (p.spent >= options.hardCap) {
        log.warning(
          `Batch ${created.uuid} has spent ${fmt(p.spent)} credits, at or past the hard cap of ${fmt(options.hardCap)}: cancelling it.`,
        );
        return this.stop(created.uuid, 'hard-cap', outcome);
      }
    }
  }

  private async stop(
    batchUuid: string,
    why: 'hard-cap' | 'interrupted',
    outcome: (
      p: Awaited<ReturnType<CargoBatchGuard['progress']>>,
      stopped: BatchOutcome['stopped'],
    ) => BatchOutcome,
  ): Promise<BatchOutcome> {
    try {
      await this.deps.client.cancelBatch(batchUuid);
    } catch (error) {
      throw new GateError(
        'server',
        `Could not cancel batch ${batchUuid} (${why}): ${error instanceof Error ? error.message : String(error)}. Cancel it in Cargo now.`,
      );
    }
    return outcome(await this.progress(batchUuid, true), why);
  }
}
