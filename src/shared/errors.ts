/** The kinds of failure the gate tells apart; decisions are made on the kind, never on message text. */
export type ErrorKind =
  | 'config'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'invalid-response'
  | 'request'
  | 'estimate'
  | 'cancelled';

/** Base class of every error the gate raises on purpose. */
export class GateError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GateError';
    this.kind = kind;
  }
}

/** A setting that cannot be used; `input` is the action input (kebab-case) at fault. */
export class ConfigError extends GateError {
  readonly input: string;
  /** What is wrong, without the input's name: the CLI names the input as a `--flag`. */
  readonly problem: string;
  constructor(input: string, message: string) {
    super('config', `Input '${input}': ${message}`);
    this.name = 'ConfigError';
    this.input = input;
    this.problem = message;
  }
}

/** What is known of a failed API call; everything a person needs to act on it. */
export interface ApiErrorContext {
  endpoint: string;
  method: string;
  status?: number;
  apiMessage?: string;
  reason?: string;
  retryAfterMs?: number;
}

/** A billing or GitHub API call that failed, already classified by kind. */
export class ApiError extends GateError {
  readonly endpoint: string;
  readonly method: string;
  readonly status: number | undefined;
  readonly apiMessage: string | undefined;
  readonly reason: string | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: ErrorKind,
    message: string,
    context: ApiErrorContext,
    options?: { cause?: unknown },
  ) {
    super(kind, message, options);
    this.name = 'ApiError';
    this.endpoint = context.endpoint;
    this.method = context.method;
    this.status = context.status;
    this.apiMessage = context.apiMessage;
    this.reason = context.reason;
    this.retryAfterMs = context.retryAfterMs;
  }
}

/** True for errors raised by a billing API call (as opposed to bad settings or a bug). */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** One human line for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
