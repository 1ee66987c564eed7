import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adviseCargoLevers } from '../../src/providers/cargo/advice.js';
import { estimateFromObservations, estimateFromTotals, sum } from '../../src/engine/estimate.js';
import { decide } from '../../src/engine/gate.js';
import type { Observation } from '../../src/engine/observation.js';
import { project } from '../../src/engine/project.js';
import { buildReceipt } from '../../src/engine/receipt.js';

function obs(
  providerCredits: number,
  executions: number,
  status: 'success' | 'error' = 'success',
  parts?: Observation['parts'],
): Observation {
  return {
    id: `run-${Math.random()}`,
    recordId: 'r',
    status,
    providerCredits,
    executions,
    executionCredits: executions / 100,
    parts: parts ?? [
      { key: 'node', kind: 'connector', action: 'x.y', credits: providerCredits, executions },
    ],
  };
}

const balance = (remaining: number, overageAllowed = false) => ({
  remaining,
  overageAllowed,
  unit: 'credits',
});
const policy = { budget: undefined, reserve: 0, warnThreshold: 0.8 };

describe('estimate', () => {
  it('is the mean and sample standard deviation of provider credits + 0.01 per execution', () => {
    const e = estimateFromObservations('history', [obs(1, 10), obs(2, 10), obs(3, 10)]);
    expect(e.mean).toBeCloseTo(2.1, 12);
    expect(e.sd).toBeCloseTo(1, 12);
    expect(e.providerMean).toBeCloseTo(2, 12);
    expect(e.executionMean).toBeCloseTo(0.1, 12);
    expect(e.n).toBe(3);
  });

  it('has no spread with one observation', () => {
    expect(estimateFromObservations('sample', [obs(4, 2)]).sd).toBeNull();
  });

  it('stays exact to the cent over many small charges', () => {
    const e = estimateFromObservations(
      'history',
      Array.from({ length: 200 }, () => obs(0.1, 33)),
    );
    expect(Math.round(e.mean * 1e6) / 1e6).toBe(0.43);
    expect(sum(Array.from({ length: 1000 }, () => 0.01))).toBe(10);
  });

  it('breaks cost down by node and by action, with shares adding up to 1', () => {
    const parts = [
      { key: 'start', kind: 'native', credits: 0, executions: 1 },
      { key: 'enrich', kind: 'connector', action: 'clearbit.enrich', credits: 2, executions: 1 },
    ];
    const e = estimateFromObservations('history', [
      obs(2, 2, 'success', parts),
      obs(2, 2, 'success', parts),
    ]);
    expect(e.byNode.map((l) => l.key)).toEqual(['enrich', 'start']);
    expect(sum(e.byNode.map((l) => l.share))).toBeCloseTo(1, 12);
    expect(e.byAction).toEqual([expect.objectContaining({ key: 'clearbit.enrich', credits: 2 })]);
  });

  it('from totals: (credits + executions / 100) / runs', () => {
    const e = estimateFromTotals({
      runs: 4,
      providerCredits: 10,
      executions: 40,
      executionCharge: 0.01,
      byAction: [],
    });
    expect(e.mean).toBeCloseTo(2.6, 12);
    expect(e.sd).toBeNull();
  });
});

describe('project', () => {
  it('uses the one-sided Student-t bound', () => {
    const e = estimateFromObservations('history', [obs(1, 0), obs(2, 0), obs(3, 0)]);
    const p = project(e, 100, 0.9);
    expect(p.projected).toBeCloseTo(200, 10);
    // t(0.9, 2) = 1.885618
    expect(p.t).toBeCloseTo(1.885618, 5);
    expect(p.upper).toBeCloseTo(100 * (2 + (1.885618 * 1) / Math.sqrt(3)), 3);
    expect(p.lowConfidence).toBeNull();
  });

  it('equals the projection with one observation, and says so', () => {
    const p = project(estimateFromObservations('sample', [obs(5, 0)]), 10, 0.95);
    expect(p.upper).toBe(p.projected);
    expect(p.lowConfidence).toContain('low confidence');
  });

  const observations = fc.array(
    fc.record({
      credits: fc.double({ min: 0, max: 1000, noNaN: true }),
      executions: fc.integer({ min: 0, max: 500 }),
    }),
    { minLength: 1, maxLength: 60 },
  );

  it('scales linearly in record count, and the bound is never below the projection', () => {
    fc.assert(
      fc.property(
        observations,
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (list, n, confidence) => {
          const e = estimateFromObservations(
            'history',
            list.map((o) => obs(o.credits, o.executions)),
          );
          const one = project(e, 1, confidence);
          const many = project(e, n, confidence);
          expect(many.projected).toBeCloseTo(n * one.projected, 6);
          expect(many.upper).toBeGreaterThanOrEqual(many.projected);
          expect(Number.isFinite(many.upper)).toBe(true);
        },
      ),
    );
  });
});

describe('decide', () => {
  const projection = (projected: number, upper = projected) => ({
    recordCount: 100,
    perRecord: projected / 100,
    projected,
    upper,
    confidence: 0.9,
    t: null,
    lowConfidence: null,
  });

  it('fails when projected > limit', () => {
    expect(decide(projection(101), balance(100), policy).decision).toBe('fail');
  });
  it('warns when the upper bound is over the limit', () => {
    expect(decide(projection(50, 120), balance(100), policy).decision).toBe('warn');
  });
  it('warns above the warn threshold of the limit', () => {
    expect(decide(projection(81), balance(100), policy).decision).toBe('warn');
  });
  it('passes otherwise', () => {
    const d = decide(projection(80), balance(100), policy);
    expect(d).toMatchObject({ decision: 'pass', limit: 100, headroom: 20, limitSource: 'balance' });
  });
  it('takes the smaller of budget and remaining − reserve', () => {
    expect(
      decide(projection(10), balance(1000), { ...policy, budget: 500, reserve: 600 }),
    ).toMatchObject({ limit: 400, limitSource: 'balance' });
    expect(
      decide(projection(10), balance(1000), { ...policy, budget: 300, reserve: 600 }),
    ).toMatchObject({ limit: 300, limitSource: 'budget' });
  });
  it('handles a negative balance and a reserve above it', () => {
    const d = decide(projection(1), balance(-50), { ...policy, reserve: 10 });
    expect(d.decision).toBe('fail');
    expect(d.limit).toBe(-60);
    expect(d.reasons.join(' ')).toContain('no credits left');
  });
  it('says an allowed overage is billed rather than the batch stopping', () => {
    const d = decide(projection(150), balance(100, true), policy);
    expect(d.overage).toBe(50);
    expect(d.reasons.join(' ')).toContain('overage of about 50');
  });
  it('passes a zero-cost workflow', () => {
    expect(decide(projection(0), balance(0), policy).decision).toBe('pass');
  });

  const order = { pass: 0, warn: 1, fail: 2 } as const;
  it('is monotone: more budget never makes it worse, more records never make it better', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (mean, spread, n1, n2, b1, b2) => {
          const p = (n: number) => ({
            recordCount: n,
            perRecord: mean,
            projected: n * mean,
            upper: n * (mean + spread),
            confidence: 0.9,
            t: 1,
            lowConfidence: null,
          });
          const bal = balance(1e9);
          const [lo, hi] = b1 <= b2 ? [b1, b2] : [b2, b1];
          expect(
            order[decide(p(100), bal, { ...policy, budget: hi }).decision],
          ).toBeLessThanOrEqual(order[decide(p(100), bal, { ...policy, budget: lo }).decision]);
          const [few, many] = n1 <= n2 ? [n1, n2] : [n2, n1];
          expect(
            order[decide(p(few), bal, { ...policy, budget: lo }).decision],
          ).toBeLessThanOrEqual(order[decide(p(many), bal, { ...policy, budget: lo }).decision]);
        },
      ),
    );
  });
});


describe('adviseCargoLevers', () => {
  it('names only the levers the data supports, with the numbers', () => {
    const ai = [
      { key: 'start', kind: 'native', credits: 0, executions: 1 },
      { key: 'score', kind: 'connector', action: 'openai.chat', credits: 3, executions: 1 },
    ];
    const levers = adviseCargoLevers(
      estimateFromObservations('history', [obs(3, 2, 'success', ai), obs(3, 2, 'error', ai)]),
    );
    expect(levers.map((l) => l.lever)).toEqual(['cheaper-model', 'stop-on-failure']);
    expect(levers[0]!.detail).toMatch(
      /“(score|openai\.chat)” is 100% of the cost per record \(3\.01 credits\)/,
    );
  });

  it('flags the execution charge when it dominates', () => {
    const steps = [
      { key: 'route', kind: 'native', credits: 0, executions: 30 },
      { key: 'crm', kind: 'connector', action: 'hubspot.search', credits: 0.05, executions: 1 },
    ];
    const levers = adviseCargoLevers(
      estimateFromObservations('history', [obs(0.05, 31, 'success', steps)]),
    );
    expect(levers.map((l) => l.lever)).toEqual(['fewer-nodes']);
    expect(levers[0]!.detail).toContain('“route” alone runs 30× per record');
  });

  it('suggests filtering before a pay-on-hit provider that rarely bills', () => {
    const hit = [
      {
        key: 'find_mobile',
        kind: 'connector',
        action: 'kaspr.findPhone',
        credits: 10,
        executions: 1,
      },
    ];
    const miss = [
      {
        key: 'find_mobile',
        kind: 'connector',
        action: 'kaspr.findPhone',
        credits: 0,
        executions: 1,
      },
    ];
    const levers = adviseCargoLevers(
      estimateFromObservations('sample', [
        obs(10, 1, 'success', hit),
        obs(0, 1, 'success', miss),
        obs(0, 1, 'success', miss),
      ]),
    );
    expect(levers.map((l) => l.lever)).toContain('filter-early');
  });

  it('says nothing for a free workflow', () => {
    expect(adviseCargoLevers(estimateFromObservations('history', [obs(0, 0)]))).toEqual([]);
  });
});

describe('buildReceipt', () => {
  const estimate = estimateFromObservations('history', [
    obs(1, 2, 'success', [{ key: 'enrich', kind: 'connector', credits: 1, executions: 2 }]),
    obs(1, 2, 'success', [{ key: 'enrich', kind: 'connector', credits: 1, executions: 2 }]),
  ]);
  const projection = project(estimate, 100, 0.9);
  const outcome = {
    batchUuid: 'b',
    status: 'success',
    stopped: null,
    detached: false,
    runsCount: 100,
    executedRuns: 10,
    failedRuns: 1,
    actual: 10.2,
    hardCap: 500,
    byNode: [{ key: 'enrich', credits: 10, executions: 20, cost: 10.2 }],
    durationMs: 1000,
  };

  it('compares actual with the estimate for the records that ran', () => {
    const r = buildReceipt(outcome, estimate, projection);
    expect(r.estimated).toBeCloseTo(10.2, 10);
    expect(r.actualPerRecord).toBeCloseTo(1.02, 10);
    expect(r.errorShare).toBe(0.1);
    expect(r.diverged).toBe(false);
  });

  it('explains a divergence by the nodes that cost more', () => {
    const r = buildReceipt(
      { ...outcome, actual: 50.2, byNode: [{ key: 'enrich', credits: 50, executions: 20, cost: 50.2 }] },
      estimate,
      projection,
    );
    expect(r.diverged).toBe(true);
    expect(r.explanations[0]).toContain(
      'Node enrich cost 5.02 credits per record against 1.02 estimated',
    );
  });
});
