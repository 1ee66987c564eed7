import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adviseCargoLevers } from '../../src/providers/cargo/advice.js';
import { logChoose, tQuantile } from '../../src/engine/distributions.js';
import { estimateFromObservations, estimateFromTotals, sum } from '../../src/engine/estimate.js';
import { decide } from '../../src/engine/gate.js';
import { hitCountUpper, hypergeometricCdf } from '../../src/engine/hits.js';
import { projectBatch } from '../../src/engine/index.js';
import { type Observation, observationCost } from '../../src/engine/observation.js';
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

const many = (costs: number[]) => costs.map((c) => obs(c, 0));
const projectOf = (
  observations: Observation[],
  recordCount: number,
  confidence = 0.9,
  sampleOfBatch = false,
) =>
  project({
    estimate: estimateFromObservations(sampleOfBatch ? 'sample' : 'history', observations),
    observations,
    recordCount,
    confidence,
    sampleOfBatch,
  });

describe('project', () => {
  // Symmetric costs: no skewness correction, and their logs are more skewed than they are, so the
  // bound is the plain Student-t bound on the batch total.
  const symmetric = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('bounds the batch total, the batch’s own variation included: N·m + t·s·√(N²/n + N)', () => {
    const p = projectOf(many(symmetric), 100);
    const sd = Math.sqrt(55 / 6);
    expect(p.projected).toBeCloseTo(550, 10);
    expect(p.t).toBeCloseTo(1.383029, 5); // t(0.9, 9)
    expect(p.upper).toBeCloseTo(550 + 1.383029 * sd * Math.sqrt(100 ** 2 / 10 + 100), 3);
    expect(p.lowConfidence).toBeNull();
    expect(p.method).toContain('Student-t');
    expect(p.method).toContain('90% bound on the total of 100 records from 10 observed');
  });

  it('applies the finite-population correction when the sample is part of the batch', () => {
    const p = projectOf(many(symmetric), 40, 0.9, true);
    const sd = Math.sqrt(55 / 6);
    // Only the 30 unobserved records are uncertain: N·m + t·s·N·√((1 − n/N)/n).
    expect(p.upper).toBeCloseTo(220 + 1.383029 * sd * 40 * Math.sqrt(0.75 / 10), 3);
    expect(p.method).toContain('finite-population correction');
    // The whole batch observed: nothing is uncertain.
    expect(projectOf(many(symmetric), 10, 0.9, true).upper).toBe(55);
  });

  it('widens the bound for right-skewed costs, on the log scale when they look log-normal', () => {
    const skewed = [0.31, 0.52, 0.64, 0.83, 1.02, 1.27, 1.6, 2.2, 3.1, 4.9, 7.8, 13.5];
    const p = projectOf(many(skewed), 20_000);
    const plain = projectOf(many(symmetric), 20_000); // for the method's words only
    expect(p.method).toContain('log-normal');
    expect(plain.method).not.toContain('log-normal');
    const n = skewed.length;
    const mean = sum(skewed) / n;
    const sd = Math.sqrt(sum(skewed.map((c) => (c - mean) ** 2)) / (n - 1));
    const studentT = 20_000 * (mean + (tQuantile(0.9, n - 1) * sd) / Math.sqrt(n));
    expect(p.upper).toBeGreaterThan(studentT * 1.05);
    expect(p.lowConfidence).toContain('skewed');
  });

  it('bounds a node that bills on some records by an exact bound on its hits', () => {
    const enrich = (credits: number) => [
      { key: 'enrich', kind: 'connector', credits, executions: 1 },
    ];
    const list = [
      ...Array.from({ length: 3 }, () => obs(5, 1, 'success', enrich(5))),
      ...Array.from({ length: 17 }, () => obs(0, 1, 'success', enrich(0))),
    ];
    const p = projectOf(list, 1000);
    // Residual cost is the 0.01 execution charge on every record: no spread. The bound is the
    // charge plus 5 credits × the most hits in 1,000 records that 3 of 20 do not rule out.
    const hits = hitCountUpper(3, 20, 1000, 0.9);
    expect(p.upper).toBeCloseTo(1000 * 0.01 + 5 * hits, 6);
    expect(hits).toBeGreaterThan(300); // 15% observed; 3 of 20 cannot rule out 30%
    expect(hits).toBeLessThan(400);
    expect(p.method).toContain('exact binomial bound on the hits of the node that bills');
  });

  it('equals the projection with one observation, and says so', () => {
    const p = projectOf([obs(5, 0)], 10, 0.95);
    expect(p.upper).toBe(p.projected);
    expect(p.t).toBeNull();
    expect(p.lowConfidence).toContain('only 1 observed record');
    expect(p.method).toMatch(/^none/);
  });

  it('flags identical costs below 100 records: a rare cost could hide', () => {
    const p = projectOf(many(Array.from({ length: 50 }, () => 1.23)), 1000);
    expect(p.upper).toBe(p.projected);
    expect(p.lowConfidence).toContain('fewer than 1 record in 22');
    const sure = projectOf(many(Array.from({ length: 100 }, () => 1.23)), 1000);
    expect(sure.upper).toBe(sure.projected);
    expect(sure.lowConfidence).toBeNull();
  });

  it('flags fewer than 10 observations with what would fix it', () => {
    const p = projectOf(many([1, 2, 3, 4, 5]), 100);
    expect(p.upper).toBeGreaterThan(p.projected);
    expect(p.lowConfidence).toMatch(/only 5 observed records.*sample-size/);
  });

  it('gives no bound from usage metrics, and says so', () => {
    const estimate = estimateFromTotals({
      runs: 4,
      providerCredits: 10,
      executions: 40,
      executionCharge: 0.01,
      byAction: [],
    });
    const p = project({
      estimate,
      observations: [],
      recordCount: 10,
      confidence: 0.9,
      sampleOfBatch: false,
    });
    expect(p.projected).toBeCloseTo(26, 10);
    expect(p.upper).toBe(p.projected);
    expect(p.lowConfidence).toContain('usage metrics give totals only');
  });

  it('is the same computation as the public projectBatch', () => {
    const list = many([0.4, 1.1, 0.7, 3.9, 0.2, 2.5, 0.9, 1.6, 0.3, 5.2, 1.4]);
    const p = projectOf(list, 5000);
    const q = projectBatch({
      observations: list.map((o) => ({ cost: observationCost(o) })),
      recordCount: 5000,
      confidence: 0.9,
      sampleOfBatch: false,
    });
    expect(q).toEqual({
      projected: p.projected,
      upper: p.upper,
      lowConfidence: p.lowConfidence,
      method: p.method,
    });
  });

  it('rejects input it cannot bound', () => {
    const base = {
      observations: [{ cost: 1 }],
      recordCount: 10,
      confidence: 0.9,
      sampleOfBatch: false,
    };
    expect(() => projectBatch({ ...base, confidence: 1 })).toThrow(RangeError);
    expect(() => projectBatch({ ...base, recordCount: 1.5 })).toThrow(RangeError);
    expect(() => projectBatch({ ...base, observations: [{ cost: Number.NaN }] })).toThrow(
      RangeError,
    );
  });

  const costs = fc.array(
    fc.record({
      credits: fc.double({ min: 0, max: 1000, noNaN: true }),
      executions: fc.integer({ min: 0, max: 500 }),
      hit: fc.boolean(),
    }),
    { minLength: 1, maxLength: 60 },
  );
  const withNodes = (list: { credits: number; executions: number; hit: boolean }[]) =>
    list.map((o) =>
      obs(o.hit ? o.credits + 7 : o.credits, o.executions, 'success', [
        { key: 'model', kind: 'agent', credits: o.credits, executions: 1 },
        { key: 'enrich', kind: 'connector', credits: o.hit ? 7 : 0, executions: 1 },
      ]),
    );

  it('scales the projection linearly; the bound is finite and never below it', () => {
    fc.assert(
      fc.property(
        costs,
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.boolean(),
        (list, n, confidence, sampleOfBatch) => {
          const observations = withNodes(list);
          const one = projectOf(observations, 1, confidence);
          const p = projectOf(observations, n, confidence, sampleOfBatch);
          expect(p.projected).toBeCloseTo(n * one.projected, 6);
          expect(p.upper).toBeGreaterThanOrEqual(p.projected);
          expect(Number.isFinite(p.upper)).toBe(true);
        },
      ),
    );
  });

  it('is monotone in confidence', () => {
    fc.assert(
      fc.property(
        costs,
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.boolean(),
        (list, n, c1, c2, sampleOfBatch) => {
          const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1];
          const observations = withNodes(list);
          const a = projectOf(observations, n, lo, sampleOfBatch).upper;
          const b = projectOf(observations, n, hi, sampleOfBatch).upper;
          expect(b).toBeGreaterThanOrEqual(a * (1 - 1e-9));
        },
      ),
    );
  });

  it('equals the projection exactly when every record costs the same', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.boolean(),
        (cost, n, records, confidence, sampleOfBatch) => {
          const observations = many(Array.from({ length: n }, () => cost));
          const p = projectOf(observations, records, confidence, sampleOfBatch);
          expect(p.upper).toBe(p.projected);
        },
      ),
    );
  });
});

describe('hitCountUpper', () => {
  it('is the exact conditional bound, checked by hand on a small case', () => {
    // 0 hits in 2 observed, 2 to come: P(0 of 2 | y hits among all 4) = C(4−y, 2)/C(4, 2) =
    // 1, 1/2, 1/6, 0 for y = 0…3, so y = 2 is the last that 10% does not rule out, and 1 at 20%.
    expect(hitCountUpper(0, 2, 2, 0.9)).toBe(2);
    expect(hitCountUpper(0, 2, 2, 0.8)).toBe(1);
    expect(hitCountUpper(2, 2, 5, 0.9)).toBe(5);
  });

  it('agrees with a direct sum of the hypergeometric terms', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 400 }),
        (population, k, d, x) => {
          const successes = k % (population + 1);
          const draws = d % (population + 1);
          let direct = 0;
          for (let i = 0; i <= Math.min(x, draws, successes); i += 1) {
            if (draws - i > population - successes) continue;
            direct += Math.exp(
              logChoose(successes, i) +
                logChoose(population - successes, draws - i) -
                logChoose(population, draws),
            );
          }
          expect(hypergeometricCdf(x, population, successes, draws)).toBeCloseTo(
            Math.min(1, direct),
            9,
          );
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
    lowConfidence: null as string | null,
    method: 'test',
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
  it('never passes silently on a low-confidence bound: at least warn, with the reason', () => {
    const shaky = { ...projection(10), lowConfidence: 'only 3 observed records' };
    const d = decide(shaky, balance(100), policy);
    expect(d.decision).toBe('warn');
    expect(d.reasons[0]).toContain('low confidence, so the gate warns rather than pass');
    expect(d.reasons).toContain('Low confidence: only 3 observed records.');
    // It does not soften a failure.
    expect(decide({ ...shaky, projected: 101 }, balance(100), policy).decision).toBe('fail');
    expect(decide(projection(10), balance(100), policy).reasons.join(' ')).not.toContain(
      'Low confidence',
    );
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
            method: 'test',
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
  const observed = [
    obs(1, 2, 'success', [{ key: 'enrich', kind: 'connector', credits: 1, executions: 2 }]),
    obs(1, 2, 'success', [{ key: 'enrich', kind: 'connector', credits: 1, executions: 2 }]),
  ];
  const estimate = estimateFromObservations('history', observed);
  const projection = projectOf(observed, 100);
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
    expect(r.boundHeld).toBe(true);
  });

  it('says whether the bound held for the records that ran, at the bound and just past it', () => {
    const upper = (projection.upper / projection.recordCount) * outcome.executedRuns;
    const at = buildReceipt({ ...outcome, actual: upper }, estimate, projection);
    expect(at.estimatedUpper).toBeCloseTo(upper, 10);
    expect(at.boundHeld).toBe(true);
    // sd = 0 here, so the bound is the mean and the receipt's 2% tolerance applies.
    const past = buildReceipt({ ...outcome, actual: upper * 1.021 }, estimate, projection);
    expect(past.boundHeld).toBe(false);
    expect(past.diverged).toBe(true);
  });

  it('leaves the bound unchecked when no record ran or the batch was left running', () => {
    const none = buildReceipt({ ...outcome, executedRuns: 0, actual: 0 }, estimate, projection);
    expect(none.boundHeld).toBeNull();
    const left = buildReceipt({ ...outcome, detached: true }, estimate, projection);
    expect(left.boundHeld).toBeNull();
  });

  it('explains a divergence by the nodes that cost more', () => {
    const r = buildReceipt(
      {
        ...outcome,
        actual: 50.2,
        byNode: [{ key: 'enrich', credits: 50, executions: 20, cost: 50.2 }],
      },
      estimate,
      projection,
    );
    expect(r.diverged).toBe(true);
    expect(r.explanations[0]).toContain(
      'Node enrich cost 5.02 credits per record against 1.02 estimated',
    );
  });
});
