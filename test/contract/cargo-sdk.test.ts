// The official SDK is the reference client: it must accept every answer the emulator gives, and
// our client must send the same method, path, query and identifying headers for the same call.
// Endpoints our client does not call (single runs, run cancel, workflow and workspace lists) are
// still read through the SDK, so the emulator's answers to them stay what the SDK expects.
import { buildApi } from '@cargo-ai/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CargoClient } from '../../src/providers/cargo/client.js';
import { CLIENT_NAME, VERSION } from '../../src/shared/version.js';
import {
  type CargoEmulator,
  FIXTURE,
  type RecordedRequest,
  startCargoEmulator,
} from '../emulators/cargo/server.js';

const WF = FIXTURE.workflows[0]!.uuid;
const HEADERS = [
  'authorization',
  'selected-workspace-uuid',
  'x-cargo-origin',
  'x-cargo-origin-version',
  'content-type',
];
let emu: CargoEmulator;
let ours: CargoClient;
let sdk: ReturnType<typeof buildApi>;
let batchUuid = '';
let runUuid = '';

beforeAll(async () => {
  emu = await startCargoEmulator();
  const options = { token: FIXTURE.tokens.admin, workspaceUuid: FIXTURE.workspace.uuid };
  ours = new CargoClient({ apiUrl: emu.url, ...options, retries: 0 });
  sdk = buildApi({
    baseUrl: emu.url,
    accessToken: options.token,
    workspaceUuid: options.workspaceUuid,
    origin: { name: CLIENT_NAME, version: VERSION },
  });
  batchUuid = (
    await ours.createBatch({
      workflowUuid: WF,
      data: { kind: 'records', records: [{ id: 'c-1' }, { id: 'c-2' }] },
    })
  ).uuid;
  runUuid = (await sdk.orchestration.run.create({ workflowUuid: WF, data: { id: 'c-3' } })).run
    .uuid;
});
afterAll(async () => emu.close());

function wire(request: RecordedRequest) {
  const headers: Record<string, unknown> = {};
  for (const name of HEADERS) headers[name] = request.headers[name];
  return {
    method: request.method,
    path: request.path,
    query: request.query,
    headers,
    body: request.body === '' ? undefined : JSON.parse(request.body),
  };
}

/** Runs the same call through both clients and returns what the emulator saw of each. */
async function both(call: { ours: () => Promise<unknown>; sdk: () => Promise<unknown> }) {
  const start = emu.requests.length;
  const sdkAnswer = await call.sdk();
  const sdkRequests = emu.requests.slice(start).map(wire);
  const mid = emu.requests.length;
  await call.ours();
  const ourRequests = emu.requests.slice(mid).map(wire);
  return { sdkAnswer, sdkRequests, ourRequests };
}

const today = new Date().toISOString().slice(0, 10);
type Pair = { ours: () => Promise<unknown>; sdk: () => Promise<unknown> };
const cases: [string, () => Pair][] = [
  [
    '1 GET billing/subscriptions',
    () => ({ ours: () => ours.getSubscription(), sdk: () => sdk.billing.subscription.get() }),
  ],
  [
    '2 GET billing/usage/metrics',
    () => {
      const q = {
        from: '2026-10-01',
        to: today,
        workflowUuid: WF,
        unit: 'billing.credits' as const,
        groupBy: 'integration_slug' as const,
      };
      return { ours: () => ours.getUsageMetrics(q), sdk: () => sdk.billing.usage.getMetrics(q) };
    },
  ],
  [
    '6 POST orchestration/runs/list',
    () => {
      const f = {
        workflowUuid: WF,
        statuses: ['success' as const, 'error' as const],
        createdAfter: '2026-10-01T00:00:00.000Z',
        limit: 50,
        offset: 50,
      };
      return { ours: () => ours.listRuns(f), sdk: () => sdk.orchestration.run.list(f) };
    },
  ],
  [
    '7 POST orchestration/runs/count',
    () => {
      const f = { workflowUuid: WF, isFinished: true };
      return { ours: () => ours.countRuns(f), sdk: () => sdk.orchestration.run.count(f) };
    },
  ],
  [
    '9 POST orchestration/runs/metrics',
    () => {
      const p = { workflowUuid: WF, batchUuid };
      return { ours: () => ours.getRunMetrics(p), sdk: () => sdk.orchestration.run.getMetrics(p) };
    },
  ],
  [
    '10 POST orchestration/batches',
    () => {
      const p = { workflowUuid: WF, data: { kind: 'records' as const, records: [{ id: 'z' }] } };
      return { ours: () => ours.createBatch(p), sdk: () => sdk.orchestration.batch.create(p) };
    },
  ],
  [
    '11 GET orchestration/batches/{uuid}',
    () => ({
      ours: () => ours.getBatch(batchUuid),
      sdk: () => sdk.orchestration.batch.get(batchUuid),
    }),
  ],
  [
    '12 GET orchestration/batches/list',
    () => {
      const f = {
        workflowUuids: [WF],
        statuses: ['running' as const, 'success' as const],
        isFinished: false,
        limit: 10,
        offset: 0,
      };
      return { ours: () => ours.listBatches(f), sdk: () => sdk.orchestration.batch.list(f) };
    },
  ],
  [
    '14 POST orchestration/batches/preview',
    () => {
      const p = { workflowUuid: WF, data: { kind: 'segment' as const, segmentUuid: 'seg-9' } };
      return { ours: () => ours.previewBatch(p), sdk: () => sdk.orchestration.batch.preview(p) };
    },
  ],
  [
    '16 GET orchestration/plays/list',
    () => ({ ours: () => ours.listPlays(), sdk: () => sdk.orchestration.play.list() }),
  ],
  [
    '16 GET orchestration/tools/list',
    () => ({ ours: () => ours.listTools(), sdk: () => sdk.orchestration.tool.all() }),
  ],
];

/** Endpoints only the SDK calls here: the emulator must answer them as the SDK expects. */
const sdkOnly: [string, () => Promise<unknown>][] = [
  [
    '4 POST orchestration/runs',
    () => sdk.orchestration.run.create({ workflowUuid: WF, data: { id: 'same', name: 'Ada' } }),
  ],
  ['5 GET orchestration/runs/{uuid}', () => sdk.orchestration.run.get(runUuid)],
  [
    '8 POST orchestration/runs/cancel',
    () => sdk.orchestration.run.cancel({ workflowUuid: WF, uuids: [runUuid] }),
  ],
  ['15 GET orchestration/workflows/list', () => sdk.orchestration.workflow.all()],
  [
    '16 GET orchestration/plays/list, filtered',
    () => sdk.orchestration.play.list({ isEnabled: true, scheduleType: 'cron' }),
  ],
  [
    '17 GET workspaceManagement/workspaces/current',
    () => sdk.workspaceManagement.workspace.getCurrent(),
  ],
];

describe('contract with the official @cargo-ai/api SDK', () => {
  it.each(cases)(
    '%s: the SDK accepts the answer and our request is the same on the wire',
    async (_name, make) => {
      const { sdkAnswer, sdkRequests, ourRequests } = await both(make());
      expect(sdkAnswer === undefined || typeof sdkAnswer === 'object').toBe(true);
      expect(sdkRequests).toHaveLength(1);
      expect(ourRequests).toEqual(sdkRequests);
      expect(ourRequests[0]!.headers['x-cargo-origin']).toBe('batch-cost-gate');
    },
  );

  it.each(sdkOnly)('%s: the SDK accepts the answer', async (_name, call) => {
    const start = emu.requests.length;
    const answer = await call();
    expect(answer === undefined || typeof answer === 'object').toBe(true);
    expect(emu.requests.slice(start)).toHaveLength(1);
  });

  it('13 POST orchestration/batches/{uuid}/cancel: same request, and both see batchAlreadyFinished the same way', async () => {
    const fresh = await ours.createBatch({
      workflowUuid: WF,
      data: { kind: 'records', records: [{ id: 'k' }] },
    });
    const start = emu.requests.length;
    await sdk.orchestration.batch.cancel(fresh.uuid);
    const sdkRequest = wire(emu.requests[start]!);
    const again = await ours.cancelBatch(fresh.uuid);
    const ourRequest = wire(emu.requests[start + 1]!);
    expect(ourRequest).toEqual(sdkRequest);
    expect(again).toBe('already-finished');
    await expect(sdk.orchestration.batch.cancel(fresh.uuid)).rejects.toMatchObject({
      reason: 'batchAlreadyFinished',
    });
  });

  it('the SDK accepts runs and batches in every state the emulator produces', async () => {
    emu.model.advance(5_000);
    const list = await sdk.orchestration.run.list({ workflowUuid: WF, limit: 1000 });
    const statuses = new Set(list.runs.map((r) => r.status));
    expect(statuses).toContain('success');
    expect(statuses).toContain('error');
    expect(statuses).toContain('cancelled');
    const batches = await sdk.orchestration.batch.list({ workflowUuids: [WF] });
    expect(batches.batches.length).toBeGreaterThan(0);
  });
});
