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
