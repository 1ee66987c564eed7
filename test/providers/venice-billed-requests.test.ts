// The Venice ledger is aggregated into typed columns and lent out as views (README "Performance",
// case F): the figures must be those of a plain per-request aggregation, and nothing per request
// may be held as an object.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateFromObservations } from '../../src/engine/estimate.js';
import { type Observation, observationCost } from '../../src/engine/observation.js';
import { project } from '../../src/engine/project.js';
import { BilledRequests, RequestIds } from '../../src/providers/venice/billed-requests.js';

interface Debit {
  id: string;
  sku: string;
  amount: number;
  tokens: number;
}

/** What the source computed before the columns: a Map of objects, one per request. */
function plainObservations(debits: Debit[], scale: number): Observation[] {
  const byId = new Map<string, { cost: number; parts: { sku: string; credits: number }[] }>();
  for (const d of debits) {
    const request = byId.get(d.id) ?? { cost: 0, parts: [] };
    byId.set(d.id, request);
    request.cost += d.amount;
    let part = request.parts.find((p) => p.sku === d.sku);
    if (!part) request.parts.push((part = { sku: d.sku, credits: 0 }));
    part.credits += d.amount;
  }
  return Array.from(byId, ([id, r]) => ({
    id,
    recordId: id,
    status: 'success' as const,
    providerCredits: r.cost * scale,
    executions: 0,
    executionCredits: 0,
    parts: r.parts.map((p) => ({
      key: p.sku,
      kind: 'sku',
      credits: p.credits * scale,
      executions: 0,
    })),
  }));
}

/** An observation's fields read by name, as every reader does (a view's are getters). */
const fieldsOf = (o: Observation): Observation => ({
  id: o.id,
  recordId: o.recordId,
  status: o.status,
  providerCredits: o.providerCredits,
  executions: o.executions,
  executionCredits: o.executionCredits,
  parts: o.parts,
});

function aggregate(debits: Debit[]): BilledRequests {
  const requests = new BilledRequests();
  for (const d of debits) requests.debit(d.id, d.sku, d.amount, d.tokens);
  return requests.sealed();
}

const debit = fc.record({
  // Few ids and SKUs, so requests get several rows, and repeat SKUs, in any order.
  id: fc.constantFrom('req_1', 'req_2', 'req_3', 'rëq-☃', '2026-11-11T18:18:21.259Z/sku-a', ''),
  sku: fc.constantFrom('sku-a', 'sku-b', 'sku-c'),
  amount: fc.double({ min: 1e-9, max: 10, noNaN: true }),
  tokens: fc.nat({ max: 5000 }),
});

describe('billed requests of a Venice ledger', () => {
  it('give the figures a per-request Map of objects gives, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(debit, { minLength: 1, maxLength: 60 }),
        fc.constantFrom(1, 0.5, 3),
        (debits, scale) => {
          const views = aggregate(debits).observations(scale);
          const plain = plainObservations(debits, scale);
          expect(views.map(fieldsOf)).toEqual(plain);
          expect(JSON.parse(JSON.stringify(views))).toEqual(JSON.parse(JSON.stringify(plain)));
          expect(estimateFromObservations('history', views)).toEqual(
            estimateFromObservations('history', plain),
          );
          const settings = { recordCount: 1000, confidence: 0.9, sampleOfBatch: false };
          const estimate = estimateFromObservations('history', plain);
          expect(project({ estimate, observations: views, ...settings })).toEqual(
            project({ estimate, observations: plain, ...settings }),
          );
        },
      ),
    );
  });

  it('keep the largest token count of a request’s rows, and its cost', () => {
    const requests = aggregate([
      { id: 'a', sku: 'in', amount: 1, tokens: 900 },
      { id: 'b', sku: 'in', amount: 2, tokens: 10 },
      { id: 'a', sku: 'out', amount: 0.5, tokens: 1000 },
    ]);
    expect([requests.tokensOf(0), requests.tokensOf(1)]).toEqual([1000, 10]);
    expect([requests.costOf(0), requests.costOf(1)]).toEqual([1.5, 2]);
  });

  it('lend each request out as a fresh view, not an object held per request', () => {
    const requests = aggregate(
      Array.from({ length: 5000 }, (_, i) => ({
        id: `req_${i % 2500}`,
        sku: i < 2500 ? 'in' : 'out',
        amount: 0.001,
        tokens: 1,
      })),
    );
    const observations = requests.observations(1);
    expect(observations).toHaveLength(2500);
    // A view made at each read: no list of 2,500 objects stands behind the array.
    expect(observations[7]).not.toBe(observations[7]);
    expect(observations[7]!.id).toBe('req_7');
    expect(observations[7]!.parts.map((p) => p.key)).toEqual(['in', 'out']);
    expect(observationCost(observations[2499]!)).toBeCloseTo(0.002, 12);
    expect(() => {
      observations[0] = observations[1]!;
    }).toThrow(TypeError);
  });
});

describe('request ids', () => {
  it('give each distinct id one slot, in first-seen order, and read each back', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary-ascii', maxLength: 90 })), (ids) => {
        const table = new RequestIds();
        const slots = ids.map((id) => table.slotOf(id));
        const distinct = [...new Set(ids)];
        expect(slots).toEqual(ids.map((id) => distinct.indexOf(id)));
        expect(distinct.map((_, slot) => table.idOf(slot))).toEqual(distinct);
      }),
    );
  });

  it('keep ids apart and intact whatever their UTF-16: lone surrogates, a leading U+FEFF', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const id = fc.oneof(
      fc.string({ unit: anyUnit, maxLength: 12 }),
      fc.string({ unit: anyUnit, maxLength: 6 }).map((t) => `\uFEFF${t}`),
      fc.constantFrom('req-\uD83D', 'req-\uDE00', 'req-\uD83D\uDE00', '\uFEFFreq-1', 'req-1', ''),
    );
    fc.assert(
      fc.property(fc.array(id, { maxLength: 40 }), (ids) => {
        const table = new RequestIds();
        const slots = ids.map((one) => table.slotOf(one));
        const distinct = [...new Set(ids)];
        expect(slots).toEqual(ids.map((one) => distinct.indexOf(one)));
        expect(distinct.map((_, slot) => table.idOf(slot))).toEqual(distinct);
      }),
      { numRuns: 2_000 },
    );
  });

  it('hold a hundred thousand ids through the table growing, and take none once sealed', () => {
    const table = new RequestIds();
    for (let i = 0; i < 100_000; i += 1) table.slotOf(`req_${i}`);
    for (let i = 0; i < 100_000; i += 7) expect(table.slotOf(`req_${i}`)).toBe(i);
    expect(table.size).toBe(100_000);
    expect(table.idOf(99_999)).toBe('req_99999');
    table.sealed();
    expect(table.idOf(12_345)).toBe('req_12345');
    expect(() => table.slotOf('req_1')).toThrow(/sealed/);
  });

  it('keep non-ASCII ids apart and whole', () => {
    const table = new RequestIds();
    const ids = ['☃', 'é', 'e\u0301', '日本語-リクエスト', '😀'.repeat(40)];
    expect(ids.map((id) => table.slotOf(id))).toEqual([0, 1, 2, 3, 4]);
    expect(ids.map((_, slot) => table.idOf(slot))).toEqual(ids);
  });
});
