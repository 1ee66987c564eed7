// Hostile text from APIs, inputs and commands (issue 17, part A): nothing it holds may issue a
// workflow command, render live in a report, leak a secret or be misread as a refusal.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { basicAuth, postWebhook } from '../../src/export/webhook.js';
import { HttpClient } from '../../src/http/client.js';
import { VeniceClient, veniceRateLimitWaitMs } from '../../src/providers/venice/client.js';
import { parseConfig } from '../../src/inputs/config.js';
import { readActionInputs } from '../../src/main.js';
import { ApiError, ConfigError } from '../../src/shared/errors.js';
import { CargoClient } from '../../src/providers/cargo/client.js';
import { logSafe } from '../../src/shared/log-safety.js';
import type { Log } from '../../src/shared/log.js';
import { json, scriptedServer } from '../support/scripted-server.js';

const base = { 'api-token': 'test-token-abc', 'workflow-uuid': 'wf-1', 'record-count': '100' };
const saved = { ...process.env };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  process.env = { ...saved };
});

/** Everything written to stdout while `fn` runs (the runner's command channel). */
async function stdoutOf(fn: () => unknown): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return out;
}

function configError(inputs: Record<string, string>): ConfigError {
  try {
    parseConfig({ ...base, ...inputs });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const HOSTILE =
  '\n::stop-commands::x\n::notice ::All clear\n::add-mask::\n::set-output name=decision::pass';

describe('logSafe', () => {
  it('keeps command-looking text on one line that cannot start a command', () => {
    for (const text of [
      HOSTILE,
      '::add-mask::x',
      '  ::set-output name=a::b',
      '100% \r\n::error::x',
    ]) {
      const safe = logSafe(text);
      expect(safe).not.toMatch(/[\r\n]/);
      expect(safe).not.toMatch(/^\s*::/);
    }
    expect(logSafe('50%\nok')).toBe('50%25%0Aok');
    expect(logSafe('Retrying GET /v1 in 5 ms')).toBe('Retrying GET /v1 in 5 ms');
  });
});

describe('webhook-headers', () => {
  it('masks a header value whole when it holds a comma, and the config error never echoes it', async () => {
    process.env['INPUT_WEBHOOK-HEADERS'] = 'X-Sig: k3y,Rest0fTheSecret';
    const out = await stdoutOf(() => readActionInputs());
    expect(out).toContain('::add-mask::X-Sig: k3y,Rest0fTheSecret');
    expect(out).toContain('::add-mask::Rest0fTheSecret');
    const error = configError({ 'webhook-headers': 'X-Sig: k3y,Rest0fTheSecret' });
    expect(error.input).toBe('webhook-headers');
    expect(error.message).not.toContain('Rest0f');
    expect(error.message).not.toContain('k3y');
  });

  it('refuses CR/LF or another control character in a header value at config time', () => {
    for (const value of ['a\r\nX-Evil: 1', 'tok\nen', 'a\u0000b', 'a\u001bb']) {
      const error = configError({ 'webhook-headers': `X-Sig: ${value}` });
      expect(error.input).toBe('webhook-headers');
      expect(error.message).toMatch(/control character/);
      expect(error.message).not.toContain(value.trim());
    }
    expect(parseConfig({ ...base, 'webhook-headers': 'X-Sig: a\tb' }).webhookHeaders).toEqual({
      'X-Sig': 'a\tb',
    });
  });
});

describe('webhook-url with user:pass@', () => {
  it('sends the credentials as Basic auth and masks them', async () => {
    const server = await scriptedServer([json(200, { ok: true })]);
    cleanups.push(() => server.close());
    const url = server.url.replace('http://', 'http://hook%40user:s3cret%2Fpass@');
    const log: Log = { info: () => undefined, warning: () => undefined, debug: () => undefined };
    expect(await postWebhook(`${url}/hook`, {}, '{"decision":"pass"}', log)).toBe(true);
    const expected = `Basic ${Buffer.from('hook@user:s3cret/pass').toString('base64')}`;
    expect(server.hits[0]!.headers.authorization).toBe(expected);
    expect(basicAuth(new URL(`${url}/hook`)).secrets).toContain('s3cret/pass');
    process.env['INPUT_WEBHOOK-URL'] = `${url}/hook`;
    const out = await stdoutOf(() => readActionInputs());
    expect(out).toContain('::add-mask::s3cret/pass');
    expect(out).toContain(`::add-mask::${expected}`);
  });
});

describe('a Retry-After longer than the client waits', () => {
  it('says how long the API asked to wait and what to do, not just "answered 429"', async () => {
    const server = await scriptedServer([
      json(429, { errorMessage: 'slow down' }, { 'retry-after': '3600' }),
    ]);
    cleanups.push(() => server.close());
    const client = new HttpClient({
      service: 'Cargo API',
      baseUrl: server.url,
      headers: {},
      secrets: [],
      readErrorBody: (b) => ({ message: (b as { errorMessage?: string }).errorMessage }),
    });
    const error = await client.send({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(server.hits).toHaveLength(1);
    expect((error as Error).message).toMatch(/answered 429: slow down/);
    expect((error as Error).message).toMatch(/asked to wait 3600 s.*more than.*60 s/);
    expect((error as Error).message).toMatch(/re-run the job/);
  });
});

describe('a Venice 429 without Retry-After', () => {
  it('waits as x-ratelimit-reset-requests says, with x-ratelimit-resets as the fallback', async () => {
    const limited = { error: 'Rate limit exceeded' };
    const server = await scriptedServer([
      json(429, limited, { 'x-ratelimit-reset-requests': '2s' }),
      (req, res) =>
        json(429, limited, { 'x-ratelimit-resets': String(Date.now() + 3000) })(req, res),
      json(200, { canConsume: true, consumptionCurrency: 'USD', balances: { diem: null, usd: 5 } }),
    ]);
    cleanups.push(() => server.close());
    const waits: number[] = [];
    const client = new VeniceClient({
      apiUrl: server.url,
      token: 'venice-admin-key-0123456789',
      log: { info: () => undefined, warning: () => undefined, debug: () => undefined },
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await client.getBalance();
    expect(waits[0]).toBe(2000);
    expect(waits[1]).toBeGreaterThan(2500);
    expect(waits[1]).toBeLessThanOrEqual(3000);
    const now = 1_000_000_000_000;
    expect(veniceRateLimitWaitMs({ 'x-ratelimit-reset-requests': '6m0s' }, now)).toBe(360_000);
    expect(veniceRateLimitWaitMs({ 'x-ratelimit-reset-requests': '1000000005' }, now)).toBe(5000);
    expect(veniceRateLimitWaitMs({ 'x-ratelimit-reset-requests': 'soon' }, now)).toBeUndefined();
  });
});

describe('impossible numbers from Cargo', () => {
  const sub = {
    uuid: 's-1',
    subscriptionAvailableCreditsCount: 1000,
    subscriptionCreditsUsedCount: 10,
  };
  it.each([
    ['subscriptionCreditsUsedCount', '-1e6'],
    ['subscriptionAvailableCreditsCount', '-5'],
    ['subscriptionAvailableCreditsCount', '1e999'],
  ])('are schema drift naming the field: %s = %s', async (field, raw) => {
    const body = JSON.stringify({ subscription: { ...sub, [field]: 123456789 } }).replace(
      '123456789',
      raw,
    );
    const server = await scriptedServer([
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      },
    ]);
    cleanups.push(() => server.close());
    const client = new CargoClient({ apiUrl: server.url, token: 'cargo-token-0123456789' });
    const error = await client.getSubscription().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).kind).toBe('invalid-response');
    expect((error as ApiError).message).toContain(`subscription.${field}`);
  });
});
