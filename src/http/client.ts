import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { z } from 'zod';
import { ApiError, type ErrorKind } from '../shared/errors.js';
import { sleepUnlessAborted } from '../shared/sleep.js';
import { firstAborted, onAnyAbort, type Sleep, sleepUnlessAnyAborts } from './abort.js';
import { type QueryValue, serializeQuery } from './query.js';
import { requestBeingSent, whileWaitingOnNetwork } from './idle.js';
import { redact } from './redact.js';

/** A provider's reading of an error body: its message and machine reason, when it has them. */
export interface ErrorBodyReading {
  message?: string | undefined;
  reason?: string | undefined;
}

export interface HttpClientOptions {
  /** Name of the service in messages, e.g. 'Cargo API'. */
  service: string;
  /** Base URL every path is appended to (no trailing slash). */
  baseUrl: string;
  /** Headers sent with every request. */
  headers: Readonly<Record<string, string>>;
  /** Values that must never appear in an error or log line. */
  secrets: readonly string[];
  /** Per-request budget, headers and body included. */
  timeoutMs?: number;
  /** Retries after the first attempt, for transient failures. */
  retries?: number;
  /** Bound on one call including every retry and wait. */
  totalTimeoutMs?: number;
  /** Longest `Retry-After` the client is willing to honour. */
  maxRetryAfterMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Reads the provider's error body (`{errorMessage, reason}` for Cargo, `{error}` for Venice). */
  readErrorBody?: (body: unknown) => ErrorBodyReading;
  /** Extra wait the provider asks for after a 429, from its own headers (ms). */
  rateLimitWaitMs?: (
    headers: Record<string, string | string[] | undefined>,
    now: number,
  ) => number | undefined;
  /** Waits between attempts; given a signal, it should end early when that aborts. */
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
  /** Told about every retry, for progress logging. */
  onRetry?: (info: { endpoint: string; attempt: number; delayMs: number; reason: string }) => void;
  /** Told about every request sent (method, path), for debug logs and request counting. */
  onRequest?: (info: { method: string; endpoint: string }) => void;
  /**
   * The job's interrupt: aborting it cuts every request in flight and every retry wait of this
   * client, which then fails with a `cancelled` error.
   */
  signal?: AbortSignal;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** A body sent as it is with its own content type (Prometheus text), instead of JSON `body`. */
  rawBody?: { contentType: string; text: string };
  /**
   * False for calls that spend money when repeated (creating a batch): those are retried only
   * when the request surely never reached the service (connection refused) or was refused with 429.
   */
  idempotent?: boolean;
  /**
   * Aborts this request alone; with the client's signal, either one aborting aborts. `null` opts
   * out of the client's signal, for a clean-up call that must still go out after an interrupt
   * (cancelling a batch that would otherwise go on billing).
   */
  signal?: AbortSignal | null;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  retries: 3,
  totalTimeoutMs: 120_000,
  maxRetryAfterMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
};

interface Transport {
  agent: Agent;
  request(url: URL, options: RequestOptions, onAnswer: (r: IncomingMessage) => void): ClientRequest;
}

// Node's own `http`/`https`, not a bundled HTTP stack: undici alone was 900 kB of the bundle and
// ~95 ms of every start-up (README "Performance"). Loaded on the first request, so a run that
// stops at a bad input never pays for them. Kept-alive sockets are unref'd while idle, so they
// never hold the process open.
const transports = new Map<string, Transport>();
const IDLE_SOCKET_MS = 4_000;

function transportFor(protocol: string): Transport {
  const name = protocol === 'https:' ? 'node:https' : 'node:http';
  let transport = transports.get(name);
  if (!transport) {
    const module = process.getBuiltinModule(name) as typeof import('node:https');
    transport = {
      // `timeout` closes a socket idle for 4 s (undici's keep-alive default before): a peer or
      // load balancer drops idle connections silently, and a request sent on one fails. A
      // socket in use is not cut by it; the client's own deadlines govern requests.
      agent: new module.Agent({ keepAlive: true, maxSockets: 8, timeout: IDLE_SOCKET_MS }),
      request: (url, options, onAnswer) => module.request(url, options, onAnswer),
    };
    transports.set(name, transport);
  }
  return transport;
}

/** One exchange on the wire: resolves with the whole answer, rejects on any transport failure. */
function exchange(
  url: URL,
  options: { method: string; headers: Record<string, string>; signal: AbortSignal },
  body: string | undefined,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const transport = transportFor(url.protocol);
    const request = transport.request(url, { ...options, agent: transport.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      // A socket cut mid-body (abort, reset) ends in `close` without `end`.
      response.on('close', () => {
        if (!response.complete) reject(new Error('the connection closed mid-answer'));
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    // Idle-time work (idle.ts) waits until this request is on the wire.
    const sent = requestBeingSent();
    request.on('finish', sent);
    request.on('close', sent);
    request.end(body);
  });
}

/** Parses `Retry-After` (delta seconds or HTTP-date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function kindOfStatus(status: number): ErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  return 'request';
}

function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** What goes on the wire as the body: the raw text as given, or the JSON body; none for a GET. */
function wireBody(req: HttpRequest): { contentType: string; text: string } | undefined {
  if (req.method === 'GET') return undefined;
  if (req.rawBody) return req.rawBody;
  if (req.body === undefined) return undefined;
  return { contentType: 'application/json', text: JSON.stringify(req.body) };
}

function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface Failure {
  error: ApiError;
  retryable: boolean;
  waitMs?: number | undefined;
}

/** What came back over the wire, before it is classified. */
interface RawAnswer {
  status: number;
  headers: HttpResponse['headers'];
  text: string;
}

type ErrorContext = { endpoint: string; method: string };

/** Reads a body as JSON; `parsedJson` is false when it was text that is not JSON. */
function parseBody(text: string): { body: unknown; parsedJson: boolean } {
  if (text.length === 0) return { body: undefined, parsedJson: true };
  try {
    return { body: JSON.parse(text), parsedJson: true };
  } catch {
    return { body: text, parsedJson: false };
  }
}

type ClientSettings = Required<
  Omit<HttpClientOptions, 'onRetry' | 'onRequest' | 'rateLimitWaitMs' | 'signal'>
> &
  Pick<HttpClientOptions, 'onRetry' | 'onRequest' | 'rateLimitWaitMs' | 'signal'>;

/** The one HTTP layer: timeouts, abort, classified errors, retries with backoff, secret redaction. */
export class HttpClient {
  private readonly o: ClientSettings;

  constructor(options: HttpClientOptions) {
    this.o = {
      ...DEFAULTS,
      readErrorBody: () => ({}),
      sleep: (ms, signal) =>
        signal ? sleepUnlessAborted(ms, signal) : new Promise((done) => setTimeout(done, ms)),
      random: Math.random,
      now: Date.now,
      ...options,
    };
  }

  /** Redacts this client's secrets from a text. */
  redact(text: string): string {
    return redact(text, this.o.secrets);
  }

  /**
   * Sends a request, retrying transient failures; resolves only on a 2xx answer. An abort of the
   * client's or the request's signal ends it at once with a `cancelled` error, never a retry.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const endpoint = this.endpointOf(req);
    const signals = this.signalsOf(req);
    const deadline = this.o.now() + this.o.totalTimeoutMs;
    if (firstAborted(signals)) throw this.cancelled(req, endpoint, signals, 'before it was sent');
    for (let attempt = 0; ; attempt += 1) {
      const budgetMs = Math.min(this.o.timeoutMs, deadline - this.o.now());
      const outcome = await this.attempt(req, endpoint, signals, budgetMs);
      if (!('error' in outcome)) return outcome;
      const delayMs = this.retryDelay(req, outcome, attempt, deadline);
      if (delayMs === undefined) throw this.withWaitRefused(outcome, attempt, deadline);
      this.o.onRetry?.({ endpoint, attempt: attempt + 1, delayMs, reason: outcome.error.message });
      if (await sleepUnlessAnyAborts(this.o.sleep, delayMs, signals))
        throw this.cancelled(req, endpoint, signals, 'while waiting to retry');
    }
  }

  /**
   * Sends a request and parses its JSON answer with `schema` — or with what `schema()` builds,
   * for a schema built on first use: it is then built while the request is out, not before it
   * is sent. `check`, for a large answer on the critical path, is a hand-written reading of the
   * same schema: what it returns is used as is, and what it refuses (undefined) is parsed by
   * the schema, which names the field that drifted.
   */
  async json<S extends z.ZodType>(
    req: HttpRequest,
    schema: S | (() => S),
    check?: (body: unknown) => z.output<S> | undefined,
  ): Promise<z.output<S>> {
    const build = typeof schema === 'function' ? schema : undefined;
    if (build) whileWaitingOnNetwork(build);
    const response = await this.send(req);
    const checked = check?.(response.body);
    if (checked !== undefined) return checked;
    const parser = build ? build() : (schema as S);
    return parseAnswer(parser, response, this.endpointOf(req), this.o.service);
  }

  /** `GET /v1/billing/subscriptions`: the method and full path, as messages name an endpoint. */
  private endpointOf(req: HttpRequest): string {
    return `${req.method} ${new URL(this.o.baseUrl).pathname.replace(/\/$/, '')}${req.path}`;
  }

  /** The signals that abort `req`: the client's and the request's own, unless it opted out. */
  private signalsOf(req: HttpRequest): AbortSignal[] {
    const own = req.signal ?? undefined;
    const clientWide = req.signal === null ? undefined : this.o.signal;
    return [clientWide, own].filter((s): s is AbortSignal => s !== undefined);
  }

  private cancelled(
    req: HttpRequest,
    endpoint: string,
    signals: readonly AbortSignal[],
    when: string,
  ): ApiError {
    const message = this.redact(`${this.o.service} ${endpoint} was cancelled ${when}`);
    return new ApiError(
      'cancelled',
      message,
      { endpoint, method: req.method },
      { cause: firstAborted(signals)?.reason },
    );
  }

  /** How long to wait before the next attempt, or undefined when `failure` is final. */
  private retryDelay(
    req: HttpRequest,
    { error, retryable, waitMs }: Failure,
    attempt: number,
    deadline: number,
  ): number | undefined {
    const idempotentOk =
      req.idempotent !== false || error.status === 429 || error.reason === 'ECONNREFUSED';
    if (!retryable || !idempotentOk || attempt >= this.o.retries) return undefined;
    const backoff =
      this.o.random() * Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** attempt);
    if (waitMs !== undefined && waitMs > this.o.maxRetryAfterMs) return undefined;
    const delayMs = Math.max(backoff, waitMs ?? 0);
    return this.o.now() + delayMs >= deadline ? undefined : delayMs;
  }

  /**
   * A failure whose `Retry-After` (or rate-limit reset) was longer than this client may wait:
   * the bare "answered 429" would read as a refusal, so say how long the API asked for and why
   * the gate did not wait.
   */
  private withWaitRefused(
    { error, retryable, waitMs }: Failure,
    attempt: number,
    deadline: number,
  ) {
    if (!retryable || waitMs === undefined || attempt >= this.o.retries) return error;
    const left = deadline - this.o.now();
    if (waitMs <= this.o.maxRetryAfterMs && waitMs < left) return error;
    const seconds = (ms: number) => `${Math.max(0, Math.ceil(ms / 1000))} s`;
    const limit =
      waitMs > this.o.maxRetryAfterMs
        ? `the longest wait this gate accepts (${seconds(this.o.maxRetryAfterMs)})`
        : `what is left of this call's ${seconds(this.o.totalTimeoutMs)} budget (${seconds(left)})`;
    error.message +=
      ` — the API asked to wait ${seconds(waitMs)} before retrying, more than ${limit};` +
      ' re-run the job once that time has passed, or spread the calls out (a shared token, ' +
      'another job using the same key)';
    return error;
  }

  private async attempt(
    req: HttpRequest,
    endpoint: string,
    signals: readonly AbortSignal[],
    budgetMs: number,
  ): Promise<HttpResponse | Failure> {
    const raw = await this.transmit(req, endpoint, signals, budgetMs);
    if ('error' in raw) return raw;
    return this.classify(raw, { endpoint, method: req.method });
  }

  /** One request on the wire, cut by the timeout or by any of `signals`. */
  private async transmit(
    req: HttpRequest,
    endpoint: string,
    signals: readonly AbortSignal[],
    budgetMs: number,
  ): Promise<RawAnswer | Failure> {
    const payload = wireBody(req);
    const headers: Record<string, string> = { accept: 'application/json', ...this.o.headers };
    if (payload) {
      headers['content-type'] = payload.contentType;
      headers['content-length'] = String(Buffer.byteLength(payload.text));
    }
    this.o.onRequest?.({ method: req.method, endpoint });
    // One controller per attempt: the timeout and an abort both cut the socket through it.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(1, budgetMs));
    const unlink = onAnyAbort(signals, () => controller.abort());
    try {
      const url = new URL(`${this.o.baseUrl}${req.path}${serializeQuery(req.query)}`);
      const options = { method: req.method, headers, signal: controller.signal };
      return await exchange(url, options, payload?.text);
    } catch (cause) {
      if (firstAborted(signals))
        return { error: this.cancelled(req, endpoint, signals, 'in flight'), retryable: false };
      return this.transportFailure(req, endpoint, controller.signal.aborted, budgetMs, cause);
    } finally {
      clearTimeout(timer);
      unlink();
    }
  }

  /** A request that got no answer: `timeout` when our own deadline cut it, else `network`. */
  private transportFailure(
    req: HttpRequest,
    endpoint: string,
    timedOut: boolean,
    budgetMs: number,
    cause: unknown,
  ): Failure {
    const code =
      (cause as { code?: string }).code ?? (cause as { cause?: { code?: string } }).cause?.code;
    const kind: ErrorKind = timedOut ? 'timeout' : 'network';
    const what = timedOut
      ? `did not answer within ${Math.round(budgetMs / 100) / 10} s`
      : `could not be reached (${code ?? (cause as Error).message})`;
    return {
      error: new ApiError(kind, this.redact(`${this.o.service} ${endpoint} ${what}`), {
        endpoint,
        method: req.method,
        ...(code === undefined ? {} : { reason: code }),
      }),
      retryable: true,
    };
  }

  /** Turns an answer into the response, or a classified failure for anything but JSON 2xx. */
  private classify(raw: RawAnswer, context: ErrorContext): HttpResponse | Failure {
    const { status, headers, text } = raw;
    const { body, parsedJson } = parseBody(text);
    if (status >= 200 && status < 300) {
      if (parsedJson) return { status, headers, body, text };
      const error = new ApiError(
        'invalid-response',
        `${this.o.service} ${context.endpoint} answered ${status} with a body that is not JSON`,
        { ...context, status },
      );
      return { error, retryable: false };
    }
    const reading = parsedJson ? this.o.readErrorBody(body) : {};
    const retryAfterMs =
      parseRetryAfter(header(headers, 'retry-after'), this.o.now()) ??
      (status === 429 ? this.o.rateLimitWaitMs?.(headers, this.o.now()) : undefined);
    const detail = reading.message ? `: ${reading.message}` : '';
    const message = this.redact(
      `${this.o.service} ${context.endpoint} answered ${status}${detail}`,
    );
    const error = new ApiError(kindOfStatus(status), message, {
      ...context,
      status,
      ...(reading.message === undefined ? {} : { apiMessage: this.redact(reading.message) }),
      ...(reading.reason === undefined ? {} : { reason: reading.reason }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
    return { error, retryable: isTransientStatus(status), waitMs: retryAfterMs };
  }
}

/** Parses an API answer with zod; drift becomes an `invalid-response` error naming endpoint and field. */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  response: Pick<HttpResponse, 'body' | 'status'>,
  endpoint: string,
  service: string,
): z.output<S> {
  const result = schema.safeParse(response.body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  throw new ApiError(
    'invalid-response',
    `${service} ${endpoint} answered an unexpected shape: field '${field}' ${issue?.message ?? 'is invalid'}`,
    { endpoint, method: endpoint.split(' ')[0] ?? '', status: response.status },
  );
}
