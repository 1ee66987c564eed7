import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/errors.js';
import type { Log } from '../../src/shared/log.js';
import { MAX_LEDGER_PAGES, VeniceClient } from '../../src/providers/venice/client.js';
import {
  ADMIN_KEY,
  INFERENCE_KEY,
  startVeniceEmulator,
  type VeniceEmulator,
} from './venice/server.js';

const lines: string[] = [];
const log: Log = {
  info: (m) => lines.push(m),
  warning: (m) => lines.push(m),
  debug: () => undefined,
};
let emu: VeniceEmulator;
beforeEach(async () => {
  emu = await startVeniceEmulator({ historyRequests: 1200 });
  lines.length = 0;
});
afterEach(async () => emu.close());

const client = (key = ADMIN_KEY, maxPages?: number) =>
  new VeniceClient({
    apiUrl: emu.url,
    token: key,
    log,
    retries: 0,
    ...(maxPages === undefined ? {} : { maxPages }),
  });
const all = { start: new Date(0), end: new Date(Date.now() + 60_000) };

async function collect(
  pages: AsyncGenerator<unknown[]>,
): Promise<{ pages: number; entries: unknown[] }> {
  const entries: unknown[] = [];
  let count = 0;
  for await (const page of pages) {
    count += 1;
    entries.push(...page);
  }
  return { pages: count, entries };
}

describe('Venice emulator: balance and usage-history', () => {
  it('reads the balance per currency', async () => {
    const b = await client().getBalance();
    expect(b.balances).toMatchObject({ diem: 40, usd: 85.5, bundledCredits: null });
    expect(b.consumptionCurrency).toBe('DIEM');
  });

  it('pages usage-history by cursor, ascending, every entry once', async () => {
    const { pages, entries } = await collect(client().ledger(all));
    expect(pages).toBe(3);
    expect(entries).toHaveLength(2400);
    const times = (entries as { timestamp: string }[]).map((e) => Date.parse(e.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const cursorCalls = emu.requests.filter((r) => r.query.includes('cursor='));
    expect(cursorCalls.every((r) => !/startTimestamp|pageSize/.test(r.query))).toBe(true);
  });

  it('keeps pages stable while new usage is recorded', async () => {
    const pages = client().ledger(all);
    const first = await pages.next();
    emu.bill('llama-3.3-70b', 1000, 100);
    let rest = 0;
    for await (const page of pages) rest += page.length;
    expect((first.value as unknown[]).length + rest).toBe(2402);
  });

  it('answers 400 to a cursor with filters, and to a foreign cursor', async () => {
    const res = await fetch(`${emu.url}/billing/usage-history?cursor=abc&pageSize=10`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(res.status).toBe(400);
    const foreign = await fetch(`${emu.url}/billing/usage-history?cursor=bm9wZQ`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(await foreign.json()).toEqual({
      error: 'Invalid or expired cursor; restart from the first page',
    });
  });

  it('serves CSV pages with the next cursor in a header', async () => {
    const res = await fetch(`${emu.url}/billing/usage-history?pageSize=10`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, accept: 'text/csv' },
    });
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('x-next-cursor')).toBeTruthy();
    expect((await res.text()).split('\n')[0]).toContain('inferenceDetails.requestId');
  });
});

describe('Venice emulator: a usage-history whose cursor never ends', () => {
  const historyCalls = () => emu.requests.filter((r) => r.route === 'usage-history').length;

  it('stops at a cursor given twice, naming the endpoint', async () => {
    await emu.close();
    emu = await startVeniceEmulator({ historyRequests: 10, endlessCursor: 'repeat' });
    const error = (await collect(client().ledger(all)).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.kind).toBe('invalid-response');
    expect(error.endpoint).toBe('GET /api/v1/billing/usage-history');
    expect(error.message).toContain(
      'Venice API GET /api/v1/billing/usage-history answered a next cursor it had already given (after page 2)',
    );
    // Page 1 (all 20 entries) and one continuation that handed its own cursor back.
    expect(historyCalls()).toBe(2);
  });

  it(`stops after ${MAX_LEDGER_PAGES.toLocaleString('en-US')} pages of fresh cursors`, async () => {
    await emu.close();
    emu = await startVeniceEmulator({ historyRequests: 10, endlessCursor: 'fresh' });
    const error = (await collect(client().ledger(all)).catch((e: unknown) => e)) as ApiError;
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain(
      `usage-history still had a next page after ${MAX_LEDGER_PAGES.toLocaleString('en-US')} pages`,
    );
    expect(historyCalls()).toBe(MAX_LEDGER_PAGES);
  });

  it('bounds the retired page-based usage the same way', async () => {
    await emu.close();
    emu = await startVeniceEmulator({ historyRequests: 400, legacyUsage: 'live' });
    // 800 entries are two pages of 500; a bound of one page stops before the second.
    const error = (await collect(client(ADMIN_KEY, 1).legacyLedger(all)).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error.kind).toBe('invalid-response');
    expect(error.endpoint).toBe('GET /api/v1/billing/usage');
    expect(emu.requests.filter((r) => r.route === 'usage')).toHaveLength(1);
  });
});

describe('Venice emulator: the retired page-based usage', () => {
  it('follows the retired page-based usage to usage-history on 410, saying so once', async () => {
    const { entries } = await collect(client().legacyLedger(all));
    expect(entries).toHaveLength(2400);
    expect(lines.filter((l) => l.includes('answered 410'))).toHaveLength(1);
  });

  it('reads the page-based usage while it is live', async () => {
    await emu.close();
    emu = await startVeniceEmulator({ historyRequests: 400, legacyUsage: 'live' });
    const { entries } = await collect(client().legacyLedger(all));
    expect(entries).toHaveLength(800);
    expect(emu.requests.filter((r) => r.route === 'usage')).toHaveLength(2);
  });
});

describe('Venice emulator: keys and debits', () => {
  it('says an ADMIN key is needed when an INFERENCE key is given', async () => {
    const error = (await client(INFERENCE_KEY)
      .getBalance()
      .catch((e: unknown) => e)) as ApiError;
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('INFERENCE key; billing needs a Venice ADMIN key');
  });

  it('blocks a key after too many failed requests', async () => {
    const bad = client('not-a-key');
    for (let i = 0; i < 21; i += 1) await bad.getBalance().catch(() => undefined);
    const res = await fetch(`${emu.url}/billing/balance`, {
      headers: { authorization: 'Bearer not-a-key' },
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('x-ratelimit-resets'))).toBeGreaterThan(Date.now());
  });

  it('debits inference in the debit order', async () => {
    const res = await fetch(`${emu.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INFERENCE_KEY}` },
      body: JSON.stringify({ model: 'llama-3.3-70b', messages: [{ content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(emu.balances.diem).toBeLessThan(40);
    expect(emu.balances.usd).toBe(85.5);
    expect(emu.entries.at(-1)!.currency).toBe('DIEM');
  });
});

/** A GET with the ADMIN key, answered as status and parsed JSON. */
async function get(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${emu.url}${path}`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  return { status: res.status, body: await res.json() };
}

describe('Venice emulator: refuses currency values outside the spec', () => {
  it.each(['EUR', 'usd', 'VCU'])('usage-history answers 400 to currency=%s', async (currency) => {
    expect(await get(`/billing/usage-history?currency=${currency}`)).toEqual({
      status: 400,
      body: {
        error: 'Invalid request',
        details: { currency: expect.stringContaining(`received '${currency}'`) },
      },
    });
  });

  it('takes EARNED_CREDITS by the newer guide, and refuses it by the OpenAPI spec', async () => {
    const guide = await get('/billing/usage-history?currency=EARNED_CREDITS&pageSize=10');
    expect(guide.status).toBe(200);
    await emu.close();
    emu = await startVeniceEmulator({ historyRequests: 10, currencies: 'openapi' });
    expect((await get('/billing/usage-history?currency=EARNED_CREDITS')).status).toBe(400);
    expect((await get('/billing/usage-history?currency=DIEM')).status).toBe(200);
  });

  it('the live page-based usage takes VCU but not EARNED_CREDITS', async () => {
    await emu.close();
    emu = await startVeniceEmulator({ historyRequests: 10, legacyUsage: 'live' });
    expect((await get('/billing/usage?currency=VCU')).status).toBe(200);
    const refused = await get('/billing/usage?currency=EARNED_CREDITS');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: 'Invalid request',
      details: { currency: expect.any(String) },
    });
  });
});

describe('Venice emulator: consumptionCurrency follows the debit order', () => {
  it.each([
    [{ diem: 0, usd: 10, earnedCredits: 5, bundledCredits: 3 }, 'EARNED_CREDITS'],
    [{ diem: null, usd: 10, earnedCredits: null, bundledCredits: 3 }, 'BUNDLED_CREDITS'],
    [{ diem: 0, usd: 10, earnedCredits: 0, bundledCredits: null }, 'USD'],
    [{ diem: 2, usd: 10, earnedCredits: 5, bundledCredits: 3 }, 'DIEM'],
    [{ diem: 0, usd: 0, earnedCredits: null, bundledCredits: null }, null],
  ])(
    'balances %o consume %s, and the next request is debited there',
    async (balances, expected) => {
      await emu.close();
      emu = await startVeniceEmulator({ historyRequests: 0, balances });
      const reported = await client().getBalance();
      expect(reported.consumptionCurrency).toBe(expected);
      await fetch(`${emu.url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${INFERENCE_KEY}` },
        body: JSON.stringify({ model: 'llama-3.3-70b', messages: [{ content: 'hi' }] }),
      });
      expect(emu.entries.at(-1)!.currency).toBe(expected ?? 'USD');
    },
  );
});
