// When the observations cannot support a bound, and what would fix it. The thresholds come from
// `npm run bench:honesty` (README, "How the upper bound works"): below them the simulated
// coverage of some cost shapes falls short of the confidence asked for.

/** Fewest observed records the bound is trusted on: below 10, skewed and hit-billed costs miss. */
export const MIN_OBSERVATIONS = 10;

/**
 * Identical costs are trusted from 100 records on: only then would a cost on 3% of the records
 * (the benchmark's rare expensive node) have shown up with 95% probability.
 */
export const MIN_IDENTICAL = 100;

/**
 * Right-skewed costs need 20 records: at 10, a sample that missed the expensive tail looks like a
 * tamer workflow, and the bound fails silently (log-normal σ = 1.5: 28–36% coverage of such runs).
 */
export const MIN_SKEWED = 20;

const MORE = 'a larger sample-size, or more finished runs in the history window';

/** What the gate knows about the observations when it judges whether a bound can be trusted. */
export interface Evidence {
  n: number;
  /** Every observed record cost exactly the same. */
  identical: boolean;
  /** The continuous part of the cost is visibly right-skewed, with its coefficient of variation. */
  skew: { skewed: boolean; cv: number };
  confidence: number;
}

/** Why the bound cannot be trusted and what would fix it, or null when it can. */
export function lowConfidenceOf(e: Evidence): string | null {
  if (e.n === 0) {
    return `no record was observed, so nothing supports a bound; history or a sample (sample-size of ${MIN_OBSERVATIONS} or more) would`;
  }
  if (e.n < MIN_OBSERVATIONS) {
    const records = e.n === 1 ? 'record' : 'records';
    return `only ${e.n} observed ${records}: the bound needs at least ${MIN_OBSERVATIONS} to be trusted; ${MORE}, would fix it`;
  }
  if (e.identical && e.n < MIN_IDENTICAL) {
    // With n identical records, a cost on a share p of records is ruled out only when (1 − p)ⁿ is
    // below 1 − confidence.
    const unseen = 1 - (1 - e.confidence) ** (1 / e.n);
    return `all ${e.n} observed records cost the same, so the bound equals the projection, but a cost on fewer than 1 record in ${Math.floor(1 / unseen)} may not have shown up yet; ${MIN_IDENTICAL} or more records (${MORE}) would rule it out`;
  }
  if (e.skew.skewed && e.n < MIN_SKEWED) {
    const spread = Number.isFinite(e.skew.cv)
      ? ` (their spread is ${e.skew.cv.toFixed(1)}× their mean)`
      : '';
    return `the costs are skewed${spread} and ${e.n} records may have missed the expensive ones; ${MIN_SKEWED} or more (${MORE}) would show them`;
  }
  return null;
}
