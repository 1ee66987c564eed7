import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDrift, DRIFT_ALPHA, welchPValue } from '../../src/engine/drift.js';

describe('welchPValue', () => {
  it('matches scipy.stats.ttest_ind(equal_var=False)', () => {
    expect(welchPValue([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8])).toBeCloseTo(0.039803082, 6);
    expect(
      welchPValue([2.1, 2.4, 1.9, 2.2, 2.6, 2.3], [1.8, 1.7, 1.9, 2.0, 1.6, 1.85, 1.75]),
    ).toBeCloseTo(0.004247582, 6);
  });

  it('reads two constant sides exactly: equal is no change, different is a certain one', () => {
    expect(welchPValue([1.2, 1.2, 1.2], [1.2, 1.2])).toBe(1);
    expect(welchPValue([1.5, 1.5, 1.5], [1.2, 1.2, 1.2])).toBe(0);
  });

  it('sees no change in costs that differ by float rounding only', () => {
    // 0.1 + 0.2 + 0.08 and 0.08 + 0.2 + 0.1: the same credits summed in another order.
    const a = [0.1 + 0.2 + 0.08, 0.1 + 0.2 + 0.08, 0.08 + 0.2 + 0.1];
    const b = [0.08 + 0.2 + 0.1, 0.08 + 0.2 + 0.1, 0.08 + 0.2 + 0.1];
    expect(a[0]).not.toBe(b[0]);
    expect(welchPValue(a, b)).toBe(1);
  });

  it('is a probability, symmetric in its sides', () => {
    const side = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 2 });
    fc.assert(
      fc.property(side, side, (a, b) => {
        const p = welchPValue(a, b);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(welchPValue(b, a)).toBeCloseTo(p, 9);
      }),
    );
  });
});

const noisy = (n: number, mean: number, seed: number) =>
  Array.from({ length: n }, (_, i) => mean * (1 + 0.1 * Math.sin(i * 12.9898 + seed)));

describe('checkDrift', () => {
  it("splits on the newest run's release and flags a release that made runs 20% dearer", () => {
    const runs = [
      ...noisy(30, 2.4, 1).map((cost) => ({ cost, releaseUuid: 'rel-new' })),
      ...noisy(60, 2.0, 2).map((cost) => ({ cost, releaseUuid: 'rel-old' })),
    ];
    const check = checkDrift(runs)!;
    expect(check.split).toBe('release');
    expect([check.recentCount, check.olderCount]).toEqual([30, 60]);
    expect(check.recent.slice(0, 30).every(Boolean)).toBe(true);
    expect(check.recent.slice(30).some(Boolean)).toBe(false);
    expect(check.drifted).toBe(true);
    expect(check.pValue).toBeLessThan(DRIFT_ALPHA);
  });

  it('finds no drift when the releases cost the same', () => {
    const runs = [
      ...noisy(30, 2.0, 3).map((cost) => ({ cost, releaseUuid: 'rel-new' })),
      ...noisy(60, 2.0, 4).map((cost) => ({ cost, releaseUuid: 'rel-old' })),
    ];
    expect(checkDrift(runs)!.drifted).toBe(false);
  });

  it('compares the newest half with the older half when runs carry no release', () => {
    const runs = [...noisy(20, 3, 5), ...noisy(20, 2, 6)].map((cost) => ({
      cost,
      releaseUuid: null,
    }));
    const check = checkDrift(runs)!;
    expect(check.split).toBe('half');
    expect([check.recentCount, check.olderCount]).toEqual([20, 20]);
    expect(check.drifted).toBe(true);
  });

  it('makes no test with fewer than three runs on a side, or one release only', () => {
    expect(checkDrift([{ cost: 1 }, { cost: 2 }, { cost: 3 }, { cost: 9 }, { cost: 9 }])).toBe(
      undefined,
    );
    const one = noisy(40, 2, 7).map((cost) => ({ cost, releaseUuid: 'rel-only' }));
    expect(checkDrift(one)).toBeUndefined();
  });

  it('flags a stable workflow about 1% of the time (seeded normal costs)', () => {
    let state = 12345;
    const uniform = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    let flagged = 0;
    const trials = 2_000;
    for (let t = 0; t < trials; t += 1) {
      const runs = Array.from({ length: 40 }, () => ({ cost: 4 + 0.7 * normal() }));
      if (checkDrift(runs)!.drifted) flagged += 1;
    }
    expect(flagged / trials).toBeGreaterThan(0.002);
    expect(flagged / trials).toBeLessThan(0.025);
  });
});
