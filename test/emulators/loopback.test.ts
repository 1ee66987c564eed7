import { afterEach, describe, expect, it } from 'vitest';
import { type Loopback, startLoopback } from './loopback.js';

let server: Loopback<'thing'> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose one route answers `{"thing": {"n": 1, "name": "a"}}`. */
async function start(): Promise<Loopback<'thing'>> {
  server = await startLoopback<'thing'>(({ json }) => json(200, { thing: { n: 1, name: 'a' } }), {
    route: (_method, url) => (url.pathname === '/thing' ? 'thing' : undefined),
  });
  return server;
}

describe('loopback server', () => {
  it('listens on a free loopback port and logs every request', async () => {
    const s = await start();
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.port).toBeGreaterThan(0);
    const before = Date.now();
    const res = await fetch(`${s.url}/thing?x=1`, {
      method: 'POST',
      headers: { 'x-test': 'yes' },
      body: 'hello',
    });
    expect(await res.json()).toEqual({ thing: { n: 1, name: 'a' } });
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({
      route: 'thing',
      method: 'POST',
      url: '/thing?x=1',
      path: '/thing',
      query: '?x=1',
      body: 'hello',
    });
    expect(s.requests[0]!.headers['x-test']).toBe('yes');
    expect(s.requests[0]!.at).toBeGreaterThanOrEqual(before);
    await fetch(`${s.url}/other`);
    expect(s.requests[1]!.route).toBe('unknown');
  });
});

describe('loopback server faults', () => {
  it('answers an injected status instead of the handler, for as many requests as armed', async () => {
    const s = await start();
    s.inject(
      'thing',
      { kind: 'status', status: 503, body: '{"e":1}', headers: { 'retry-after': '2' } },
      1,
    );
    const first = await fetch(`${s.url}/thing`);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(await first.text()).toBe('{"e":1}');
    expect((await fetch(`${s.url}/thing`)).status).toBe(200);
  });

  it('drops the connection, or spoils the answer with malformed JSON or drift', async () => {
    const s = await start();
    s.inject('*', { kind: 'drop' }, 1);
    await expect(fetch(`${s.url}/thing`)).rejects.toThrow();
    s.inject('thing', { kind: 'malformed' }, 1);
    const broken = await (await fetch(`${s.url}/thing`)).text();
    expect(() => JSON.parse(broken) as unknown).toThrow();
    s.inject('thing', { kind: 'drift', path: 'thing.n', op: 'retype' }, 1);
    expect(await (await fetch(`${s.url}/thing`)).json()).toEqual({
      thing: { n: 'not-a-number', name: 'a' },
    });
  });

  it('lets a hook answer any request, and clearFaults removes it', async () => {
    const s = await start();
    s.intercept((r) => (r.query === '?fail' ? { kind: 'status', status: 418 } : undefined));
    expect((await fetch(`${s.url}/thing?fail`)).status).toBe(418);
    expect((await fetch(`${s.url}/thing`)).status).toBe(200);
    s.clearFaults();
    expect((await fetch(`${s.url}/thing?fail`)).status).toBe(200);
  });

  it('hangs on request, and close() ends the hung connection at once', async () => {
    const s = await start();
    let arrived!: () => void;
    const arrival = new Promise<void>((done) => (arrived = done));
    s.intercept(() => {
      arrived();
      return { kind: 'hang' };
    });
    const pending = fetch(`${s.url}/thing`).then(
      () => 'answered',
      () => 'cut',
    );
    await arrival;
    const started = Date.now();
    await s.close();
    server = undefined;
    expect(await pending).toBe('cut');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
