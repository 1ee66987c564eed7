import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheus from 'parse-prometheus-text-format';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { freePort } from '../emulators/loopback.js';
import {
  PROMTOOL_BIN,
  PUSHGATEWAY_BIN,
  PUSHGATEWAY_PACKAGE,
  type Pushgateway,
  promtoolCheck,
  startPushgateway,
} from '../support/pushgateway.js';
import { runAction } from '../support/run-action.js';
import { json, scriptedServer } from '../support/scripted-server.js';

interface Sample {
  labels?: Record<string, string>;
  value?: string;
}
interface Family {
  name: string;
  metrics: Sample[];
}

const [ENRICH, ROUTE] = FIXTURE.workflows as [
  (typeof FIXTURE.workflows)[0],
  (typeof FIXTURE.workflows)[0],
];

if (!PUSHGATEWAY_BIN) {
  console.log(`skipped: the Pushgateway tests need the Debian package ${PUSHGATEWAY_PACKAGE}`);
}

let emu: CargoEmulator;
beforeEach(async () => {
  emu = await startCargoEmulator();
});
afterEach(async () => emu.close());

const base = () => ({
  'api-url': emu.url,
  'api-token': FIXTURE.tokens.admin,
  'workspace-uuid': FIXTURE.workspace.uuid,
  'upload-artifact': 'false',
  'workflow-uuid': ENRICH.uuid,
  'record-count': '1000',
  budget: '20000',
});

/** The gate's samples in a scrape, keyed by `name{tag}`, each with its labels and value. */
function gateSamples(text: string): Map<string, Sample & { name: string }> {
  const samples = new Map<string, Sample & { name: string }>();
  for (const family of parsePrometheus(text) as unknown as Family[]) {
    if (!family.name.startsWith('batch_cost_gate_')) continue;
    for (const m of family.metrics) {
      const key = `${family.name}{${m.labels?.tag}${m.labels?.decision ? `,${m.labels.decision}` : ''}}`;
      samples.set(key, { ...m, name: family.name });
    }
  }
  return samples;
}

const warningsOf = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::warning'));

describe.skipIf(!PUSHGATEWAY_BIN)('pushgateway-url: the real Pushgateway (bundled action)', () => {
  let gateway: Pushgateway;
  beforeAll(async () => {
    gateway = await startPushgateway(PUSHGATEWAY_BIN!);
  });
  afterAll(async () => gateway.stop());

  it('pushes the metric families under job, repository, workflow and tag; a re-run replaces its group; another tag adds one', async () => {
    const first = await runAction({
      inputs: { ...base(), 'pushgateway-url': gateway.url, 'comment-tag': 'eu' },
    });
    expect(first.code, first.stdout).toBe(0);
    expect(warningsOf(first.stdout)).toEqual([]);
    let samples = gateSamples(await gateway.scrape());
    const projected = samples.get('batch_cost_gate_projected_credits{eu}');
    expect(projected?.labels).toEqual({
      instance: '',
      job: 'batch_cost_gate',
      // Holds a `/`: pushed base64-encoded, exposed as itself.
      repository: 'acme/leads',
      workflow: ENRICH.uuid,
      provider: 'cargo',
      tag: 'eu',
    });
    expect(Number(projected?.value)).toBeCloseTo(Number(first.outputs['projected-credits']), 3);
    expect(Number(samples.get('batch_cost_gate_limit_credits{eu}')?.value)).toBe(20000);
    expect(samples.get('batch_cost_gate_decision{eu,pass}')?.value).toBe('1');
    expect(samples.get('batch_cost_gate_decision{eu,fail}')?.value).toBe('0');
    const ran = Number(samples.get('batch_cost_gate_last_run_timestamp_seconds{eu}')?.value);
    expect(Math.abs(ran - Date.now() / 1000)).toBeLessThan(120);

    // Another tag: a second group beside the first.
    const us = await runAction({
      inputs: { ...base(), 'pushgateway-url': gateway.url, 'comment-tag': 'us', budget: '500' },
    });
    expect(us.outputs.decision).toBe('fail');
    samples = gateSamples(await gateway.scrape());
    expect(samples.get('batch_cost_gate_decision{eu,pass}')?.value).toBe('1');
    expect(samples.get('batch_cost_gate_decision{us,fail}')?.value).toBe('1');
    expect(Number(samples.get('batch_cost_gate_limit_credits{us}')?.value)).toBe(500);

    // The same tag again: its group is replaced whole, the other one is untouched.
    await runAction({
      inputs: { ...base(), 'pushgateway-url': gateway.url, 'comment-tag': 'eu', budget: '500' },
    });
    samples = gateSamples(await gateway.scrape());
    expect(Number(samples.get('batch_cost_gate_limit_credits{eu}')?.value)).toBe(500);
    expect(samples.get('batch_cost_gate_decision{eu,pass}')?.value).toBe('0');
    expect(samples.get('batch_cost_gate_decision{eu,fail}')?.value).toBe('1');
    expect(samples.get('batch_cost_gate_decision{us,fail}')?.value).toBe('1');
    const euSeries = [...samples.values()].filter(
      (s) => s.labels?.tag === 'eu' && s.name === 'batch_cost_gate_projected_credits',
    );
    expect(euSeries).toHaveLength(1);
  }, 60_000);

  it("pushes a launched batch's actual spend from its receipt", async () => {
    const records = join(mkdtempSync(join(tmpdir(), 'push-')), 'records.ndjson');
    writeFileSync(records, Array.from({ length: 24 }, (_, i) => `{"id":"p-${i}"}`).join('\n'));
    const result = await runAction({
      inputs: {
        ...base(),
        'workflow-uuid': ROUTE.uuid,
        'record-count': '',
        'records-file': records,
        'run-batch': 'true',
        'on-exceed': 'warn',
        'comment-tag': 'receipt',
        'pushgateway-url': gateway.url,
      },
    });
    expect(result.outputs['batch-status'], result.stdout).toBe('success');
    const samples = gateSamples(await gateway.scrape());
    expect(Number(samples.get('batch_cost_gate_actual_credits{receipt}')?.value)).toBeCloseTo(
      Number(result.outputs['actual-credits']),
      3,
    );
    expect(samples.get('batch_cost_gate_actual_credits{receipt}')?.labels?.workflow).toBe(
      ROUTE.uuid,
    );
  }, 60_000);

  it('exposes what was pushed in a form promtool accepts', async () => {
    if (!PROMTOOL_BIN) {
      console.log('skipped: promtool check metrics (promtool is not on PATH)');
      return;
    }
    await runAction({ inputs: { ...base(), 'pushgateway-url': gateway.url } });
    const check = promtoolCheck(PROMTOOL_BIN, await gateway.scrape());
    expect(check.code, check.output).toBe(0);
  }, 60_000);
});

describe('pushgateway-url: a gateway that fails', () => {
  it('answering 500: retried, then one warning, and the decision unchanged', async () => {
    const broken = await scriptedServer([json(500, { error: 'boom' })]);
    try {
      const result = await runAction({
        inputs: { ...base(), 'pushgateway-url': broken.url, 'comment-tag': 'eu' },
      });
      expect(result.code, result.stdout).toBe(0);
      expect(result.outputs.decision).toBe('pass');
      expect(broken.hits.length).toBeGreaterThan(1);
      expect(broken.hits[0]?.method).toBe('PUT');
      expect(broken.hits[0]?.url).toMatch(/^\/metrics\/job\/batch_cost_gate\/repository@base64\//);
      const warnings = warningsOf(result.stdout);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Pushgateway/);
    } finally {
      await broken.close();
    }
  }, 60_000);

  it('down: one warning, and the decision unchanged', async () => {
    const result = await runAction({
      inputs: {
        ...base(),
        'pushgateway-url': `http://127.0.0.1:${await freePort()}`,
        budget: '500',
      },
    });
    expect(result.code).toBe(1);
    expect(result.outputs.decision).toBe('fail');
    const warnings = warningsOf(result.stdout);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Pushgateway/);
  }, 60_000);
});
