// A fast, seeded subset of `npm run bench:honesty`: the cost shapes the bound claims, at the
// sample sizes people use, with a few hundred simulated batches each.
import { describe, expect, it } from 'vitest';
import { checkTargets, runAll, TARGET_KEPT } from '../../bench/honesty.js';

const TRIALS = 300;
// 300 trials measure a share near 0.9 to ± 0.017 (one standard error); the test allows two, so a
// bound that keeps its promise does not fail by chance while one that does not still fails: the
// Student-t bound on the mean alone keeps 0.30–0.75 of lognormal σ = 1.5 and rare-expensive runs.
const ALLOWANCE = 2 * Math.sqrt((0.9 * 0.1) / TRIALS);

describe('honesty of the upper bound (simulated batches)', () => {
  // 2,000 records stand in for the benchmark's 20,000 (a tenth of the time to simulate): with
  // n ≤ 50 both are batches far larger than the sample, where the error in the mean dominates.
  const rows = runAll(TRIALS, 1616, {
    sizes: [10, 20, 50],
    batchSizes: [100, 2000],
    only: (s) => s.target,
  });

  it('keeps its promise where it is claimed: under the bound, or flagged low-confidence', () => {
    const short = rows
      .filter((r) => r.kept < TARGET_KEPT - ALLOWANCE)
      .map((r) => `${r.scenario} N=${r.N} n=${r.n}: ${r.kept.toFixed(3)}`);
    expect(short).toEqual([]);
    expect(rows).toHaveLength(7 * 2 * 3);
  });

  it('never lets a flagged run pass, and keeps identical costs exact', () => {
    const targets = checkTargets(rows);
    expect(targets.find((t) => t.name.startsWith('a flagged run'))!.ok).toBe(true);
    expect(targets.find((t) => t.name.startsWith('zero variance'))!.ok).toBe(true);
  });

  it('stays close to the plain Student-t bound on near-normal costs and narrow on log-normal ones', () => {
    for (const r of rows.filter((x) => x.scenario === 'near-normal')) {
      expect(Math.abs(r.medianVsStudentT - 1)).toBeLessThanOrEqual(0.02);
    }
    for (const r of rows.filter((x) => x.scenario === 'lognormal-1' && x.n === 50)) {
      expect(r.medianWidth).toBeLessThanOrEqual(1.35 + 0.03);
    }
  });
});
