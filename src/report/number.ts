import { groupedNumber } from '../shared/grouped-number.js';

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
  return groupedNumber(value, decimals, decimals);
}

/** A share as a percentage with one decimal. */
export function displayPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  if (!Number.isFinite(share)) return '∞';
  return `${groupedNumber(Math.round(share * 1000) / 10)}%`;
}

/** A unit as part of a machine name (a CSV header, a metric name): `credits`, `usd`. */
export function unitSlug(unit: string): string {
  return unit.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/** Decimals that show `value` with at least `significant` significant digits, and at least `min`. */
export function significantDecimals(value: number, significant = 3, min = 2): number {
  const size = Math.abs(value);
  if (!(size > 0) || !Number.isFinite(size)) return min;
  const leading = Math.floor(Math.log10(size));
  return Math.min(20, Math.max(min, significant - 1 - leading));
}

/**
 * An amount of credits or money for people: 2 decimals (billed to the cent), and at least 3
 * significant digits below 1, so a small USD cost never rounds to `0.00` (`0.00188`).
 */
export function displayAmount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return displayNumber(value);
  return displayNumber(value, significantDecimals(value));
}

/**
 * Decimals for a cost per record that make `records × per record` round to the shown total, so
 * the reader who redoes the table's arithmetic gets the same figure to the last digit.
 */
export function consistentDecimals(perRecord: number, records: number, min = 2): number {
  const shownTotal = displayAmount(perRecord * records);
  let decimals = significantDecimals(perRecord, 3, min);
  while (decimals < 20) {
    const shown = Number(perRecord.toFixed(decimals));
    if (displayAmount(shown * records) === shownTotal) break;
    decimals += 1;
  }
  return decimals;
}

/** A share of the limit for people: `42.3% of the limit`, or `> 10× the limit` past 999%. */
export function displayShareOfLimit(share: number): string {
  if (Number.isNaN(share)) return '—';
  if (share >= 10) return '> 10× the limit';
  // Between 999% and 10×, where a percentage would print as 1,000%: still an order of magnitude.
  return share > 9.99 ? 'about 10× the limit' : `${displayPercent(share)} of the limit`;
}
