import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../src/shared/errors.js';
import { HttpClient, parseRetryAfter } from '../../src/http/client.js';
import { serializeQuery } from '../../src/http/query.js';
import { redact } from '../../src/http/redact.js';
import { hang, json, scriptedServer } from '../support/scripted-server.js';
// The SDK's own serializer, read from its build (it is not in the package's exports map).
import { serializeParams } from '../../node_modules/@cargo-ai/api/build/src/fetcher/params.js';

const TOKEN = 'tok-http-test-0123456789';
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(...steps: Parameters<typeof scriptedServer>[0]) {
  const server = await scriptedServer(steps);
  close = () => server.close();
  return server;
}

function client(url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({
    service: 'Test API',
    baseUrl: `${url}/v1`,
    headers: { authorization: `Bearer ${TOKEN}` },
    secrets: [TOKEN],
    baseDelayMs: 5,
    readErrorBody: (body) => {
      const b = body as { errorMessage?: string; reason?: string } | undefined;
      return { message: b?.errorMessage, reason: b?.reason };
    },
    ...extra,
  });
}

const ok = z.object({ ok: z.boolean() });

describe('HttpClient retries', () => {
  it('succeeds after 2 × 503', async () => {
    const server = await serve(
      json(503, undefined),
      json(503, { errorMessage: 'busy' }),
      json(200, { ok: true }),
    );
    const retries: number[] = [];
    const answer = await client(server.url, { onRetry: (i) => retries.push(i.attempt) }).json(
      { method: 'GET', path: '/x' },
      ok,
    );
    expect(answer).toEqual({ ok: true });
    expect(server.hits).toHaveLength(3);
    expect(retries).toEqual([1, 2]);
  });

  it('waits at least Retry-After: 1 on a 429', async () => {
    const server = await serve(
      json(429, undefined, { 'retry-after': '1' }),
      json(200, { ok: true }),
    );
    await client(server.url).json({ method: 'GET', path: '/x' }, ok);
    expect(server.hits).toHaveLength(2);
    expect(server.hits[1]!.at - server.hits[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('does not retry a 400 and reports the API message and reason', async () => {
    const server = await serve(json(400, { errorMessage: 'Invalid data.', reason: 'invalidData' }));
    const error = (await client(server.url)
      .send({ method: 'POST', path: '/runs', body: {} })
      .catch((e: unknown) => e)) as ApiError;
    expect(server.hits).toHaveLength(1);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.kind).toBe('request');
    expect(error.status).toBe(400);
    expect(error.reason).toBe('invalidData');
    expect(error.message).toBe('Test API POST /v1/runs answered 400: Invalid data.');
  });

  it('cuts a hung server at the timeout', async () => {
    const server = await serve(hang);
    const started = Date.now();
    const error = (await client(server.url, { timeoutMs: 300, retries: 1 })
      .send({ method: 'GET', path: '/slow' })
      .catch((e: unknown) => e)) as ApiError;
    const elapsed = Date.now() - started;
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('did not answer within 0.3 s');
    expect(server.hits).toHaveLength(2);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('gives up within the total time bound', async () => {
    const server = await serve(json(503, undefined));
    const error = (await client(server.url, {
      retries: 50,
      baseDelayMs: 100,
      maxDelayMs: 100,
      random: () => 1,
      totalTimeoutMs: 600,
    })
      .send({ method: 'GET', path: '/x' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.kind).toBe('server');
    expect(server.hits.length).toBeLessThan(10);
  });

  it('does not retry a money-spending POST on 5xx, but does on 429', async () => {
    const server = await serve(json(502, undefined));
    await client(server.url)
      .send({ method: 'POST', path: '/batches', body: {}, idempotent: false })
      .catch(() => undefined);
    expect(server.hits).toHaveLength(1);
    await close?.();
    const again = await serve(
      json(429, undefined, { 'retry-after': '0' }),
      json(200, { ok: true }),
    );
    await client(again.url).send({ method: 'POST', path: '/batches', body: {}, idempotent: false });
    expect(again.hits).toHaveLength(2);
  });

  it('classifies statuses and network errors by kind', async () => {
    const server = await serve(
      json(401, { errorMessage: 'Not authorized' }),
      json(403, { errorMessage: 'forbidden' }),
      json(404, undefined),
    );
    const c = client(server.url);
    const kinds = [];
    for (let i = 0; i < 3; i += 1)
      kinds.push(
        ((await c.send({ method: 'GET', path: '/x' }).catch((e: unknown) => e)) as ApiError).kind,
      );
    expect(kinds).toEqual(['auth', 'forbidden', 'not-found']);
    const dead = (await client('http://127.0.0.1:1', { retries: 0 })
      .send({ method: 'GET', path: '/x' })
      .catch((e: unknown) => e)) as ApiError;
    expect(dead.kind).toBe('network');
  });

  it('names the endpoint and field when an answer drifts, and refuses non-JSON', async () => {
    const server = await serve(json(200, { ok: 'yes' }), (_q, res) => res.end('<html>'));
    const c = client(server.url);
    const drift = (await c
      .json({ method: 'GET', path: '/thing' }, ok)
      .catch((e: unknown) => e)) as ApiError;
    expect(drift.kind).toBe('invalid-response');
    expect(drift.message).toContain('GET /v1/thing');
    expect(drift.message).toContain("field 'ok'");
    const html = (await c
      .json({ method: 'GET', path: '/thing' }, ok)
      .catch((e: unknown) => e)) as ApiError;
    expect(html.kind).toBe('invalid-response');
  });

  it('never lets the token into an error message', async () => {
    const server = await serve(
      json(400, { errorMessage: `bad token ${TOKEN} (${encodeURIComponent(TOKEN)})` }),
    );
    const error = (await client(server.url)
      .send({ method: 'GET', path: '/x' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.message).not.toContain(TOKEN);
    expect(error.apiMessage).not.toContain(TOKEN);
    expect(error.message).toContain('***');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-22T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('serializeQuery', () => {
  it('matches the official SDK serializer byte for byte', () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const value = fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 3 }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), scalar, { maxKeys: 3 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 5 }),
        (params) => {
          expect(serializeQuery(params as never)).toBe(
            (serializeParams as (p: unknown) => string)(params),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('writes arrays with brackets and keeps : $ , literal', () => {
    expect(
      serializeQuery({
        workflowUuids: ['a', 'b'],
        from: '2026-01-01',
        q: 'a b:c$d,e',
        skip: undefined,
      }),
    ).toBe('?workflowUuids%5B%5D=a&workflowUuids%5B%5D=b&from=2026-01-01&q=a+b:c$d,e');
  });
});

describe('redact', () => {
  it('removes raw, URL-encoded and JSON-escaped forms', () => {
    const secret = 'a"b/c d';
    expect(
      redact(`x ${secret} ${encodeURIComponent(secret)} ${JSON.stringify(secret)}`, [secret]),
    ).not.toMatch(/a"b|a%22b|a\\"b/);
  });
});
