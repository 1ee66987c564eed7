import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook } from '../../src/export/webhook.js';
import type { Log } from '../../src/shared/log.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { runAction } from '../support/run-action.js';

const lines: string[] = [];
const log: Log = {
  info: (m) => lines.push(m),
  warning: (m) => lines.push(`warning: ${m}`),
  debug: () => undefined,
};
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  lines.length = 0;
});

/** A receiver that records bodies and headers; answers each request with the next status. */
async function receiver(statuses: number[]) {
  const got: { url: string; method: string; body: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push({ url: req.url ?? '', method: req.method ?? '', body, headers: req.headers });
      const status = statuses[Math.min(got.length - 1, statuses.length - 1)] ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, hits: got };
}

describe('webhook', () => {
  it('POSTs the JSON report with the extra headers', async () => {
    const r = await receiver([200]);
    const ok = await postWebhook(
      `${r.url}/hooks/cost?team=growth`,
      { 'X-Team': 'growth', Authorization: 'Bearer hook-secret-123' },
      '{"decision":"pass"}',
      log,
    );
    expect(ok).toBe(true);
    expect(r.hits[0]!.url).toBe('/hooks/cost?team=growth');
    expect(r.hits[0]!.method).toBe('POST');
    expect(r.hits[0]!.headers['x-team']).toBe('growth');
    expect(r.hits[0]!.headers['content-type']).toBe('application/json');
  });

  it('retries a 500, then delivers', async () => {
    const r = await receiver([500, 200]);
    expect(
      await postWebhook(`${r.url}/h`, {}, '{"a":1}', log, { sleep: () => Promise.resolve() }),
    ).toBe(true);
    expect(r.hits).toHaveLength(2);
  });

  it('warns about a dead URL without throwing or leaking the URL secret', async () => {
    const ok = await postWebhook(
      'http://127.0.0.1:1/services/T000/B000/SECRETPATH',
      {},
      '{}',
      log,
      { retries: 1, sleep: () => Promise.resolve() },
    );
    expect(ok).toBe(false);
    expect(lines.join('\n')).toMatch(/warning: Webhook: could not deliver/);
    expect(lines.join('\n')).not.toContain('SECRETPATH');
  });
});

describe('exports through the bundled action', () => {
  let emu: CargoEmulator;
  const start = async () => {
    emu = await startCargoEmulator();
    cleanups.push(() => emu.close());
  };

  it('writes the Prometheus textfile and delivers the webhook with masked headers', async () => {
    await start();
    const r = await receiver([200]);
    const dir = mkdtempSync(join(tmpdir(), 'textfile-'));
    const result = await runAction({
      inputs: {
        'api-url': emu.url,
        'api-token': FIXTURE.tokens.admin,
        'workflow-uuid': FIXTURE.workflows[0]!.uuid,
        'record-count': '100',
        'upload-artifact': 'false',
        'prometheus-file': join(dir, 'batch-cost-gate.prom'),
        'webhook-url': `${r.url}/hook`,
        'webhook-headers': 'X-Team: growth, Authorization: Bearer hook-secret-456',
      },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(readFileSync(join(dir, 'batch-cost-gate.prom'), 'utf8')).toContain(
      'batch_cost_gate_decision{workflow=',
    );
    expect(r.got).toHaveLength(1);
    const payload = JSON.parse(r.got[0]!.body);
    expect(payload.decision).toBe('pass');
    expect(payload.schemaVersion).toBe(1);
    expect(r.got[0]!.headers.authorization).toBe('Bearer hook-secret-456');
    expect(result.stdout).toContain('::add-mask::Bearer hook-secret-456');
    expect(r.got[0]!.body).not.toContain(FIXTURE.tokens.admin);
  });

  it('a dead webhook is a warning and the job still passes', async () => {
    await start();
    const result = await runAction({
      inputs: {
        'api-url': emu.url,
        'api-token': FIXTURE.tokens.admin,
        'workflow-uuid': FIXTURE.workflows[0]!.uuid,
        'record-count': '100',
        'upload-artifact': 'false',
        'webhook-url': 'http://127.0.0.1:1/hook',
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/::warning::Webhook: could not deliver/);
  }, 60_000);

  it('a prometheus-file in a missing directory fails before any call', async () => {
    await start();
    const result = await runAction({
      inputs: {
        'api-url': emu.url,
        'api-token': FIXTURE.tokens.admin,
        'workflow-uuid': 'w',
        'record-count': '1',
        'prometheus-file': '/no/such/dir/x.prom',
      },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /::error::Input 'prometheus-file': the directory '\/no\/such\/dir' does not exist/,
    );
    expect(emu.requests).toHaveLength(0);
  });
});
