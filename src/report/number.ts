/**
 * A number as a step output: a plain decimal with at most 4 decimal places (or `decimals`), no
 * separators and never `NaN`/`Infinity` (those become '' — "could not be computed").
 */
export function plainNumber(value: number | null | undefined, decimals = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  // Past 1e21 toFixed switches to exponent notation; such values have no decimals left anyway.
  if (Math.abs(value) >= 1e21) return BigInt(Math.round(value)).toString();
  const scale = 10 ** decimals;
  const rounded = Math.round(value * scale) / scale;
  if (Object.is(rounded, -0) || rounded === 0) return '0';
  // toFixed avoids exponent notation for large and small values alike.
  const fixed = rounded.toFixed(decimals);
  return decimals > 0 ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** A number for people: thousands separators, 2 decimals (credits are billed to the cent). */
export function displayNumber(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/** A share as a percentage with one decimal. */
export function displayPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  if (!Number.isFinite(share)) return '∞';
  return `${(Math.round(share * 1000) / 10).toLocaleString('en-US')}%`;
}

/** A unit as part of a machine name (a CSV header, a metric name): `credits`, `usd`. */
export function unitSlug(unit: string): string {
  return unit.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}
