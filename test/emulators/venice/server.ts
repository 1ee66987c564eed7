// A loopback stand-in for Venice's billing API (shared/reference/venice-billing-api.md):
// balance, usage-history with real cursor semantics, the retired page-based usage (410 with a
// Link to its successor, or live), usage-analytics, ADMIN vs INFERENCE keys, the failed-request
// block, CSV pages, fault injection, and an inference stub that debits the ledger.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { drift } from '../drift.js';
import type { AddressInfo, Socket } from 'node:net';

export const ADMIN_KEY = 'venice-emulator-admin-key-0001';
export const INFERENCE_KEY = 'venice-emulator-inference-key-0002';

export interface Entry {
  id: number;
  timestamp: string;
  at: number;
  sku: string;
  pricePerUnitUsd: number;
  units: number;
  amount: number;
  currency: string;
  notes: string;
  requestId: string;
  promptTokens: number;
  completionTokens: number;
  inferenceExecutionTime: number;
}

export type VeniceRoute = 'balance' | 'usage-history' | 'usage' | 'usage-analytics' | 'chat';
export type VeniceFault =
  | { kind: 'drift'; path: string; op: 'remove' | 'retype' | 'null' }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'drop' }
  | { kind: 'latency'; ms: number }
  | { kind: 'malformed' };

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
}

export interface VeniceEmulator {
  url: string;
  entries: Entry[];
  balances: {
    diem: number | null;
    usd: number | null;
    bundledCredits: number | null;
    earnedCredits: number | null;
  };
  requests: { route: string; path: string; at: number }[];
  inject(route: VeniceRoute, fault: VeniceFault, times?: number): void;
  /** Records one inference request's ledger entries now (what the chat stub does). */
  bill(model: string, promptTokens: number, completionTokens: number, at?: number): string;
  close(): Promise<void>;
}

const PRICES: Record<string, { input: number; output: number }> = {
  'llama-3.3-70b': { input: 0.7, output: 2.8 },
  'qwen3-235b': { input: 0.9, output: 4.5 },
};

export async function startVeniceEmulator(
  options: VeniceEmulatorOptions = {},
): Promise<VeniceEmulator> {
  const entries: Entry[] = [];
  const balances = {
    bundledCredits: null,
    earnedCredits: null,
    ...(options.balances ?? { diem: 40, usd: 85.5 }),
  };
  const requests: VeniceEmulator['requests'] = [];
  const faults: { route: VeniceRoute; fault: VeniceFault; remaining: number }[] = [];
  const failures = new Map<string, number[]>();
  const blockedUntil = new Map<string, number>();
  const blockAfter = options.blockAfter ?? 20;
  const sockets = new Set<Socket>();
  let nextId = 1;
  let requestSeq = 0;

  function debit(amount: number): string {
    // DIEM first, then earned, then bundled credits, then USD; one request, one currency.
    const order: [keyof typeof balances, string][] = [
      ['diem', 'DIEM'],
      ['earnedCredits', 'EARNED_CREDITS'],
      ['bundledCredits', 'BUNDLED_CREDITS'],
      ['usd', 'USD'],
    ];
    for (const [key, currency] of order) {
      const value = balances[key];
      if (value !== null && value > 0) {
        balances[key] = Math.round((value - amount) * 1e8) / 1e8;
        return currency;
      }
    }
    balances.usd = Math.round(((balances.usd ?? 0) - amount) * 1e8) / 1e8;
    return 'USD';
  }

  function bill(
    model: string,
    promptTokens: number,
    completionTokens: number,
    at = Date.now(),
    charge = true,
  ): string {
    const price = PRICES[model] ?? { input: 1, output: 3 };
    requestSeq += 1;
    const requestId = `req_${String(requestSeq).padStart(8, '0')}`;
    const lines: [string, number, number][] = [
      [`${model}-llm-input-mtoken`, price.input, promptTokens / 1e6],
      [`${model}-llm-output-mtoken`, price.output, completionTokens / 1e6],
    ];
    for (const [sku, perUnit, units] of lines) {
      const amount = Math.round(perUnit * units * 1e8) / 1e8;
      const currency = charge ? debit(amount) : 'USD';
      entries.push({
        id: nextId++,
        timestamp: new Date(at).toISOString(),
        at,
        sku,
        pricePerUnitUsd: perUnit,
        units,
        amount: -amount,
        currency,
        notes: 'API Inference',
        requestId,
        promptTokens,
        completionTokens,
        inferenceExecutionTime: 400 + (requestSeq % 7) * 50,
      });
    }
    return requestId;
  }

  // History: deterministic token counts, spread over the window, ascending by time.
  const historyRequests = options.historyRequests ?? 300;
  const historyDays = options.historyDays ?? 20;
  const now0 = Date.now();
  for (let i = 0; i < historyRequests; i += 1) {
    const at =
      now0 - Math.round(((historyRequests - i) / historyRequests) * historyDays * 86_400_000);
    bill(
      i % 5 === 0 ? 'qwen3-235b' : 'llama-3.3-70b',
      800 + ((i * 37) % 600),
      200 + ((i * 53) % 300),
      at,
      false,
    );
  }

  /** Set while a drift fault is armed for the request being answered. */
  let drifting: { path: string; op: 'remove' | 'retype' | 'null' } | undefined;
  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    const answer = drifting && status === 200 ? drift(body, drifting.path, drifting.op) : body;
    res.end(answer === undefined ? '' : JSON.stringify(answer));
  };

  function encodeCursor(state: object): string {
    return Buffer.from(JSON.stringify(state)).toString('base64url');
  }
  function decodeCursor(
    cursor: string,
  ): { s: number; e: number; c: string | null; p: number; after: number } | undefined {
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return undefined;
    try {
      const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      if (typeof value.after !== 'number' || typeof value.p !== 'number') return undefined;
      return value as { s: number; e: number; c: string | null; p: number; after: number };
    } catch {
      return undefined;
    }
  }

  const wire = (e: Entry) => ({
    timestamp: e.timestamp,
    sku: e.sku,
    pricePerUnitUsd: e.pricePerUnitUsd,
    units: e.units,
    amount: e.amount,
    currency: e.currency,
    notes: e.notes,
    inferenceDetails: {
      requestId: e.requestId,
      promptTokens: e.promptTokens,
      completionTokens: e.completionTokens,
      inferenceExecutionTime: e.inferenceExecutionTime,
    },
  });

  function csv(rows: Entry[]): string {
    const q = (v: string | number) =>
      /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
    const header =
      'timestamp,sku,pricePerUnitUsd,units,amount,currency,notes,inferenceDetails.requestId,inferenceDetails.inferenceExecutionTime,inferenceDetails.promptTokens,inferenceDetails.completionTokens';
    return (
      [
        header,
        ...rows.map((e) =>
          [
            e.timestamp,
            e.sku,
            e.pricePerUnitUsd,
            e.units,
            e.amount,
            e.currency,
            e.notes,
            e.requestId,
            e.inferenceExecutionTime,
            e.promptTokens,
            e.completionTokens,
          ]
            .map(q)
            .join(','),
        ),
      ].join('\n') + '\n'
    );
  }

  function usageHistory(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const q = url.searchParams;
    const allowed = ['startTimestamp', 'endTimestamp', 'currency', 'pageSize', 'cursor'];
    const unknown = [...q.keys()].find((k) => !allowed.includes(k));
    if (unknown)
      return send(res, 400, {
        error: 'Invalid request',
        details: { [unknown]: 'Unrecognized parameter' },
      });
    let state: { s: number; e: number; c: string | null; p: number; after: number };
    const cursor = q.get('cursor');
    if (cursor !== null) {
      if ([...q.keys()].length > 1)
        return send(res, 400, { error: 'A cursor request must not carry other parameters' });
      const decoded = decodeCursor(cursor);
      if (!decoded)
        return send(res, 400, { error: 'Invalid or expired cursor; restart from the first page' });
      state = decoded;
    } else {
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
      const start = q.get('startTimestamp');
      const end = q.get('endTimestamp');
      if ((start && !iso.test(start)) || (end && !iso.test(end)))
        return send(res, 400, {
          error: 'Invalid timestamp',
          details: { format: 'ISO 8601 UTC with Z' },
        });
      const s = start ? Date.parse(start) : 0;
      const e = end ? Date.parse(end) : Number.MAX_SAFE_INTEGER;
      if (e <= s) return send(res, 400, { error: 'endTimestamp must be after startTimestamp' });
      const pageSize = Number(q.get('pageSize') ?? 1000);
      if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 1000)
        return send(res, 400, { error: 'pageSize must be 10 to 1000' });
      state = { s, e, c: q.get('currency'), p: pageSize, after: 0 };
    }
    const page: Entry[] = [];
    let last = state.after;
    let more = false;
    for (const entry of entries) {
      if (entry.id <= state.after || entry.at < state.s || entry.at >= state.e) continue;
      if (state.c && entry.currency !== state.c) continue;
      if (page.length === state.p) {
        more = true;
        break;
      }
      page.push(entry);
      last = entry.id;
    }
    const nextCursor = more ? encodeCursor({ ...state, after: last }) : null;
    if ((req.headers.accept ?? '').includes('text/csv')) {
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
      res.writeHead(200, {
        'content-type': 'text/csv',
        'content-disposition': `attachment; filename=billing-usage-history-${stamp}.csv`,
        ...(nextCursor ? { 'x-next-cursor': nextCursor } : {}),
      });
      return void res.end(csv(page));
    }
    send(res, 200, { data: page.map(wire), nextCursor });
  }

  function legacyUsage(url: URL, res: ServerResponse): void {
    const link = '</api/v1/billing/usage-history>; rel="successor-version"';
    if ((options.legacyUsage ?? 'retired') === 'retired') {
      return send(
        res,
        410,
        {
          error: 'This endpoint was retired on 2026-09-16. Use GET /api/v1/billing/usage-history.',
        },
        { link, sunset: 'Wed, 16 Sep 2026 00:00:00 GMT' },
      );
    }
    const q = url.searchParams;
    const limit = Number(q.get('limit') ?? 200);
    const page = Number(q.get('page') ?? 1);
    if (!(limit > 0 && limit <= 500) || !(page >= 1))
      return send(res, 400, { error: 'Invalid pagination' });
    const start = q.get('startDate') ? Date.parse(q.get('startDate')!) : 0;
    const end = q.get('endDate') ? Date.parse(q.get('endDate')!) : Number.MAX_SAFE_INTEGER;
    let rows = entries.filter(
      (e) =>
        e.at >= start && e.at <= end && (!q.get('currency') || e.currency === q.get('currency')),
    );
    if ((q.get('sortOrder') ?? 'desc') === 'desc') rows = [...rows].reverse();
    const totalPages = Math.max(1, Math.ceil(rows.length / limit));
    send(
      res,
      200,
      {
        data: rows.slice((page - 1) * limit, page * limit).map(wire),
        pagination: { limit, page, total: rows.length, totalPages },
        warningMessage: 'Deprecated: use /billing/usage-history',
      },
      { deprecation: '@1783555200', link },
    );
  }

  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://venice');
        const path = url.pathname.replace(/^\/api\/v1/, '');
        const route: VeniceRoute | undefined =
          path === '/billing/balance'
            ? 'balance'
            : path === '/billing/usage-history'
              ? 'usage-history'
              : path === '/billing/usage'
                ? 'usage'
                : path === '/billing/usage-analytics'
                  ? 'usage-analytics'
                  : path === '/chat/completions'
                    ? 'chat'
                    : undefined;
        requests.push({
          route: route ?? 'unknown',
          path: url.pathname + url.search,
          at: Date.now(),
        });
        const auth = req.headers.authorization;
        const key = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
        const tally = (status: number) => {
          if (!key || status < 300 || status === 429) return;
          const recent = (failures.get(key) ?? []).filter((t) => t > Date.now() - 30_000);
          recent.push(Date.now());
          failures.set(key, recent);
          if (recent.length > blockAfter) blockedUntil.set(key, Date.now() + 30_000);
        };
        const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          tally(status);
          send(res, status, body, headers);
        };
        const armed = route ? faults.find((f) => f.route === route && f.remaining > 0) : undefined;
        drifting = undefined;
        if (armed) {
          armed.remaining -= 1;
          const f = armed.fault;
          if (f.kind === 'drift') drifting = f;
          else if (f.kind === 'latency') await new Promise((done) => setTimeout(done, f.ms));
          else if (f.kind === 'drop') return void req.socket.destroy();
          else if (f.kind === 'malformed') {
            res.writeHead(200, { 'content-type': 'application/json' });
            return void res.end('{"data": [ {"timestamp": ');
          } else {
            tally(f.status);
            res.writeHead(f.status, { 'content-type': 'application/json', ...f.headers });
            return void res.end(f.body ?? '');
          }
        }
        if (route === 'usage') return legacyUsage(url, res);
        if (!key) return send(res, 402, { x402Version: 1, error: 'Payment required', accepts: [] });
        const until = blockedUntil.get(key);
        if (until !== undefined && until > Date.now()) {
          return send(
            res,
            429,
            { error: 'Too many failed requests; this key is blocked for 30 seconds' },
            {
              'retry-after': String(Math.ceil((until - Date.now()) / 1000)),
              'x-ratelimit-resets': String(until),
            },
          );
        }
        if (key !== ADMIN_KEY && key !== INFERENCE_KEY)
          return reply(401, { error: 'Authentication failed' });
        if (route === 'chat') {
          const body = JSON.parse(text || '{}') as {
            model?: string;
            messages?: { content?: string }[];
          };
          const prompt = (body.messages ?? []).reduce((n, m) => n + (m.content?.length ?? 0), 0);
          const promptTokens = 500 + prompt * 3;
          const completionTokens = 150 + (prompt % 97) * 2;
          const id = bill(body.model ?? 'llama-3.3-70b', promptTokens, completionTokens);
          return reply(200, {
            id,
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }],
            usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens },
          });
        }
        if (key !== ADMIN_KEY) return reply(401, { error: 'Admin API key required' });
        if (route === 'balance') {
          const total =
            (balances.diem ?? 0) +
            (balances.usd ?? 0) +
            (balances.bundledCredits ?? 0) +
            (balances.earnedCredits ?? 0);
          const consumption =
            (balances.diem ?? 0) > 0
              ? 'DIEM'
              : (balances.bundledCredits ?? 0) > 0
                ? 'BUNDLED_CREDITS'
                : (balances.usd ?? 0) > 0
                  ? 'USD'
                  : null;
          return reply(200, {
            canConsume: total >= 0.1,
            consumptionCurrency: consumption,
            balances,
            diemEpochAllocation: 100,
          });
        }
        if (route === 'usage-history') {
          const before = res.statusCode;
          usageHistory(url, req, res);
          return void (res.statusCode !== before && tally(res.statusCode));
        }
        if (route === 'usage-analytics') {
          const byDate = new Map<string, number>();
          for (const e of entries)
            byDate.set(
              e.timestamp.slice(0, 10),
              (byDate.get(e.timestamp.slice(0, 10)) ?? 0) - e.amount,
            );
          return reply(200, {
            lookback: url.searchParams.get('lookback') ?? '7d',
            byDate: [...byDate].map(([date, usd]) => ({ date, USD: usd, DIEM: 0 })),
            byModel: [],
            byKey: [],
            byModelDaily: [],
            byKeyDaily: [],
            topModels: [],
            topKeyNames: [],
          });
        }
        reply(404, { error: 'Not found' });
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    entries,
    balances,
    requests,
    inject(route, fault, times = Infinity) {
      faults.push({ route, fault, remaining: times });
    },
    bill: (model, p, c, at) => bill(model, p, c, at),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
