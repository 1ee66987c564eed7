import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Step = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server that answers each request with the next scripted step (the last one repeats). */
export async function scriptedServer(steps: Step[]) {
  const hits: { at: number; method: string; url: string; headers: IncomingMessage['headers'] }[] =
    [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    hits.push({
      at: Date.now(),
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
    });
    const step = steps[Math.min(hits.length - 1, steps.length - 1)];
    req.resume();
    req.on('end', () => step?.(req, res));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

/** Never answers: the client's timeout must cut it. */
export const hang: Step = () => {};
