import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../src/shared/errors.js';
import { HttpClient, parseRetryAfter } from '../../src/http/client.js';
import { serializeQuery } from '../../src/http/query.js';
import { redact } from '../../src/http/redact.js';
import { hang, json, scriptedServer, type Step } from '../support/scripted-server.js';
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

/** A step that never answers but tells when the request arrived and when its socket closed. */
function hangWatched() {
  let arrived!: () => void;
  const arrival = new Promise<void>((done) => (arrived = done));
  let closed = false;
  const step: Step = (_req, res) => {
    res.on('close', () => (closed = true));
    arrived();
  };
  return { step, arrival, closed: () => closed };
}

/** Runs a call to its end and returns what it threw. */
async function failure(call: Promise<unknown>): Promise<ApiError> {
  return (await call.then(
    () => expect.unreachable('the call should have failed'),
    (e: unknown) => e,
  )) as ApiError;
}

describe('HttpClient abort', () => {
  // Both timeouts are far above any abort here, so an abort that is not honoured shows as a hang.
  const slow = { timeoutMs: 30_000, totalTimeoutMs: 120_000 };

  it.each(['client', 'request'] as const)(
    'an abort of the %s signal cuts a hung request at once, without a retry',
    async (whose) => {
      const watched = hangWatched();
      const server = await serve(watched.step);
      const interrupt = new AbortController();
      const c = client(server.url, {
        ...slow,
        ...(whose === 'client' ? { signal: interrupt.signal } : {}),
      });
      const call = c.send({
        method: 'GET',
        path: '/slow',
        ...(whose === 'request' ? { signal: interrupt.signal } : {}),
      });
      await watched.arrival;
      const abortedAt = Date.now();
      interrupt.abort();
      const error = await failure(call);
      expect(error).toBeInstanceOf(ApiError);
      expect(error.kind).toBe('cancelled');
      expect(error.message).toBe('Test API GET /v1/slow was cancelled in flight');
      expect(Date.now() - abortedAt).toBeLessThan(2_000);
      expect(server.hits).toHaveLength(1);
      // The socket itself was cut, not merely abandoned while the server keeps it open.
      await vi.waitFor(() => expect(watched.closed()).toBe(true));
    },
  );

  it('cuts a response whose body never ends', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":');
      interrupt.abort();
    });
    const interrupt = new AbortController();
    const error = await failure(
      client(server.url, slow).send({ method: 'GET', path: '/x', signal: interrupt.signal }),
    );
    expect(error.kind).toBe('cancelled');
    expect(server.hits).toHaveLength(1);
  });

  it.each([
    ['a Retry-After wait', json(429, undefined, { 'retry-after': '30' }), {}],
    ['a backoff sleep', json(503, undefined), { baseDelayMs: 30_000, random: () => 1 }],
  ] as const)('an abort during %s ends the call at once', async (_what, step, options) => {
    const server = await serve(step, json(200, { ok: true }));
    const interrupt = new AbortController();
    let abortedAt = 0;
    const c = client(server.url, {
      ...slow,
      maxDelayMs: 30_000,
      ...options,
      signal: interrupt.signal,
      // Aborts once the wait has begun, so it is the wait (not the request) that is cut.
      onRetry: () =>
        void setTimeout(() => {
          abortedAt = Date.now();
          interrupt.abort();
        }, 20),
    });
    const error = await failure(c.send({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('cancelled');
    expect(error.message).toBe('Test API GET /v1/x was cancelled while waiting to retry');
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    expect(server.hits).toHaveLength(1);
  });

  it('sends nothing after an abort, even with a sleep that ignores its signal', async () => {
    const server = await serve(json(503, undefined), json(200, { ok: true }));
    const interrupt = new AbortController();
    let wake: () => void = () => undefined;
    let sleepSignal: AbortSignal | undefined;
    const requests: string[] = [];
    const c = client(server.url, {
      signal: interrupt.signal,
      // Interrupted once the wait has begun; the sleep itself never ends until woken.
      sleep: (_ms, signal) => {
        sleepSignal = signal;
        interrupt.abort();
        return new Promise((done) => (wake = done));
      },
      onRequest: (info) => requests.push(info.endpoint),
    });
    const error = await failure(c.send({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('cancelled');
    // The sleep was told, so a signal-aware sleep clears its timer instead of holding the process.
    expect(sleepSignal?.aborted).toBe(true);
    wake();
    await new Promise((done) => setImmediate(done));
    expect(requests).toEqual(['GET /v1/x']);
    expect(server.hits).toHaveLength(1);
  });

  it.each(['client', 'request'] as const)(
    'an already-aborted %s signal sends nothing',
    async (whose) => {
      const server = await serve(json(200, { ok: true }));
      const requests: string[] = [];
      const signal = AbortSignal.abort();
      const c = client(server.url, {
        onRequest: (info) => requests.push(info.endpoint),
        ...(whose === 'client' ? { signal } : {}),
      });
      const error = await failure(
        c.json(
          {
            method: 'POST',
            path: '/batches',
            body: {},
            ...(whose === 'request' ? { signal } : {}),
          },
          ok,
        ),
      );
      expect(error.kind).toBe('cancelled');
      expect(error.endpoint).toBe('POST /v1/batches');
      expect(error.message).toBe('Test API POST /v1/batches was cancelled before it was sent');
      expect(requests).toEqual([]);
      expect(server.hits).toHaveLength(0);
    },
  );

  it('either signal aborts when both are given', async () => {
    const server = await serve(json(200, { ok: true }));
    const c = client(server.url, { signal: new AbortController().signal });
    const error = await failure(
      c.send({ method: 'GET', path: '/x', signal: AbortSignal.abort('stop') }),
    );
    expect(error.kind).toBe('cancelled');
    expect(error.cause).toBe('stop');
    expect(server.hits).toHaveLength(0);
  });

  it('a request with signal: null still goes out after the client is interrupted', async () => {
    const server = await serve(json(200, { ok: true }));
    const c = client(server.url, { signal: AbortSignal.abort() });
    const answer = await c.json({ method: 'POST', path: '/batches/b1/cancel', signal: null }, ok);
    expect(answer).toEqual({ ok: true });
    expect(server.hits).toHaveLength(1);
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

describe('HttpClient connections', () => {
  it('closes a kept-alive socket left idle, rather than keep it for a peer that dropped it', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.end('{"ok":true}'));
    // The server would keep the connection a minute: only the client's idle timeout closes it.
    server.keepAliveTimeout = 60_000;
    const closed = new Promise<void>((done) =>
      server.on('connection', (socket) => socket.on('close', () => done())),
    );
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    close = () => new Promise<void>((done) => server.close(() => done()));
    const { port } = server.address() as { port: number };
    expect(
      await client(`http://127.0.0.1:${port}`).json({ method: 'GET', path: '/x' }, ok),
    ).toEqual({ ok: true });
    await closed;
  }, 15_000);
});
