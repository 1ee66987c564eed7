// In-process runs of the Venice source and the Cargo guard (the bundled end-to-end tests cover
// the same paths through dist/; these give coverage and fast polling).
import { LOCAL_RUN } from './support/run-meta.js';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/inputs/config.js';
import type { Log } from '../src/shared/log.js';
import { createProvider, prepareInputs, runGate } from '../src/pipeline/run-gate.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from './emulators/cargo/server.js';
import {
  ADMIN_KEY,
  INFERENCE_KEY,
  startVeniceEmulator,
  type VeniceEmulator,
} from './emulators/venice/server.js';
import { ROOT } from './support/run-action.js';

const lines: string[] = [];
const log: Log = {
  info: (m) => lines.push(m),
  warning: (m) => lines.push(`warning: ${m}`),
  debug: () => undefined,
};
const meta = LOCAL_RUN;
const signal = () => new AbortController().signal;
let venice: VeniceEmulator | undefined;
let cargo: CargoEmulator | undefined;
afterEach(async () => {
  await venice?.close();
  await cargo?.close();
  venice = undefined;
  cargo = undefined;
  lines.length = 0;
  delete process.env.VENICE_TEST_URL;
  delete process.env.VENICE_TEST_KEY;
});

async function gate(
  inputs: Record<string, string>,
  options: Parameters<typeof createProvider>[1] = { log },
) {
  const config = parseConfig(inputs);
  const provider = createProvider(config, options);
  return runGate(config, await prepareInputs(config), { provider, signal: signal(), run: meta });
}

describe('Venice source in process', () => {
  it('history with a sku filter and requests per record', async () => {
    venice = await startVeniceEmulator({ historyRequests: 200 });
    const report = await gate({
      provider: 'venice',
      'api-url': venice.url,
      'api-token': ADMIN_KEY,
      'record-count': '100',
      'sku-filter': '^qwen3-',
      'requests-per-record': '3',
      'min-history-runs': '5',
    });
    expect(report.decision).toBe('pass');
    expect(report.basis?.n).toBe(40);
    expect(report.estimate?.byNode.every((l) => l.key.startsWith('qwen3-'))).toBe(true);
    expect(report.basis?.note).toMatch(/^about [\d,]+ tokens per request; 3 requests per record$/);
    expect(report.balance?.details.map((d) => d.label)).toContain('Debit order');
  });

  it('auto with too little history asks for a sample command', async () => {
    venice = await startVeniceEmulator({ historyRequests: 3 });
    const report = await gate({
      provider: 'venice',
      'api-url': venice.url,
      'api-token': ADMIN_KEY,
      'record-count': '10',
    });
    expect(report.error?.message).toContain('Add sample-command');
    expect(report.outcome).toBe('fail');
  });

  it('sample: measures the command and reports its cost', async () => {
    venice = await startVeniceEmulator({ historyRequests: 5 });
    process.env.VENICE_TEST_URL = venice.url;
    process.env.VENICE_TEST_KEY = INFERENCE_KEY;
    const report = await gate({
      provider: 'venice',
      'api-url': venice.url,
      'api-token': ADMIN_KEY,
      'record-count': '50',
      'sample-size': '3',
      'sample-command': `node ${join(ROOT, 'test', 'fixtures', 'venice-sample.mjs')}`,
      'ledger-settle-seconds': '0.1',
    });
    expect(report.basis?.source).toBe('sample');
    expect(report.basis?.n).toBe(6);
    expect(report.sample?.cost).toBeGreaterThan(0);
    expect(report.projection!.perRecord).toBeCloseTo(report.sample!.cost / 3, 10);
  });

  it('sample: a failing command is an estimate error', async () => {
    venice = await startVeniceEmulator({ historyRequests: 5 });
    const report = await gate({
      provider: 'venice',
      'api-url': venice.url,
      'api-token': ADMIN_KEY,
      'record-count': '5',
      'estimate-from': 'sample',
      'sample-command': 'exit 3',
      'ledger-settle-seconds': '0',
    });
    expect(report.error?.message).toContain('sample-command exited with code 3');
  });

  it('sample: a command that bills nothing says so', async () => {
    venice = await startVeniceEmulator({ historyRequests: 5 });
    const report = await gate({
      provider: 'venice',
      'api-url': venice.url,
      'api-token': ADMIN_KEY,
      'record-count': '5',
      'estimate-from': 'sample',
      'sample-command': 'true',
      'ledger-settle-seconds': '0',
    });
    expect(report.error?.message).toContain('shows no debit');
  });

  it('estimate-from sample without a command asks for one', async () => {
    venice = await startVeniceEmulator({ historyRequests: 5 });
    const report = await gate({
      provider: 'venice',
      'api-url': venice.url,
      'api-token': ADMIN_KEY,
      'record-count': '5',
      'estimate-from': 'sample',
    });
    expect(report.error?.message).toContain('needs sample-command');
  });
});

describe('Cargo guard in process', () => {
  const fast = { log, batchPollIntervalMs: () => 100 };
  const recordsData = (n: number) =>
    JSON.stringify({
      kind: 'records',
      records: Array.from({ length: n }, (_, i) => ({ id: `ip-${i}` })),
    });

  it('launches, watches and writes the receipt', async () => {
    cargo = await startCargoEmulator();
    const report = await gate(
      {
        'api-url': cargo.url,
        'api-token': FIXTURE.tokens.admin,
        'workflow-uuid': FIXTURE.workflows[1]!.uuid,
        'batch-data': recordsData(8),
        'run-batch': 'true',
      },
      fast,
    );
    expect(report.receipt?.status).toBe('success');
    expect(report.receipt?.executedRuns).toBe(8);
    expect(report.receipt?.diverged).toBe(false);
    expect(lines.some((l) => /8\/8 runs done/.test(l))).toBe(true);
  });

  it('stops at the hard cap and fails', async () => {
    cargo = await startCargoEmulator();
    cargo.model.durationScale = 5;
    const report = await gate(
      {
        'api-url': cargo.url,
        'api-token': FIXTURE.tokens.admin,
        'workflow-uuid': FIXTURE.workflows[0]!.uuid,
        'batch-data': recordsData(40),
        'run-batch': 'true',
        'hard-cap': '5',
      },
      fast,
    );
    expect(report.receipt?.stopped).toBe('hard-cap');
    expect(report.outcome).toBe('fail');
    expect(report.reasons.join(' ')).toContain('cancelled at the hard cap of 5 credits');
  });

  it('does not launch on a warn unless on-exceed is warn', async () => {
    cargo = await startCargoEmulator();
    const report = await gate(
      {
        'api-url': cargo.url,
        'api-token': FIXTURE.tokens.admin,
        'workflow-uuid': FIXTURE.workflows[0]!.uuid,
        'batch-data': recordsData(10),
        'run-batch': 'true',
        budget: '45',
      },
      fast,
    );
    expect(report.decision).toBe('warn');
    expect(report.receipt).toBeNull();
    expect(report.reasons.join(' ')).toContain('not launched (decision warn)');
  });
});
