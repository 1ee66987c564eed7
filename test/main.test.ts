// In-process runs of `run()` and `runGate()` against the emulator: the same paths the bundled
// end-to-end tests take, here with fast polling, an abort signal and coverage.
import { LOCAL_RUN } from './support/run-meta.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/inputs/config.js';
import { checkProviderSettings } from '../src/providers/registry.js';
import { run } from '../src/main.js';
import type { Log } from '../src/shared/log.js';
import { createProvider, prepareInputs, runGate } from '../src/pipeline/run-gate.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from './emulators/cargo/server.js';
import { parseOutputFile } from './support/run-action.js';

const [ENRICH, ROUTE, PHONE] = FIXTURE.workflows as [
  (typeof FIXTURE.workflows)[0],
  (typeof FIXTURE.workflows)[0],
  (typeof FIXTURE.workflows)[0],
];
let emu: CargoEmulator;
const saved = { ...process.env };
const lines: string[] = [];
const log: Log = {
  info: (m) => lines.push(m),
  warning: (m) => lines.push(`warning: ${m}`),
  debug: () => undefined,
};
const meta = LOCAL_RUN;

beforeEach(async () => {
  emu = await startCargoEmulator();
  lines.length = 0;
});
afterEach(async () => {
  process.env = { ...saved };
  process.exitCode = undefined;
  await emu.close();
});

function actionEnv(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'gate-main-'));
  const output = join(dir, 'output');
  const summary = join(dir, 'summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  process.env.GITHUB_OUTPUT = output;
  process.env.GITHUB_STEP_SUMMARY = summary;
  process.env.RUNNER_TEMP = dir;
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  return {
    outputs: () => parseOutputFile(readFileSync(output, 'utf8')),
    summary: () => readFileSync(summary, 'utf8'),
  };
}

const inputs = (extra: Record<string, string>) => ({
  'api-url': emu.url,
  'api-token': FIXTURE.tokens.admin,
  'upload-artifact': 'false',
  ...extra,
});

describe('run() in process', () => {
  it('decides a history pass and sets every output', async () => {
    const env = actionEnv(inputs({ 'workflow-uuid': ENRICH.uuid, 'record-count': '100' }));
    await run();
    expect(process.exitCode).toBeUndefined();
    const outputs = env.outputs();
    expect(outputs.decision).toBe('pass');
    expect(outputs['estimate-source']).toBe('history');
    expect(outputs['comment-url']).toBe('');
    expect(env.summary()).toContain('Stop runs early on failure');
  });

  it('fails on a config error and still sets decision unknown', async () => {
    const env = actionEnv(inputs({ 'workflow-uuid': ROUTE.uuid, 'record-count': '0' }));
    await run();
    expect(process.exitCode).toBe(1);
    expect(env.outputs().decision).toBe('unknown');
    expect(emu.requests).toHaveLength(0);
  });
});

describe('runGate sample', () => {
  const fast = () => 40;
  const setup = async (extra: Record<string, string>, signal = new AbortController().signal) => {
    const config = parseConfig(
      inputs({
        'workflow-uuid': ENRICH.uuid,
        'record-count': '50',
        'estimate-from': 'sample',
        ...extra,
      }),
    );
    const prepared = await prepareInputs(config);
    const provider = createProvider(config, {
      log,
      signal,
      pollIntervalMs: fast,
      http: { retries: 0 },
    });
    return { config, prepared, provider };
  };
  const records = (n: number) =>
    JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `p-${i}` })));

  it('runs the sample to the end and reports its cost', async () => {
    const { config, prepared, provider } = await setup({ 'sample-records': records(8) });
    const report = await runGate(config, prepared, { provider, log, run: meta });
    expect(report.basis?.source).toBe('sample');
    expect(report.sample?.finished).toBe(8);
    expect(report.sample?.cancelled).toBeNull();
    expect(report.sample!.cost).toBeGreaterThan(0);
    expect(lines.some((l) => /Sample: 8\/8 runs done/.test(l))).toBe(true);
  });

  it('says in the basis how the sample was drawn from records-file, with the seed', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'drawn-')), 'batch.ndjson');
    writeFileSync(path, Array.from({ length: 50 }, (_, i) => `{"id":"r-${i}"}`).join('\n'));
    const random = await setup({ 'records-file': path, 'sample-size': '4', 'sample-seed': '77' });
    const report = await runGate(random.config, random.prepared, {
      provider: random.provider,
      log,
      run: meta,
    });
    expect(report.basis?.note).toContain(
      'sample: 4 records drawn at random from the 50 of records-file (seed 77;',
    );
    const first = await setup({ 'records-file': path, 'sample-selection': 'first' });
    const head = await runGate(first.config, first.prepared, {
      provider: first.provider,
      log,
      run: meta,
    });
    expect(head.basis?.note).toContain('sample: the first 10 of the 50 records of records-file');
  });

  it('cancels the batch at the sample timeout', async () => {
    emu.model.durationScale = 20;
    const { config, prepared, provider } = await setup({
      'sample-records': records(8),
      'sample-timeout-minutes': '0.01',
    });
    const report = await runGate(config, prepared, { provider, log, run: meta });
    expect(report.decision).toBe('unknown');
    expect(report.error?.message).toMatch(/stopped \(sample-timeout\) before any record finished/);
    expect([...emu.model.batches.values()][0]!.status).toBe('cancelled');
  });

  it('cancels the batch when interrupted', async () => {
    emu.model.durationScale = 20;
    const controller = new AbortController();
    const { config, prepared, provider } = await setup(
      { 'sample-records': records(8) },
      controller.signal,
    );
    setTimeout(() => controller.abort(), 150);
    const report = await runGate(config, prepared, { provider, log, run: meta });
    expect(report.error?.kind).toBe('cancelled');
    expect(report.outcome).toBe('fail');
    expect([...emu.model.batches.values()][0]!.status).toBe('cancelled');
  });

  it('cancels the batch when polling hits an API error', async () => {
    emu.model.durationScale = 20;
    const { config, prepared, provider } = await setup({ 'sample-records': records(8) });
    emu.inject('batches-get', { kind: 'status', status: 500 });
    const report = await runGate(config, prepared, { provider, log, run: meta });
    expect(report.error?.kind).toBe('server');
    expect([...emu.model.batches.values()][0]!.status).toBe('cancelled');
  });

  it('refuses to sample when fewer credits remain than max-sample-credits', async () => {
    emu.model.subscription.subscriptionCreditsUsedCount =
      emu.model.subscription.subscriptionAvailableCreditsCount - 10;
    const { config, prepared, provider } = await setup({ 'sample-records': records(3) });
    const report = await runGate(config, prepared, { provider, log, run: meta });
    expect(report.error?.message).toContain('Refusing to run a sample');
    expect(emu.model.batches.size).toBe(0);
  });

  it('estimate-from history with no runs in the window fails with guidance', async () => {
    const config = parseConfig(
      inputs({
        'workflow-uuid': PHONE.uuid,
        'record-count': '5',
        'estimate-from': 'history',
        'history-window-days': '1',
      }),
    );
    const provider = createProvider(config, { log });
    const report = await runGate(config, await prepareInputs(config), { provider, log, run: meta });
    expect(report.outcome).toBe('fail');
    expect(report.error?.kind).toBe('estimate');
    expect(report.error?.message).toContain('No finished runs');
  });

  it('venice refuses estimate-from metrics before any call', () => {
    expect(() =>
      checkProviderSettings(
        parseConfig({
          provider: 'venice',
          'api-token': 'k-venice-test',
          'record-count': '1',
          'estimate-from': 'metrics',
        }),
      ),
    ).toThrow(/'estimate-from': metrics is not available for provider venice/);
  });
});

describe('runGate history drift', () => {
  const CURRENT = 'rel-0002-4c5d-8e9f-a0b1c2d3e4f5';
  const PREVIOUS = 'rel-0001-4c5d-8e9f-a0b1c2d3e4f5';
  /** ENRICH's history with its newest 40 runs on a new release, the older ones at `scale` × cost. */
  const gateWithReleases = async (previousCostScale: number) => {
    const fixture = structuredClone(FIXTURE);
    const wf = fixture.workflows.find((w) => w.uuid === ENRICH.uuid)!;
    wf.history = {
      ...wf.history!,
      releases: { current: CURRENT, newestRuns: 40, previous: PREVIOUS, previousCostScale },
    };
    const own = await startCargoEmulator({ fixture });
    try {
      const config = parseConfig({
        ...inputs({ 'workflow-uuid': ENRICH.uuid, 'record-count': '1000' }),
        'api-url': own.url,
        'estimate-from': 'history',
      });
      const provider = createProvider(config, { log });
      const report = await runGate(config, await prepareInputs(config), {
        provider,
        log,
        run: meta,
      });
      return { report, runs: [...own.model.runs.values()] };
    } finally {
      await own.close();
    }
  };

  it('uses only the current release when the older runs cost significantly less, and says so', async () => {
    const { report, runs } = await gateWithReleases(0.8);
    const current = runs.filter((r) => r.releaseUuid === CURRENT);
    expect(current).toHaveLength(40);
    const handCost = (r: (typeof runs)[number]) =>
      r.plan.reduce((s, e) => s + e.creditsUsedCount, 0) + 0.01 * r.plan.length;
    const mean = current.reduce((s, r) => s + handCost(r), 0) / current.length;
    expect(report.basis?.n).toBe(40);
    expect(report.observations).toHaveLength(40);
    expect(report.estimate?.mean).toBeCloseTo(mean, 6);
    expect(report.basis?.note).toMatch(
      /^⚠️ costs changed recently: the 40 runs of the current release average [\d.]+ credits against [\d.]+ for the 110 older runs \(Welch t-test, p [<=] [\d.]+ < 0\.01\); the estimate uses the 40 recent runs only$/,
    );
    expect(lines.some((l) => l.startsWith('warning: ⚠️ costs changed recently'))).toBe(true);
  });

  it('keeps every run when the releases cost the same', async () => {
    const { report } = await gateWithReleases(1);
    expect(report.basis?.n).toBe(150);
    expect(report.basis?.note).toBeUndefined();
  });
});
