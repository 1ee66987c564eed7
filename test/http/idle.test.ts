import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { requestBeingSent, whileWaitingOnNetwork } from '../../src/http/idle.js';

/** Lets the event loop turn `n` times (idle work runs one task per turn). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await new Promise((done) => setImmediate(done));
}

describe('whileWaitingOnNetwork', () => {
  // First in this file: the module's state is fresh, no request has gone out yet.
  it('holds a task until the first request has gone out (set-up I/O is not idle time)', async () => {
    const ran: string[] = [];
    whileWaitingOnNetwork(() => ran.push('task'));
    // The gate reads files (report-dir, records-file) before its first request.
    await import('node:fs/promises').then((fs) => fs.stat('.'));
    await turns(5);
    expect(ran).toEqual([]);
    requestBeingSent()();
    await turns(5);
    expect(ran).toEqual(['task']);
  });

  it('holds a task while a request is still being written, and runs it once none is', async () => {
    const ran: string[] = [];
    const first = requestBeingSent();
    const second = requestBeingSent();
    whileWaitingOnNetwork(() => ran.push('task'));
    await turns(5);
    expect(ran).toEqual([]);
    first();
    first(); // a second call must not count the other request as written
    await turns(5);
    expect(ran).toEqual([]);
    second();
    await turns(5);
    expect(ran).toEqual(['task']);
  });

  it('runs the tasks in order, and a task that fails does not stop the next', async () => {
    const ran: number[] = [];
    whileWaitingOnNetwork(() => {
      ran.push(1);
      throw new Error('warm-up failed');
    });
    whileWaitingOnNetwork(() => Promise.reject(new Error('async warm-up failed')));
    whileWaitingOnNetwork(() => ran.push(3));
    await turns(10);
    expect(ran).toEqual([1, 3]);
  });

  it('does the work while a real request waits for its answer', async () => {
    let held: ServerResponse | undefined;
    let release: () => void = () => undefined;
    const answered = new Promise<void>((done) => (release = done));
    const server = createServer((_req, res) => {
      held = res;
      // The answer is withheld until the idle task has run: without idle work this never ends.
      void answered.then(() => res.end('{"ok":true}'));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new HttpClient({
        service: 'Test API',
        baseUrl: `http://127.0.0.1:${port}`,
        headers: {},
        secrets: [],
      });
      const sent = client.send({ method: 'GET', path: '/wait' });
      let taskSawRequestOut = false;
      whileWaitingOnNetwork(() => {
        taskSawRequestOut = true;
        release();
      });
      const response = await sent;
      expect(response.status).toBe(200);
      expect(held).toBeDefined();
      expect(taskSawRequestOut).toBe(true);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
