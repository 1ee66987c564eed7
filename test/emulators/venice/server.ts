// A loopback stand-in for Venice's billing API (shared/reference/venice-billing-api.md):
// balance, usage-history with real cursor semantics, the retired page-based usage (410 with a
// Link to its successor, or live), usage-analytics, ADMIN vs INFERENCE keys, the failed-request
// block, CSV pages, fault injection (also a usage-history whose cursor never ends), and an
// inference stub that debits the ledger. Parameters outside the spec (an unknown `currency`, a
// cursor with filters) answer 400 as Venice does.
import type { IncomingHttpHeaders } from 'node:http';
import { type Exchange, type Fault, type LoggedRequest, startLoopback } from '../loopback.js';
import { type Balances, type Entry, VeniceLedger } from './ledger.js';
import { csvPage, type CursorState, decodeCursor, encodeCursor, wireEntry } from './wire.js';

export type { Entry } from './ledger.js';

export const ADMIN_KEY = 'venice-emulator-admin-key-0001';
export const INFERENCE_KEY = 'venice-emulator-inference-key-0002';

export type VeniceRoute = 'balance' | 'usage-history' | 'usage' | 'usage-analytics' | 'chat';
export type VeniceFault = Fault;

export interface VeniceEmulatorOptions {
  /** Requests of history to seed over the last `historyDays` days (two ledger entries each). */
  historyRequests?: number;
  historyDays?: number;
  balances?: {
    diem: number | null;
    usd: number | null;
    bundledCredits?: number | null;
    earnedCredits?: number | null;
  };
  /** `retired` (410, as since 2026-09-16) or `live` (the page-based endpoint still answers). */
  legacyUsage?: 'retired' | 'live';
  /** Non-2xx answers in 30 s that block a key for 30 s. */
  blockAfter?: number;
  /**
   * Which source's `currency` values usage-history takes: `openapi` (the spec: USD, DIEM,
   * BUNDLED_CREDITS) or `guide` (the newer billing guide adds EARNED_CREDITS; the default).
   */
  currencies?: 'openapi' | 'guide';
  /**
   * A usage-history that never ends, as one seen in the field did: past the last entry it still
   * answers a `nextCursor` — `repeat`: the cursor it was sent (stuck on its last page); `fresh`: a
   * new one every time, over empty pages.
   */
  endlessCursor?: 'repeat' | 'fresh';
}

export interface VeniceEmulator {
  /** The API base, `http://127.0.0.1:<port>/api/v1`. */
  url: string;
  entries: VeniceLedger['entries'];
  balances: Balances;
  requests: LoggedRequest<VeniceRoute>[];
  inject(route: VeniceRoute, fault: VeniceFault, times?: number): void;
  /** Records one inference request's ledger entries now (what the chat stub does). */
  bill(model: string, promptTokens: number, completionTokens: number, at?: number): string;
  close(): Promise<void>;
}

const ROUTES: Record<string, VeniceRoute> = {
  '/billing/balance': 'balance',
  '/billing/usage-history': 'usage-history',
  '/billing/usage': 'usage',
  '/billing/usage-analytics': 'usage-analytics',
  '/chat/completions': 'chat',
};
const HISTORY_PARAMS = ['startTimestamp', 'endTimestamp', 'currency', 'pageSize', 'cursor'];
const HISTORY_CURRENCIES = {
  openapi: ['USD', 'DIEM', 'BUNDLED_CREDITS'],
  guide: ['USD', 'DIEM', 'BUNDLED_CREDITS', 'EARNED_CREDITS'],
};
/** The retired endpoint still knew VCU, the old name of DIEM, and never knew earned credits. */
const LEGACY_CURRENCIES = ['USD', 'VCU', 'DIEM', 'BUNDLED_CREDITS'];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const SUCCESSOR = '</api/v1/billing/usage-history>; rel="successor-version"';

interface Context {
  ledger: VeniceLedger;
  options: VeniceEmulatorOptions;
  block: KeyBlock;
}

type VeniceExchange = Exchange<VeniceRoute>;
/** Venice's validation answer: `{"error", "details"}`. */
type Invalid = { error: string; details?: Record<string, string> };

/** Starts the emulator on 127.0.0.1 and a free port. */
export async function startVeniceEmulator(
  options: VeniceEmulatorOptions = {},
): Promise<VeniceEmulator> {
  const ledger = new VeniceLedger({
    bundledCredits: null,
    earnedCredits: null,
    ...(options.balances ?? { diem: 40, usd: 85.5 }),
  });
  ledger.seedHistory(options.historyRequests ?? 300, options.historyDays ?? 20);
  const block = new KeyBlock(options.blockAfter ?? 20);
  const context: Context = { ledger, options, block };
  const server = await startLoopback<VeniceRoute>((exchange) => answer(context, exchange), {
    route: (_method, url) => ROUTES[url.pathname.replace(/^\/api\/v1/, '')],
    onAnswer: (request, status) => block.tally(keyOf(request.headers), status),
  });
  return {
    url: `${server.url}/api/v1`,
    entries: ledger.entries,
    balances: ledger.balances,
    requests: server.requests,
    inject: server.inject,
    bill: (model, p, c, at) => ledger.bill(model, p, c, at),
    close: server.close,
  };
}

function keyOf(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

/** Too many failed requests in 30 s block a key for 30 s (429s do not count). */
class KeyBlock {
  private readonly failures = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(private readonly limit: number) {}

  tally(key: string | undefined, status: number): void {
    if (!key || status < 300 || status === 429) return;
    const recent = (this.failures.get(key) ?? []).filter((t) => t > Date.now() - 30_000);
    recent.push(Date.now());
    this.failures.set(key, recent);
    if (recent.length > this.limit) this.blockedUntil.set(key, Date.now() + 30_000);
  }

  /** When the key's block ends, or undefined when it is not blocked. */
  until(key: string): number | undefined {
    const until = this.blockedUntil.get(key);
    return until !== undefined && until > Date.now() ? until : undefined;
  }
}

function answer(context: Context, exchange: VeniceExchange): void {
  const { request, json } = exchange;
  // The retired endpoint answers before any key check (no auth needed for its 410).
  if (request.route === 'usage') return legacyUsage(context, exchange);
  const key = keyOf(request.headers);
  if (!key) return json(402, { x402Version: 1, error: 'Payment required', accepts: [] });
  const until = context.block.until(key);
  if (until !== undefined) {
    return json(
      429,
      { error: 'Too many failed requests; this key is blocked for 30 seconds' },
      {
        'retry-after': String(Math.ceil((until - Date.now()) / 1000)),
        'x-ratelimit-resets': String(until),
      },
    );
  }
  if (key !== ADMIN_KEY && key !== INFERENCE_KEY)
    return json(401, { error: 'Authentication failed' });
  if (request.route === 'chat') return chat(context, exchange);
  if (key !== ADMIN_KEY) return json(401, { error: 'Admin API key required' });
  if (request.route === 'balance') return balance(context, exchange);
  if (request.route === 'usage-history') return usageHistory(context, exchange);
  if (request.route === 'usage-analytics') return usageAnalytics(context, exchange);
  json(404, { error: 'Not found' });
}

function balance({ ledger }: Context, { json }: VeniceExchange): void {
  json(200, {
    canConsume: ledger.total() >= 0.1,
    consumptionCurrency: ledger.consumptionCurrency(),
    balances: ledger.balances,
    diemEpochAllocation: 100,
  });
}

/** The inference stub: bills tokens that grow with the prompt, like a real model would. */
function chat({ ledger }: Context, { request, json }: VeniceExchange): void {
  let body: { model?: string; messages?: { content?: string }[] };
  try {
    body = JSON.parse(request.body || '{}') as typeof body;
  } catch {
    return json(400, { error: 'Invalid JSON body' });
  }
  const prompt = (body.messages ?? []).reduce((n, m) => n + (m.content?.length ?? 0), 0);
  const promptTokens = 500 + prompt * 3;
  const completionTokens = 150 + (prompt % 97) * 2;
  const id = ledger.bill(body.model ?? 'llama-3.3-70b', promptTokens, completionTokens);
  json(200, {
    id,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens },
  });
}

function usageHistory(
  { ledger, options }: Context,
  { url, req, json, text }: VeniceExchange,
): void {
  const state = pageState(url.searchParams, HISTORY_CURRENCIES[options.currencies ?? 'guide']);
  if ('error' in state) return json(400, state);
  const page: Entry[] = [];
  let last = state.after;
  let more = false;
  for (const entry of ledger.entries) {
    if (entry.id <= state.after || entry.at < state.s || entry.at >= state.e) continue;
    if (state.c && entry.currency !== state.c) continue;
    if (page.length === state.p) {
      more = true;
      break;
    }
    page.push(entry);
    last = entry.id;
  }
  const nextCursor = more
    ? encodeCursor({ ...state, after: last })
    : endlessCursor(options, state, last, url.searchParams.get('cursor'));
  if (!(req.headers.accept ?? '').includes('text/csv'))
    return json(200, { data: page.map(wireEntry), nextCursor });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
  text(200, csvPage(page), {
    'content-type': 'text/csv',
    'content-disposition': `attachment; filename=billing-usage-history-${stamp}.csv`,
    ...(nextCursor ? { 'x-next-cursor': nextCursor } : {}),
  });
}

/** The cursor after the last page: none, unless the `endlessCursor` fault is on. */
function endlessCursor(
  options: VeniceEmulatorOptions,
  state: CursorState,
  last: number,
  sent: string | null,
): string | null {
  if (options.endlessCursor === 'repeat') return sent ?? encodeCursor({ ...state, after: last });
  if (options.endlessCursor === 'fresh')
    return encodeCursor({ ...state, after: last, n: (state.n ?? 0) + 1 });
  return null;
}

/** Where a usage-history page starts, or why the parameters are refused. */
function pageState(q: URLSearchParams, currencies: string[]): CursorState | Invalid {
  const unknown = [...q.keys()].find((k) => !HISTORY_PARAMS.includes(k));
  if (unknown)
    return { error: 'Invalid request', details: { [unknown]: 'Unrecognized parameter' } };
  const cursor = q.get('cursor');
  if (cursor !== null) {
    if ([...q.keys()].length > 1)
      return { error: 'A cursor request must not carry other parameters' };
    return (
      decodeCursor(cursor) ?? { error: 'Invalid or expired cursor; restart from the first page' }
    );
  }
  const start = q.get('startTimestamp');
  const end = q.get('endTimestamp');
  if ((start && !ISO_UTC.test(start)) || (end && !ISO_UTC.test(end)))
    return { error: 'Invalid timestamp', details: { format: 'ISO 8601 UTC with Z' } };
  const s = start ? Date.parse(start) : 0;
  const e = end ? Date.parse(end) : Number.MAX_SAFE_INTEGER;
  if (e <= s) return { error: 'endTimestamp must be after startTimestamp' };
  const pageSize = Number(q.get('pageSize') ?? 1000);
  if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 1000)
    return { error: 'pageSize must be 10 to 1000' };
  const currency = q.get('currency');
  const wrong = currencyRefusal(currency, currencies);
  return wrong ?? { s, e, c: currency, p: pageSize, after: 0 };
}

/** Venice's answer to a `currency` outside the values the endpoint takes. */
function currencyRefusal(currency: string | null, allowed: string[]): Invalid | undefined {
  if (currency === null || allowed.includes(currency)) return undefined;
  const expected = allowed.map((c) => `'${c}'`).join(' | ');
  return {
    error: 'Invalid request',
    details: { currency: `Invalid enum value. Expected ${expected}, received '${currency}'` },
  };
}

function legacyUsage({ ledger, options }: Context, { url, json }: VeniceExchange): void {
  if ((options.legacyUsage ?? 'retired') === 'retired') {
    return json(
      410,
      { error: 'This endpoint was retired on 2026-09-16. Use GET /api/v1/billing/usage-history.' },
      { link: SUCCESSOR, sunset: 'Wed, 16 Sep 2026 00:00:00 GMT' },
    );
  }
  const q = url.searchParams;
  const limit = Number(q.get('limit') ?? 200);
  const page = Number(q.get('page') ?? 1);
  if (!(limit > 0 && limit <= 500) || !(page >= 1))
    return json(400, { error: 'Invalid pagination' });
  const sortOrder = q.get('sortOrder') ?? 'desc';
  if (sortOrder !== 'asc' && sortOrder !== 'desc')
    return json(400, {
      error: 'Invalid request',
      details: { sortOrder: "Expected 'asc' | 'desc'" },
    });
  const currency = q.get('currency');
  const wrong = currencyRefusal(currency, LEGACY_CURRENCIES);
  if (wrong) return json(400, wrong);
  const start = q.get('startDate') ? Date.parse(q.get('startDate')!) : 0;
  const end = q.get('endDate') ? Date.parse(q.get('endDate')!) : Number.MAX_SAFE_INTEGER;
  let rows = ledger.entries.filter(
    (e) => e.at >= start && e.at <= end && (!currency || e.currency === currency),
  );
  if (sortOrder === 'desc') rows = [...rows].reverse();
  json(
    200,
    {
      data: rows.slice((page - 1) * limit, page * limit).map(wireEntry),
      pagination: {
        limit,
        page,
        total: rows.length,
        totalPages: Math.max(1, Math.ceil(rows.length / limit)),
      },
      warningMessage: 'Deprecated: use /billing/usage-history',
    },
    { deprecation: '@1783555200', link: SUCCESSOR },
  );
}

function usageAnalytics({ ledger }: Context, { url, json }: VeniceExchange): void {
  const lookback = url.searchParams.get('lookback') ?? '7d';
  if (!/^[1-9]\d*d$/.test(lookback))
    return json(400, { error: 'Invalid request', details: { lookback: 'Expected e.g. 7d' } });
  const byDate = new Map<string, number>();
  for (const e of ledger.entries) {
    const day = e.timestamp.slice(0, 10);
    byDate.set(day, (byDate.get(day) ?? 0) - e.amount);
  }
  json(200, {
    lookback,
    byDate: [...byDate].map(([date, usd]) => ({ date, USD: usd, DIEM: 0 })),
    byModel: [],
    byKey: [],
    byModelDaily: [],
    byKeyDaily: [],
    topModels: [],
    topKeyNames: [],
  });
}
