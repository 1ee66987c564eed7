import { logChoose } from './distributions.js';

/**
 * Most hits among `future` records that `hits` hits in `observed` records do not rule out at
 * `confidence`: the exact conditional prediction bound for a binomial count (Thatcher, 1964).
 */
export function hitCountUpper(
  hits: number,
  observed: number,
  future: number,
  confidence: number,
): number {
  // Given the total K = hits + y over observed and future records, the observed count is
  // hypergeometric whatever the hit rate is, so no rate has to be estimated: y is ruled out when
  // `hits` or fewer would then have had a chance below 1 − confidence. The same holds when the
  // observed records were drawn at random from the batch and `future` are the rest of it.
  const alpha = 1 - confidence;
  const plausible = (y: number) =>
    hypergeometricCdf(hits, observed + future, hits + y, observed) >= alpha;
  if (plausible(future)) return future;
  let lo = 0; // y = 0 is always plausible: the CDF at the largest possible count is 1.
  let hi = future;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (plausible(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** P(X ≤ x) for X ~ Hypergeometric(population, successes, draws). */
export function hypergeometricCdf(
  x: number,
  population: number,
  successes: number,
  draws: number,
): number {
  const lo = Math.max(0, draws - (population - successes));
  const hi = Math.min(draws, successes);
  if (x < lo) return 0;
  if (x >= hi) return 1;
  const failures = population - successes;
  const logPmf = (k: number) =>
    logChoose(successes, k) + logChoose(failures, draws - k) - logChoose(population, draws);
  const mode = Math.floor(((draws + 1) * (successes + 1)) / (population + 2));
  // Sum the side away from the mode, where terms only shrink: no overflow, and the loop stops as
  // soon as the rest cannot change the answer (thousands of observations stay cheap).
  if (x < mode) {
    let p = Math.exp(logPmf(x));
    let total = p;
    for (let k = x; k > lo && p > total * 1e-17; k -= 1) {
      p *= (k * (failures - draws + k)) / ((successes - k + 1) * (draws - k + 1));
      total += p;
    }
    return Math.min(1, total);
  }
  let p = Math.exp(logPmf(x + 1));
  let tail = p;
  for (let k = x + 1; k < hi && p > tail * 1e-17; k += 1) {
    p *= ((successes - k) * (draws - k)) / ((k + 1) * (failures - draws + k + 1));
    tail += p;
  }
  return Math.max(0, 1 - tail);
}
