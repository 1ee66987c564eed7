// The Cargo emulator's answers as the real service writes them (shared/reference/cargo-api.md
// "Shapes"; every field the SDK's types declare, `null` where the service sends null).
import type { z } from 'zod';
import {
  type BatchState,
  type CargoModel,
  type ExecutionState,
  isTerminal,
  roundCredits,
  type RunState,
  type UsageEvent,
  type WorkflowSpec,
} from './model.js';
import type { usageMetricsQuery } from './requests.js';

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function serializeSubscription(model: CargoModel): Record<string, unknown> {
  const s = model.subscription;
  const start = new Date(model.now());
  start.setUTCDate(1);
  start.setUTCHours(0, 0, 0, 0);
  const reset = new Date(start);
  reset.setUTCMonth(reset.getUTCMonth() + 1);
  return {
    uuid: s.uuid,
    workspaceUuid: model.fixture.workspace.uuid,
    provider: 'orb',
    customerOrbId: 'orb-cust-1',
    customerStripeId: 'cus_emulated',
    subscriptionStatus: s.subscriptionStatus,
    subscriptionStripeId: null,
    subscriptionAvailableCreditsCount: s.subscriptionAvailableCreditsCount,
    subscriptionCreditsUsedCount: s.subscriptionCreditsUsedCount,
    additionalAvailableCreditsCount: s.additionalAvailableCreditsCount,
    creditsOverageBehaviors: [{ unit: 'billing.credits', action: s.overage }],
    creditsConsumptionBehaviors: [],
    createdAt: '2025-01-15T00:00:00.000Z',
    updatedAt: new Date(model.now()).toISOString(),
    plan: s.plan,
    cadence: s.cadence,
    fixedPrice: 0,
    conversionRate: 1,
    startAt: start.toISOString(),
    resetAt: reset.toISOString(),
    endAt: null,
    hasPendingChange: false,
    hasCredits: model.remaining() > 0,
    futureChange: null,
    topup: null,
  };
}

export function serializeExecution(e: ExecutionState): Record<string, unknown> {
  const base = {
    nodeUuid: e.nodeUuid,
    nodeSlug: e.nodeSlug,
    nodeBatchUuid: null,
    nodeRunUuid: null,
    nodeMessageUuid: null,
    nodeChildIndex: null,
    nextNodeUuid: null,
    status: e.status,
    errorMessage: e.errorMessage,
    title: null,
    iconUrl: null,
    creditsUsedCount: e.creditsUsedCount,
    startedAt: iso(e.startedAt),
    updatedAt: iso(e.finishedAt),
    finishedAt: iso(e.finishedAt),
    nodeWaitUntilFinished: false,
    nodeKind: e.nodeKind,
    nodeActionSlug: e.nodeActionSlug,
  };
  return e.nodeKind === 'connector'
    ? {
        ...base,
        nodeConnectorUuid: e.nodeConnectorUuid,
        nodeIntegrationSlug: e.nodeIntegrationSlug,
      }
    : base;
}

export function serializeRun(model: CargoModel, run: RunState): Record<string, unknown> {
  const terminal = isTerminal(run.status);
  return {
    uuid: run.uuid,
    workspaceUuid: model.fixture.workspace.uuid,
    workflowUuid: run.workflowUuid,
    userUuid: null,
    releaseUuid: run.releaseUuid ?? null,
    nodes: null,
    batchUuid: run.batchUuid,
    traceUuid: `trace-${run.uuid}`,
    temporalWorkflowId: `run-${run.uuid}`,
    recordId: run.recordId,
    recordTitle: run.recordTitle,
    contextS3Filename: `${run.uuid}/context.json`,
    computedConfigsS3Filename: `${run.uuid}/configs.json`,
    parentUuid: null,
    parentNodeUuid: null,
    parentBatchUuid: null,
    parentAgentUuid: null,
    parentChatUuid: null,
    parentMessageUuid: null,
    isGroupParent: null,
    status: run.status,
    errorMessage: terminal && run.status === 'error' ? run.errorMessage : null,
    executions: model.visibleExecutions(run).map(serializeExecution),
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    finishedAt: iso(run.finishedAt),
    deletedAt: null,
  };
}

export function serializeBatch(model: CargoModel, batch: BatchState): Record<string, unknown> {
  const runs = batch.runUuids.map((u) => model.runs.get(u)).filter((r): r is RunState => !!r);
  const failed = runs.filter((r) => r.status === 'error').length;
  return {
    uuid: batch.uuid,
    workspaceUuid: model.fixture.workspace.uuid,
    workflowUuid: batch.workflowUuid,
    userUuid: null,
    releaseUuid: null,
    nodes: null,
    temporalWorkflowId: `batch-${batch.uuid}`,
    traceUuid: null,
    data: batch.data,
    errorMessage: batch.errorMessage,
    status: batch.status,
    runsStatus: runs.length === 0 ? null : failed / runs.length > 0.5 ? 'unhealthy' : 'healthy',
    runsCount: runs.length,
    executedRunsCount: runs.filter((r) => isTerminal(r.status)).length,
    failedRunsCount: failed,
    creditsUsedCount: model.batchCredits(batch),
    createdAt: iso(batch.createdAt),
    updatedAt: iso(batch.updatedAt),
    finishedAt: iso(batch.finishedAt),
  };
}

export function serializeWorkflow(model: CargoModel, wf: WorkflowSpec): Record<string, unknown> {
  return {
    uuid: wf.uuid,
    workspaceUuid: model.fixture.workspace.uuid,
    nodes: wf.nodes.map((n) => ({
      uuid: model.nodeUuid(wf.uuid, n.slug),
      slug: n.slug,
      kind: n.kind,
      actionSlug: n.actionSlug,
    })),
    createdAt: '2025-01-15T00:00:00.000Z',
    updatedAt: '2025-01-15T00:00:00.000Z',
    deletedAt: null,
    playUuid: wf.kind === 'play' ? `play-${wf.uuid}` : null,
    toolUuid: wf.kind === 'tool' ? `tool-${wf.uuid}` : null,
    folderUuid: null,
    template: null,
    lastBatch: null,
    deployedRelease: null,
  };
}

/**
 * The play or tool that runs a workflow, with every field `@cargo-ai/types` 1.0.56 declares for
 * `Play` and `Tool` (GET /orchestration/plays/list, /orchestration/tools/list).
 */
export function named(model: CargoModel, wf: WorkflowSpec): Record<string, unknown> {
  const common = {
    uuid: `${wf.kind}-${wf.uuid}`,
    workspaceUuid: model.fixture.workspace.uuid,
    workflowUuid: wf.uuid,
    userUuid: 'user-emulated-0001',
    name: wf.name,
    description: null,
    folderUuid: null,
    createdAt: '2025-01-15T00:00:00.000Z',
    updatedAt: '2025-01-15T00:00:00.000Z',
    deletedAt: null,
  };
  if (wf.kind === 'tool') {
    return {
      ...common,
      icon: { kind: 'emoji', emojiSlug: 'gear' },
      creditsCost: { kind: 'sum' },
      isReadOnly: false,
      triggers: [],
      publicForm: null,
    };
  }
  return {
    ...common,
    modelUuid: 'model-emulated-leads',
    segmentUuid: 'segment-emulated-all',
    changeKinds: ['added'],
    runCreationRule: 'once',
    schedule: null,
    isEnabled: true,
    healthThreshold: 0.9,
    healthAlertActions: [],
  };
}

export function runMetrics(model: CargoModel, runs: RunState[]): Record<string, unknown>[] {
  const byNode = new Map<
    string,
    { total: number; success: number; error: number; credits: number }
  >();
  for (const run of runs) {
    for (const e of model.visibleExecutions(run)) {
      const m = byNode.get(e.nodeUuid) ?? { total: 0, success: 0, error: 0, credits: 0 };
      m.total += 1;
      if (e.status === 'error') m.error += 1;
      else m.success += 1;
      m.credits += e.creditsUsedCount;
      byNode.set(e.nodeUuid, m);
    }
  }
  return [...byNode.entries()].map(([nodeUuid, m]) => ({
    nodeUuid,
    totalExecutionsCount: m.total,
    idleExecutionsCount: 0,
    pendingExecutionsCount: 0,
    runningExecutionsCount: 0,
    successExecutionsCount: m.success,
    errorExecutionsCount: m.error,
    cancellingExecutionsCount: 0,
    cancelledExecutionsCount: 0,
    skippedExecutionsCount: 0,
    creditsUsedCount: roundCredits(m.credits),
  }));
}

type UsageQuery = z.output<typeof usageMetricsQuery>;
type GroupKey = 'workflowUuid' | 'integrationSlug' | 'connectorUuid';

/** The ledger field each `groupBy` reads; models and agents have no usage here. */
const GROUP_BY: Record<NonNullable<UsageQuery['groupBy']>, GroupKey | null> = {
  workflow_uuid: 'workflowUuid',
  integration_slug: 'integrationSlug',
  connector_uuid: 'connectorUuid',
  model_uuid: null,
  agent_uuid: null,
};

/** Whether a ledger event falls in the query's days and matches its filters. */
function matches(event: UsageEvent, q: UsageQuery, start: number, end: number): boolean {
  if (event.at < start || event.at >= end) return false;
  if (q.unit !== undefined && event.unit !== q.unit) return false;
  if (q.workflowUuid !== undefined && event.workflowUuid !== q.workflowUuid) return false;
  if (q.integrationSlug !== undefined && event.integrationSlug !== q.integrationSlug) return false;
  if (q.connectorUuid !== undefined && event.connectorUuid !== q.connectorUuid) return false;
  if (q.slug !== undefined && event.slug !== q.slug) return false;
  return q.modelUuid === undefined && q.agentUuid === undefined;
}

/** Daily buckets (midnight UTC) of the usage ledger, filtered and grouped as the real endpoint does. */
export function usageMetrics(model: CargoModel, q: UsageQuery): Record<string, unknown>[] {
  const groupKey = q.groupBy === undefined ? null : GROUP_BY[q.groupBy];
  const start = Date.parse(`${q.from}T00:00:00.000Z`);
  const end = Date.parse(`${q.to}T00:00:00.000Z`) + 86_400_000;
  const buckets = new Map<
    string,
    Map<string, { slug: string; count: number; groupBy: string | null }>
  >();
  for (const event of model.usage) {
    if (!matches(event, q, start, end)) continue;
    const date = new Date(event.at);
    date.setUTCHours(0, 0, 0, 0);
    const dateKey = date.toISOString();
    const bucket = buckets.get(dateKey) ?? new Map();
    buckets.set(dateKey, bucket);
    const groupBy = groupKey ? (event[groupKey] ?? null) : null;
    const key = `${event.slug}\u0000${groupBy ?? ''}`;
    const item = bucket.get(key) ?? { slug: event.slug, count: 0, groupBy };
    item.count = roundCredits(item.count + event.count);
    bucket.set(key, item);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, items]) => ({ date, items: [...items.values()] }));
}
