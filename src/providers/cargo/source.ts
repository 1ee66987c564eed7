import { sleepUnlessAborted } from '../../shared/sleep.js';
import {
  type Estimate,
  estimateFromObservations,
  estimateFromTotals,
} from '../../engine/estimate.js';
import type { Observation } from '../../engine/observation.js';
import { ApiError, GateError } from '../../shared/errors.js';
import type {
  BalanceReport,
  EstimateOutcome,
  EstimatePlan,
  Log,
  Provider,
  SampleReport,
} from '../provider.js';
import type { CargoClient } from './client.js';
import { CargoBatchGuard } from './batch-watcher.js';
import type { Run } from './schemas.js';

/** Cargo bills 0.01 credit per node execution on top of provider credits (reference fact 1). */
export const EXECUTION_CHARGE = 0.01;
/** Most runs history reads (two pages of 100). */
export const HISTORY_CAP = 200;
const HISTORY_PAGE = 100;
const DAY_MS = 86_400_000;

export interface CargoSourceDeps {
  client: CargoClient;
  workflowUuid: string;
  log: Log;
  now?: () => number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Poll interval by elapsed time; Cargo advises ~2 s, then 10–15 s after the first minute. */
  pollIntervalMs?: (elapsedMs: number, previousMs: number | undefined) => number;
  /** Poll interval of a launched batch (tests make it short). */
  batchPollIntervalMs?: (elapsedMs: number) => number;
}

/** One observation per finished run: provider credits plus 0.01 per execution. */
export function observeRun(run: Run): Observation {
  const parts = run.executions.map((e) => ({
    key: e.nodeSlug,
    id: e.nodeUuid,
    action: e.nodeIntegrationSlug
      ? `${e.nodeIntegrationSlug}.${e.nodeActionSlug ?? 'action'}`
      : undefined,
    kind: e.nodeKind,
    credits: e.creditsUsedCount,
    executions: 1,
  }));
  const executions = run.executions.length;
  return {
    id: run.uuid,
    recordId: run.recordId,
    status: run.status === 'error' ? 'error' : 'success',
    providerCredits: parts.reduce((s, p) => s + p.credits, 0),
    executions,
    // executions / 100 rather than 0.01 × executions: exact for every count a run can have.
    executionCredits: executions / 100,
    parts,
  };
}

/** What a run has cost so far, finished or not. */
export function runSpend(run: Run): number {
  return run.executions.reduce((s, e) => s + e.creditsUsedCount, 0) + run.executions.length / 100;
}

export function defaultPollInterval(elapsedMs: number, previousMs: number | undefined): number {
  if (elapsedMs < 60_000) return 2_000;
  return Math.min(10_000, Math.round((previousMs ?? 2_000) * 1.5));
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** The Cargo provider: balance from the subscription, cost per record from runs or metrics. */
export class CargoSource implements Provider {
  readonly name = 'cargo' as const;
  readonly subject: string;
  readonly guard: CargoBatchGuard;
  private readonly client: CargoClient;
  private readonly log: Log;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly pollInterval: (elapsedMs: number, previousMs: number | undefined) => number;

  constructor(private readonly deps: CargoSourceDeps) {
    this.client = deps.client;
    this.subject = deps.workflowUuid;
    this.log = deps.log;
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? sleepUnlessAborted;
    this.pollInterval = deps.pollIntervalMs ?? defaultPollInterval;
    this.guard = new CargoBatchGuard({
      client: deps.client,
      workflowUuid: deps.workflowUuid,
      log: deps.log,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.batchPollIntervalMs ? { pollIntervalMs: deps.batchPollIntervalMs } : {}),
    });
  }

  async readBalance(): Promise<BalanceReport> {
    const s = await this.client.getSubscription();
    const overage =
      s.creditsOverageBehaviors?.find((b) => b.unit === 'billing.credits')?.action ?? 'deny';
    const remaining = s.subscriptionAvailableCreditsCount - s.subscriptionCreditsUsedCount;
    const details = [
      ...(s.plan
        ? [{ label: 'Plan', value: `${s.plan}${s.cadence ? ` (${s.cadence})` : ''}` }]
        : []),
      { label: 'Credits available this period', value: fmt(s.subscriptionAvailableCreditsCount) },
      { label: 'Credits used this period', value: fmt(s.subscriptionCreditsUsedCount) },
      {
        label: 'Overage',
        value: overage === 'allow' ? 'allowed (billed)' : 'denied (runs stop at zero)',
      },
      ...(s.resetAt ? [{ label: 'Credits reset', value: s.resetAt }] : []),
    ];
    return { remaining, overageAllowed: overage === 'allow', unit: 'credits', details };
  }

  async estimate(
    plan: EstimatePlan,
    balance: Promise<BalanceReport>,
    signal: AbortSignal,
  ): Promise<EstimateOutcome> {
    if (plan.source === 'metrics') return this.fromMetrics(plan);
    if (plan.source === 'sample') return this.fromSample(plan, await balance, signal);
    const history = await this.fromHistory(plan);
    if (plan.source === 'history') {
      if (history.observations.length === 0) {
        throw new GateError(
          'estimate',
          `No finished runs of workflow ${this.subject} in the last ${plan.windowDays} days to estimate from. Run a sample (estimate-from: sample with sample-records or records-file), widen history-window-days, or use estimate-from: metrics.`,
        );
      }
      return history;
    }
    const n = history.observations.length;
    if (n >= plan.minHistoryRuns) {
      history.basis.note = `auto: ${n} finished runs in the window (min-history-runs ${plan.minHistoryRuns})`;
      return history;
    }
    if (plan.sampleRecords.length > 0) {
      this.log.info(
        `History has ${n} finished runs (fewer than min-history-runs ${plan.minHistoryRuns}); estimating from a sample instead.`,
      );
      const sample = await this.fromSample(plan, await balance, signal);
      sample.basis.note = `auto: history had ${n} finished runs (< min-history-runs ${plan.minHistoryRuns}), so a sample was run`;
      return sample;
    }
    throw new GateError(
      'estimate',
      `estimate-from auto found only ${n} finished runs of workflow ${this.subject} in the last ${plan.windowDays} days (min-history-runs is ${plan.minHistoryRuns}) and no sample records. Add sample-records or records-file to estimate from a sample run, lower min-history-runs, or set estimate-from: metrics.`,
    );
  }

  /** The workflow's finished runs in the window, newest first, up to 200. */
  private async fromHistory(
    plan: EstimatePlan,
  ): Promise<EstimateOutcome & { observations: Observation[] }> {
    const to = this.now();
    const createdAfter = new Date(to - plan.windowDays * DAY_MS).toISOString();
    const runs = await this.client.listAllRuns(
      { workflowUuid: this.subject, statuses: ['success', 'error'], createdAfter },
      { cap: HISTORY_CAP, pageSize: HISTORY_PAGE },
    );
    const observations = runs
      .filter((r) => r.status === 'success' || r.status === 'error')
      .map(observeRun);
    const basis = {
      source: 'history' as const,
      n: observations.length,
      windowDays: plan.windowDays,
      from: createdAfter,
      to: new Date(to).toISOString(),
    };
    if (observations.length === 0)
      return { estimate: emptyEstimate('history'), observations, basis };
    return { estimate: estimateFromObservations('history', observations), observations, basis };
  }

  /** The seed's approach: credits and executions of the window's usage metrics over its finished runs. */
  private async fromMetrics(plan: EstimatePlan): Promise<EstimateOutcome> {
    const now = this.now();
    const from = day(now - plan.windowDays * DAY_MS);
    const to = day(now);
    const query = { from, to, workflowUuid: this.subject };
    const [credits, executions, runs] = await Promise.all([
      this.client.getUsageMetrics({ ...query, unit: 'billing.credits' }),
      this.client.getUsageMetrics({ ...query, unit: 'orchestration.executions' }),
      this.client.countRuns({
        workflowUuid: this.subject,
        statuses: ['success', 'error'],
        createdAfter: `${from}T00:00:00.000Z`,
      }),
    ]);
    if (runs === 0) {
      throw new GateError(
        'estimate',
        `No finished runs of workflow ${this.subject} from ${from} to ${to}: usage metrics cannot be divided into a cost per record. Use estimate-from: sample.`,
      );
    }
    const byAction = new Map<string, number>();
    let providerCredits = 0;
    for (const bucket of credits) {
      for (const item of bucket.items) {
        providerCredits += item.count;
        byAction.set(item.slug, (byAction.get(item.slug) ?? 0) + item.count);
      }
    }
    const executionCount = executions.flatMap((b) => b.items).reduce((s, i) => s + i.count, 0);
    const estimate = estimateFromTotals({
      runs,
      providerCredits,
      executions: executionCount,
      executionCharge: EXECUTION_CHARGE,
      byAction: [...byAction].map(([key, c]) => ({ key, credits: c })),
    });
    return {
      estimate,
      observations: [],
      basis: { source: 'metrics', n: runs, windowDays: plan.windowDays, from, to },
    };
  }

  /** Runs the sample records as one batch, watching its spend, and observes its finished runs. */
  private async fromSample(
    plan: EstimatePlan,
    balance: BalanceReport,
    signal: AbortSignal,
  ): Promise<EstimateOutcome> {
    if (plan.sampleRecords.length === 0) {
      throw new GateError(
        'estimate',
        'estimate-from sample needs records to run: set sample-records (inline JSON array or a file) or records-file.',
      );
    }
    if (balance.remaining < plan.maxSampleCredits && !balance.overageAllowed) {
      throw new GateError(
        'estimate',
        `Refusing to run a sample: ${fmt(balance.remaining)} credits remain, less than max-sample-credits (${fmt(plan.maxSampleCredits)}). Lower max-sample-credits or estimate from history.`,
      );
    }
    const records = plan.sampleRecords;
    const started = this.now();
    let batch: Awaited<ReturnType<CargoClient['createBatch']>>;
    try {
      batch = await this.client.createBatch({
        workflowUuid: this.subject,
        data: { kind: 'records', records },
      });
    } catch (error) {
      // An answer that timed out, broke off or could not be read may still have started the
      // batch: find it and stop it, so a sample never runs on unwatched.
      if (
        error instanceof ApiError &&
        ['timeout', 'network', 'invalid-response', 'server'].includes(error.kind)
      ) {
        await this.cancelOrphans(started, records.length);
      }
      throw error;
    }
    this.log.info(
      `Sample: started batch ${batch.uuid} with ${records.length} records (cap ${fmt(plan.maxSampleCredits)} credits, ${Math.round(plan.sampleTimeoutMs / 60_000)} min).`,
    );
    let runs: Run[] = [];
    let cancelled: SampleReport['cancelled'] = null;
    let finished = false;
    let interval: number | undefined;
    try {
      for (;;) {
        interval = this.pollInterval(this.now() - started, interval);
        await this.sleep(interval, signal);
        if (signal.aborted) {
          cancelled = 'interrupted';
          break;
        }
        runs = await this.client.listAllRuns(
          { batchUuid: batch.uuid },
          { cap: records.length, pageSize: 100 },
        );
        const done = runs.filter((r) =>
          ['success', 'error', 'cancelled', 'skipped'].includes(r.status),
        ).length;
        const spent = runs.reduce((s, r) => s + runSpend(r), 0);
        const elapsed = this.now() - started;
        this.log.info(
          `Sample: ${done}/${records.length} runs done, ${fmt(spent)} credits so far (${Math.round(elapsed / 1000)} s).`,
        );
        if (runs.length >= records.length && done === runs.length) {
          finished = true;
          break;
        }
        if (spent >= plan.maxSampleCredits) {
          cancelled = 'max-sample-credits';
          break;
        }
        if (elapsed >= plan.sampleTimeoutMs) {
          cancelled = 'sample-timeout';
          break;
        }
      }
    } finally {
      // Whatever ended the loop — cap, timeout, interrupt or an API error — a sample that is
      // still running is stopped, so it never goes on spending after the gate has left.
      if (!finished) await this.stopSample(batch.uuid);
    }
    if (cancelled !== null) {
      runs = await this.client.listAllRuns(
        { batchUuid: batch.uuid },
        { cap: records.length, pageSize: 100 },
      );
      this.log.warning(`Sample batch ${batch.uuid} was cancelled (${cancelled}).`);
    }
    const cost = runs.reduce((s, r) => s + runSpend(r), 0);
    const finishedRuns = runs.filter((r) => r.status === 'success' || r.status === 'error');
    const sample: SampleReport = {
      batchUuid: batch.uuid,
      records: records.length,
      finished: finishedRuns.length,
      cancelled,
      cost,
      durationMs: this.now() - started,
    };
    if (cancelled === 'interrupted') {
      throw new GateError(
        'cancelled',
        `Interrupted: sample batch ${batch.uuid} was cancelled after spending ${fmt(cost)} credits.`,
      );
    }
    if (finishedRuns.length === 0) {
      throw new GateError(
        'estimate',
        `The sample batch ${batch.uuid} was stopped (${cancelled ?? 'no runs'}) before any record finished, after spending ${fmt(cost)} credits. Raise max-sample-credits or sample-timeout-minutes, or estimate from history.`,
      );
    }
    const observations = finishedRuns.map(observeRun);
    return {
      estimate: estimateFromObservations('sample', observations),
      observations,
      basis: { source: 'sample', n: observations.length },
      sample,
    };
  }

  /** Cancels unfinished batches of this workflow created since `since` with the sample's size. */
  private async cancelOrphans(since: number, size: number): Promise<void> {
    try {
      const open = await this.client.listAllBatches(
        { workflowUuids: [this.subject], isFinished: false },
        { cap: 100 },
      );
      const ours = open.filter(
        (b) =>
          Date.parse(b.createdAt) >= since - 2_000 && (b.runsCount === size || b.runsCount === 0),
      );
      for (const b of ours) {
        this.log.warning(
          `The sample batch's creation answer was lost; cancelling batch ${b.uuid}, created at ${b.createdAt}.`,
        );
        await this.stopSample(b.uuid);
      }
    } catch (error) {
      this.log.warning(
        `Could not check for a sample batch started by the failed request: ${error instanceof Error ? error.message : String(error)}. Check the workflow's batches in Cargo.`,
      );
    }
  }

  private async stopSample(batchUuid: string): Promise<void> {
    try {
      const result = await this.client.cancelBatch(batchUuid);
      if (result === 'cancelled') this.log.info(`Sample: cancelled batch ${batchUuid}.`);
    } catch (error) {
      const why = error instanceof ApiError ? error.message : String(error);
      this.log.warning(
        `Could not cancel sample batch ${batchUuid}: ${why}. Cancel it in Cargo so it stops spending.`,
      );
    }
  }
}

function emptyEstimate(source: Estimate['source']): Estimate {
  return {
    source,
    n: 0,
    mean: 0,
    sd: null,
    providerMean: 0,
    executionMean: 0,
    executionsPerRecord: 0,
    errorShare: 0,
    errorMean: null,
    byNode: [],
    byAction: [],
  };
}
