// The Cargo emulator's endpoints (shared/reference/cargo-api.md, "Endpoints"): each names its
// method and path, the schema its body or query must meet, and what it does to the model.
import type { z } from 'zod';
import {
  type BatchState,
  type CargoModel,
  isTerminal,
  type RunState,
  type WorkflowSpec,
} from './model.js';
import { refuse } from './refusal.js';
import {
  cancelRunsBody,
  countRunsBody,
  createBatchBody,
  createRunBody,
  listBatchesQuery,
  listPlaysQuery,
  listRunsBody,
  noQuery,
  parseQuery,
  previewBatchBody,
  runMetricsBody,
  usageMetricsQuery,
  validate,
} from './requests.js';
import {
  named,
  runMetrics,
  serializeBatch,
  serializeRun,
  serializeSubscription,
  serializeWorkflow,
  usageMetrics,
} from './wire.js';

/** Short names of the routes, used to aim faults. */
export type RouteId =
  | 'subscription'
  | 'invoices'
  | 'usage-metrics'
  | 'runs-create'
  | 'runs-get'
  | 'runs-list'
  | 'runs-count'
  | 'runs-cancel'
  | 'runs-metrics'
  | 'batches-create'
  | 'batches-get'
  | 'batches-list'
  | 'batches-cancel'
  | 'batches-preview'
  | 'workflows-list'
  | 'plays-list'
  | 'tools-list'
  | 'workspace-current';

interface Input<B, Q> {
  model: CargoModel;
  body: B;
  query: Q;
  params: string[];
}

/** One endpoint, its input schemas already applied. */
export interface CargoRoute {
  id: RouteId;
  method: 'GET' | 'POST';
  pattern: RegExp;
  run(model: CargoModel, raw: { body: unknown; url: URL; params: string[] }): unknown;
}

/** Builds a route whose handler sees its body and query parsed by their schemas. */
function route<BS extends z.ZodType = typeof noQuery, QS extends z.ZodType = typeof noQuery>(spec: {
  id: RouteId;
  method: 'GET' | 'POST';
  pattern: RegExp;
  body?: BS;
  query?: QS;
  handle(input: Input<z.output<BS>, z.output<QS>>): unknown;
}): CargoRoute {
  return {
    id: spec.id,
    method: spec.method,
    pattern: spec.pattern,
    run: (model, raw) => {
      // The service reads every query, so a GET that takes none refuses one it does not know.
      const query = validate(spec.query ?? noQuery, parseQuery(raw.url.search)) as z.output<QS>;
      const body = (spec.body ? validate(spec.body, raw.body) : {}) as z.output<BS>;
      return spec.handle({ model, body, query, params: raw.params });
    },
  };
}

const workflowOf = (model: CargoModel, uuid: unknown): WorkflowSpec => {
  const wf = typeof uuid === 'string' ? model.workflows.get(uuid) : undefined;
  return wf ?? refuse(400, 'Workflow not found.', 'workflowNotFound');
};
const batchOf = (model: CargoModel, uuid: string | undefined): BatchState => {
  const batch = uuid ? model.batches.get(uuid) : undefined;
  return batch ?? refuse(400, 'Batch not found.', 'batchNotFound');
};
const requireCredits = (model: CargoModel): void => {
  if (model.subscription.overage === 'deny' && model.remaining() <= 0)
    refuse(400, 'Not enough credits.', 'notEnoughCredits');
};

export const ROUTES: CargoRoute[] = [
  route({
    id: 'subscription',
    method: 'GET',
    pattern: /^\/v1\/billing\/subscriptions$/,
    handle: ({ model }) => {
      model.tick();
      return { subscription: serializeSubscription(model) };
    },
  }),
  route({
    id: 'invoices',
    method: 'GET',
    pattern: /^\/v1\/billing\/subscriptions\/invoices$/,
    handle: () => ({ invoices: [] }),
  }),
  route({
    id: 'usage-metrics',
    method: 'GET',
    pattern: /^\/v1\/billing\/usage\/metrics$/,
    query: usageMetricsQuery,
    handle: ({ model, query }) => {
      model.tick();
      return { metrics: usageMetrics(model, query) };
    },
  }),
  route({
    id: 'runs-create',
    method: 'POST',
    pattern: /^\/v1\/orchestration\/runs$/,
    body: createRunBody,
    handle: ({ model, body }) => {
      const wf = workflowOf(model, body.workflowUuid);
      if (body.data === null || typeof body.data !== 'object')
        refuse(400, 'Invalid data.', 'invalidData');
      requireCredits(model);
      const run = model.createRun(wf, body.data as Record<string, unknown>);
      return { run: serializeRun(model, run) };
    },
  }),
  route({
    id: 'runs-list',
    method: 'POST',
    pattern: /^\/v1\/orchestration\/runs\/list$/,
    body: listRunsBody,
    handle: ({ model, body }) => {
      model.tick();
      const matching = filterRuns(model, body);
      const limit = Math.min(body.limit ?? 100, 1000);
      const offset = body.offset ?? 0;
      return {
        runs: matching.slice(offset, offset + limit).map((r) => serializeRun(model, r)),
        count: matching.length,
      };
    },
  }),
  route({
    id: 'runs-count',
    method: 'POST',
    pattern: /^\/v1\/orchestration\/runs\/count$/,
    body: countRunsBody,
    handle: ({ model, body }) => {
      model.tick();
      return { count: filterRuns(model, body).length };
    },
  }),
  route({
    id: 'runs-cancel',
    method: 'POST',
    pattern: /^\/v1\/orchestration\/runs\/cancel$/,
    body: cancelRunsBody,
    handle: ({ model, body }) => {
      workflowOf(model, body.workflowUuid);
      const targets = body.uuids
        ? body.uuids.map((u) => model.runs.get(u)).filter((r): r is RunState => !!r)
        : filterRuns(model, body);
      for (const run of targets) model.cancelRun(run);
      return undefined;
    },
  }),
  route({
    id: 'runs-metrics',
    method: 'POST',
    pattern: /^\/v1\/orchestration\/runs\/metrics$/,
    body: runMetricsBody,
    handle: ({ model, body }) => {
      model.tick();
      workflowOf(model, body.workflowUuid);
      return { runMetrics: runMetrics(model, filterRuns(model, body)) };
    },
  }),
  route({
    id: 'runs-get',
    method: 'GET',
    pattern: /^\/v1\/orchestration\/runs\/([^/]+)$/,
    handle: ({ model, params: [uuid] }) => {
      model.tick();
      const run =
        (uuid ? model.runs.get(uuid) : undefined) ?? refuse(404, 'Run not found.', 'runNotFound');
      return { run: serializeRun(model, run), runContext: {}, runComputedConfigs: {} };
    },
  }),
  route({
    id: 'batches-create',
    method: 'POST',
    pattern: /^\/v1\/orchestration\/batches$/,
    body: createBatchBody,
    handle: ({ model, body }) => {
      const wf = workflowOf(model, body.workflowUuid);
      const records = poolOf(body.data);
      if (records.length === 0) refuse(400, 'No records.', 'dataError');
      requireCredits(model);
      return { batch: serializeBatch(model, model.createBatch(wf, body.data, records)) };
    },
  }),
  route({
    id: 'batches-preview',
    method: 'POST',
    pattern: /^\/v1\/orchestration\/batches\/preview$/,
    body: previewBatchBody,
    handle: ({ model, body }) => {
      workflowOf(model, body.workflowUuid);
      const records = poolOf(body.data);
      return { records: records.slice(0, 10), columns: [], count: records.length };
    },
  }),
  route({
    id: 'batches-list',
    method: 'GET',
    pattern: /^\/v1\/orchestration\/batches\/list$/,
    query: listBatchesQuery,
    handle: ({ model, query: q }) => {
      model.tick();
      const list = [...model.batches.values()]
        .filter((b) => !q.workflowUuids || q.workflowUuids.includes(b.workflowUuid))
        .filter((b) => !q.statuses || q.statuses.includes(b.status))
        .filter((b) => q.isFinished === undefined || isTerminal(b.status) === q.isFinished)
        .filter((b) => q.hasRuns === undefined || b.runUuids.length > 0 === q.hasRuns)
        .sort((a, b) => b.createdAt - a.createdAt);
      const offset = q.offset ?? 0;
      const page = list.slice(offset, offset + (q.limit ?? 100));
      return { batches: page.map((b) => serializeBatch(model, b)) };
    },
  }),
  route({
    id: 'batches-cancel',
    method: 'POST',
    pattern: /^\/v1\/orchestration\/batches\/([^/]+)\/cancel$/,
    handle: ({ model, params: [uuid] }) => {
      model.tick();
      const batch = batchOf(model, uuid);
      if (isTerminal(batch.status)) refuse(400, 'Batch already finished.', 'batchAlreadyFinished');
      if (model.refusesCancel(batch)) refuse(500, 'Could not cancel the batch.');
      model.cancelBatch(batch);
      return undefined;
    },
  }),
  route({
    id: 'batches-get',
    method: 'GET',
    pattern: /^\/v1\/orchestration\/batches\/([^/]+)$/,
    handle: ({ model, params: [uuid] }) => {
      model.tick();
      return { batch: serializeBatch(model, batchOf(model, uuid)) };
    },
  }),
  route({
    id: 'workflows-list',
    method: 'GET',
    pattern: /^\/v1\/orchestration\/workflows\/list$/,
    handle: ({ model }) => ({
      workflows: [...model.workflows.values()].map((wf) => serializeWorkflow(model, wf)),
    }),
  }),
  route({
    id: 'plays-list',
    method: 'GET',
    pattern: /^\/v1\/orchestration\/plays\/list$/,
    query: listPlaysQuery,
    handle: ({ model, query: q }) => ({
      plays: [...model.workflows.values()]
        .filter((w) => w.kind === 'play')
        .map((w) => named(model, w))
        // Every emulated play is enabled, unscheduled, on the same model and segment.
        .filter((p) => q.isEnabled === undefined || p.isEnabled === q.isEnabled)
        .filter((p) => q.modelUuid === undefined || p.modelUuid === q.modelUuid)
        .filter((p) => q.segmentUuid === undefined || p.segmentUuid === q.segmentUuid)
        .filter(() => q.scheduleType === undefined),
    }),
  }),
  route({
    id: 'tools-list',
    method: 'GET',
    pattern: /^\/v1\/orchestration\/tools\/list$/,
    handle: ({ model }) => ({
      tools: [...model.workflows.values()]
        .filter((w) => w.kind === 'tool')
        .map((w) => named(model, w)),
    }),
  }),
  route({
    id: 'workspace-current',
    method: 'GET',
    pattern: /^\/v1\/workspaceManagement\/workspaces\/current$/,
    handle: ({ model }) => ({ workspace: serializeWorkspace(model) }),
  }),
];

/** The route a method and path reach, with the path's parameters. */
export function routeOf(
  method: string,
  path: string,
): { route: CargoRoute; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1).map(decodeURIComponent) };
  }
  return undefined;
}

function serializeWorkspace(model: CargoModel): Record<string, unknown> {
  const { workspace } = model.fixture;
  return {
    uuid: workspace.uuid,
    name: workspace.name,
    allowedEmailDomains: [],
    syncs: [],
    temporalNamespace: 'default',
    temporalTaskQueuePrefix: null,
    maxConcurrentRuns: workspace.maxConcurrentRuns,
    openAiVectorStoreId: null,
    createdAt: '2025-01-15T00:00:00.000Z',
    updatedAt: '2025-01-15T00:00:00.000Z',
    logoUrl: null,
    metadata: null,
  };
}

type RunFilters = Partial<z.output<typeof listRunsBody>>;

/** The runs a (validated) filter selects, newest first. */
function filterRuns(model: CargoModel, f: RunFilters): RunState[] {
  const time = (v: string | undefined) => (v === undefined ? undefined : Date.parse(v));
  const [createdAfter, createdBefore] = [time(f.createdAfter), time(f.createdBefore)];
  const [updatedAfter, updatedBefore] = [time(f.updatedAfter), time(f.updatedBefore)];
  return [...model.runs.values()]
    .filter((r) => f.workflowUuid === undefined || r.workflowUuid === f.workflowUuid)
    .filter((r) => f.batchUuid === undefined || r.batchUuid === f.batchUuid)
    .filter((r) => f.releaseUuid === undefined || r.releaseUuid === f.releaseUuid)
    .filter((r) => f.recordId === undefined || r.recordId === f.recordId)
    .filter((r) => f.statuses === undefined || (f.statuses as string[]).includes(r.status))
    .filter((r) => f.isFinished === undefined || isTerminal(r.status) === f.isFinished)
    .filter((r) => createdAfter === undefined || r.createdAt >= createdAfter)
    .filter((r) => createdBefore === undefined || r.createdAt < createdBefore)
    .filter((r) => updatedAfter === undefined || r.updatedAt >= updatedAfter)
    .filter((r) => updatedBefore === undefined || r.updatedAt < updatedBefore)
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** The records a batch's data stands for: inline records, or a synthetic segment/filter pool. */
function poolOf(data: { kind: string } & Record<string, unknown>): Record<string, unknown>[] {
  if (data.kind === 'records' || data.kind === 'form') {
    return data.records as Record<string, unknown>[];
  }
  if (data.kind === 'recordIds') return (data.ids as string[]).map((id) => ({ id }));
  if (data.kind === 'segment' || data.kind === 'filter') {
    // A segment's size is fixed by its uuid so previews and batches agree.
    const key = typeof data.segmentUuid === 'string' ? data.segmentUuid : 'filter';
    let size = 500 + ((key.length * 97) % 4500);
    if (typeof data.limit === 'number') size = Math.min(size, data.limit);
    return Array.from({ length: size }, (_, i) => ({ id: `${key}-${i}` }));
  }
  // Change feeds, files, reruns and schedules need storage the emulator does not model.
  return refuse(400, 'Invalid data kind for workflow type.', 'invalidDataKind');
}
