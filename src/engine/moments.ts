import { sum, sumOf } from './estimate.js';

/** Costs as the engine holds them: a list, or a typed array (a ledger's 250k requests). */
export type Costs = ArrayLike<number> & Iterable<number>;

/** Sample statistics of a list of costs. */
export interface Moments {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); exactly 0 when every value is the same. */
  sd: number;
  /** Adjusted sample skewness G1 (0 below three values or without spread). */
  skewness: number;
}

/** Mean, standard deviation and skewness of `values` (n ≥ 1). */
export function momentsOf(values: Costs): Moments {
  const n = values.length;
  const mean = sum(values) / n;
  // Compared exactly rather than through the computed sd, so a constant cost gives sd = 0 and
  // a bound equal to the projection, not one off by a rounding error.
  if (n < 2 || allEqual(values)) return { n, mean, sd: 0, skewness: 0 };
  // Summed as they are read, not mapped first: no second list as long as the records.
  const m2 = sumOf(values, (v) => (v - mean) ** 2) / n;
  const m3 = sumOf(values, (v) => (v - mean) ** 3) / n;
  const sd = Math.sqrt((m2 * n) / (n - 1));
  const g1 = m2 > 0 ? m3 / m2 ** 1.5 : 0;
  const skewness = n < 3 ? 0 : (g1 * Math.sqrt(n * (n - 1))) / (n - 2);
  return { n, mean, sd, skewness };
}

function allEqual(values: Costs): boolean {
  for (let i = 1; i < values.length; i += 1) if (values[i] !== values[0]) return false;
  return true;
}
