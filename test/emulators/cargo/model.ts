// The state of an emulated Cargo workspace: subscription, workflows, runs, batches and the usage
// ledger. Runs progress over (emulated) time and are advanced lazily whenever the clock is read,
// so a run's executions, the subscription's debit and the usage metrics all come from one place
// and agree the way the real service's do.
import { randomUUID } from 'node:crypto';

export interface NodeSpec {
  slug: string;
  kind: 'native' | 'connector' | 'tool' | 'agent';
  actionSlug: string;
  integrationSlug?: string;
  /** Provider credits billed per execution (0 for native nodes). */
  credits?: number;
  /** ± share by which the provider price varies per record (deterministic per record). */
  jitter?: number;
  /** Share of records on which a pay-on-hit provider bills at all. */
  hitRate?: number;
  /** How many times the node executes per record (loops, routing steps). */
  repeat?: number;
}

export interface WorkflowSpec {
  uuid: string;
  name: string;
  kind: 'play' | 'tool';
  errorRate: number;
  runDurationMs: number;
  history?: { runs: number; days: number; releases?: HistoryReleases };
  nodes: NodeSpec[];
}

/**
 * Releases of a workflow's seeded history, newest first: the newest `newestRuns` runs ran on
 * `current`, the older ones on `previous`, whose provider credits are `previousCostScale` × what the
 * workflow's nodes bill now (a release that changed the cost). Without it, runs carry no release.
 */
export interface HistoryReleases {
  current: string;
  newestRuns: number;
  previous: string;
  previousCostScale?: number;
}

export interface Fixture {
  workspace: { uuid: string; name: string; maxConcurrentRuns: number };
  subscription: {
    uuid: string;
    plan: string;
    cadence: string;
    subscriptionStatus: string | null;
    subscriptionAvailableCreditsCount: number;
    subscriptionCreditsUsedCount: number;
    additionalAvailableCreditsCount: number;
    overage: 'deny' | 'allow';
  };
  tokens: { admin: string; member: string };
  workflows: WorkflowSpec[];
}

export interface ExecutionState {
  nodeUuid: string;
  nodeSlug: string;
  nodeKind: NodeSpec['kind'];
  nodeActionSlug: string;
  nodeIntegrationSlug: string | null;
  nodeConnectorUuid: string | null;
  status: 'pending' | 'success' | 'error';
  errorMessage: string | null;
  creditsUsedCount: number;
  startedAt: number;
  finishedAt: number;
}

export interface RunState {
  uuid: string;
  workflowUuid: string;
  batchUuid: string | null;
  /** The workflow release the run ran on; null (or absent) when unknown. */
  releaseUuid?: string | null;
  recordId: string;
  recordTitle: string;
  status: 'pending' | 'running' | 'success' | 'error' | 'cancelled';
  errorMessage: string | null;
  /** Every execution the run will make, with its completion time; only those done are visible. */
  plan: ExecutionState[];
  done: number;
  createdAt: number;
  startAt: number;
  finishAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface BatchState {
  uuid: string;
  workflowUuid: string;
  data: unknown;
  status: 'pending' | 'querying' | 'running' | 'success' | 'cancelled' | 'error';
  /** Why Cargo ended the batch as `error`. */
  errorMessage: string | null;
  runUuids: string[];
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** How this batch was told to behave when it was created. */
  behaviour: BatchBehaviour;
  /** Cancels refused so far (see `BatchBehaviour.refuseCancels`). */
  cancelsRefused: number;
}

/**
 * How the batches created from now on behave beyond running their records, so tests can meet
 * what a real workspace does to a batch: spend fast, stall, fail, or not stop when told.
 */
export interface BatchBehaviour {
  /**
   * Spend this many credits a second (execution charge included), steadily: the records run one
   * after another, each billing evenly over about a second. The workflow's prices are ignored.
   */
  creditsPerSecond?: number;
  /**
   * End as `error` with this `errorMessage`, `afterMs` after creation (default 0: before any run
   * starts, as Cargo does for a workflow with no active release). Runs not started never exist.
   */
  endInError?: { message: string; afterMs?: number };
  /** Stay in `querying`, with no runs and no spend, until cancelled (a segment that never resolves). */
  stallInQuerying?: boolean;
  /** Answer this many cancels with a 500 before honouring one (`Infinity`: never stop). */
  refuseCancels?: number;
}

export interface UsageEvent {
  at: number;
  workflowUuid: string;
  unit: 'billing.credits' | 'orchestration.executions' | 'storage.records';
  slug: string;
  count: number;
  integrationSlug: string | null;
  connectorUuid: string | null;
}

/** FNV-1a: a stable hash so the same record always costs the same. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform number in [0, 1) determined by its key. */
export function unit(key: string): number {
  return hash(key) / 0x100000000;
}

/** Credits are kept to 4 decimals, as a ledger would. */
export function roundCredits(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** The execution charge Cargo bills for every node execution, whatever the node. */
export const EXECUTION_CHARGE = 0.01;

export class CargoModel {
  readonly fixture: Fixture;
  readonly workflows = new Map<string, WorkflowSpec>();
  readonly runs = new Map<string, RunState>();
  readonly batches = new Map<string, BatchState>();
  readonly usage: UsageEvent[] = [];
  subscription: Fixture['subscription'];
  /** Added to the wall clock; tests move time forward with `advance`. */
  private offsetMs = 0;
  /** Multiplies run durations: 0.1 makes every run ten times faster. */
  durationScale = 1;
  /** How batches created from now on behave (copied into each batch when it is created). */
  batchBehaviour: BatchBehaviour = {};
  private readonly nodeUuids = new Map<string, string>();

  constructor(fixture: Fixture, options: { seedHistory?: boolean } = {}) {
    this.fixture = structuredClone(fixture);
    this.subscription = { ...this.fixture.subscription };
    for (const wf of this.fixture.workflows) this.workflows.set(wf.uuid, wf);
    if (options.seedHistory !== false) this.seedHistory();
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves emulated time forward (runs progress, debits happen). */
  advance(ms: number): void {
    this.offsetMs += ms;
    this.tick();
  }

  remaining(): number {
    return roundCredits(
      this.subscription.subscriptionAvailableCreditsCount -
        this.subscription.subscriptionCreditsUsedCount,
    );
  }

  nodeUuid(workflowUuid: string, slug: string): string {
    const key = `${workflowUuid}/${slug}`;
    let uuid = this.nodeUuids.get(key);
    if (uuid === undefined) {
      const h = hash(key).toString(16).padStart(8, '0');
      uuid = `${h}-node-4000-8000-${hash(`${key}#`).toString(16).padStart(12, '0')}`;
      this.nodeUuids.set(key, uuid);
    }
    return uuid;
  }

  /**
   * What running `workflow` on `recordId` costs, execution by execution. Deterministic per record:
   * pay-on-hit providers bill only on a share of records, prices vary by `jitter`, and a share
   * `errorRate` of records fails at a connector (errored executions still bill their 0.01).
   */
  planExecutions(
    workflow: WorkflowSpec,
    recordId: string,
    start: number,
    durationMs: number,
  ): { plan: ExecutionState[]; error: string | null } {
    const plan: ExecutionState[] = [];
    const errorsAt = unit(`${workflow.uuid}:${recordId}:error`) < workflow.errorRate;
    const connectors = workflow.nodes.filter((n) => n.kind === 'connector');
    const failingSlug = errorsAt
      ? connectors[hash(`${recordId}:which`) % Math.max(1, connectors.length)]?.slug
      : undefined;
    let error: string | null = null;
    const steps = workflow.nodes.reduce((sum, n) => sum + (n.repeat ?? 1), 0);
    const stepMs = durationMs / Math.max(1, steps);
    let t = start;
    for (const node of workflow.nodes) {
      for (let i = 0; i < (node.repeat ?? 1); i += 1) {
        t += stepMs;
        const failing = node.slug === failingSlug && i === 0;
        let credits = 0;
        if (!failing && node.credits !== undefined) {
          const hit =
            node.hitRate === undefined ||
            unit(`${workflow.uuid}:${recordId}:${node.slug}:hit`) < node.hitRate;
          const jitter =
            node.jitter === undefined
              ? 1
              : 1 + node.jitter * (2 * unit(`${recordId}:${node.slug}:price`) - 1);
          credits = hit ? Math.round(node.credits * jitter * 100) / 100 : 0;
        }
        plan.push({
          nodeUuid: this.nodeUuid(workflow.uuid, node.slug),
          nodeSlug: node.slug,
          nodeKind: node.kind,
          nodeActionSlug: node.actionSlug,
          nodeIntegrationSlug: node.integrationSlug ?? null,
          nodeConnectorUuid: node.integrationSlug ? `conn-${node.integrationSlug}` : null,
          status: failing ? 'error' : 'success',
          errorMessage: failing
            ? `${node.integrationSlug ?? node.slug}: upstream returned 502`
            : null,
          creditsUsedCount: credits,
          startedAt: t - stepMs,
          finishedAt: t,
        });
        if (failing) {
          error = `Node ${node.slug} failed`;
          return { plan, error };
        }
      }
    }
    return { plan, error };
  }

  /** Creates a run that will progress on its own; `startAt` lets batches queue runs. */
  createRun(
    workflow: WorkflowSpec,
    data: Record<string, unknown>,
    options: {
      batchUuid?: string;
      startAt?: number;
      index?: number;
      creditsPerSecond?: number;
    } = {},
  ): RunState {
    const now = this.now();
    const recordId = recordIdOf(data, options.index);
    const startAt = options.startAt ?? now + 20;
    const duration = workflow.runDurationMs * this.durationScale;
    const { plan, error } =
      options.creditsPerSecond === undefined
        ? this.planExecutions(workflow, recordId, startAt, duration)
        : { plan: this.planAtRate(workflow, startAt, options.creditsPerSecond), error: null };
    const run: RunState = {
      uuid: randomUUID(),
      workflowUuid: workflow.uuid,
      batchUuid: options.batchUuid ?? null,
      recordId,
      recordTitle: typeof data.name === 'string' ? data.name : recordId,
      status: 'pending',
      errorMessage: error,
      plan,
      done: 0,
      createdAt: now,
      startAt,
      finishAt: plan.at(-1)?.finishedAt ?? startAt,
      updatedAt: now,
      finishedAt: null,
    };
    this.runs.set(run.uuid, run);
    return run;
  }

  createBatch(
    workflow: WorkflowSpec,
    data: unknown,
    records: Record<string, unknown>[],
  ): BatchState {
    const now = this.now();
    const behaviour = { ...this.batchBehaviour };
    const batch: BatchState = {
      uuid: randomUUID(),
      workflowUuid: workflow.uuid,
      data,
      status: behaviour.stallInQuerying ? 'querying' : 'pending',
      errorMessage: null,
      runUuids: [],
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      behaviour,
      cancelsRefused: 0,
    };
    this.batches.set(batch.uuid, batch);
    // A stalled batch never gets past querying its records: no run is ever created.
    if (!behaviour.stallInQuerying) this.queueRuns(batch, workflow, records);
    return batch;
  }

  /** Creates a batch's runs, each starting when Cargo would start it. */
  private queueRuns(
    batch: BatchState,
    workflow: WorkflowSpec,
    records: Record<string, unknown>[],
  ): void {
    const rate = batch.behaviour.creditsPerSecond;
    // Runs start in waves of the workspace's concurrency limit; at a set rate, one at a time.
    const concurrency =
      rate === undefined ? Math.max(1, this.fixture.workspace.maxConcurrentRuns) : 1;
    const wave =
      rate === undefined
        ? workflow.runDurationMs * this.durationScale + 20
        : (this.planAtRate(workflow, 0, rate).at(-1)?.finishedAt ?? 1_000);
    records.forEach((record, index) => {
      const run = this.createRun(workflow, record, {
        batchUuid: batch.uuid,
        startAt: batch.createdAt + 50 + Math.floor(index / concurrency) * wave,
        index,
        ...(rate === undefined ? {} : { creditsPerSecond: rate }),
      });
      batch.runUuids.push(run.uuid);
    });
  }

  /**
   * A record's executions when the batch spends `rate` credits a second: evenly spaced, each
   * billing its share (at least the 0.01 execution charge), about a second in all.
   */
  planAtRate(workflow: WorkflowSpec, start: number, rate: number): ExecutionState[] {
    // One execution bills at least its 0.01 charge, so slow rates space them further apart.
    const stepMs = Math.max(100, (EXECUTION_CHARGE / rate) * 1_000);
    const count = Math.max(1, Math.round(1_000 / stepMs));
    const node = workflow.nodes.find((n) => n.kind === 'connector') ?? workflow.nodes[0]!;
    const credits = Math.max(0, roundCredits((rate * stepMs) / 1_000 - EXECUTION_CHARGE));
    return Array.from({ length: count }, (_, i) => ({
      nodeUuid: this.nodeUuid(workflow.uuid, node.slug),
      nodeSlug: node.slug,
      nodeKind: node.kind,
      nodeActionSlug: node.actionSlug,
      nodeIntegrationSlug: node.integrationSlug ?? null,
      nodeConnectorUuid: node.integrationSlug ? `conn-${node.integrationSlug}` : null,
      status: 'success' as const,
      errorMessage: null,
      creditsUsedCount: credits,
      startedAt: start + i * stepMs,
      finishedAt: start + (i + 1) * stepMs,
    }));
  }

  cancelBatch(batch: BatchState): void {
    this.tick();
    const now = this.now();
    for (const uuid of batch.runUuids) {
      const run = this.runs.get(uuid);
      if (run && !isTerminal(run.status)) this.finishRun(run, 'cancelled', now);
    }
    batch.status = 'cancelled';
    batch.finishedAt = now;
    batch.updatedAt = now;
  }

  cancelRun(run: RunState): void {
    this.tick();
    if (!isTerminal(run.status)) this.finishRun(run, 'cancelled', this.now());
  }

  /** Says whether a cancel of `batch` is refused (`BatchBehaviour.refuseCancels`), counting it. */
  refusesCancel(batch: BatchState): boolean {
    if (batch.cancelsRefused >= (batch.behaviour.refuseCancels ?? 0)) return false;
    batch.cancelsRefused += 1;
    return true;
  }

  /** Brings every run and batch up to the current emulated time. */
  tick(): void {
    const now = this.now();
    for (const batch of this.batches.values()) this.failIfDue(batch, now);
    for (const run of this.runs.values()) this.advanceRun(run, now);
    for (const batch of this.batches.values()) this.settleBatch(batch, now);
  }

  /** Runs a run's executions up to `until`, billing each as it finishes. */
  private advanceRun(run: RunState, until: number): void {
    if (isTerminal(run.status) || until < run.startAt) return;
    if (run.status === 'pending') run.status = 'running';
    while (run.done < run.plan.length && (run.plan[run.done]?.finishedAt ?? Infinity) <= until) {
      const execution = run.plan[run.done] as ExecutionState;
      if (!this.bill(run, execution)) {
        run.plan = run.plan.slice(0, run.done);
        run.errorMessage = 'Not enough credits.';
        this.finishRun(run, 'error', execution.finishedAt);
        break;
      }
      run.done += 1;
      run.updatedAt = execution.finishedAt;
    }
    if (!isTerminal(run.status) && run.done === run.plan.length) {
      this.finishRun(run, run.errorMessage ? 'error' : 'success', run.finishAt);
    }
  }

  /** Ends a batch told to end in error once its time comes: what ran until then stays billed. */
  private failIfDue(batch: BatchState, now: number): void {
    const end = batch.behaviour.endInError;
    if (!end || isTerminal(batch.status)) return;
    const due = batch.createdAt + (end.afterMs ?? 0);
    if (now < due) return;
    const runs = this.runsOf(batch);
    for (const run of runs) this.advanceRun(run, due);
    // Runs Cargo had not started never come to exist; the started ones are stopped.
    const started = runs.filter((r) => r.startAt <= due);
    for (const run of runs) if (run.startAt > due) this.runs.delete(run.uuid);
    batch.runUuids = started.map((r) => r.uuid);
    for (const run of started) if (!isTerminal(run.status)) this.finishRun(run, 'cancelled', due);
    batch.status = 'error';
    batch.errorMessage = end.message;
    batch.finishedAt = due;
    batch.updatedAt = due;
  }

  private settleBatch(batch: BatchState, now: number): void {
    // A stalled batch stays querying until it is cancelled.
    if (isTerminal(batch.status) || batch.status === 'querying') return;
    const runs = this.runsOf(batch);
    if (runs.some((r) => r.status !== 'pending')) batch.status = 'running';
    if (runs.every((r) => isTerminal(r.status))) {
      batch.status = 'success';
      batch.finishedAt = Math.max(batch.createdAt, ...runs.map((r) => r.finishedAt ?? 0));
    }
    batch.updatedAt = now;
  }

  private runsOf(batch: BatchState): RunState[] {
    return batch.runUuids.map((u) => this.runs.get(u)).filter((r): r is RunState => !!r);
  }

  /** Debits one execution: provider credits plus the 0.01 execution charge. False when credits ran out. */
  private bill(run: RunState, execution: ExecutionState): boolean {
    if (this.subscription.overage === 'deny' && this.remaining() <= 0) return false;
    const total = execution.creditsUsedCount + EXECUTION_CHARGE;
    this.subscription.subscriptionCreditsUsedCount = roundCredits(
      this.subscription.subscriptionCreditsUsedCount + total,
    );
    this.recordUsage(run.workflowUuid, execution, execution.finishedAt);
    return true;
  }

  private recordUsage(workflowUuid: string, execution: ExecutionState, at: number): void {
    const base = {
      at,
      workflowUuid,
      integrationSlug: execution.nodeIntegrationSlug,
      connectorUuid: execution.nodeConnectorUuid,
    };
    if (execution.creditsUsedCount > 0) {
      const slug = execution.nodeIntegrationSlug
        ? `integration.${execution.nodeIntegrationSlug}.action.${execution.nodeActionSlug}`
        : `native.${execution.nodeActionSlug}`;
      this.usage.push({
        ...base,
        unit: 'billing.credits',
        slug,
        count: execution.creditsUsedCount,
      });
    }
    this.usage.push({
      ...base,
      unit: 'orchestration.executions',
      slug: execution.status === 'error' ? 'error' : 'success',
      count: 1,
    });
  }

  private finishRun(run: RunState, status: RunState['status'], at: number): void {
    run.status = status;
    run.finishedAt = at;
    run.updatedAt = at;
    if (status === 'cancelled') run.plan = run.plan.slice(0, run.done);
    this.usage.push({
      at,
      workflowUuid: run.workflowUuid,
      unit: 'storage.records',
      slug: 'insert',
      count: 1,
      integrationSlug: null,
      connectorUuid: null,
    });
  }

  /** The executions of a run that have happened by now. */
  visibleExecutions(run: RunState): ExecutionState[] {
    return run.plan.slice(0, run.done);
  }

  /** Provider credits of a batch so far (the execution charge is not in it, as on Cargo). */
  batchCredits(batch: BatchState): number {
    let sum = 0;
    for (const uuid of batch.runUuids) {
      const run = this.runs.get(uuid);
      if (run) for (const e of this.visibleExecutions(run)) sum += e.creditsUsedCount;
    }
    return roundCredits(sum);
  }

  /**
   * Past runs of each workflow over its history window, already finished, with their usage in
   * the ledger. They are history, so they do not debit the current subscription period.
   */
  private seedHistory(): void {
    const now = this.now();
    for (const workflow of this.workflows.values()) {
      if (!workflow.history) continue;
      const { runs, days, releases } = workflow.history;
      for (let i = 0; i < runs; i += 1) {
        const createdAt = now - Math.round(((i + 0.5) / runs) * days * 86_400_000);
        const recordId = `hist-${workflow.uuid.slice(3, 8)}-${i}`;
        const planned = this.planExecutions(
          workflow,
          recordId,
          createdAt + 10,
          workflow.runDurationMs,
        );
        const { error } = planned;
        const newest = releases === undefined || i < releases.newestRuns;
        const scale = newest ? 1 : (releases.previousCostScale ?? 1);
        const plan = planned.plan.map((e) => ({
          ...e,
          creditsUsedCount: roundCredits(e.creditsUsedCount * scale),
        }));
        const finishedAt = plan.at(-1)?.finishedAt ?? createdAt;
        const run: RunState = {
          uuid: `${hash(recordId).toString(16).padStart(8, '0')}-hist-4000-8000-${String(i).padStart(12, '0')}`,
          workflowUuid: workflow.uuid,
          batchUuid: null,
          releaseUuid:
            releases === undefined ? null : newest ? releases.current : releases.previous,
          recordId,
          recordTitle: `Lead ${i}`,
          status: error ? 'error' : 'success',
          errorMessage: error,
          plan,
          done: plan.length,
          createdAt,
          startAt: createdAt + 10,
          finishAt: finishedAt,
          updatedAt: finishedAt,
          finishedAt,
        };
        this.runs.set(run.uuid, run);
        for (const e of plan) this.recordUsage(workflow.uuid, e, e.finishedAt);
      }
    }
  }
}

export function isTerminal(status: string): boolean {
  return (
    status === 'success' || status === 'error' || status === 'cancelled' || status === 'skipped'
  );
}

function recordIdOf(data: Record<string, unknown>, index: number | undefined): string {
  for (const key of ['id', 'recordId', 'email', 'domain']) {
    const value = data[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return `record-${index ?? randomUUID()}`;
}
