import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import type { RunState } from '../emulators/cargo/model.js';
import { runAction } from '../support/run-action.js';
import jstat from 'jstat';

const tQuantile = (p: number, dof: number) => jstat.jStat.studentt.inv(p, dof);

const [ENRICH, ROUTE, PHONE] = FIXTURE.workflows as [
  (typeof FIXTURE.workflows)[0],
  (typeof FIXTURE.workflows)[0],
  (typeof FIXTURE.workflows)[0],
];
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
});

/** The cost of one finished run, by hand from the emulator's own state. */
function handCost(run: RunState): number {
  const executions = emu.model.visibleExecutions(run);
  return executions.reduce((s, e) => s + e.creditsUsedCount, 0) + executions.length * 0.01;
}

function historyOf(workflowUuid: string, days: number): RunState[] {
  const after = Date.now() - days * 86_400_000;
  return [...emu.model.runs.values()]
    .filter(
      (r) =>
        r.workflowUuid === workflowUuid &&
        (r.status === 'success' || r.status === 'error') &&
        r.createdAt >= after,
    )
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, 200);
}

const round4 = (n: number) => (Math.round(n * 10_000) / 10_000).toFixed(4).replace(/\.?0+$/, '');

describe('bundled action against the Cargo emulator', () => {
  it('history pass: outputs match a projection computed by hand from the fixture', async () => {
    const runs = historyOf(ENRICH.uuid, 30);
    const costs = runs.map(handCost);
    const n = costs.length;
    const mean = costs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(costs.reduce((a, c) => a + (c - mean) ** 2, 0) / (n - 1));
    const remaining =
      FIXTURE.subscription.subscriptionAvailableCreditsCount -
      FIXTURE.subscription.subscriptionCreditsUsedCount;
    const result = await runAction({
      inputs: { ...base(), 'workflow-uuid': ENRICH.uuid, 'record-count': '1000', budget: '20000' },
    });
    expect(result.code, result.stdout).toBe(0);
    const o = result.outputs;
    expect(o.decision).toBe('pass');
    expect(o['estimate-source']).toBe('history');
    // No sample ran: history's n is in the report, not this output.
    expect(o['sample-size-used']).toBe('');
    expect(o['credits-per-record']).toBe(round4(mean));
    expect(o['projected-credits']).toBe(round4(1000 * mean));
    // The bound is on the batch's total: at least the textbook bound with the batch's own spread
    // (N·m + t·s·√(N²/n + N)); the skew and hit-rate corrections may only widen it, a little here.
    const textbook = 1000 * mean + tQuantile(0.9, n - 1) * sd * Math.sqrt(1000 ** 2 / n + 1000);
    const upper = Number(o['projected-credits-upper']);
    expect(upper).toBeGreaterThanOrEqual(textbook - 1e-3);
    expect(upper).toBeLessThan(textbook * 1.02);
    expect(o['remaining-credits']).toBe(round4(remaining));
    expect(o['limit-credits']).toBe('20000');
    expect(o['headroom-credits']).toBe(round4(20000 - 1000 * mean));
    expect(o['report-json']).toMatch(/report\.json$/);
    const report = JSON.parse(readFileSync(o['report-json']!, 'utf8'));
    expect(report.decision).toBe('pass');
    expect(report.observations).toHaveLength(n);
    expect(result.summary).toMatch(/✅ Batch cost gate: \*\*pass\*\*/);
    expect(result.summary).toContain('Cost by node');
    expect(result.summary).toContain('find_email');
    // The subscription is read while history is paged, never after it.
    const routes = emu.requests.map((r) => r.route);
    expect(routes.indexOf('subscription')).toBeLessThan(routes.lastIndexOf('runs-list'));
  });

  it('history fail: exits 1 with an error annotation, and every output is set', async () => {
    const result = await runAction({
      inputs: { ...base(), 'workflow-uuid': ENRICH.uuid, 'record-count': '100000' },
    });
    expect(result.code).toBe(1);
    expect(result.outputs.decision).toBe('fail');
    expect(result.stdout).toMatch(
      /::error::Batch cost gate: fail — Projected .* exceeds the .* remaining/,
    );
    expect(result.stdout).toContain('the batch would stop after about');
    expect(Number(result.outputs['headroom-credits'])).toBeLessThan(0);
    expect(result.summary).toContain('❌');
  });

  it('on-exceed warn turns a fail into a warning but keeps the decision', async () => {
    const result = await runAction({
      inputs: {
        ...base(),
        'workflow-uuid': ENRICH.uuid,
        'record-count': '100000',
        'on-exceed': 'warn',
      },
    });
    expect(result.code).toBe(0);
    expect(result.outputs.decision).toBe('fail');
    expect(result.stdout).toMatch(/::warning title=Batch cost gate — fail::/);
  });

  it('sample: runs one batch, polls it, reads its runs and reports what the sample cost', async () => {
    const records = Array.from({ length: 10 }, (_, i) => ({ id: `s-${i}`, name: `Lead ${i}` }));
    const result = await runAction({
      inputs: {
        ...base(),
        'workflow-uuid': PHONE.uuid,
        'record-count': '500',
        'estimate-from': 'sample',
        'sample-records': JSON.stringify(records),
      },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs['estimate-source']).toBe('sample');
    expect(result.outputs['sample-size-used']).toBe('10');
    const batches = [...emu.model.batches.values()];
    expect(batches).toHaveLength(1);
    expect(batches[0]!.status).toBe('success');
    const runs = batches[0]!.runUuids.map((u) => emu.model.runs.get(u)!);
    const cost = runs.reduce((s, r) => s + handCost(r), 0);
    expect(result.outputs['credits-per-record']).toBe(round4(cost / 10));
    expect(result.stdout).toMatch(/Sample: \d+\/10 runs done/);
    expect(result.summary).toContain(
      `The sample itself cost ${cost.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} credits`,
    );
  });

  it('sample: cancelled once it has spent max-sample-credits', async () => {
    emu.model.durationScale = 6;
    const records = Array.from({ length: 20 }, (_, i) => ({ id: `c-${i}` }));
    const result = await runAction({
      inputs: {
        ...base(),
        'workflow-uuid': ENRICH.uuid,
        'record-count': '100',
        'estimate-from': 'sample',
        'sample-records': JSON.stringify(records),
        'max-sample-credits': '5',
      },
    });
    const batch = [...emu.model.batches.values()][0]!;
    expect(batch.status).toBe('cancelled');
    expect(emu.requests.some((r) => r.route === 'batches-cancel')).toBe(true);
    expect(result.stdout).toContain('max-sample-credits');
    const spent = emu.model.subscription.subscriptionCreditsUsedCount;
    emu.model.advance(60_000);
    expect(emu.model.subscription.subscriptionCreditsUsedCount).toBe(spent);
  });

  it("metrics: divides the window's usage by its finished runs", async () => {
    const runs = historyOf(ENRICH.uuid, 31).filter(
      (r) =>
        r.createdAt >=
        Date.parse(
          `${new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`,
        ),
    );
    const mean = runs.reduce((s, r) => s + handCost(r), 0) / runs.length;
    const result = await runAction({
      inputs: {
        ...base(),
        'workflow-uuid': ENRICH.uuid,
        'record-count': '200',
        'estimate-from': 'metrics',
      },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs['estimate-source']).toBe('metrics');
    expect(result.outputs['sample-size-used']).toBe('');
    expect(result.outputs['credits-per-record']).toBe(round4(mean));
    expect(result.outputs['projected-credits-upper']).toBe(result.outputs['projected-credits']);
    expect(result.summary).toContain('usage metrics give totals only');
    const units = emu.requests
      .filter((r) => r.route === 'usage-metrics')
      .map((r) => new URLSearchParams(r.query).get('unit'));
    expect(units.sort()).toEqual(['billing.credits', 'orchestration.executions']);
  });

  it('auto falls back from thin history to a sample of the records file', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `f-${i}` })).join('\n');
    const path = join(mkdtempSync(join(tmpdir(), 'auto-')), 'records.ndjson');
    writeFileSync(path, lines);
    const result = await runAction({
      inputs: { ...base(), 'workflow-uuid': PHONE.uuid, 'records-file': path },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs['estimate-source']).toBe('sample');
    expect(result.outputs['sample-size-used']).toBe('10');
    expect(Number(result.outputs['projected-credits'])).toBeCloseTo(
      40 * Number(result.outputs['credits-per-record']),
      3,
    );
    expect(result.summary).toContain('auto: history had 4 finished runs');
  });

  it('auto without history or records fails closed with guidance naming the inputs', async () => {
    const result = await runAction({
      inputs: {
        ...base(),
        'workflow-uuid': PHONE.uuid,
        'record-count': '10',
        'on-api-error': 'pass',
      },
    });
    expect(result.code).toBe(1);
    expect(result.outputs.decision).toBe('unknown');
    expect(result.stdout).toMatch(/::error::.*sample-records .* or records-file/);
  });

  it('a non-admin token gets a 403 explained, and fails by default', async () => {
    const result = await runAction({
      inputs: {
        ...base(),
        'api-token': FIXTURE.tokens.member,
        'workflow-uuid': ROUTE.uuid,
        'record-count': '10',
      },
    });
    expect(result.code).toBe(1);
    expect(result.outputs.decision).toBe('unknown');
    expect(result.stdout).toMatch(
      /::error::.*403: forbidden — billing endpoints need a token with admin access/,
    );
    expect(result.stdout.replace(/^::add-mask::.*$/m, '')).not.toContain(FIXTURE.tokens.member);
  });

  describe('API outage', () => {
    const outage = async (onApiError: string) => {
      emu.inject('*', { kind: 'status', status: 503 });
      return runAction({
        inputs: {
          ...base(),
          'workflow-uuid': ENRICH.uuid,
          'record-count': '10',
          'on-api-error': onApiError,
        },
      });
    };

    it('on-api-error fail: exits 1 with the classified error', async () => {
      const result = await outage('fail');
      expect(result.code).toBe(1);
      expect(result.outputs.decision).toBe('unknown');
      expect(result.outputs['projected-credits']).toBe('');
      expect(result.stdout).toMatch(
        /::error::Batch cost gate: could not check — Cargo API GET \/v1\/billing\/subscriptions answered 503/,
      );
    });

    it('on-api-error warn: exits 0 with a warning, numbers empty, never NaN', async () => {
      const result = await outage('warn');
      expect(result.code).toBe(0);
      expect(result.outputs.decision).toBe('unknown');
      expect(result.stdout).toMatch(/::warning title=Batch cost gate could not check::/);
      expect(Object.values(result.outputs).join(' ')).not.toContain('NaN');
      expect(result.outputs['remaining-credits']).toBe('');
    });

    it('on-api-error pass: exits 0 with a notice', async () => {
      const result = await outage('pass');
      expect(result.code).toBe(0);
      expect(result.outputs.decision).toBe('unknown');
      expect(result.stdout).toMatch(/::notice title=Batch cost gate could not check::/);
    });
  });
});

describe('sample clean-up', () => {
  it('SIGTERM mid-sample leaves no running batch', async () => {
    emu.model.durationScale = 30;
    const records = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ id: `t-${i}` })));
    const result = await runAction({
      inputs: {
        ...base(),
        'workflow-uuid': ENRICH.uuid,
        'record-count': '100',
        'estimate-from': 'sample',
        'sample-records': records,
      },
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (emu.requests.some((r) => r.route === 'batches-create')) {
            clearInterval(timer);
            setTimeout(() => child.kill('SIGTERM'), 200);
          }
        }, 50);
      },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::.*Interrupted: sample batch .* was cancelled/);
    emu.model.tick();
    expect([...emu.model.batches.values()].map((b) => b.status)).toEqual(['cancelled']);
  });
});
