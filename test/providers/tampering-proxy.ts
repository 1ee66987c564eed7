// A loopback proxy in front of an emulator, for faults that happen after the service has done its
// work: an answer lost once the batch exists, or an answer that says what the emulator cannot
// (a batch Cargo ended with an errorMessage). Everything else passes through unchanged, so the
// emulator's own state stays the truth the tests assert on.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { request } from 'undici';

/** What the proxy does with one answer: pass it, drop the connection, or send another body (and status). */
export type Tampering = undefined | { drop: true } | { body: unknown; status?: number };

/** Sees every request with the emulator's answer to it. */
export type Tamper = (
  request: { method: string; path: string },
  answer: { status: number; body: unknown },
) => Tampering;

export interface TamperingProxy {
  url: string;
  /** Replaces the tamper (the default passes everything). */
  tamper(hook: Tamper): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 that forwards to `target` (an emulator's url). */
export async function startTamperingProxy(target: string): Promise<TamperingProxy> {
  let hook: Tamper = () => undefined;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    void forward(req)
      .then(({ status, text }) => {
        const path = new URL(req.url ?? '/', 'http://proxy').pathname;
        const body = text === '' ? undefined : (JSON.parse(text) as unknown);
        const tampering = hook({ method: req.method ?? 'GET', path }, { status, body });
        if (tampering && 'drop' in tampering) return void req.socket.destroy();
        const out = tampering ? JSON.stringify(tampering.body) : text;
        const sent = tampering?.status ?? status;
        res.writeHead(sent, out === '' ? {} : { 'content-type': 'application/json' });
        res.end(out);
      })
      // A target that went away or an answer that is not JSON: the client sees a broken connection.
      .catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function forward(req: IncomingMessage): Promise<{ status: number; text: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    const answer = await request(`${target}${req.url ?? '/'}`, {
      method: (req.method ?? 'GET') as 'GET',
      headers: headers as Record<string, string>,
      body: chunks.length > 0 ? Buffer.concat(chunks) : null,
    });
    return { status: answer.statusCode, text: await answer.body.text() };
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tamper(next) {
      hook = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
