// A loopback HTTP server that answers like api.getcargo.io/v1 (see shared/reference/cargo-api.md),
// backed by `CargoModel`. Tests start it on port 0, point the gate at `url`, and may inject faults.
// It refuses what the real service refuses (bodies and queries outside the SDK's types, see
// `requests.ts`), so a wrong request fails a test.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Exchange,
  type Fault as LoopbackFault,
  type FaultHook,
  type LoggedRequest,
  startLoopback,
} from '../loopback.js';
import { CargoModel, type Fixture } from './model.js';
import { Refusal, refuse } from './refusal.js';
import { type RouteId, routeOf } from './routes.js';

export type { RouteId } from './routes.js';
export type { BatchBehaviour } from './model.js';

export const FIXTURE: Fixture = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixture.json'), 'utf8'),
) as Fixture;

export type Fault = LoopbackFault;
export type RecordedRequest = LoggedRequest<RouteId>;

export interface CargoEmulator {
  url: string;
  model: CargoModel;
  requests: RecordedRequest[];
  /** Arms a fault on a route for the next `times` requests (default: every request). */
  inject(route: RouteId | '*', fault: Fault, times?: number): void;
  /**
   * Loses the answer of the next `times` requests to a route (default: every one): the service
   * does the work (a batch is created, a cancel is honoured), then the connection drops.
   */
  loseAnswers(route: RouteId, times?: number): void;
  /** Sees every request before the emulator does; a fault it returns answers instead. */
  intercept(hook: FaultHook<RouteId>): void;
  /** Disarms injected faults and lost answers. */
  clearFaults(): void;
  /** Latency added to every answer (benchmarks use it to make round trips dominate). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export interface CargoEmulatorOptions {
  fixture?: Fixture;
  seedHistory?: boolean;
  /** Multiplies run durations (0.5 = twice as fast). */
  durationScale?: number;
  latencyMs?: number;
  /** Fixed port (0, the default, picks a free one). */
  port?: number;
  /**
   * How often the workspace's clock moves on its own (ms; 0: only when a request reads it).
   * Runs finish and bill over time whether or not anyone polls, as on the real service.
   */
  clockMs?: number;
}

const CLOCK_MS = 50;

const BILLING: RouteId[] = ['subscription', 'usage-metrics', 'invoices'];

/** Starts an emulator on 127.0.0.1 and a free port. */
export async function startCargoEmulator(
  options: CargoEmulatorOptions = {},
): Promise<CargoEmulator> {
  const fixture = options.fixture ?? FIXTURE;
  const model = new CargoModel(fixture, { seedHistory: options.seedHistory ?? true });
  if (options.durationScale !== undefined) model.durationScale = options.durationScale;
  const lost = new Map<RouteId, number>();
  const server = await startLoopback<RouteId>((exchange) => answer(model, exchange, lost), {
    route: (method, url) => routeOf(method, url.pathname)?.route.id,
    onError: answerError,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
  });
  const clockMs = options.clockMs ?? CLOCK_MS;
  const clock = clockMs > 0 ? setInterval(() => model.tick(), clockMs) : undefined;
  // The clock never keeps a test process alive on its own.
  clock?.unref();
  return {
    url: server.url,
    model,
    requests: server.requests,
    inject: server.inject,
    loseAnswers: (route, times = Infinity) => lost.set(route, times),
    intercept: server.intercept,
    clearFaults: () => {
      lost.clear();
      server.clearFaults();
    },
    setLatency: server.setLatency,
    close: async () => {
      clearInterval(clock);
      await server.close();
    },
  };
}

function answer(
  model: CargoModel,
  { request, url, json, res }: Exchange<RouteId>,
  lost: Map<RouteId, number>,
): void {
  const found = routeOf(request.method, url.pathname);
  if (!found) return refuse(404, 'Not found', 'routeNotFound');
  authorize(model.fixture, request.headers, found.route.id);
  const result = found.route.run(model, {
    body: parseJson(request.body),
    url,
    params: found.params,
  });
  const losing = lost.get(found.route.id) ?? 0;
  if (losing > 0) {
    // The work is done; only the answer never arrives (a timeout or a reset on the way back).
    lost.set(found.route.id, losing - 1);
    res.socket?.destroy();
    return;
  }
  json(200, result);
}

function answerError(error: unknown, { json }: Exchange<RouteId>): void {
  if (error instanceof Refusal) json(error.status, error.body);
  else json(500, { errorMessage: String(error) });
}

function authorize(fixture: Fixture, headers: IncomingHttpHeaders, route: RouteId): void {
  const auth = headers.authorization ?? '';
  const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  const isAdmin = token === fixture.tokens.admin;
  if (!isAdmin && token !== fixture.tokens.member) refuse(401, 'Not authorized', 'unauthorized');
  const workspace = headers['selected-workspace-uuid'];
  if (workspace !== undefined && workspace !== fixture.workspace.uuid) refuse(403, 'forbidden');
  // Billing needs admin access to the workspace; members get a bare "forbidden".
  if (!isAdmin && BILLING.includes(route)) refuse(403, 'forbidden');
}

function parseJson(text: string): unknown {
  // The service reads an empty body as `{}`, as its JSON body parser does.
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return refuse(400, 'Invalid JSON body.', 'invalidData');
  }
}
