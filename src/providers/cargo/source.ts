// The Cargo provider: the balance from the subscription, the cost per record from finished runs
// (history), usage metrics, or a sample batch, and the guard that launches the batch itself.
import {
  emptyEstimate,
  estimateFromObservations,
  estimateFromTotals,
} from '../../engine/estimate.js';
import type * as Drift from '../../engine/drift.js';
import type { BalanceReport, EstimateOutcome, SampleReport } from '../../engine/evidence.js';
import { type Observation, observationCost } from '../../engine/observation.js';
import type { BatchOutcome } from '../../engine/receipt.js';
import { GateError, isApiError } from '../../shared/errors.js';
import {
  LaunchError,
  type Provider,
  type ProviderContext,
  type SampleCapability,
  type SamplePlan,
  type WindowPlan,
} from '../provider.js';
import { CargoBatchWatcher, type StopReason } from './batch-watcher.js';
import { CargoBatchGuard } from './guard.js';
import type { CargoClient } from './client.js';
import { EXECUTION_CHARGE, executionCharge, runCost, runProviderCredits } from './cost.js';
import type { Batch, Run } from './schemas.js';
import { whileWaitingOnNetwork } from '../../http/idle.js';
import { groupedNumber } from '../../shared/grouped-number.js';

/** Most runs history reads: one page of 200, one round trip (README "Performance"). */
export const HISTORY_CAP = 200;
const HISTORY_PAGE = HISTORY_CAP;
const DAY_MS = 86_400_000;

const NEEDS_RECORDS =
  'estimate-from sample needs records to run: set sample-records (inline JSON array or a file) or records-file.';

/** Why a sample was cancelled, in the report's words, by the watcher's reason. */
const SAMPLE_STOPS: Partial<Record<StopReason, SampleReport['cancelled']>> = {
  'hard-cap': 'max-sample-credits',
  timeout: 'sample-timeout',
  interrupted: 'interrupted',
};

export interface CargoSourceDeps {
  client: CargoClient;
  workflowUuid: string;
  context: ProviderContext;
}

/** One observation per finished run: provider credits plus the execution charge. */
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
    providerCredits: runProviderCredits(run),
    executions,
    executionCredits: executionCharge(executions),
    parts,
  };
}

/**
 * The observations history estimates from: every finished run, or only the recent ones when
 * `checkDrift` finds that the older runs cost significantly differently (then with a note saying so).
 */
export function recentHistory(
  runs: readonly Run[],
  { checkDrift, DRIFT_ALPHA }: typeof Drift,
): {
  observations: Observation[];
  note?: string;
} {
  const all = runs.map(observeRun);
  const check = checkDrift(
    all.map((o, i) => ({ cost: observationCost(o), releaseUuid: runs[i]!.releaseUuid })),
  );
  if (!check?.drifted) return { observations: all };
  const recent = all.filter((_, i) => check.recent[i]);
  const which =
    check.split === 'release'
      ? `the ${check.recentCount} runs of the current release`
      : `the newest ${check.recentCount} runs`;
  const p = check.pValue < 0.0001 ? '< 0.0001' : `= ${check.pValue.toFixed(4)}`;
  const note =
    `⚠️ costs changed recently: ${which} average ${fmtCredits(check.recentMean)} credits against ` +
    `${fmtCredits(check.olderMean)} for the ${check.olderCount} older runs (Welch t-test, p ${p} < ${DRIFT_ALPHA}); ` +
    `the estimate uses the ${check.recentCount} recent runs only`;
  return { observations: recent, note };
}

const fmtCredits = (n: number) => groupedNumber(n, 0, 4);

/** Sample poll interval: Cargo advises runs be polled every ~2 s, less often after a minute. */
export function defaultPollInterval(elapsedMs: number, previousMs: number | undefined): number {
  if (elapsedMs < 60_000) return 2_000;
  return Math.min(10_000, Math.round((previousMs ?? 2_000) * 1.5));
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const fmt = (n: number) => groupedNumber(n, 0, 2);
const loadDrift = () => import('../../engine/drift.js');
const isFinishedRun = (r: Run) => r.status === 'success' || r.status === 'error';

/** The Cargo provider: balance from the subscription, cost per record from runs or metrics. */
export class CargoSource implements Provider {
  readonly subject: string;
  readonly guard: CargoBatchGuard;
  readonly sample: SampleCapability;
  private readonly client: CargoClient;
  private readonly context: ProviderContext;
  private readonly watcher: CargoBatchWatcher;

  constructor(deps: CargoSourceDeps) {
    this.client = deps.client;
    this.subject = deps.workflowUuid;
    this.context = deps.context;
    this.watcher = new CargoBatchWatcher(deps);
    this.guard = new CargoBatchGuard(deps, this.watcher);
    this.sample = {
      missing: (plan) => (plan.records.length === 0 ? NEEDS_RECORDS : undefined),
      run: (plan, balance) => this.runSample(plan, balance),
    };
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

  /**
   * The workflow's finished runs in the window, newest first, up to 200; possibly none. The list
   * is newest first, so the current release's runs are read first and the cap drops the oldest.
   * When the older runs cost significantly differently (`recentHistory`), only the recent are used.
   */
  async history(plan: WindowPlan): Promise<EstimateOutcome> {
    const to = this.context.now();
    const createdAfter = new Date(to - plan.windowDays * DAY_MS).toISOString();
    const reading = this.client.listAllRuns(
      { workflowUuid: this.subject, statuses: ['success', 'error'], createdAfter },
      { cap: HISTORY_CAP, pageSize: HISTORY_PAGE },
    );
    // The drift test needs jstat (~11 ms to load): loaded while the runs are on the way, not
    // before their request goes out (README "Performance").
    let drift: Promise<typeof Drift> | undefined;
    whileWaitingOnNetwork(() => (drift ??= loadDrift()));
    const runs = await reading;
    const { observations, note } = recentHistory(
      runs.filter(isFinishedRun),
      await (drift ??= loadDrift()),
    );
    if (note !== undefined) this.context.log.warning(note);
    const basis = {
      source: 'history' as const,
      n: observations.length,
      windowDays: plan.windowDays,
      from: createdAfter,
      to: new Date(to).toISOString(),
      ...(note === undefined ? {} : { note }),
    };
    const estimate =
      observations.length === 0
        ? emptyEstimate('history')
        : estimateFromObservations('history', observations);
    return { estimate, observations, basis };
  }

  /** The seed's approach: credits and executions of the window's usage metrics over its finished runs. */
  async metrics(plan: WindowPlan): Promise<EstimateOutcome> {
    const now = this.context.now();
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
        `No finished runs of workflow ${this.subject} from ${from} to ${to}: usage metrics cannot be divided into a cost per record. Use ${plan.say?.('estimate-from', 'sample') ?? 'estimate-from: sample'}.`,
      );
    }
    const byAction = new Map<string, number>();
    let providerCredits = 0;
    for (const item of credits.flatMap((bucket) => bucket.items)) {
      providerCredits += item.count;
      byAction.set(item.slug, (byAction.get(item.slug) ?? 0) + item.count);
    }
    const estimate = estimateFromTotals({
      runs,
      providerCredits,
      executions: executions.flatMap((b) => b.items).reduce((s, i) => s + i.count, 0),
      executionCharge: EXECUTION_CHARGE,
      byAction: [...byAction].map(([key, c]) => ({ key, credits: c })),
    });
    return {
      estimate,
      observations: [],
      basis: { source: 'metrics', n: runs, windowDays: plan.windowDays, from, to },
    };
  }

  /** Runs the sample records as one watched batch and observes its finished runs. */
  private async runSample(
    plan: SamplePlan,
    balance: Promise<BalanceReport>,
  ): Promise<EstimateOutcome> {
    if (plan.records.length === 0) throw new GateError('estimate', NEEDS_RECORDS);
    const { remaining, overageAllowed } = await balance;
    if (remaining < plan.maxCredits && !overageAllowed) {
      throw new GateError(
        'estimate',
        `Refusing to run a sample: ${fmt(remaining)} credits remain, less than max-sample-credits (${fmt(plan.maxCredits)}). Lower max-sample-credits or estimate from history.`,
      );
    }
    const records = plan.records;
    const batch = await this.watcher
      .create({ kind: 'records', records }, { size: records.length, cap: plan.maxCredits })
      .catch(unwrapStopped);
    this.context.log.info(
      `Sample: started batch ${batch.uuid} with ${records.length} records (cap ${fmt(plan.maxCredits)} credits, ${minutes(plan.timeoutMs)}).`,
    );
    return this.observeSample(await this.watchSample(batch, plan), plan);
  }

  private async watchSample(batch: Batch, plan: SamplePlan): Promise<BatchOutcome> {
    const { log } = this.context;
    const bound = minutes(plan.timeoutMs);
    return this.watcher
      .watch(batch, {
        cap: plan.maxCredits,
        timeoutMs: plan.timeoutMs,
        timeoutInput: 'sample-timeout-minutes',
        interval: this.context.pollIntervalMs ?? defaultPollInterval,
        // The decision waits for the sample's last run: poll as it is due (README "Performance").
        awaitsEnd: true,
        report: (p, elapsedMs) =>
          log.info(
            `Sample: ${p.batch.executedRunsCount}/${plan.records.length} runs done, ${fmt(p.spent)} credits so far (cap ${fmt(plan.maxCredits)}); ${Math.round(elapsedMs / 1000)} s of ${bound} (sample-timeout-minutes).`,
          ),
      })
      .catch(unwrapStopped);
  }

  /** The estimate from the sample's finished runs, or why there is none. */
  private async observeSample(outcome: BatchOutcome, plan: SamplePlan): Promise<EstimateOutcome> {
    const uuid = outcome.batchUuid;
    const cancelled = (outcome.stopped && SAMPLE_STOPS[outcome.stopped]) ?? null;
    if (cancelled === 'interrupted') {
      throw new GateError(
        'cancelled',
        `Interrupted: sample batch ${uuid} was cancelled after spending ${fmt(outcome.actual)} credits.`,
      );
    }
    if (cancelled !== null)
      this.context.log.warning(`Sample batch ${uuid} was cancelled (${cancelled}).`);
    const runs = await this.client.listAllRuns(
      { batchUuid: uuid },
      { cap: plan.records.length, pageSize: 100 },
    );
    const finished = runs.filter(isFinishedRun);
    const sample: SampleReport = {
      batchUuid: uuid,
      records: plan.records.length,
      finished: finished.length,
      cancelled,
      cost: runs.reduce((s, r) => s + runCost(r), 0),
      durationMs: outcome.durationMs,
    };
    if (finished.length === 0) throw new GateError('estimate', noFinishedRuns(outcome, sample));
    const observations = finished.map(observeRun);
    return {
      estimate: estimateFromObservations('sample', observations),
      observations,
      basis: { source: 'sample', n: observations.length },
      sample,
    };
  }
}

/**
 * A sample stopped cleanly after an API failure is an API failure like any other (on-api-error
 * applies); one that could not be stopped stays a `LaunchError` and fails the step.
 */
function unwrapStopped(error: unknown): never {
  if (error instanceof LaunchError && error.stopped && isApiError(error.cause)) throw error.cause;
  throw error;
}

function minutes(ms: number): string {
  return `${fmt(ms / 60_000)} min`;
}

/** Why a sample gave nothing to estimate from, and what to do about it. */
function noFinishedRuns(outcome: BatchOutcome, sample: SampleReport): string {
  const spent = `after spending ${fmt(sample.cost)} credits`;
  if (sample.cancelled !== null) {
    return `The sample batch ${sample.batchUuid} was stopped (${sample.cancelled}) before any record finished, ${spent}. Raise max-sample-credits or sample-timeout-minutes, or estimate from history.`;
  }
  const why = outcome.errorMessage ? ` (${outcome.errorMessage})` : '';
  return `Cargo ended the sample batch ${sample.batchUuid} as ${outcome.status}${why} before any record finished, ${spent}. Fix what Cargo reports in the workflow and run again, or estimate from history.`;
}
