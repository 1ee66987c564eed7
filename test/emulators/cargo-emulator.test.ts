import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CargoClient } from '../../src/providers/cargo/client.js';
import { ApiError } from '../../src/shared/errors.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from './cargo/server.js';

const ENRICH = FIXTURE.workflows[0]!;
const ROUTE = FIXTURE.workflows[1]!;
let emu: CargoEmulator;
let cargo: CargoClient;

beforeEach(async () => {
  emu = await startCargoEmulator();
  cargo = new CargoClient({
    apiUrl: emu.url,
    token: FIXTURE.tokens.admin,
    workspaceUuid: FIXTURE.workspace.uuid,
    retries: 0,
  });
});
afterEach(async () => emu.close());

interface WireRun {
  uuid: string;
  status: string;
  finishedAt: string | null;
  executions: { creditsUsedCount: number }[];
}

/**
 * One request straight to the emulator, for endpoints the gate's client does not call (single
 * runs, workflow lists) and for requests no correct client sends.
 */
async function call<T = Record<string, unknown>>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token = FIXTURE.tokens.admin,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${emu.url}/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

const createRun = async (workflowUuid: string, id: string) =>
  (await call<{ run: WireRun }>('POST', '/orchestration/runs', { workflowUuid, data: { id } })).body
    .run;
const getRun = async (uuid: string) =>
  (await call<{ run: WireRun }>('GET', `/orchestration/runs/${uuid}`)).body.run;

const runCost = (executions: { creditsUsedCount: number }[]) =>
  executions.reduce((sum, e) => sum + e.creditsUsedCount, 0) + 0.01 * executions.length;

describe('Cargo emulator: runs and billing', () => {
  it('progresses a run pending → running → success over emulated time', async () => {
    const run = await createRun(ENRICH.uuid, 'lead-ok-1');
    expect(run.status).toBe('pending');
    expect(run.executions).toEqual([]);
    emu.model.advance(ENRICH.runDurationMs / 2 + 20);
    const midway = await getRun(run.uuid);
    expect(midway.status).toBe('running');
    expect(midway.executions.length).toBeGreaterThan(0);
    emu.model.advance(ENRICH.runDurationMs);
    const done = await getRun(run.uuid);
    expect(['success', 'error']).toContain(done.status);
    expect(done.finishedAt).not.toBeNull();
    expect(done.executions.length).toBeGreaterThanOrEqual(midway.executions.length);
  });

  it('debits provider credits plus 0.01 per execution, native nodes included', async () => {
    const before = await cargo.getSubscription();
    const run = await createRun(ROUTE.uuid, 'acct-1');
    emu.model.advance(ROUTE.runDurationMs * 2 + 100);
    const done = await getRun(run.uuid);
    const after = await cargo.getSubscription();
    // 1 start + 24 branch + 6 variables + 1 lookup + 1 end = 33 executions
    expect(done.executions).toHaveLength(33);
    const provider = done.executions.reduce((s, e) => s + e.creditsUsedCount, 0);
    expect(provider).toBeCloseTo(0.05, 10);
    expect(after.subscriptionCreditsUsedCount - before.subscriptionCreditsUsedCount).toBeCloseTo(
      0.05 + 0.33,
      8,
    );
  });
});

describe('Cargo emulator: usage metrics and paging', () => {
  it('derives usage metrics from the same executions the runs show', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const runs = await cargo.listAllRuns(
      { workflowUuid: ENRICH.uuid, isFinished: true },
      { cap: 1000 },
    );
    const start = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
    const window = { from: start, to: today, workflowUuid: ENRICH.uuid };
    const credits = await cargo.getUsageMetrics({ ...window, unit: 'billing.credits' });
    const executions = await cargo.getUsageMetrics({ ...window, unit: 'orchestration.executions' });
    const sum = (m: typeof credits) => m.flatMap((d) => d.items).reduce((s, i) => s + i.count, 0);
    const fromRuns = runs.reduce((s, r) => s + runCost(r.executions), 0);
    expect(sum(credits) + sum(executions) / 100).toBeCloseTo(fromRuns, 6);
    expect(credits.every((d) => d.date.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(new Set(credits.flatMap((d) => d.items.map((i) => i.slug)))).toContain(
      'integration.hunter.action.findEmail',
    );
    expect(new Set(executions.flatMap((d) => d.items.map((i) => i.slug)))).toEqual(
      new Set(['success', 'error']),
    );
    const grouped = await cargo.getUsageMetrics({
      from: start,
      to: today,
      groupBy: 'workflow_uuid',
      unit: 'billing.credits',
    });
    expect(new Set(grouped.flatMap((d) => d.items.map((i) => i.groupBy)))).toContain(ENRICH.uuid);
  });

  it('pages runs with limit/offset and counts them', async () => {
    const count = await cargo.countRuns({
      workflowUuid: ENRICH.uuid,
      statuses: ['success', 'error'],
    });
    expect(count).toBe(ENRICH.history!.runs);
    const runs = await cargo.listAllRuns(
      { workflowUuid: ENRICH.uuid },
      { cap: 1000, pageSize: 40 },
    );
    expect(runs).toHaveLength(count);
    expect(new Set(runs.map((r) => r.uuid)).size).toBe(count);
    const times = runs.map((r) => Date.parse(r.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(emu.requests.filter((r) => r.route === 'runs-list')).toHaveLength(4);
  });
});

describe('Cargo emulator: tokens', () => {
  it('refuses billing to a non-admin token with 403 forbidden, but serves orchestration', async () => {
    const member = new CargoClient({ apiUrl: emu.url, token: FIXTURE.tokens.member, retries: 0 });
    const error = (await member.getSubscription().catch((e: unknown) => e)) as ApiError;
    expect(error.kind).toBe('forbidden');
    expect(error.apiMessage).toBe('forbidden');
    expect(error.message).toContain('admin access');
    const workflows = await call<{ workflows: unknown[] }>(
      'GET',
      '/orchestration/workflows/list',
      undefined,
      FIXTURE.tokens.member,
    );
    expect(workflows.status).toBe(200);
    expect(workflows.body.workflows).toHaveLength(FIXTURE.workflows.length);
  });

  it('answers 401 to an unknown token', async () => {
    const stranger = new CargoClient({ apiUrl: emu.url, token: 'nobody-knows-this', retries: 0 });
    expect(((await stranger.getBatch('any').catch((e: unknown) => e)) as ApiError).kind).toBe(
      'auth',
    );
    const answer = await call('GET', '/orchestration/workflows/list', undefined, 'nobody');
    expect(answer).toEqual({
      status: 401,
      body: { errorMessage: 'Not authorized', reason: 'unauthorized' },
    });
  });
});

describe('Cargo emulator: batches', () => {
  it('runs a records batch in waves, cancels it, and stops debiting', async () => {
    const records = Array.from({ length: 12 }, (_, i) => ({ id: `b-${i}` }));
    const batch = await cargo.createBatch({
      workflowUuid: ENRICH.uuid,
      data: { kind: 'records', records },
    });
    expect(batch.runsCount).toBe(12);
    emu.model.advance(400);
    const mid = await cargo.getBatch(batch.uuid);
    expect(mid.status).toBe('running');
    expect(mid.creditsUsedCount).toBeGreaterThan(0);
    expect(await cargo.cancelBatch(batch.uuid)).toBe('cancelled');
    const used = (await cargo.getSubscription()).subscriptionCreditsUsedCount;
    emu.model.advance(10_000);
    expect((await cargo.getSubscription()).subscriptionCreditsUsedCount).toBe(used);
    const after = await cargo.getBatch(batch.uuid);
    expect(after.status).toBe('cancelled');
    expect(await cargo.cancelBatch(batch.uuid)).toBe('already-finished');
    const runs = await cargo.listAllRuns({ batchUuid: batch.uuid });
    expect(runs).toHaveLength(12);
    expect(runs.some((r) => r.status === 'cancelled')).toBe(true);
  });

  it('refuses creation with notEnoughCredits when the balance is out and overage is deny', async () => {
    emu.model.subscription.subscriptionCreditsUsedCount =
      emu.model.subscription.subscriptionAvailableCreditsCount;
    const error = (await cargo
      .createBatch({ workflowUuid: ENRICH.uuid, data: { kind: 'records', records: [{ id: 'x' }] } })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.reason).toBe('notEnoughCredits');
    expect(error.message).toContain('not enough credits');
  });

  it('counts a segment through preview without running anything', async () => {
    const preview = await cargo.previewBatch({
      workflowUuid: ENRICH.uuid,
      data: { kind: 'segment', segmentUuid: 'seg-1' },
    });
    expect(preview.count).toBeGreaterThan(0);
    expect(emu.model.batches.size).toBe(0);
  });
});

describe('Cargo emulator: faults', () => {
  it('injects faults: status, drop, malformed JSON and schema drift', async () => {
    emu.inject('subscription', { kind: 'status', status: 502 }, 1);
    expect(((await cargo.getSubscription().catch((e: unknown) => e)) as ApiError).kind).toBe(
      'server',
    );
    emu.inject('subscription', { kind: 'drop' }, 1);
    expect(((await cargo.getSubscription().catch((e: unknown) => e)) as ApiError).kind).toBe(
      'network',
    );
    emu.inject('subscription', { kind: 'malformed' }, 1);
    expect(((await cargo.getSubscription().catch((e: unknown) => e)) as ApiError).kind).toBe(
      'invalid-response',
    );
    emu.inject(
      'subscription',
      { kind: 'drift', path: 'subscription.subscriptionCreditsUsedCount', op: 'retype' },
      1,
    );
    const drift = (await cargo.getSubscription().catch((e: unknown) => e)) as ApiError;
    expect(drift.kind).toBe('invalid-response');
    expect(drift.message).toContain('subscription.subscriptionCreditsUsedCount');
    expect((await cargo.getSubscription()).uuid).toBe(FIXTURE.subscription.uuid);
  });
});

// Requests outside the SDK's types (`@cargo-ai/api` Orchestration.Api / Billing.Api): the real
// service answers 400 with its error body, and so must the emulator, or a client bug passes.
const WRONG: [string, 'GET' | 'POST', string, unknown, string][] = [
  [
    'an unknown run status',
    'POST',
    '/orchestration/runs/list',
    { statuses: ['bogus'] },
    'statuses',
  ],
  ['a limit that is not a number', 'POST', '/orchestration/runs/list', { limit: 'ten' }, 'limit'],
  [
    'a lone status, not a list',
    'POST',
    '/orchestration/runs/count',
    { statuses: 'success' },
    'statuses',
  ],
  [
    'the query bracket form in a body',
    'POST',
    '/orchestration/runs/list',
    { 'statuses[]': 'finished' },
    'statuses[]',
  ],
  [
    'an unknown batch status',
    'GET',
    '/orchestration/batches/list?statuses=bogus',
    undefined,
    'statuses',
  ],
  [
    'a status no batch has',
    'GET',
    '/orchestration/batches/list?statuses%5B%5D=finished',
    undefined,
    'statuses',
  ],
  [
    'a non-numeric limit in a query',
    'GET',
    '/orchestration/batches/list?limit=ten',
    undefined,
    'limit',
  ],
  ['usage metrics without `to`', 'GET', '/billing/usage/metrics?from=2026-01-01', undefined, 'to'],
  [
    'an unknown query parameter',
    'GET',
    '/billing/subscriptions?verbose=true',
    undefined,
    'verbose',
  ],
  [
    'a JSON body that does not parse',
    'POST',
    '/orchestration/runs/count',
    '{"statuses": [',
    'JSON',
  ],
];

describe('Cargo emulator: refuses requests outside the SDK types', () => {
  it.each(WRONG)('400 for %s', async (_name, method, path, body, field) => {
    const answer = await call<{ errorMessage: string; reason: string }>(method, path, body);
    expect(answer.status).toBe(400);
    expect(answer.body.reason).toBe('invalidData');
    expect(answer.body.errorMessage).toContain(field);
  });

  it('400 for runs/cancel with both uuids and filters, and cancels nothing', async () => {
    const run = await createRun(ENRICH.uuid, 'keep-running');
    const answer = await call<{ errorMessage: string; reason: string }>(
      'POST',
      '/orchestration/runs/cancel',
      { workflowUuid: ENRICH.uuid, uuids: [run.uuid], batchUuid: 'any' },
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errorMessage: expect.stringContaining('either by uuids or by filters'),
      reason: 'invalidData',
    });
    expect((await getRun(run.uuid)).status).not.toBe('cancelled');
    const byUuid = await call('POST', '/orchestration/runs/cancel', {
      workflowUuid: ENRICH.uuid,
      uuids: [run.uuid],
    });
    expect(byUuid.status).toBe(200);
    expect((await getRun(run.uuid)).status).toBe('cancelled');
  });

  it('400 invalidDataKind for a batch whose data kind the SDK does not know', async () => {
    const answer = await call<{ reason: string }>('POST', '/orchestration/batches', {
      workflowUuid: ENRICH.uuid,
      data: { kind: 'csv', records: [] },
    });
    expect(answer).toMatchObject({ status: 400, body: { reason: 'invalidDataKind' } });
    expect(emu.model.batches.size).toBe(0);
  });

  it('answers 400 for a unit outside the three, through the real client', async () => {
    const error = await cargo
      .getUsageMetrics({ from: '2026-01-01', to: '2026-01-02', unit: 'credits' as never })
      .catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).reason).toBe('invalidData');
  });
});
