// The one Cargo batch watcher, through the sample and the guard, against the Cargo emulator on
// its own clock: a batch the gate created is finished, cancelled, or loudly reported on every
// path, and what is known of it travels with the error.
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchData, HttpTuning, Provider, SamplePlan } from '../../src/providers/provider.js';
import { LaunchError } from '../../src/providers/provider.js';
import type { CargoBatchGuard } from '../../src/providers/cargo/batch-watcher.js';
import { ApiError, GateError } from '../../src/shared/errors.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { type CargoHarness, cargoHarness, PLENTY, records } from './harness.js';
import { startTamperingProxy, type TamperingProxy } from './tampering-proxy.js';

const ENRICH = FIXTURE.workflows[0]!;
const CREATE = '/v1/orchestration/batches';
const ONE_BATCH = /^\/v1\/orchestration\/batches\/[^/]+$/;

let cargo: CargoEmulator | undefined;
let proxy: TamperingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await cargo?.close();
  proxy = undefined;
  cargo = undefined;
});

/** The emulator (slowed by `durationScale` so a batch is still running at the first poll). */
async function start(
  options: { durationScale?: number; viaProxy?: boolean; http?: HttpTuning } = {},
): Promise<CargoHarness & { cargo: CargoEmulator }> {
  cargo = await startCargoEmulator({ durationScale: options.durationScale ?? 1 });
  if (options.viaProxy) proxy = await startTamperingProxy(cargo.url);
  const harness = cargoHarness(cargo, {
    url: proxy?.url ?? cargo.url,
    workflowUuid: ENRICH.uuid,
    token: FIXTURE.tokens.admin,
    ...(options.http ? { http: options.http } : {}),
  });
  return Object.assign(harness, { cargo });
}

const batchOf = (n: number, prefix = 'w'): BatchData => ({
  kind: 'records',
  records: records(n, prefix),
});
const samplePlan = (n: number, maxCredits = 50): SamplePlan => ({
  records: records(n, 'sample'),
  maxCredits,
  timeoutMs: 15 * 60_000,
});
const onlyBatch = (c: CargoEmulator) => {
  const all = [...c.model.batches.values()];
  expect(all).toHaveLength(1);
  return all[0]!;
};
const cancelsOf = (c: CargoEmulator) => c.requests.filter((r) => r.route === 'batches-cancel');
const guardOf = (p: Provider) => p.guard!;

describe('a batch Cargo ends on its own', () => {
  it('a sample ended as error with no runs is noticed at the next poll, with its errorMessage', async () => {
    const h = await start({ viaProxy: true });
    proxy!.tamper((req, answer) => {
      const body = answer.body as { batch?: { uuid: string; status: string } } | undefined;
      if (req.method === 'POST' && req.path === CREATE && body?.batch) {
        // Cargo refuses the batch's work once created: it ends in error before any run exists.
        const batch = h.cargo.model.batches.get(body.batch.uuid)!;
        for (const uuid of batch.runUuids) h.cargo.model.runs.delete(uuid);
        batch.runUuids = [];
        batch.status = 'error';
        batch.finishedAt = h.cargo.model.now();
      }
      if (req.method === 'GET' && ONE_BATCH.test(req.path) && body?.batch?.status === 'error') {
        return {
          body: { batch: { ...body.batch, errorMessage: 'Workflow has no\nactive release' } },
        };
      }
      return undefined;
    });
    const error = (await h.provider
      .sample!.run(samplePlan(10), PLENTY)
      .catch((e: unknown) => e)) as GateError;
    expect(error).toBeInstanceOf(GateError);
    expect(error.kind).toBe('estimate');
    expect(error.message).toContain('as error (Workflow has no active release)');
    expect(error.message).not.toContain('sample-timeout-minutes');
    // One poll, not the 15 minutes of sample-timeout-minutes.
    expect(h.sleeps).toEqual([2_000]);
    expect(h.lines).toContain(
      `warning: Cargo ended batch ${onlyBatch(h.cargo).uuid} as error: Workflow has no active release.`,
    );
    expect(cancelsOf(h.cargo)).toHaveLength(0);
  });
});

describe('a launched batch the gate can no longer watch', () => {
  it('GET batches/{uuid} failing persistently: the batch is cancelled and the LaunchError names it', async () => {
    const h = await start({ durationScale: 100 });
    h.cargo.inject('batches-get', { kind: 'status', status: 500, body: '{"errorMessage":"boom"}' });
    const error = (await guardOf(h.provider)
      .run(batchOf(8), { hardCap: 1_000, detach: false })
      .catch((e: unknown) => e)) as LaunchError;
    const batch = onlyBatch(h.cargo);
    expect(error).toBeInstanceOf(LaunchError);
    expect(error.message).toContain(batch.uuid);
    expect(error.stopped).toBe(true);
    expect(error.outcome).toMatchObject({ batchUuid: batch.uuid, stopped: 'watch-failed' });
    expect(error.outcome.status).toBe('cancelling');
    expect(batch.status).toBe('cancelled');
  });

  it('cancel answers 500 once at the hard cap: retried, and the batch is stopped', async () => {
    const h = await start({ durationScale: 20 });
    h.cargo.inject('batches-cancel', { kind: 'status', status: 500 }, 1);
    const outcome = await guardOf(h.provider).run(batchOf(40), { hardCap: 5, detach: false });
    const batch = onlyBatch(h.cargo);
    expect(outcome.stopped).toBe('hard-cap');
    expect(outcome.actual).toBeGreaterThanOrEqual(5);
    expect(cancelsOf(h.cargo)).toHaveLength(2);
    expect(batch.status).toBe('cancelled');
    expect(h.lines.some((l) => l.startsWith(`warning: Could not cancel batch ${batch.uuid}`))).toBe(
      true,
    );
  });

  it('cancel always 500: a LaunchError, not stopped, names the batch after a bounded retry', async () => {
    const h = await start({ durationScale: 20 });
    h.cargo.inject('batches-cancel', { kind: 'status', status: 500 });
    const started = h.cargo.model.now();
    const error = (await guardOf(h.provider)
      .run(batchOf(40), { hardCap: 5, detach: false })
      .catch((e: unknown) => e)) as LaunchError;
    const batch = onlyBatch(h.cargo);
    expect(error).toBeInstanceOf(LaunchError);
    expect(error.stopped).toBe(false);
    expect(error.message).toContain(`Could not cancel batch ${batch.uuid}`);
    expect(error.outcome).toMatchObject({ batchUuid: batch.uuid, stopped: 'hard-cap' });
    expect(error.outcome.actual).toBeGreaterThanOrEqual(5);
    expect(batch.status).toBe('running');
    // Retried with growing waits, and given up within about 30 s of emulated time.
    expect(cancelsOf(h.cargo).length).toBeGreaterThanOrEqual(4);
    const retryWaits = h.sleeps.filter((ms) => ms !== 5_000);
    expect(retryWaits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(h.cargo.model.now() - started).toBeLessThan(5 * 60_000);
  });

  it('an interrupt mid-watch still cancels the batch (the cancel ignores the abort)', async () => {
    const h = await start({ durationScale: 100 });
    h.onSleep = (count) => {
      if (count === 2) h.interrupt.abort();
    };
    const outcome = await guardOf(h.provider).run(batchOf(8), { hardCap: 1_000, detach: false });
    expect(outcome.stopped).toBe('interrupted');
    expect(onlyBatch(h.cargo).status).toBe('cancelled');
  });

  it('an interrupt while a poll hangs aborts it and still cancels the batch', async () => {
    let interrupt = () => undefined as void;
    const h = await start({
      durationScale: 100,
      http: {
        // The job is interrupted while the first status read hangs (the emulator never answers it).
        onRequest: ({ endpoint }) => {
          if (/batches\/[^/]+$/.test(endpoint)) setImmediate(interrupt);
        },
      },
    });
    interrupt = () => h.interrupt.abort();
    h.cargo.inject('batches-get', { kind: 'hang' });
    const outcome = await guardOf(h.provider).run(batchOf(8), { hardCap: 1_000, detach: false });
    expect(outcome.stopped).toBe('interrupted');
    expect(onlyBatch(h.cargo).status).toBe('cancelled');
  });

  it('the watch bound, when given, cancels a batch still running past it', async () => {
    const h = await start({ durationScale: 1_000 });
    // `batch-timeout-minutes` reaches the guard once LaunchOptions carries it.
    const guard = guardOf(h.provider) as CargoBatchGuard;
    const options = { hardCap: 1_000, detach: false, timeoutMs: 60_000 };
    const outcome = await guard.run(batchOf(8), options);
    expect(outcome.stopped).toBe('timeout');
    expect(onlyBatch(h.cargo).status).toBe('cancelled');
  });
});

describe('the sample when its watch fails', () => {
  it('stopped cleanly after its status cannot be read: the API error, as any other', async () => {
    const h = await start({ durationScale: 100 });
    h.cargo.inject('batches-get', { kind: 'status', status: 502 });
    const error = (await h.provider
      .sample!.run(samplePlan(8), PLENTY)
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(LaunchError);
    expect(error.status).toBe(502);
    expect(onlyBatch(h.cargo).status).toBe('cancelled');
  });

  it('at its cap with a cancel that keeps failing: a LaunchError, whatever the estimate', async () => {
    const h = await start({ durationScale: 20 });
    h.cargo.inject('batches-cancel', { kind: 'status', status: 503 });
    const error = (await h.provider
      .sample!.run(samplePlan(20, 3), PLENTY)
      .catch((e: unknown) => e)) as LaunchError;
    expect(error).toBeInstanceOf(LaunchError);
    expect(error.stopped).toBe(false);
    expect(error.message).toContain(onlyBatch(h.cargo).uuid);
  });
});

describe('an interrupt before the launch', () => {
  it('launches nothing and searches nothing', async () => {
    const h = await start();
    h.interrupt.abort();
    const error = (await guardOf(h.provider)
      .run(batchOf(8), { hardCap: 1_000, detach: false })
      .catch((e: unknown) => e)) as GateError;
    expect(error.kind).toBe('cancelled');
    expect(h.cargo.model.batches.size).toBe(0);
    expect(h.cargo.requests).toHaveLength(0);
  });
});

describe('a create whose answer is lost', () => {
  const launchers: [string, (p: Provider) => Promise<unknown>][] = [
    ['run-batch', (p) => guardOf(p).run(batchOf(8), { hardCap: 1_000, detach: false })],
    ['the sample', (p) => p.sample!.run(samplePlan(8), PLENTY)],
  ];
  it.each(launchers)(
    '%s: the server creates the batch then drops the connection; the orphan is cancelled',
    async (_name, launch) => {
      const h = await start({ viaProxy: true, durationScale: 100 });
      proxy!.tamper((req) =>
        req.method === 'POST' && req.path === CREATE ? { drop: true } : undefined,
      );
      const error = (await launch(h.provider).catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      expect(error.kind).toBe('network');
      const batch = onlyBatch(h.cargo);
      expect(batch.status).toBe('cancelled');
      expect(cancelsOf(h.cargo).map((r) => r.path)).toEqual([`${CREATE}/${batch.uuid}/cancel`]);
      expect(h.lines.some((l) => l.includes('The creation answer was lost'))).toBe(true);
    },
  );

  it('a refused create (400) searches nothing: no batch can exist', async () => {
    const h = await start();
    h.cargo.inject('batches-create', {
      kind: 'status',
      status: 400,
      body: '{"errorMessage":"Not enough credits.","reason":"notEnoughCredits"}',
    });
    const error = (await guardOf(h.provider)
      .run(batchOf(8), { hardCap: 1_000, detach: false })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.reason).toBe('notEnoughCredits');
    expect(h.cargo.requests.filter((r) => r.route === 'batches-list')).toHaveLength(0);
  });
});
