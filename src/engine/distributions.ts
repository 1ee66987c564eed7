import jstat from 'jstat';

// The distribution functions the bound needs, from jstat (a small, widely used statistics package
// that bundles well). `src/types/jstat.d.ts` declares only the Student-t quantile, so this is the
// typed view of the rest, in one place.
interface JStatView {
  studentt: { inv(p: number, dof: number): number; cdf(t: number, dof: number): number };
  normal: {
    cdf(x: number, mean: number, sd: number): number;
    inv(p: number, mean: number, sd: number): number;
  };
  chisquare: { inv(p: number, dof: number): number };
  gammaln(x: number): number;
}

const stats = jstat.jStat as unknown as JStatView;

/** Student-t quantile. */
export function tQuantile(p: number, dof: number): number {
  return stats.studentt.inv(p, dof);
}

/** Student-t CDF. */
export function tCdf(t: number, dof: number): number {
  return stats.studentt.cdf(t, dof);
}

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return stats.normal.cdf(x, 0, 1);
}

/** Standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Standard normal quantile. */
export function normalQuantile(p: number): number {
  return stats.normal.inv(p, 0, 1);
}

/** Chi-square quantile. */
export function chiSquareQuantile(p: number, dof: number): number {
  return stats.chisquare.inv(p, dof);
}

/** ln Γ(x). */
export function logGamma(x: number): number {
  return stats.gammaln(x);
}

/** ln of the binomial coefficient C(n, k). */
export function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}
