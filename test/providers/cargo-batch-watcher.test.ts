// The one Cargo batch watcher, through the sample and the guard, against the Cargo emulator on
// its own clock: a batch the gate created is finished, cancelled, or loudly reported on every
// path, and what is known of it travels with the error. The describe blocks follow the rows of
// issue 15 ("Never lose money"), Cargo's part.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  BatchData,
  HttpTuning,
  LaunchOptions,
  Provider,
  SamplePlan,
} from '../../src/providers/provider.js';
import { LaunchError } from '../../src/providers/provider.js';
import {
  batchPollInterval,
  FIRST_POLL_MS,
  MIN_POLL_MS,
  SpendPace,
  UNSEEN_POLL_MS,
} from '../../src/providers/cargo/poll-schedule.js';
import { ApiError, GateError } from '../../src/shared/errors.js';
import {
  type BatchBehaviour,
  type CargoEmulator,
  FIXTURE,
  startCargoEmulator,
} from '../emulators/cargo/server.js';
import { type CargoHarness, cargoHarness, PLENTY, records } from './harness.js';
import { startTamperingProxy, type TamperingProxy } from './tampering-proxy.js';

const ENRICH = FIXTURE.workflows[0]!;
const CREATE = '/v1/orchestration/batches';

let cargo: CargoEmulator | undefined;
let proxy: TamperingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await cargo?.close();
  proxy = undefined;
  cargo = undefined;
});

interface StartOptions {
  durationScale?: number;
  viaProxy?: boolean;
  http?: HttpTuning;
  behaviour?: BatchBehaviour;
}

/** The emulator (slowed by `durationScale` so a batch is still running at the first poll). */
async function start(options: StartOptions = {}): Promise<CargoHarness & { cargo: CargoEmulator }> {
  // The emulator's clock is moved by the harness's sleeps; its own wall-clock ticking is off so
  // spend depends on emulated time alone.
  cargo = await startCargoEmulator({ durationScale: options.durationScale ?? 1, clockMs: 0 });
  cargo.model.batchBehaviour = options.behaviour ?? {};
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
const watched = (hardCap: number, extra: Partial<LaunchOptions> = {}): LaunchOptions => ({
  hardCap,
  detach: false,
  timeoutMs: 360 * 60_000,
  ...extra,
});
const onlyBatch = (c: CargoEmulator) => {
  const all = [...c.model.batches.values()];
  expect(all).toHaveLength(1);
  return all[0]!;
};
const cancelsOf = (c: CargoEmulator) => c.requests.filter((r) => r.route === 'batches-cancel');
const guardOf = (p: Provider) => p.guard!;
const failureOf = async <E>(work: Promise<unknown>): Promise<E> =>
  (await work.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  )) as E;

describe('row: a batch Cargo ends as error is noticed at the next poll, with its errorMessage', () => {
  it('a sample ended as error with no runs: one poll, Cargo’s words, no advice to wait longer', async () => {
    const h = await start({
      behaviour: { endInError: { message: 'Workflow has no\nactive release' } },
    });
    const error = await failureOf<GateError>(h.provider.sample!.run(samplePlan(10), PLENTY));
    expect(error).toBeInstanceOf(GateError);
    expect(error.kind).toBe('estimate');
    expect(error.message).toContain('as error (Workflow has no active release)');
    expect(error.message).not.toContain('sample-timeout-minutes');
    // One poll, not the 15 minutes of sample-timeout-minutes.
    expect(h.sleeps).toEqual([FIRST_POLL_MS]);
    const batch = onlyBatch(h.cargo);
    expect(batch.runUuids).toEqual([]);
    expect(h.lines).toContain(
      `warning: Cargo ended batch ${batch.uuid} as error: Workflow has no active release.`,
    );
    expect(cancelsOf(h.cargo)).toHaveLength(0);
  });

  it('run-batch: a batch ended as error mid-way keeps what it billed, and says why', async () => {
    const h = await start({
      durationScale: 10,
      behaviour: { endInError: { message: 'Connector hunter disconnected', afterMs: 4_000 } },
    });
    const outcome = await guardOf(h.provider).run(batchOf(40), watched(1_000));
    expect(outcome).toMatchObject({
      status: 'error',
      stopped: null,
      errorMessage: 'Connector hunter disconnected',
    });
    expect(outcome.actual).toBeGreaterThan(0);
    expect(cancelsOf(h.cargo)).toHaveLength(0);
  });
});

describe('row: a launched batch the gate can no longer watch is cancelled, and named', () => {
  it('GET batches/{uuid} failing persistently: the batch is cancelled and the LaunchError names it', async () => {
    const h = await start({ durationScale: 100 });
    h.cargo.inject('batches-get', { kind: 'status', status: 500, body: '{"errorMessage":"boom"}' });
    const error = await failureOf<LaunchError>(guardOf(h.provider).run(batchOf(8), watched(1_000)));
    const batch = onlyBatch(h.cargo);
    expect(error).toBeInstanceOf(LaunchError);
    expect(error.message).toContain(batch.uuid);
    expect(error.stopped).toBe(true);
    expect(error.outcome).toMatchObject({ batchUuid: batch.uuid, stopped: 'watch-failed' });
    expect(error.outcome.status).toBe('cancelling');
    expect(batch.status).toBe('cancelled');
  });
});

describe('row: a cancel that fails is retried with backoff, then fails naming the batch', () => {
  it('cancel refused once at the hard cap: retried, and the batch is stopped', async () => {
    const h = await start({ durationScale: 20, behaviour: { refuseCancels: 1 } });
    const outcome = await guardOf(h.provider).run(batchOf(40), watched(5));
    const batch = onlyBatch(h.cargo);
    expect(outcome.stopped).toBe('hard-cap');
    expect(outcome.actual).toBeGreaterThanOrEqual(5);
    expect(cancelsOf(h.cargo)).toHaveLength(2);
    expect(batch.status).toBe('cancelled');
    expect(h.lines.some((l) => l.startsWith(`warning: Could not cancel batch ${batch.uuid}`))).toBe(
      true,
    );
  });

  it('cancel always refused: a LaunchError, not stopped, names the batch after a bounded retry', async () => {
    const h = await start({ durationScale: 20, behaviour: { refuseCancels: Infinity } });
    const started = h.cargo.model.now();
    const error = await failureOf<LaunchError>(guardOf(h.provider).run(batchOf(40), watched(5)));
    const batch = onlyBatch(h.cargo);
    expect(error).toBeInstanceOf(LaunchError);
    expect(error.stopped).toBe(false);
    expect(error.message).toContain(`Could not cancel batch ${batch.uuid}`);
    expect(error.outcome).toMatchObject({ batchUuid: batch.uuid, stopped: 'hard-cap' });
    expect(error.outcome.actual).toBeGreaterThanOrEqual(5);
    expect(batch.status).toBe('running');
    // Retried with growing waits, and given up within about 30 s of emulated time.
    expect(h.cleanupSleeps).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(cancelsOf(h.cargo)).toHaveLength(6);
    expect(h.cargo.model.now() - started).toBeLessThan(5 * 60_000);
  });

  it('a 404 on the cancel of a batch the gate created is retried (a gateway answered, not Cargo)', async () => {
    const h = await start({ durationScale: 20 });
    h.cargo.inject('batches-cancel', { kind: 'status', status: 404 }, 2);
    const outcome = await guardOf(h.provider).run(batchOf(40), watched(5));
    expect(outcome.stopped).toBe('hard-cap');
    expect(cancelsOf(h.cargo)).toHaveLength(3);
    expect(onlyBatch(h.cargo).status).toBe('cancelled');
  });
});

describe('row: a lost create answer: the orphan is found, cancelled, and named', () => {
  it('run-batch: the LaunchError names the batch Cargo created, so batch-uuid is set', async () => {
    const h = await start({ durationScale: 100 });
    h.cargo.loseAnswers('batches-create', 1);
    const error = await failureOf<LaunchError>(guardOf(h.provider).run(batchOf(8), watched(1_000)));
    const batch = onlyBatch(h.cargo);
    expect(error).toBeInstanceOf(LaunchError);
    expect(error.stopped).toBe(true);
    expect((error.cause as ApiError).kind).toBe('network');
    expect(error.outcome).toMatchObject({ batchUuid: batch.uuid, stopped: 'watch-failed' });
    expect(error.message).toContain(`Cargo had started batch ${batch.uuid}`);
    expect(batch.status).toBe('cancelled');
    expect(cancelsOf(h.cargo).map((r) => r.path)).toEqual([`${CREATE}/${batch.uuid}/cancel`]);
    expect(h.lines.some((l) => l.includes('The creation answer was lost'))).toBe(true);
  });

  it('the sample: the orphan is cancelled and the API failure is reported as such', async () => {
    const h = await start({ viaProxy: true, durationScale: 100 });
    proxy!.tamper((req) =>
      req.method === 'POST' && req.path === CREATE ? { drop: true } : undefined,
    );
    const error = await failureOf<ApiError>(h.provider.sample!.run(samplePlan(8), PLENTY));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.kind).toBe('network');
    const batch = onlyBatch(h.cargo);
    expect(batch.status).toBe('cancelled');
    expect(cancelsOf(h.cargo).map((r) => r.path)).toEqual([`${CREATE}/${batch.uuid}/cancel`]);
  });

  it('a refused create (400) searches nothing: no batch can exist', async () => {
    const h = await start();
    h.cargo.inject('batches-create', {
      kind: 'status',
      status: 400,
      body: '{"errorMessage":"Not enough credits.","reason":"notEnoughCredits"}',
    });
    const error = await failureOf<ApiError>(guardOf(h.provider).run(batchOf(8), watched(1_000)));
    expect(error.reason).toBe('notEnoughCredits');
    const createdAt = h.cargo.requests.findIndex((r) => r.route === 'batches-create');
    const after = h.cargo.requests.slice(createdAt + 1);
    expect(after.filter((r) => r.route === 'batches-list')).toHaveLength(0);
  });
});

describe('row: an interrupt aborts requests in flight and still cancels', () => {
  it('an interrupt mid-watch still cancels the batch (the cancel ignores the abort)', async () => {
    const h = await start({ durationScale: 100 });
    h.onSleep = (count) => {
      if (count === 2) h.interrupt.abort();
    };
    const outcome = await guardOf(h.provider).run(batchOf(8), watched(1_000));
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
          if (/batches\/(?!list)[^/]+$/.test(endpoint)) setImmediate(interrupt);
        },
      },
    });
    interrupt = () => h.interrupt.abort();
    h.cargo.inject('batches-get', { kind: 'hang' });
    const outcome = await guardOf(h.provider).run(batchOf(8), watched(1_000));
    expect(outcome.stopped).toBe('interrupted');
    expect(onlyBatch(h.cargo).status).toBe('cancelled');
  });
});

describe('row: nothing is launched once interrupted', () => {
  it('interrupted before the launch: launches nothing and searches nothing', async () => {
    const h = await start();
    h.interrupt.abort();
    const error = await failureOf<GateError>(guardOf(h.provider).run(batchOf(8), watched(1_000)));
    expect(error.kind).toBe('cancelled');
    expect(h.cargo.model.batches.size).toBe(0);
    expect(h.cargo.requests).toHaveLength(0);
  });

  it('interrupted during the last checks before the create: nothing is created', async () => {
    const h = await start();
    const options = watched(1_000, {
      beforeCreate: () => {
        h.interrupt.abort();
        return Promise.resolve();
      },
    });
    const error = await failureOf<GateError>(guardOf(h.provider).run(batchOf(8), options));
    expect(error.kind).toBe('cancelled');
    expect(h.cargo.model.batches.size).toBe(0);
    expect(h.cargo.requests.some((r) => r.route === 'batches-create')).toBe(false);
  });
});

describe('row: a batch stuck in querying is cancelled at batch-timeout-minutes', () => {
  it('cancels at the bound, and every progress line names the bound and the cap', async () => {
    const h = await start({ behaviour: { stallInQuerying: true } });
    const started = h.cargo.model.now();
    const outcome = await guardOf(h.provider).run(batchOf(8), watched(100, { timeoutMs: 120_000 }));
    expect(outcome).toMatchObject({ stopped: 'timeout', actual: 0 });
    expect(onlyBatch(h.cargo).status).toBe('cancelled');
    // Stopped at the bound, not a poll interval later.
    expect(h.cargo.model.now() - started).toBeGreaterThanOrEqual(120_000);
    expect(h.cargo.model.now() - started).toBeLessThan(121_000);
    const progress = h.lines.filter((l) => l.startsWith('Batch '));
    expect(progress.length).toBeGreaterThan(3);
    for (const line of progress) {
      expect(line).toMatch(/hard cap 100\), .* of 2 min \(batch-timeout-minutes\), querying\.$/);
    }
    expect(h.lines).toContainEqual(
      expect.stringMatching(/^warning: Still running after 120 s .*past batch-timeout-minutes/),
    );
  });
});

describe('row: a sample that could not be stopped is a LaunchError, whatever the estimate', () => {
  it('stopped cleanly after its status cannot be read: the API error, as any other', async () => {
    const h = await start({ durationScale: 100 });
    h.cargo.inject('batches-get', { kind: 'status', status: 502 });
    const error = await failureOf<ApiError>(h.provider.sample!.run(samplePlan(8), PLENTY));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(LaunchError);
    expect(error.status).toBe(502);
    expect(onlyBatch(h.cargo).status).toBe('cancelled');
  });

  it('at its cap with a cancel that is always refused: a LaunchError naming the batch', async () => {
    const h = await start({ durationScale: 20, behaviour: { refuseCancels: Infinity } });
    const error = await failureOf<LaunchError>(h.provider.sample!.run(samplePlan(20, 3), PLENTY));
    expect(error).toBeInstanceOf(LaunchError);
    expect(error.stopped).toBe(false);
    expect(error.message).toContain(onlyBatch(h.cargo).uuid);
  });
});

describe('row: poll by the spend rate', () => {
  it('before any spend: a first look at 1 s, then every 2 s for a minute, then Cargo’s schedule', () => {
    const pace = new SpendPace(0);
    expect(pace.nextWait(5_000, 0, 50)).toBe(FIRST_POLL_MS);
    pace.observe(1_000, 0);
    expect(pace.nextWait(5_000, 1_000, 50)).toBe(UNSEEN_POLL_MS);
    pace.observe(61_000, 0);
    expect(pace.nextWait(batchPollInterval(61_000), 61_000, 50)).toBe(10_000);
    // A faster base (tests) is never slowed down.
    expect(new SpendPace(0).nextWait(50, 0, 50)).toBe(50);
  });

  it('once spend is seen: no later than half the projected time to the cap, not under 1 s', () => {
    const pace = new SpendPace(0);
    pace.observe(1_000, 1); // 1 credit/s, 49 to go: 24.5 s, but never past the base schedule.
    expect(pace.nextWait(5_000, 1_000, 50)).toBe(5_000);
    pace.observe(41_000, 41); // 9 to go at 1 credit/s: 4.5 s
    expect(pace.nextWait(5_000, 41_000, 50)).toBe(4_500);
    pace.observe(45_500, 45.5);
    expect(pace.nextWait(5_000, 45_500, 50)).toBe(2_250);
    pace.observe(49_900, 49.9);
    expect(pace.nextWait(5_000, 49_900, 50)).toBe(MIN_POLL_MS);
  });

  it('on any steady rate, the poll that finds the cap crossed overshoots by at most 1 s of spend', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 1_000, noNaN: true }),
        fc.double({ min: 0.5, max: 10_000, noNaN: true }),
        (rate, cap) => {
          const pace = new SpendPace(0);
          let t = 0;
          let spent = 0;
          while (spent < cap) {
            t += pace.nextWait(batchPollInterval(t), t, cap);
            spent = (rate * t) / 1_000;
            pace.observe(t, spent);
          }
          expect(spent - cap).toBeLessThanOrEqual(rate * (MIN_POLL_MS / 1_000) + 1e-9);
        },
      ),
    );
  });

  it.each([5, 25, 100])(
    '%d credits/s against a 50-credit hard cap: stopped within the target overshoot',
    async (rate) => {
      const h = await start({ behaviour: { creditsPerSecond: rate } });
      const outcome = await guardOf(h.provider).run(batchOf(200), watched(50));
      expect(outcome.stopped).toBe('hard-cap');
      // The target: max(5% of the cap, 2 s of spend at the observed rate).
      const overshoot = outcome.actual - 50;
      expect(overshoot).toBeGreaterThanOrEqual(0);
      expect(overshoot).toBeLessThanOrEqual(Math.max(2.5, 2 * rate));
      expect(onlyBatch(h.cargo).status).toBe('cancelled');
    },
  );
});

describe('row: just before launching, the gate re-checks and refuses a second batch', () => {
  it('another batch of the workflow is running: refused, named, and nothing is created', async () => {
    const h = await start({ durationScale: 100 });
    const other = h.cargo.model.createBatch(ENRICH, { kind: 'records' }, records(5, 'other'));
    const error = await failureOf<GateError>(guardOf(h.provider).run(batchOf(8), watched(1_000)));
    expect(error.kind).toBe('request');
    expect(error.message).toContain(`Another batch of workflow ${ENRICH.uuid} is unfinished`);
    expect(error.message).toContain(other.uuid);
    expect(error.message).toContain('concurrency group');
    expect(h.cargo.model.batches.size).toBe(1);
  });

  it('the caller’s last check refuses: nothing is created, and its reason stands', async () => {
    const h = await start();
    const refusal = new GateError('request', 'the balance no longer covers it');
    const options = watched(1_000, { beforeCreate: () => Promise.reject(refusal) });
    const error = await failureOf<GateError>(guardOf(h.provider).run(batchOf(8), options));
    expect(error).toBe(refusal);
    expect(h.cargo.model.batches.size).toBe(0);
  });

  it('the gate’s own sample, still listed as unfinished, does not block its launch', async () => {
    const h = await start({ durationScale: 0.2 });
    const sample = await h.provider.sample!.run(samplePlan(4), PLENTY);
    // Cargo may list a batch as unfinished for a while after its last run.
    h.cargo.model.batches.get(sample.sample!.batchUuid)!.status = 'querying';
    const outcome = await guardOf(h.provider).run(batchOf(4), watched(1_000));
    expect(outcome.status).toBe('success');
  });

  it('lists the unfinished batches of the workflow with their age, for the report', async () => {
    const h = await start({ behaviour: { stallInQuerying: true } });
    const other = h.cargo.model.createBatch(ENRICH, { kind: 'records' }, records(5, 'other'));
    h.cargo.model.advance(90_000);
    const open = await guardOf(h.provider).unfinished!(new AbortController().signal);
    expect(open).toEqual([{ uuid: other.uuid, status: 'querying', ageMs: expect.any(Number) }]);
    expect(open[0]!.ageMs).toBeGreaterThanOrEqual(90_000);
    expect(open[0]!.ageMs).toBeLessThan(91_000);
  });
});
