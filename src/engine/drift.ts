// Has the workflow's cost per record changed recently? History is only a guide to the batch when
// its runs cost what the workflow costs now: a release that made it 20% dearer would leave a bound
// built from older runs covering the batch one time in eight instead of nine in ten.
import { tCdf } from './distributions.js';
import { momentsOf } from './moments.js';

/** Significance of the drift test: two-sided, 1%, so a stable workflow is flagged 1 run in 100. */
export const DRIFT_ALPHA = 0.01;
/** Fewest runs each side must have for the test to be made. */
export const DRIFT_MIN_RUNS = 3;

/** One finished run as the drift check sees it: its cost and the release it ran on. */
export interface DriftRun {
  cost: number;
  releaseUuid?: string | null | undefined;
}

/** The outcome of the drift check over runs listed newest first. */
export interface DriftCheck {
  /** `release`: the newest run's release against the others; `half`: newest half against the rest. */
  split: 'release' | 'half';
  /** Per run, in the order given: true for the recent side. */
  recent: boolean[];
  recentCount: number;
  olderCount: number;
  recentMean: number;
  olderMean: number;
  /** Two-sided p-value of Welch's t-test between the two sides. */
  pValue: number;
  /** True when p < DRIFT_ALPHA: the estimate should use the recent runs only. */
  drifted: boolean;
}

/**
 * Compares the recent runs with the older ones (runs newest first): the runs of the newest run's
 * release against the rest when runs carry a release, else the newest half against the older half,
 * by Welch's t-test at 1%. Undefined when either side has fewer than DRIFT_MIN_RUNS runs.
 */
export function checkDrift(runs: readonly DriftRun[]): DriftCheck | undefined {
  const release = runs[0]?.releaseUuid ?? undefined;
  const split = release === undefined ? 'half' : 'release';
  const half = Math.ceil(runs.length / 2);
  const recent = runs.map((r, i) => (release === undefined ? i < half : r.releaseUuid === release));
  const a = runs.filter((_, i) => recent[i]).map((r) => r.cost);
  const b = runs.filter((_, i) => !recent[i]).map((r) => r.cost);
  if (a.length < DRIFT_MIN_RUNS || b.length < DRIFT_MIN_RUNS) return undefined;
  const pValue = welchPValue(a, b);
  return {
    split,
    recent,
    recentCount: a.length,
    olderCount: b.length,
    recentMean: momentsOf(a).mean,
    olderMean: momentsOf(b).mean,
    pValue,
    drifted: pValue < DRIFT_ALPHA,
  };
}

/** Two-sided p-value of Welch's unequal-variance t-test of equal means. */
export function welchPValue(a: readonly number[], b: readonly number[]): number {
  const x = momentsOf(a);
  const y = momentsOf(b);
  const va = x.sd ** 2 / x.n;
  const vb = y.sd ** 2 / y.n;
  const se = Math.sqrt(va + vb);
  // Means that differ by rounding only (sums of the same credits in another order) are equal: with
  // costs constant but for float noise, the t statistic would otherwise be huge.
  if (Math.abs(x.mean - y.mean) <= 1e-9 * Math.max(Math.abs(x.mean), Math.abs(y.mean))) return 1;
  // Two constant sides with different costs: a certain change.
  if (se === 0) return 0;
  const t = Math.abs(x.mean - y.mean) / se;
  // Welch–Satterthwaite degrees of freedom, written in shares of the variance so tiny costs cannot
  // underflow; a constant side contributes no term.
  const ra = va / (va + vb);
  const rb = vb / (va + vb);
  const terms = (ra > 0 ? ra ** 2 / (x.n - 1) : 0) + (rb > 0 ? rb ** 2 / (y.n - 1) : 0);
  const p = 2 * (1 - tCdf(t, 1 / terms));
  return Math.max(0, Math.min(1, p));
}
