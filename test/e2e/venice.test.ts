import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  INFERENCE_KEY,
  startVeniceEmulator,
  type VeniceEmulator,
} from '../emulators/venice/server.js';
import { ROOT, runAction } from '../support/run-action.js';

/** The report the run wrote (its path is the report-json output). */
const reportOf = (result: { outputs: Record<string, string> }) =>
  JSON.parse(readFileSync(result.outputs['report-json']!, 'utf8')) as { basis: { n: number } };

let emu: VeniceEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const venice = (url: string, extra: Record<string, string>) => ({
  provider: 'venice',
  'api-url': url,
  'api-token': ADMIN_KEY,
  'upload-artifact': 'false',
  ...extra,
});

/** The ledger's mean debit per request, by hand. */
function meanPerRequest(e: VeniceEmulator, since: number): { mean: number; n: number } {
  const byRequest = new Map<string, number>();
  for (const entry of e.entries)
    if (entry.at >= since)
      byRequest.set(entry.requestId, (byRequest.get(entry.requestId) ?? 0) - entry.amount);
  const costs = [...byRequest.values()];
  return { mean: costs.reduce((a, b) => a + b, 0) / costs.length, n: costs.length };
}

describe('provider venice (bundled action)', () => {
  it('history: projects the ledger per request × requests-per-record, and passes', async () => {
    emu = await startVeniceEmulator({ historyRequests: 300 });
    const { mean, n } = meanPerRequest(emu, Date.now() - 30 * 86_400_000);
    const result = await runAction({
      inputs: venice(emu.url, { 'record-count': '2000', 'requests-per-record': '2' }),
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs.decision).toBe('pass');
    expect(result.outputs['estimate-source']).toBe('history');
    expect(result.outputs['sample-size-used']).toBe('');
    expect(reportOf(result).basis.n).toBe(n);
    expect(Number(result.outputs['credits-per-record'])).toBeCloseTo(2 * mean, 4);
    expect(Number(result.outputs['remaining-credits'])).toBe(125.5);
    expect(result.summary).toContain('Cost by SKU');
    expect(result.summary).toMatch(/DIEM → EARNED\\?_CREDITS → BUNDLED\\?_CREDITS → USD/);
  });

  it('history: fails a batch the balance cannot pay for', async () => {
    emu = await startVeniceEmulator({ historyRequests: 300 });
    const result = await runAction({ inputs: venice(emu.url, { 'record-count': '200000' }) });
    expect(result.code).toBe(1);
    expect(result.outputs.decision).toBe('fail');
    expect(result.stdout).toMatch(/exceeds the 125.5 USD remaining/);
  });

  it('sample: runs sample-command, reads its ledger window, and divides by the sample size', async () => {
    emu = await startVeniceEmulator({ historyRequests: 50 });
    const before = emu.entries.length;
    const result = await runAction({
      inputs: venice(emu.url, {
        'record-count': '500',
        'estimate-from': 'sample',
        'sample-size': '4',
        'sample-command': `node ${join(ROOT, 'test', 'fixtures', 'venice-sample.mjs')}`,
        'ledger-settle-seconds': '0.2',
      }),
      env: { VENICE_TEST_URL: emu.url, VENICE_TEST_KEY: INFERENCE_KEY },
    });
    expect(result.code, result.stdout).toBe(0);
    const sampled = emu.entries.slice(before);
    expect(sampled).toHaveLength(16); // 4 records × 2 requests × 2 SKUs
    const total = sampled.reduce((a, e) => a - e.amount, 0);
    expect(Number(result.outputs['credits-per-record'])).toBeCloseTo(total / 4, 4);
    expect(result.outputs['estimate-source']).toBe('sample');
    expect(result.stdout).toContain('sample-command: processed 4 records');
  });

  it('sample: fails when the sampled cost per record overruns the budget', async () => {
    emu = await startVeniceEmulator({ historyRequests: 10 });
    const result = await runAction({
      inputs: venice(emu.url, {
        'record-count': '100000',
        budget: '5',
        'estimate-from': 'sample',
        'sample-size': '2',
        'sample-command': `node ${join(ROOT, 'test', 'fixtures', 'venice-sample.mjs')}`,
        'ledger-settle-seconds': '0',
      }),
      env: { VENICE_TEST_URL: emu.url, VENICE_TEST_KEY: INFERENCE_KEY },
    });
    expect(result.code).toBe(1);
    expect(result.outputs.decision).toBe('fail');
  });

  it('an older deployment without usage-history: the page-based usage answers 410 and the gate follows it', async () => {
    emu = await startVeniceEmulator({ historyRequests: 100 });
    emu.inject('usage-history', { kind: 'status', status: 404, body: '{"error":"Not found"}' }, 1);
    const result = await runAction({ inputs: venice(emu.url, { 'record-count': '10' }) });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout.match(/answered 410/g)).toHaveLength(1);
    expect(reportOf(result).basis.n).toBe(100);
  });

  it('an INFERENCE key gets told an ADMIN key is needed', async () => {
    emu = await startVeniceEmulator({ historyRequests: 10 });
    const result = await runAction({
      inputs: venice(emu.url, { 'record-count': '10', 'api-token': INFERENCE_KEY }),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /::error::.*Admin API key required — api-token is an INFERENCE key; billing needs a Venice ADMIN key/,
    );
  });

  it('reads a 50,000-entry ledger page by page within a small heap', async () => {
    emu = await startVeniceEmulator({ historyRequests: 25_000, historyDays: 25 });
    const result = await runAction({
      inputs: venice(emu.url, { 'record-count': '1000' }),
      env: { NODE_OPTIONS: '--max-old-space-size=96' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(reportOf(result).basis.n).toBe(25_000);
    expect(emu.requests.filter((r) => r.route === 'usage-history')).toHaveLength(50);
  }, 60_000);
});
