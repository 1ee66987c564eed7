// A loopback HTTP server that answers like api.getcargo.io/v1 (see shared/reference/cargo-api.md),
// backed by `CargoModel`. Tests start it on port 0, point the gate at `url`, and may inject faults.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drift } from '../drift.js';
import {
  type BatchState,
  CargoModel,
  type ExecutionState,
  type Fixture,
  isTerminal,
  roundCredits,
  type RunState,
  type WorkflowSpec,
} from './model.js';

export const FIXTURE: Fixture = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixture.json'), 'utf8'),
) as Fixture;

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

export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'drop' }
  | { kind: 'malformed' }
  | { kind: 'drift'; path: string; op: 'remove' | 'retype' | 'null' };

interface ArmedFault {
  route: RouteId | '*';
  fault: Fault;
  remaining: number;
}

export interface RecordedRequest {
  route: RouteId | 'unknown';
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

export interface CargoEmulator {
  url: string;
  model: CargoModel;
  requests: RecordedRequest[];
  /** Arms a fault on a route for the next `times` requests (default: every request). */
  inject(route: RouteId | '*', fault: Fault, times?: number): void;
  clearFaults(): void;
  /** Latency added to every answer (benchmarks use it to make round trips dominate). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export interface CargoEmulatorOptions {
  fixture?: Fixture;
  seedHistory?: boolean;
  /** Multiplies run durations (0.5 = twice as fast). */
  durationScale?: number;
  latencyMs?: number;
  /** Fixed port (0, the default, picks a free one). */
  port?: number;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown> | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

const fail = (status: number, errorMessage?: string, reason?: string): never => {
  throw new HttpFailure(
    status,
    errorMessage === undefined ? undefined : { errorMessage, ...(reason ? { reason } : {}) },
  );
};

/** Starts an emulator on 127.0.0.1 and a free port. */
export async function startCargoEmulator(
  options: CargoEmulatorOptions = {},
): Promise<CargoEmulator> {
  const fixture = options.fixture ?? FIXTURE;
  const model = new CargoModel(fixture, { seedHistory: options.seedHistory ?? true });
  if (options.durationScale !== undefined) model.durationScale = options.durationScale;
  const requests: RecordedRequest[] = [];
  let faults: ArmedFault[] = [];
  let latencyMs = options.latencyMs ?? 0;
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const route = routeOf(req.method ?? 'GET', url.pathname);
    requests.push({
      route: route?.id ?? 'unknown',
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body,
      at: Date.now(),
    });
    if (latencyMs > 0) await sleep(latencyMs);
    const fault = route ? takeFault(route.id) : undefined;
    if (fault?.kind === 'latency') await sleep(fault.ms);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? '');
      return;
    }
    try {
      if (!route) return fail(404, 'Not found', 'routeNotFound');
      authorize(req, route.id);
      let answer = route.handler(url, parseJson(body), route.params);
      if (fault?.kind === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"subscription": {"uuid": "x", "subscriptionAvailab');
        return;
      }
      if (fault?.kind === 'drift') answer = drift(answer, fault.path, fault.op);
      if (answer === undefined) {
        res.writeHead(200);
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(answer));
      }
    } catch (error) {
      if (error instanceof HttpFailure) {
        res.writeHead(error.status, { 'content-type': 'application/json' });
        res.end(error.body === undefined ? '' : JSON.stringify(error.body));
      } else {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errorMessage: String(error) }));
      }
    }
  }

  function takeFault(route: RouteId): Fault | undefined {
    const armed = faults.find((f) => (f.route === route || f.route === '*') && f.remaining > 0);
    if (!armed) return undefined;
    armed.remaining -= 1;
    return armed.fault;
  }

  function authorize(req: IncomingMessage, route: RouteId): void {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const isAdmin = token === fixture.tokens.admin;
    const isMember = token === fixture.tokens.member;
    if (!isAdmin && !isMember) fail(401, 'Not authorized', 'unauthorized');
    const workspace = req.headers['selected-workspace-uuid'];
    if (workspace !== undefined && workspace !== fixture.workspace.uuid) fail(403, 'forbidden');
    // Billing needs admin access to the workspace; members get a bare "forbidden".
    if (!isAdmin && (route === 'subscription' || route === 'usage-metrics' || route === 'invoices'))
      fail(403, 'forbidden');
  }

  const workflowOf = (uuid: unknown): WorkflowSpec => {
    const wf = typeof uuid === 'string' ? model.workflows.get(uuid) : undefined;
    if (!wf) return fail(400, 'Workflow not found.', 'workflowNotFound');
    return wf;
  };
  const batchOf = (uuid: string | undefined): BatchState => {
    const batch = uuid ? model.batches.get(uuid) : undefined;
    if (!batch) return fail(400, 'Batch not found.', 'batchNotFound');
    return batch;
  };
  const requireCredits = () => {
    if (model.subscription.overage === 'deny' && model.remaining() <= 0)
      fail(400, 'Not enough credits.', 'notEnoughCredits');
  };

  type Handler = (url: URL, body: Record<string, unknown>, params: string[]) => unknown;
  const routes: { id: RouteId; method: string; pattern: RegExp; handler: Handler }[] = [
    {
      id: 'subscription',
      method: 'GET',
      pattern: /^\/v1\/billing\/subscriptions$/,
      handler: () => {
        model.tick();
        return { subscription: serializeSubscription(model) };
      },
    },
    {
      id: 'invoices',
      method: 'GET',
      pattern: /^\/v1\/billing\/subscriptions\/invoices$/,
      handler: () => ({ invoices: [] }),
    },
    {
      id: 'usage-metrics',
      method: 'GET',
      pattern: /^\/v1\/billing\/usage\/metrics$/,
      handler: (url) => {
        model.tick();
        return { metrics: usageMetrics(model, url.searchParams) };
      },
    },
    {
      id: 'runs-create',
      method: 'POST',
      pattern: /^\/v1\/orchestration\/runs$/,
      handler: (_u, body) => {
        const wf = workflowOf(body.workflowUuid);
        if (body.data === null || typeof body.data !== 'object')
          fail(400, 'Invalid data.', 'invalidData');
        requireCredits();
        const run = model.createRun(wf, body.data as Record<string, unknown>);
        return { run: serializeRun(model, run) };
      },
    },
    {
      id: 'runs-list',
      method: 'POST',
      pattern: /^\/v1\/orchestration\/runs\/list$/,
      handler: (_u, body) => {
        model.tick();
        const matching = filterRuns(model, body);
        const limit = typeof body.limit === 'number' ? Math.min(body.limit, 1000) : 100;
        const offset = typeof body.offset === 'number' ? body.offset : 0;
        return {
          runs: matching.slice(offset, offset + limit).map((r) => serializeRun(model, r)),
          count: matching.length,
        };
      },
    },
    {
      id: 'runs-count',
      method: 'POST',
      pattern: /^\/v1\/orchestration\/runs\/count$/,
      handler: (_u, body) => {
        model.tick();
        return { count: filterRuns(model, body).length };
      },
    },
    {
      id: 'runs-cancel',
      method: 'POST',
      pattern: /^\/v1\/orchestration\/runs\/cancel$/,
      handler: (_u, body) => {
        workflowOf(body.workflowUuid);
        const uuids = Array.isArray(body.uuids) ? (body.uuids as string[]) : undefined;
        const targets = uuids
          ? uuids.map((u) => model.runs.get(u)).filter((r): r is RunState => !!r)
          : filterRuns(model, body);
        for (const run of targets) model.cancelRun(run);
        return undefined;
      },
    },
    {
      id: 'runs-metrics',
      method: 'POST',
      pattern: /^\/v1\/orchestration\/runs\/metrics$/,
      handler: (_u, body) => {
        model.tick();
        workflowOf(body.workflowUuid);
        return { runMetrics: runMetrics(model, filterRuns(model, body)) };
      },
    },
    {
      id: 'runs-get',
      method: 'GET',
      pattern: /^\/v1\/orchestration\/runs\/([^/]+)$/,
      handler: (_u, _b, [uuid]) => {
        model.tick();
        const run = uuid ? model.runs.get(uuid) : undefined;
        if (!run) fail(404, 'Run not found.', 'runNotFound');
        return {
          run: serializeRun(model, run as RunState),
          runContext: {},
          runComputedConfigs: {},
        };
      },
    },
    {
      id: 'batches-create',
      method: 'POST',
      pattern: /^\/v1\/orchestration\/batches$/,
      handler: (_u, body) => {
        const wf = workflowOf(body.workflowUuid);
        const data = body.data as { kind?: string; records?: unknown } | undefined;
        if (!data || typeof data.kind !== 'string')
          fail(400, 'Invalid data kind for workflow type.', 'invalidDataKind');
        const records = poolOf(data as { kind: string });
        if (records.length === 0) fail(400, 'No records.', 'dataError');
        requireCredits();
        const batch = model.createBatch(wf, data, records);
        return { batch: serializeBatch(model, batch) };
      },
    },
    {
      id: 'batches-preview',
      method: 'POST',
      pattern: /^\/v1\/orchestration\/batches\/preview$/,
      handler: (_u, body) => {
        workflowOf(body.workflowUuid);
        const records = poolOf((body.data ?? {}) as { kind: string });
        return { records: records.slice(0, 10), columns: [], count: records.length };
      },
    },
    {
      id: 'batches-list',
      method: 'GET',
      pattern: /^\/v1\/orchestration\/batches\/list$/,
      handler: (url) => {
        model.tick();
        const q = url.searchParams;
        const workflows = q.getAll('workflowUuids[]');
        const statuses = q.getAll('statuses[]');
        const isFinished = q.get('isFinished');
        const list = [...model.batches.values()]
          .filter((b) => workflows.length === 0 || workflows.includes(b.workflowUuid))
          .filter((b) => statuses.length === 0 || statuses.includes(b.status))
          .filter((b) => isFinished === null || String(isTerminal(b.status)) === isFinished)
          .sort((a, b) => b.createdAt - a.createdAt);
        const limit = Number(q.get('limit') ?? 100);
        const offset = Number(q.get('offset') ?? 0);
        return { batches: list.slice(offset, offset + limit).map((b) => serializeBatch(model, b)) };
      },
    },
    {
      id: 'batches-cancel',
      method: 'POST',
      pattern: /^\/v1\/orchestration\/batches\/([^/]+)\/cancel$/,
      handler: (_u, _b, [uuid]) => {
        model.tick();
        const batch = batchOf(uuid);
        if (isTerminal(batch.status)) fail(400, 'Batch already finished.', 'batchAlreadyFinished');
        model.cancelBatch(batch);
        return undefined;
      },
    },
    {
      id: 'batches-get',
      method: 'GET',
      pattern: /^\/v1\/orchestration\/batches\/([^/]+)$/,
      handler: (_u, _b, [uuid]) => {
        model.tick();
        return { batch: serializeBatch(model, batchOf(uuid)) };
      },
    },
    {
      id: 'workflows-list',
      method: 'GET',
      pattern: /^\/v1\/orchestration\/workflows\/list$/,
      handler: () => ({
        workflows: [...model.workflows.values()].map((wf) => serializeWorkflow(model, wf)),
      }),
    },
    {
      id: 'plays-list',
      method: 'GET',
      pattern: /^\/v1\/orchestration\/plays\/list$/,
      handler: () => ({
        plays: [...model.workflows.values()]
          .filter((w) => w.kind === 'play')
          .map((w) => named(model, w)),
      }),
    },
    {
      id: 'tools-list',
      method: 'GET',
      pattern: /^\/v1\/orchestration\/tools\/list$/,
      handler: () => ({
        tools: [...model.workflows.values()]
          .filter((w) => w.kind === 'tool')
          .map((w) => named(model, w)),
      }),
    },
    {
      id: 'workspace-current',
      method: 'GET',
      pattern: /^\/v1\/workspaceManagement\/workspaces\/current$/,
      handler: () => ({
        workspace: {
          uuid: fixture.workspace.uuid,
          name: fixture.workspace.name,
          allowedEmailDomains: [],
          syncs: [],
          temporalNamespace: 'default',
          temporalTaskQueuePrefix: null,
          maxConcurrentRuns: fixture.workspace.maxConcurrentRuns,
          openAiVectorStoreId: null,
          createdAt: '2025-01-15T00:00:00.000Z',
          updatedAt: '2025-01-15T00:00:00.000Z',
          logoUrl: null,
          metadata: null,
        },
      }),
    },
  ];

  function routeOf(
    method: string,
    path: string,
  ): { id: RouteId; handler: Handler; params: string[] } | undefined {
    for (const route of routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (match)
        return {
          id: route.id,
          handler: route.handler,
          params: match.slice(1).map(decodeURIComponent),
        };
    }
    return undefined;
  }

  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    model,
    requests,
    inject(route, fault, times = Infinity) {
      faults.push({ route, fault, remaining: times });
    },
    clearFaults() {
      faults = [];
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): Record<string, unknown> {
  if (text === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return fail(400, 'Invalid JSON body.', 'invalidData');
  }
}

/** The records a batch's data stands for: inline records, or a synthetic segment/filter pool. */
function poolOf(data: {
  kind: string;
  records?: unknown;
  ids?: unknown;
  segmentUuid?: unknown;
  limit?: unknown;
}): Record<string, unknown>[] {
  if (data.kind === 'records' || data.kind === 'form') {
    if (!Array.isArray(data.records)) fail(400, 'Invalid data.', 'dataError');
    return (data.records as unknown[]).filter(
      (r): r is Record<string, unknown> => r !== null && typeof r === 'object',
    );
  }
  if (data.kind === 'recordIds') {
    return Array.isArray(data.ids) ? (data.ids as unknown[]).map((id) => ({ id: String(id) })) : [];
  }
  if (data.kind === 'segment' || data.kind === 'filter') {
    // A segment's size is fixed by its uuid so previews and batches agree.
    const key = typeof data.segmentUuid === 'string' ? data.segmentUuid : 'filter';
    let size = 500 + ((key.length * 97) % 4500);
    if (typeof data.limit === 'number') size = Math.min(size, data.limit);
    return Array.from({ length: size }, (_, i) => ({ id: `${key}-${i}` }));
  }
  return fail(400, 'Invalid data kind for workflow type.', 'invalidDataKind');
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function serializeSubscription(model: CargoModel): Record<string, unknown> {
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

function serializeExecution(e: ExecutionState): Record<string, unknown> {
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

function serializeRun(model: CargoModel, run: RunState): Record<string, unknown> {
  const terminal = isTerminal(run.status);
  return {
    uuid: run.uuid,
    workspaceUuid: model.fixture.workspace.uuid,
    workflowUuid: run.workflowUuid,
    userUuid: null,
    releaseUuid: null,
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

function serializeBatch(model: CargoModel, batch: BatchState): Record<string, unknown> {
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
    errorMessage: null,
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

function serializeWorkflow(model: CargoModel, wf: WorkflowSpec): Record<string, unknown> {
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

function named(model: CargoModel, wf: WorkflowSpec): Record<string, unknown> {
  return {
    uuid: `${wf.kind}-${wf.uuid}`,
    workspaceUuid: model.fixture.workspace.uuid,
    workflowUuid: wf.uuid,
    name: wf.name,
    description: null,
  };
}

function filterRuns(model: CargoModel, f: Record<string, unknown>): RunState[] {
  const statuses = Array.isArray(f.statuses) ? (f.statuses as string[]) : undefined;
  const time = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : undefined);
  const createdAfter = time(f.createdAfter);
  const createdBefore = time(f.createdBefore);
  const updatedAfter = time(f.updatedAfter);
  const updatedBefore = time(f.updatedBefore);
  return [...model.runs.values()]
    .filter((r) => f.workflowUuid === undefined || r.workflowUuid === f.workflowUuid)
    .filter((r) => f.batchUuid === undefined || r.batchUuid === f.batchUuid)
    .filter((r) => f.recordId === undefined || r.recordId === f.recordId)
    .filter((r) => statuses === undefined || statuses.includes(r.status))
    .filter((r) => f.isFinished === undefined || isTerminal(r.status) === f.isFinished)
    .filter((r) => createdAfter === undefined || r.createdAt >= createdAfter)
    .filter((r) => createdBefore === undefined || r.createdAt < createdBefore)
    .filter((r) => updatedAfter === undefined || r.updatedAt >= updatedAfter)
    .filter((r) => updatedBefore === undefined || r.updatedAt < updatedBefore)
    .sort((a, b) => b.createdAt - a.createdAt);
}

function runMetrics(model: CargoModel, runs: RunState[]): Record<string, unknown>[] {
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

const UNITS = ['billing.credits', 'orchestration.executions', 'storage.records'];
const GROUP_BY: Record<string, 'workflowUuid' | 'integrationSlug' | 'connectorUuid' | null> = {
  workflow_uuid: 'workflowUuid',
  integration_slug: 'integrationSlug',
  connector_uuid: 'connectorUuid',
  model_uuid: null,
  agent_uuid: null,
};

/** Daily buckets (midnight UTC) of the usage ledger, filtered and grouped as the real endpoint does. */
function usageMetrics(model: CargoModel, q: URLSearchParams): Record<string, unknown>[] {
  const from = q.get('from');
  const to = q.get('to');
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!from || !to || !day.test(from) || !day.test(to))
    fail(400, 'from and to are required (YYYY-MM-DD).', 'invalidData');
  const unitParam = q.get('unit');
  if (unitParam !== null && !UNITS.includes(unitParam))
    fail(400, `Invalid unit ${unitParam}.`, 'invalidData');
  const groupByParam = q.get('groupBy');
  if (groupByParam !== null && !(groupByParam in GROUP_BY))
    fail(400, `Invalid groupBy ${groupByParam}.`, 'invalidData');
  const groupKey = groupByParam === null ? null : GROUP_BY[groupByParam];
  const start = Date.parse(`${from as string}T00:00:00.000Z`);
  const end = Date.parse(`${to as string}T00:00:00.000Z`) + 86_400_000;
  const buckets = new Map<
    string,
    Map<string, { slug: string; count: number; groupBy: string | null }>
  >();
  for (const event of model.usage) {
    if (event.at < start || event.at >= end) continue;
    if (unitParam !== null && event.unit !== unitParam) continue;
    if (q.get('workflowUuid') !== null && event.workflowUuid !== q.get('workflowUuid')) continue;
    if (q.get('integrationSlug') !== null && event.integrationSlug !== q.get('integrationSlug'))
      continue;
    if (q.get('connectorUuid') !== null && event.connectorUuid !== q.get('connectorUuid')) continue;
    if (q.get('slug') !== null && event.slug !== q.get('slug')) continue;
    if (q.get('modelUuid') !== null || q.get('agentUuid') !== null) continue;
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
