import { ApiError } from '../../shared/errors.js';
import { HttpClient, type HttpClientOptions } from '../../http/client.js';
import type { Log } from '../../shared/log.js';
import * as s from './schemas.js';
import { groupedCount } from '../../shared/grouped-number.js';

export interface VeniceClientOptions {
  apiUrl: string;
  token: string;
  log: Log;
  timeoutMs?: number;
  retries?: number;
  totalTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onRequest?: HttpClientOptions['onRequest'];
  /** Aborts requests in flight when the job is interrupted. */
  signal?: AbortSignal;
  /** The most pages one ledger read follows; tests lower it. Default `MAX_LEDGER_PAGES`. */
  maxPages?: number;
}

export interface LedgerWindow {
  /** Inclusive. */
  start: Date;
  /** Exclusive. */
  end: Date;
}

const PAGE_SIZE = 1000;
const LEGACY_LIMIT = 500;
/**
 * The most pages one ledger read follows: 2,000 pages of 1,000 entries, 2 million ledger entries
 * (about a million requests at two entries each) — more than a window the gate learns from should
 * hold, and still only minutes of reading. A server whose cursor never ends (one answered 71,320
 * page requests in 30 s) is stopped here instead of being read until the job's timeout.
 */
export const MAX_LEDGER_PAGES = 2_000;

type HistoryPage = { data: s.LedgerEntry[]; nextCursor: string | null };

type Headers = Record<string, string | string[] | undefined>;

function headerValue(headers: Headers, name: string): string | undefined {
  const raw = headers[name];
  return (Array.isArray(raw) ? raw[0] : raw)?.trim() || undefined;
}

/**
 * A reset time in one of the forms rate-limit headers use: a Go-style duration (`1s`, `6m0s`,
 * `250ms`), Unix seconds or milliseconds (told apart by size), or seconds to wait.
 */
function resetAt(value: string, now: number): number | undefined {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length > 0 && parts.map((p) => p[0]).join('') === value) {
    return now + parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? 's'] ?? 0), 0);
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n > 1e12) return n;
  if (n > 1e9) return n * 1000;
  return now + n * 1000;
}

/**
 * How long a 429 without `Retry-After` asks us to wait. Venice's rate-limit docs name
 * `x-ratelimit-reset-requests`; its format is not pinned down there, so `resetAt` takes every
 * common form. The older `x-ratelimit-resets` (Unix milliseconds, read by a third-party SDK)
 * is the fallback.
 */
export function veniceRateLimitWaitMs(headers: Headers, now: number): number | undefined {
  for (const name of ['x-ratelimit-reset-requests', 'x-ratelimit-resets']) {
    const value = headerValue(headers, name);
    const at = value === undefined ? undefined : resetAt(value, now);
    if (at !== undefined && at > now) return at - now;
  }
  return undefined;
}

/** Venice's billing API. Few failed calls: Venice blocks a key for 30 s after too many non-2xx. */
export class VeniceClient {
  readonly http: HttpClient;
  private readonly log: Log;
  private readonly maxPages: number;
  /** The base URL's path (`/api/v1`), so errors name an endpoint as the HTTP layer does. */
  private readonly basePath: string;
  private warnedRetired = false;

  constructor(options: VeniceClientOptions) {
    this.log = options.log;
    this.maxPages = options.maxPages ?? MAX_LEDGER_PAGES;
    this.basePath = new URL(options.apiUrl).pathname.replace(/\/+$/, '');
    const rest: Partial<HttpClientOptions> = {};
    if (options.timeoutMs !== undefined) rest.timeoutMs = options.timeoutMs;
    if (options.totalTimeoutMs !== undefined) rest.totalTimeoutMs = options.totalTimeoutMs;
    if (options.sleep) rest.sleep = options.sleep;
    if (options.onRequest) rest.onRequest = options.onRequest;
    if (options.signal) rest.signal = options.signal;
    this.http = new HttpClient({
      service: 'Venice API',
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${options.token}` },
      secrets: [options.token],
      // Retries are non-2xx answers too, and too many of those block the key: keep them few.
      retries: options.retries ?? 2,
      readErrorBody: (body) => {
        const parsed = s.errorBody().safeParse(body);
        return parsed.success ? { message: parsed.data.error } : {};
      },
      rateLimitWaitMs: veniceRateLimitWaitMs,
      ...rest,
    });
  }

  private explain(error: unknown): unknown {
    if (
      error instanceof ApiError &&
      error.kind === 'auth' &&
      /admin api key required/i.test(error.apiMessage ?? '')
    ) {
      error.message = `${error.message} — api-token is an INFERENCE key; billing needs a Venice ADMIN key`;
    } else if (error instanceof ApiError && error.kind === 'auth') {
      error.message = `${error.message} — check api-token (unknown or revoked key)`;
    }
    return error;
  }

  /** Spendable balances per currency. */
  async getBalance(): Promise<s.VeniceBalance> {
    try {
      return await this.http.json({ method: 'GET', path: '/billing/balance' }, s.balanceAnswer);
    } catch (error) {
      throw this.explain(error);
    }
  }

  /**
   * The ledger in a window, page by page (cursor pages of `GET /billing/usage-history`, ascending).
   * A generator, so a caller aggregates each page and never holds the whole ledger. A cursor seen
   * before, or a next page past `maxPages`, ends the read with an `invalid-response` error.
   */
  async *ledger(window: LedgerWindow): AsyncGenerator<s.LedgerEntry[]> {
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let pages = 1; ; pages += 1) {
      cursor = yield* this.onePage(window, cursor, seen, pages);
      if (cursor === null) return;
    }
  }

  /**
   * Reads one page, yields its entries and returns its next cursor. A generator of its own, so
   * the page is let go of once it ends: a suspended generator keeps every local it has, and the
   * loop's would hold each page while the next one is read (a megabyte of entries more, kept
   * alive through the young collections of the next page's parsing).
   */
  private async *onePage(
    window: LedgerWindow,
    cursor: string | null,
    seen: Set<string>,
    pages: number,
  ): AsyncGenerator<s.LedgerEntry[], string | null> {
    const page = await this.historyPage(window, cursor);
    if (page.nextCursor !== null) this.checkCursor(page.nextCursor, seen, pages);
    yield page.data;
    return page.nextCursor;
  }

  private async historyPage(window: LedgerWindow, cursor: string | null): Promise<HistoryPage> {
    // A continuation sends the cursor and nothing else; the filters ride inside it.
    const query: Record<string, string | number> = cursor
      ? { cursor }
      : {
          startTimestamp: window.start.toISOString(),
          endTimestamp: window.end.toISOString(),
          pageSize: PAGE_SIZE,
        };
    try {
      return await this.http.json(
        { method: 'GET', path: '/billing/usage-history', query },
        s.usageHistoryAnswer,
      );
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** Refuses a cursor that would read the same pages again, or read past the page bound. */
  private checkCursor(next: string, seen: Set<string>, pages: number): void {
    if (seen.has(next)) {
      throw this.endlessLedger(
        '/billing/usage-history',
        `answered a next cursor it had already given (after page ${pages}); following it would read the same pages forever. Retry later, or estimate from a sample`,
      );
    }
    seen.add(next);
    if (pages >= this.maxPages) throw this.pastPageBound('/billing/usage-history');
  }

  private pastPageBound(path: string): ApiError {
    return this.endlessLedger(
      path,
      `still had a next page after ${groupedCount(this.maxPages)} pages, the most the gate reads. If the window really holds that much usage, shorten history-window-days`,
    );
  }

  private endlessLedger(path: string, what: string): ApiError {
    const endpoint = `GET ${this.basePath}${path}`;
    return new ApiError('invalid-response', `Venice API ${endpoint} ${what}.`, {
      endpoint,
      method: 'GET',
      status: 200,
    });
  }

  /**
   * The ledger through the retired page-based `GET /billing/usage` (for an older deployment or a
   * proxy that still serves it). On 410 — Venice retired it on 2026-09-16 — it says so once and
   * reads `usage-history` instead.
   */
  async *legacyLedger(window: LedgerWindow): AsyncGenerator<s.LedgerEntry[]> {
    for (let page = 1; ; page += 1) {
      let answer: { data: s.LedgerEntry[]; pagination: { totalPages: number } };
      try {
        answer = await this.http.json(
          {
            method: 'GET',
            path: '/billing/usage',
            query: {
              page,
              limit: LEGACY_LIMIT,
              startDate: window.start.toISOString(),
              endDate: window.end.toISOString(),
              sortOrder: 'asc',
            },
          },
          s.legacyUsageAnswer,
        );
      } catch (error) {
        if (error instanceof ApiError && error.status === 410) {
          if (!this.warnedRetired) {
            this.log.info(
              'GET /billing/usage answered 410 (retired on 2026-09-16); reading GET /billing/usage-history instead.',
            );
            this.warnedRetired = true;
          }
          yield* this.ledger(window);
          return;
        }
        throw this.explain(error);
      }
      // The legacy endStart is inclusive; keep the window's end exclusive like usage-history.
      yield answer.data.filter((e) => Date.parse(e.timestamp) < window.end.getTime());
      if (page >= answer.pagination.totalPages) return;
      if (page >= this.maxPages) throw this.pastPageBound('/billing/usage');
    }
  }
}
