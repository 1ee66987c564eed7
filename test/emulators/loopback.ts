// The one loopback HTTP server every emulator and scripted test server stands on: 127.0.0.1 on a
// free port, a log of every request, faults a test aims at a route, and a close() that does not
// wait for a client the server deliberately left hanging.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { drift, type DriftOp } from './drift.js';

/** One request as the server received it. */
export interface LoggedRequest<R extends string = string> {
  /** The emulator's name for the endpoint, `unknown` when none matched. */
  route: R | 'unknown';
  method: string;
  /** Path and query exactly as sent (`/v1/x?a=1`). */
  url: string;
  /** The path without the query. */
  path: string;
  /** The query with its `?`, or ''. */
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

/**
 * What a test can make the server do to a request. `status`, `hang` and `drop` answer instead of
 * the emulator; `latency` delays it; `malformed` and `drift` spoil the emulator's 2xx answer after
 * it has done its work (a batch created behind a broken answer still exists, as it would).
 */
export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'drop' }
  | { kind: 'latency'; ms: number }
  | { kind: 'malformed' }
  | { kind: 'drift'; path: string; op: DriftOp };

/** Sees each request first; a fault it returns is applied, `undefined` lets the request through. */
export type FaultHook<R extends string> = (request: LoggedRequest<R>) => Fault | undefined;

/** A request being answered, with the answer helpers that honour the armed fault. */
export interface Exchange<R extends string = string> {
  request: LoggedRequest<R>;
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
  /** Answers JSON (no body for `undefined`). */
  json: (status: number, body?: unknown, headers?: Record<string, string>) => void;
  /** Answers text as it is (CSV pages). */
  text: (status: number, body: string, headers?: Record<string, string>) => void;
}

export type Handler<R extends string> = (exchange: Exchange<R>) => void | Promise<void>;

export interface LoopbackOptions<R extends string> {
  /** Fixed port; 0, the default, picks a free one. */
  port?: number;
  /** Delay before every answer (benchmarks use it to make round trips dominate). */
  latencyMs?: number;
  /** Names a request's endpoint, for the log and for aiming faults. */
  route?: (method: string, url: URL) => R | undefined;
  /** Answers what the handler threw; the default is a bare 500. */
  onError?: (error: unknown, exchange: Exchange<R>) => void;
  /** Sees the status of every answer sent through the exchange or by a `status` fault. */
  onAnswer?: (request: LoggedRequest<R>, status: number) => void;
}

export interface Loopback<R extends string = string> {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  requests: LoggedRequest<R>[];
  /** Arms a fault on a route (`*`: every route) for the next `times` requests (default: all). */
  inject: (route: R | '*', fault: Fault, times?: number) => void;
  /** Adds a hook that may answer any request instead of the emulator. */
  intercept: (hook: FaultHook<R>) => void;
  /** Disarms every injected fault and hook. */
  clearFaults: () => void;
  setLatency: (ms: number) => void;
  /** Stops listening and destroys open sockets, hung ones included. */
  close: () => Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Starts a server on 127.0.0.1 and reads back the port it got. */
export async function startLoopback<R extends string = string>(
  handler: Handler<R>,
  options: LoopbackOptions<R> = {},
): Promise<Loopback<R>> {
  const server = new LoopbackServer(handler, options);
  await server.listen(options.port ?? 0);
  return server;
}

/** A free loopback port for a child process that cannot listen on port 0 and report it (Azurite). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

interface Armed<R extends string> {
  route: R | '*';
  fault: Fault;
  remaining: number;
}

class LoopbackServer<R extends string> implements Loopback<R> {
  url = '';
  port = 0;
  readonly requests: LoggedRequest<R>[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hooks: FaultHook<R>[] = [];
  private armed: Armed<R>[] = [];
  private latencyMs: number;

  constructor(
    private readonly handler: Handler<R>,
    private readonly options: LoopbackOptions<R>,
  ) {
    this.latencyMs = options.latencyMs ?? 0;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        // The client went away mid-request, or an answer could not be written: nothing to tell.
        res.destroy();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((done) => this.server.listen(port, '127.0.0.1', done));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  inject = (route: R | '*', fault: Fault, times = Infinity): void => {
    this.armed.push({ route, fault, remaining: times });
  };

  intercept = (hook: FaultHook<R>): void => {
    this.hooks.push(hook);
  };

  clearFaults = (): void => {
    this.armed = [];
    this.hooks.length = 0;
  };

  setLatency = (ms: number): void => {
    this.latencyMs = ms;
  };

  close = async (): Promise<void> => {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://loopback');
    const method = req.method ?? 'GET';
    const request: LoggedRequest<R> = {
      route: this.options.route?.(method, url) ?? 'unknown',
      method,
      url: req.url ?? '/',
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body,
      at,
    };
    this.requests.push(request);
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const fault = this.faultFor(request);
    if (fault?.kind === 'latency') await sleep(fault.ms);
    if (this.answerInstead(fault, request, res)) return;
    const exchange = this.exchange(request, url, req, res, fault);
    try {
      await this.handler(exchange);
    } catch (error) {
      if (this.options.onError) this.options.onError(error, exchange);
      else exchange.json(500, { error: String(error) });
    }
  }

  /** The first hook's fault, else the first armed fault aimed at this route (which it uses up). */
  private faultFor(request: LoggedRequest<R>): Fault | undefined {
    for (const hook of this.hooks) {
      const fault = hook(request);
      if (fault) return fault;
    }
    const armed = this.armed.find(
      (a) => (a.route === '*' || a.route === request.route) && a.remaining > 0,
    );
    if (!armed) return undefined;
    armed.remaining -= 1;
    return armed.fault;
  }

  /** Carries out a fault that takes the emulator's place; says whether it did. */
  private answerInstead(
    fault: Fault | undefined,
    request: LoggedRequest<R>,
    res: ServerResponse,
  ): boolean {
    if (fault?.kind === 'drop') {
      res.socket?.destroy();
      return true;
    }
    if (fault?.kind === 'hang') return true;
    if (fault?.kind !== 'status') return false;
    res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
    res.end(fault.body ?? '');
    this.options.onAnswer?.(request, fault.status);
    return true;
  }

  private exchange(
    request: LoggedRequest<R>,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
    fault: Fault | undefined,
  ): Exchange<R> {
    const write = (status: number, text: string, headers: Record<string, string>) => {
      res.writeHead(status, headers);
      res.end(text);
      this.options.onAnswer?.(request, status);
    };
    return {
      request,
      url,
      req,
      res,
      json: (status, body, headers = {}) => {
        const text = body === undefined ? '' : spoil(JSON.stringify(body), body, status, fault);
        write(status, text, { ...(text === '' ? {} : { 'content-type': JSON_TYPE }), ...headers });
      },
      text: (status, body, headers = {}) => write(status, body, headers),
    };
  }
}

/** Applies a `drift` or `malformed` fault to a 2xx JSON answer. */
function spoil(text: string, body: unknown, status: number, fault: Fault | undefined): string {
  if (status < 200 || status >= 300) return text;
  if (fault?.kind === 'drift') return JSON.stringify(drift(body, fault.path, fault.op));
  // Any strict prefix of a JSON object or array is invalid JSON: the answer broke off mid-way.
  if (fault?.kind === 'malformed') return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  return text;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
