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

const runCost = (executions: { creditsUsedCount: number }[]) =>
  executions.reduce((sum, e) => sum + e.creditsUsedCount, 0) + 0.01 * executions.length;

describe('Cargo emulator', () => {
  it('progresses a run pending → running → success over emulated time', async () => {
    const run = await cargo.createRun({ workflowUuid: ENRICH.uuid, data: { id: 'lead-ok-1' } });
    expect(run.status).toBe('pending');
    expect(run.executions).toEqual([]);
    emu.model.advance(ENRICH.runDurationMs / 2 + 20);
    const midway = await cargo.getRun(run.uuid);
    expect(midway.status).toBe('running');
    expect(midway.executions.length).toBeGreaterThan(0);
    emu.model.advance(ENRICH.runDurationMs);
    const done = await cargo.getRun(run.uuid);
    expect(['success', 'error']).toContain(done.status);
    expect(done.finishedAt).not.toBeNull();
    expect(done.executions.length).toBeGreaterThanOrEqual(midway.executions.length);
  });

  it('debits provider credits plus 0.01 per execution, native nodes included', async () => {
    const before = await cargo.getSubscription();
    const run = await cargo.createRun({ workflowUuid: ROUTE.uuid, data: { id: 'acct-1' } });
    emu.model.advance(ROUTE.runDurationMs * 2 + 100);
    const done = await cargo.getRun(run.uuid);
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

  it('derives usage metrics from the same executions the runs show', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const runs = await cargo.listAllRuns(
      { workflowUuid: ENRICH.uuid, isFinished: true },
      { cap: 1000 },
    );
    const start = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
    const credits = await cargo.getUsageMetrics({
      from: start,
      to: today,
      workflowUuid: ENRICH.uuid,
      unit: 'billing.credits',
    });
    const executions = await cargo.getUsageMetrics({
      from: start,
      to: today,
      workflowUuid: ENRICH.uuid,
      unit: 'orchestration.executions',
    });
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

  it('answers 400 for a unit outside the three', async () => {
    const error = await cargo
      .getUsageMetrics({ from: '2026-01-01', to: '2026-01-02', unit: 'credits' as never })
      .catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(400);
  });

  it('refuses billing to a non-admin token with 403 forbidden, but serves orchestration', async () => {
    const member = new CargoClient({ apiUrl: emu.url, token: FIXTURE.tokens.member, retries: 0 });
    const error = (await member.getSubscription().catch((e: unknown) => e)) as ApiError;
    expect(error.kind).toBe('forbidden');
    expect(error.apiMessage).toBe('forbidden');
    expect(error.message).toContain('admin access');
    expect((await member.listWorkflows()).length).toBe(FIXTURE.workflows.length);
  });

  it('answers 401 to an unknown token', async () => {
    const stranger = new CargoClient({ apiUrl: emu.url, token: 'nobody-knows-this', retries: 0 });
    expect(((await stranger.listWorkflows().catch((e: unknown) => e)) as ApiError).kind).toBe(
      'auth',
    );
  });

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
