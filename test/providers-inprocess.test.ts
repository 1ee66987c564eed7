// In-process runs of the providers through the registry, capability by capability (history,
// metrics, sample, guard), against the emulators. The bundled end-to-end tests cover the same
// paths through dist/ and the pipeline; these give coverage and fast clocks.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { observationCost } from '../src/engine/observation.js';
import { buildReceipt } from '../src/engine/receipt.js';
import { project } from '../src/engine/project.js';
import { executionCharge, runCost } from '../src/providers/cargo/cost.js';
import { observeRun } from '../src/providers/cargo/source.js';
import type { Run } from '../src/providers/cargo/schemas.js';
import type { BatchData, Provider, SamplePlan } from '../src/providers/provider.js';
import { createProvider } from '../src/providers/registry.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from './emulators/cargo/server.js';
import {
  ADMIN_KEY,
  INFERENCE_KEY,
  startVeniceEmulator,
  type VeniceEmulator,
} from './emulators/venice/server.js';
import {
  type CargoHarness,
  cargoHarness,
  keptLog,
  PLENTY,
  records,
  settings,
  wallClockContext,
} from './providers/harness.js';
import { ROOT } from './support/run-action.js';

let venice: VeniceEmulator | undefined;
let cargo: CargoEmulator | undefined;
afterEach(async () => {
  await venice?.close();
  await cargo?.close();
  venice = undefined;
  cargo = undefined;
  delete process.env.VENICE_TEST_URL;
  delete process.env.VENICE_TEST_KEY;
});

const window30 = { windowDays: 30 };

describe('Venice provider in process', () => {
  const { log, lines } = keptLog();
  afterEach(() => {
    lines.length = 0;
  });
  const veniceProvider = (url: string, overrides: Parameters<typeof settings>[0] = {}) =>
    createProvider(
      settings({ provider: 'venice', apiUrl: url, apiToken: ADMIN_KEY, ...overrides }),
      wallClockContext(log),
    );
  const samplePlan: SamplePlan = { records: [], maxCredits: 50, timeoutMs: 60_000 };

  it('history with a sku filter and requests per record', async () => {
    venice = await startVeniceEmulator({ historyRequests: 200 });
    const provider = veniceProvider(venice.url, {
      skuFilter: /^qwen3-/,
      requestsPerRecord: 3,
    });
    const history = await provider.history!(window30);
    expect(history.basis.n).toBe(40);
    expect(history.estimate.byNode.every((l) => l.key.startsWith('qwen3-'))).toBe(true);
    expect(history.basis.note).toMatch(/^about [\d,]+ tokens per request; 3 requests per record$/);
    expect((await provider.readBalance()).details.map((d) => d.label)).toContain('Debit order');
  });

  it('counts the tokens of a request once, though each of its ledger rows repeats them', async () => {
    venice = await startVeniceEmulator({ historyRequests: 0 });
    const now = Date.now();
    for (let i = 0; i < 12; i += 1)
      venice.bill('llama-3.3-70b', 1_000, 200, now - (i + 1) * 60_000);
    // One request is an input row and an output row, both carrying 1,000 + 200 tokens.
    expect(venice.entries.length).toBe(24);
    const history = await veniceProvider(venice.url).history!(window30);
    expect(history.basis.n).toBe(12);
    expect(history.basis.note).toBe('about 1,200 tokens per request');
  });

  it('too little history is returned as it is; the sample names what it lacks', async () => {
    venice = await startVeniceEmulator({ historyRequests: 3 });
    const provider = veniceProvider(venice.url);
    expect((await provider.history!(window30)).observations).toHaveLength(3);
    expect(provider.sample!.missing(samplePlan)).toContain('needs sample-command');
  });

  it('sample: measures the command and reports its cost', async () => {
    venice = await startVeniceEmulator({ historyRequests: 5 });
    process.env.VENICE_TEST_URL = venice.url;
    process.env.VENICE_TEST_KEY = INFERENCE_KEY;
    const provider = veniceProvider(venice.url, {
      sampleSize: 3,
      sampleCommand: `node ${join(ROOT, 'test', 'fixtures', 'venice-sample.mjs')}`,
      ledgerSettleSeconds: 0.1,
    });
    expect(provider.sample!.missing(samplePlan)).toBeUndefined();
    const outcome = await provider.sample!.run(samplePlan, PLENTY);
    expect(outcome.basis.source).toBe('sample');
    expect(outcome.basis.n).toBe(6);
    expect(outcome.sample?.cost).toBeGreaterThan(0);
    expect(outcome.estimate.mean).toBeCloseTo(outcome.sample!.cost / 3, 10);
  });

  it('sample: a failing command is an estimate error', async () => {
    venice = await startVeniceEmulator({ historyRequests: 5 });
    const provider = veniceProvider(venice.url, { sampleCommand: 'exit 3' });
    await expect(provider.sample!.run(samplePlan, PLENTY)).rejects.toThrow(
      'sample-command exited with code 3',
    );
  });

  it('sample: a command that bills nothing says so', async () => {
    venice = await startVeniceEmulator({ historyRequests: 5 });
    const provider = veniceProvider(venice.url, { sampleCommand: 'true' });
    await expect(provider.sample!.run(samplePlan, PLENTY)).rejects.toThrow('shows no debit');
  });
});

describe('Cargo provider in process', () => {
  const [ENRICH, ROUTE, PHONE] = FIXTURE.workflows as [
    (typeof FIXTURE.workflows)[0],
    (typeof FIXTURE.workflows)[0],
    (typeof FIXTURE.workflows)[0],
  ];
  async function start(workflowUuid: string, durationScale = 1): Promise<CargoHarness> {
    cargo = await startCargoEmulator({ durationScale });
    return cargoHarness(cargo, { url: cargo.url, workflowUuid, token: FIXTURE.tokens.admin });
  }
  const launch = (n: number): BatchData => ({ kind: 'records', records: records(n, 'ip') });
  const used = () => cargo!.model.subscription.subscriptionCreditsUsedCount;

  it('history: the finished runs of the window as observations', async () => {
    const { provider } = await start(ENRICH.uuid);
    const history = await provider.history!(window30);
    expect(history.basis).toMatchObject({ source: 'history', n: 150, windowDays: 30 });
    expect(history.estimate.n).toBe(150);
    expect(history.basis.why).toBeUndefined();
  });

  it('history: none in the window is an empty answer, not an error (auto decides)', async () => {
    const { provider } = await start(PHONE.uuid);
    const history = await provider.history!({ windowDays: 1 });
    expect(history.observations).toEqual([]);
    expect(history.estimate).toMatchObject({ n: 0, mean: 0 });
  });

  it('metrics: usage over the window divided by its finished runs', async () => {
    const { provider } = await start(ROUTE.uuid);
    const metrics = await provider.metrics!(window30);
    const history = await provider.history!(window30);
    expect(metrics.basis).toMatchObject({ source: 'metrics', n: 60 });
    expect(metrics.estimate.mean).toBeCloseTo(history.estimate.mean, 6);
  });

  it('sample: needs records, and refuses what the balance cannot pay', async () => {
    const { provider } = await start(ENRICH.uuid);
    const plan: SamplePlan = { records: [], maxCredits: 50, timeoutMs: 60_000 };
    expect(provider.sample!.missing(plan)).toBe(
      'estimate-from sample needs records to run: set sample-records (inline JSON array or a file) or records-file.',
    );
    expect(provider.sample!.missing({ ...plan, records: records(2) })).toBeUndefined();
    const poor = Promise.resolve({
      remaining: 10,
      overageAllowed: false,
      unit: 'credits',
      details: [],
    });
    await expect(provider.sample!.run({ ...plan, records: records(2) }, poor)).rejects.toThrow(
      'Refusing to run a sample: 10 credits remain, less than max-sample-credits (50)',
    );
    expect(cargo!.model.batches.size).toBe(0);
  });

  it('sample: observes the finished runs; its cost is what Cargo debited, to the cent', async () => {
    const h = await start(ENRICH.uuid);
    const before = used();
    const outcome = await h.provider.sample!.run(
      { records: records(10, 's'), maxCredits: 50, timeoutMs: 15 * 60_000 },
      PLENTY,
    );
    expect(outcome.basis).toEqual({ source: 'sample', n: 10 });
    expect(outcome.sample).toMatchObject({ records: 10, finished: 10, cancelled: null });
    expect(outcome.sample!.cost).toBeCloseTo(used() - before, 6);
    const observed = outcome.observations.reduce((s, o) => s + observationCost(o), 0);
    expect(observed).toBeCloseTo(outcome.sample!.cost, 9);
    expect(h.lines.some((l) => /^Sample: 10\/10 runs done/.test(l))).toBe(true);
  });

  it('sample: stopped at max-sample-credits, estimates from the runs that finished', async () => {
    const h = await start(ENRICH.uuid, 20);
    const outcome = await h.provider.sample!.run(
      { records: records(20, 's'), maxCredits: 45, timeoutMs: 15 * 60_000 },
      PLENTY,
    );
    expect(outcome.sample?.cancelled).toBe('max-sample-credits');
    expect(outcome.sample!.finished).toBeGreaterThan(0);
    expect(outcome.sample!.finished).toBeLessThan(20);
    expect([...cargo!.model.batches.values()][0]!.status).toBe('cancelled');
  });

  it('guard: launches, watches, and its outcome is what Cargo debited, node by node', async () => {
    const h = await start(ROUTE.uuid);
    const before = used();
    const outcome = await h.provider.guard!.run(launch(8), { hardCap: 1_000, detach: false });
    expect(outcome).toMatchObject({ status: 'success', executedRuns: 8, stopped: null });
    expect(outcome.actual).toBeCloseTo(used() - before, 6);
    const byNode = outcome.byNode.reduce((s, n) => s + n.cost, 0);
    expect(byNode).toBeCloseTo(outcome.actual, 9);
    expect(h.lines.some((l) => /8\/8 runs done/.test(l))).toBe(true);
    // The receipt compares each node's full cost; it needs to know nothing of Cargo's charge.
    const history = await h.provider.history!(window30);
    const receipt = buildReceipt(
      outcome,
      history.estimate,
      project({
        estimate: history.estimate,
        observations: history.observations,
        recordCount: 8,
        confidence: 0.9,
        sampleOfBatch: false,
      }),
    );
    expect(receipt.diverged).toBe(false);
  });

  it('guard: stops at the hard cap', async () => {
    const h = await start(ENRICH.uuid, 20);
    const outcome = await h.provider.guard!.run(launch(40), { hardCap: 5, detach: false });
    expect(outcome.stopped).toBe('hard-cap');
    expect(outcome.actual).toBeGreaterThanOrEqual(5);
    expect([...cargo!.model.batches.values()][0]!.status).toBe('cancelled');
  });

  it('guard: detach launches and leaves the batch running', async () => {
    const h = await start(ENRICH.uuid, 20);
    const outcome = await h.provider.guard!.run(launch(8), { hardCap: 5, detach: true });
    expect(outcome).toMatchObject({ detached: true, stopped: null, actual: 0 });
    expect(h.sleeps).toEqual([]);
    expect([...cargo!.model.batches.values()][0]!.status).not.toBe('cancelled');
  });

  it('guard: sizes a segment with a free preview', async () => {
    const { provider } = await start(ENRICH.uuid);
    const count = await provider.guard!.sizePool({ kind: 'segment', segmentUuid: 'seg-1' });
    expect(count).toBeGreaterThan(0);
    expect(cargo!.model.batches.size).toBe(0);
  });

  it('the interface has no name and no estimate(): the pipeline chooses the source', async () => {
    const { provider } = await start(ENRICH.uuid);
    expect(Object.keys(provider)).not.toContain('name');
    expect((provider as Provider & { estimate?: unknown }).estimate).toBeUndefined();
  });
});

describe('the cost of a Cargo run', () => {
  const run = (credits: number[], status: Run['status'] = 'success'): Run => ({
    uuid: 'r',
    workflowUuid: 'wf',
    recordId: 'rec',
    status,
    executions: credits.map((c, i) => ({
      nodeUuid: `n${i}`,
      nodeSlug: `node-${i}`,
      nodeKind: c > 0 ? 'connector' : 'native',
      status: 'success',
      creditsUsedCount: c,
    })),
    createdAt: '2026-01-01T00:00:00.000Z',
  });

  it('the execution charge is exact to the cent for every count', () => {
    // 57 × 0.01 is 0.5700000000000001 in floating point.
    for (let n = 0; n <= 5_000; n += 1) expect(executionCharge(n)).toBe(n / 100);
  });

  it('a run costs its provider credits plus 0.01 per execution, even natives', () => {
    const r = run([0, 0.5, 0, 1.25, ...Array<number>(53).fill(0)]);
    expect(runCost(r)).toBe(1.75 + 0.57);
    const o = observeRun(r);
    expect(o.executionCredits).toBe(0.57);
    expect(o.providerCredits).toBe(1.75);
    expect(observationCost(o)).toBe(runCost(r));
  });

  it('a node of a batch carries its full cost into the receipt', () => {
    const estimate = {
      source: 'history' as const,
      n: 1,
      mean: 1,
      sd: null,
      providerMean: 0.8,
      executionMean: 0.2,
      executionsPerRecord: 20,
      errorShare: 0,
      errorMean: null,
      byNode: [
        {
          key: 'enrich',
          kind: 'connector',
          credits: 0.8,
          executions: 20,
          total: 1,
          billedShare: 1,
          share: 1,
        },
      ],
      byAction: [],
    };
    const receipt = buildReceipt(
      {
        batchUuid: 'b',
        status: 'success',
        stopped: null,
        detached: false,
        runsCount: 10,
        executedRuns: 10,
        failedRuns: 0,
        actual: 50.2,
        hardCap: 500,
        byNode: [{ key: 'enrich', credits: 50, executions: 20, cost: 50.2 }],
        durationMs: 1,
      },
      estimate,
      project({
        estimate,
        observations: [],
        recordCount: 10,
        confidence: 0.9,
        sampleOfBatch: false,
      }),
    );
    expect(receipt.explanations[0]).toContain(
      'Node enrich cost 5.02 credits per record against 1 estimated',
    );
  });
});
