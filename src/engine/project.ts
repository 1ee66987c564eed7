import jstat from 'jstat';
import type { Estimate } from './estimate.js';

/** Student-t quantile, from jstat (a small, widely used statistics package; bundle size matters here). */
export function tQuantile(p: number, dof: number): number {
  return jstat.jStat.studentt.inv(p, dof);
}

/** The batch's projected cost with its one-sided upper bound. */
export interface Projection {
  recordCount: number;
  perRecord: number;
  projected: number;
  upper: number;
  confidence: number;
  /** Student-t quantile used, null when no bound could be computed. */
  t: number | null;
  /** Why the upper bound equals the projection, when it does for lack of data. */
  lowConfidence: string | null;
}

/**
 * `projected = N × mean`; `upper = N × (mean + t(confidence, n−1) × sd / √n)`.
 * With fewer than two observations, or no spread known, the bound equals the projection and
 * `lowConfidence` says why.
 */
export function project(estimate: Estimate, recordCount: number, confidence: number): Projection {
  const projected = recordCount * estimate.mean;
  let lowConfidence: string | null = null;
  if (estimate.sd === null) {
    lowConfidence =
      estimate.source === 'metrics'
        ? 'usage metrics give totals only, so no upper bound can be computed; the bound equals the projection'
        : `only ${estimate.n} observed record — the estimate has low confidence and the bound equals the projection`;
  }
  if (estimate.sd === null || estimate.n < 2) {
    return {
      recordCount,
      perRecord: estimate.mean,
      projected,
      upper: projected,
      confidence,
      t: null,
      lowConfidence,
    };
  }
  const t = tQuantile(confidence, estimate.n - 1);
  const upper = recordCount * (estimate.mean + (t * estimate.sd) / Math.sqrt(estimate.n));
  return { recordCount, perRecord: estimate.mean, projected, upper, confidence, t, lowConfidence };
}
