import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { change, compareCosts, type CostFigures, increasedPast } from '../../src/engine/compare.js';
import { type Decision, limitIncrease } from '../../src/engine/gate.js';

const base: CostFigures = {
  projected: 4000,
  upper: 4400,
  perRecord: 0.25,
  recordCount: 16_000,
  byNode: [
    { key: 'enrich', total: 0.2 },
    { key: 'score', total: 0.05 },
  ],
};

const scaled = (records: number, perRecord = base.perRecord): CostFigures => ({
  ...base,
  recordCount: records,
  perRecord,
  projected: records * perRecord,
  upper: records * perRecord * 1.1,
});

describe('compareCosts', () => {
  it('names more records at the same cost per record', () => {
    const c = compareCosts(base, scaled(20_000));
    expect(c.moved).toBe('+4,000 records (+25%), cost per record unchanged');
    expect(c.projected).toEqual({ previous: 4000, current: 5000, diff: 1000, percent: 25 });
    expect(c.node).toBeNull();
  });

  it('names the node that made a record dearer', () => {
    const current = {
      ...scaled(16_000, 0.3),
      byNode: [
        { key: 'enrich', total: 0.25 },
        { key: 'score', total: 0.05 },
      ],
    };
    const c = compareCosts(base, current);
    expect(c.moved).toBe('cost per record +20% (0.25 → 0.30), most in node enrich (+0.05)');
    expect(c.node).toEqual({ key: 'enrich', diff: expect.closeTo(0.05, 10) as number });
  });

  it('counts a node that is new as moving from 0', () => {
    const current = {
      ...scaled(8000, 0.35),
      byNode: [...base.byNode, { key: 'llm', total: 0.1 }],
    };
    const c = compareCosts(base, current);
    expect(c.moved).toBe(
      '−8,000 records (−50%), cost per record +40% (0.25 → 0.35), most in node llm (+0.10)',
    );
  });

  it('says so when nothing moved, and treats a drift under half a percent as none', () => {
    expect(compareCosts(base, base).moved).toBe('no change in records or cost per record');
    expect(compareCosts(base, scaled(16_000, 0.2505)).moved).toBe(
      'no change in records or cost per record',
    );
  });

  it('has no percentage for 0 → 0 and an infinite one for 0 → more', () => {
    expect(change(0, 0).percent).toBeNull();
    expect(change(0, 5).percent).toBe(Infinity);
  });

  it('diff is always current − previous, and percent has its sign', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        (a, b) => {
          const c = change(a, b);
          expect(c.diff).toBe(b - a);
          if (c.percent !== null && c.diff !== 0)
            expect(Math.sign(c.percent)).toBe(Math.sign(c.diff));
        },
      ),
    );
  });
});

const passing: Decision = {
  decision: 'pass',
  limit: 100_000,
  limitSource: 'budget',
  headroom: 95_000,
  utilization: 0.05,
  overage: 0,
  recordsAffordable: null,
  reasons: ['Projected 5,000 credits fits the budget.'],
};

describe('fail-on-increase (limitIncrease)', () => {
  const rise = compareCosts(base, scaled(20_000));

  it('fails a passing decision when the rise is past the percentage, reason first', () => {
    const gate = limitIncrease(passing, rise, 10, 'credits');
    expect(gate.decision).toBe('fail');
    expect(gate.reasons[0]).toBe(
      "Projected 5,000 credits is +25% against the base's 4,000, past fail-on-increase of 10%.",
    );
    expect(gate.reasons.slice(1)).toEqual(passing.reasons);
  });

  it('leaves the decision alone at or under the percentage, when off, or with nothing compared', () => {
    expect(limitIncrease(passing, rise, 25, 'credits')).toBe(passing);
    expect(limitIncrease(passing, rise, undefined, 'credits')).toBe(passing);
    expect(limitIncrease(passing, null, 0, 'credits')).toBe(passing);
    expect(limitIncrease(passing, compareCosts(base, scaled(8000)), 0, 'credits')).toBe(passing);
  });

  it('treats a cost that appears from nothing as an increase past any percentage', () => {
    const fromZero = compareCosts({ ...base, projected: 0, upper: 0 }, base);
    expect(increasedPast(fromZero, 1e9)).toBe(true);
  });
});
