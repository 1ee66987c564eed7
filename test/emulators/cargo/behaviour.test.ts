// What the Cargo emulator can be told to do to a batch, so the gate's tests mean something: run
// on its own clock, spend at a set rate, end in error, stall in querying, refuse cancels, and
// lose an answer after the work is done.
import { afterEach, describe, expect, it } from 'vitest';
import { CargoClient } from '../../../src/providers/cargo/client.js';
import { ApiError } from '../../../src/shared/errors.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from './server.js';

const ENRICH = FIXTURE.workflows[0]!;
let emu: CargoEmulator;
afterEach(async () => emu.close());

async function start(clockMs?: number): Promise<CargoClient> {
  emu = await startCargoEmulator(clockMs === undefined ? {} : { clockMs });
  return new CargoClient({ apiUrl: emu.url, token: FIXTURE.tokens.admin, retries: 0 });
}

const records = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `b-${i}` }));
const create = (cargo: CargoClient, n = 5) =>
  cargo.createBatch({
    workflowUuid: ENRICH.uuid,
    data: { kind: 'records', records: records(n) },
  });
const wait = (ms: number) => new Promise((done) => setTimeout(done, ms));
const used = () => emu.model.subscription.subscriptionCreditsUsedCount;

describe('Cargo emulator: batches on their own clock', () => {
  it('bills and finishes runs while nobody asks', async () => {
    const cargo = await start();
    emu.model.durationScale = 0.2;
    const before = used();
    const batch = await create(cargo, 4);
    await wait(400);
    // Read straight from the model: no request moved it.
    expect(used()).toBeGreaterThan(before);
    expect(emu.model.batches.get(batch.uuid)!.status).toBe('success');
  });

  it('with the clock off, time moves only when it is read (tests that advance it by hand)', async () => {
    const cargo = await start(0);
    const before = used();
    await create(cargo, 4);
    await wait(200);
    expect(used()).toBe(before);
  });
});

describe('Cargo emulator: batch behaviours', () => {
  it('spends at a set rate, steadily, execution charge included', async () => {
    const cargo = await start(0);
    emu.model.batchBehaviour = { creditsPerSecond: 25 };
    const before = used();
    const batch = await create(cargo, 100);
    emu.model.advance(4_050);
    expect(used() - before).toBeCloseTo(100, 6);
    emu.model.advance(2_000);
    expect(used() - before).toBeCloseTo(150, 6);
    const seen = await cargo.getBatch(batch.uuid);
    const metrics = await cargo.getRunMetrics({ workflowUuid: ENRICH.uuid, batchUuid: batch.uuid });
    const executions = metrics.reduce((s, m) => s + m.totalExecutionsCount, 0);
    expect(seen.creditsUsedCount + executions * 0.01).toBeCloseTo(150, 6);
  });

  it('ends in error with its errorMessage; with no delay, before any run exists', async () => {
    const cargo = await start(0);
    emu.model.batchBehaviour = { endInError: { message: 'Workflow has no active release' } };
    const batch = await create(cargo);
    expect(batch.status).toBe('pending');
    const ended = await cargo.getBatch(batch.uuid);
    expect(ended).toMatchObject({
      status: 'error',
      errorMessage: 'Workflow has no active release',
      runsCount: 0,
      creditsUsedCount: 0,
    });
  });

  it('ends in error part-way: what ran is billed and kept, nothing else runs', async () => {
    const cargo = await start(0);
    emu.model.batchBehaviour = { endInError: { message: 'Connector expired', afterMs: 200 } };
    const batch = await create(cargo, 12);
    emu.model.advance(10_000);
    const ended = await cargo.getBatch(batch.uuid);
    expect(ended.status).toBe('error');
    expect(ended.runsCount).toBeGreaterThan(0);
    expect(ended.runsCount).toBeLessThan(12);
    expect(ended.creditsUsedCount).toBeGreaterThan(0);
    expect(Date.parse(ended.finishedAt!)).toBe(emu.model.batches.get(batch.uuid)!.createdAt + 200);
  });

  it('stalls in querying, spending nothing, until cancelled', async () => {
    const cargo = await start(0);
    emu.model.batchBehaviour = { stallInQuerying: true };
    const batch = await create(cargo);
    emu.model.advance(3_600_000);
    expect(await cargo.getBatch(batch.uuid)).toMatchObject({ status: 'querying', runsCount: 0 });
    const open = await cargo.listBatches({ workflowUuids: [ENRICH.uuid], isFinished: false });
    expect(open.map((b) => b.uuid)).toEqual([batch.uuid]);
    expect(await cargo.cancelBatch(batch.uuid)).toBe('cancelled');
    expect((await cargo.getBatch(batch.uuid)).status).toBe('cancelled');
  });

  it.each([
    [2, 'cancelled'],
    [Infinity, 'running'],
  ])('refuses %s cancels with a 500', async (refusals, final) => {
    const cargo = await start(0);
    emu.model.batchBehaviour = { refuseCancels: refusals, creditsPerSecond: 1 };
    const batch = await create(cargo, 50);
    emu.model.advance(2_000);
    const answers: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      answers.push(
        await cargo.cancelBatch(batch.uuid).catch((e: ApiError) => `${e.kind} ${e.status}`),
      );
    }
    const expected = refusals === 2 ? ['server 500', 'server 500', 'cancelled'] : [];
    expect(answers.slice(0, expected.length)).toEqual(expected);
    expect(emu.model.batches.get(batch.uuid)!.status).toBe(final);
  });

  it('loses a create answer after the batch exists, as a timeout on the way back would', async () => {
    const cargo = await start(0);
    emu.loseAnswers('batches-create', 1);
    const error = (await create(cargo).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.kind).toBe('network');
    expect(emu.model.batches.size).toBe(1);
    // Only the next `times` answers are lost.
    await create(cargo);
    expect(emu.model.batches.size).toBe(2);
  });
});
