// Numbers for people in en-US form (`1,234.57`), written out by hand rather than through ICU.
// The first `toLocaleString` of a process sets up ICU's number formatting: 17–27 ms of CPU on
// Node 24, and 3–4 ms more for every new option pair — on a history decision that is a tenth of
// the whole run, all of it after the answers arrive (README "Performance"). The output is
// `toLocaleString('en-US', { minimumFractionDigits, maximumFractionDigits })`'s to the character:
// test/shared/grouped-number.test.ts compares the two over random doubles, ties and extremes.
//
// How ICU gets there, and so how this does: the shortest decimal that reads back as the double
// (what `String(x)` prints; 1.005 is `1.005`, not 1.00499…), rounded half away from zero at
// `maximumFractionDigits`, trailing zeros dropped down to `minimumFractionDigits`, a comma every
// three integer digits, and the sign kept on a negative value that rounds to zero (`-0.00`).

/**
 * `value` as `value.toLocaleString('en-US', { minimumFractionDigits, maximumFractionDigits })`
 * gives it; the defaults are `toLocaleString('en-US')`'s (0 and 3).
 */
export function groupedNumber(
  value: number,
  minimumFractionDigits = 0,
  maximumFractionDigits = Math.max(3, minimumFractionDigits),
): string {
  if (Number.isNaN(value)) return 'NaN';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (!Number.isFinite(value)) return `${sign}∞`;
  const { digits, point } = rounded(shortestDecimal(Math.abs(value)), maximumFractionDigits);
  const whole = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0');
  const fraction = (point < 0 ? '0'.repeat(-point) + digits : digits.slice(Math.max(0, point)))
    .replace(/0+$/, '')
    .padEnd(minimumFractionDigits, '0');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction === '' ? '' : `.${fraction}`}`;
}

/** A decimal as significant digits and the count of them before the point (may be ≤ 0 or past the end). */
interface Decimal {
  /** No leading zeros; empty for zero. */
  digits: string;
  /** value = 0.digits × 10^point. */
  point: number;
}

/** The shortest decimal that reads back as `abs` (≥ 0, finite), from `String`. */
function shortestDecimal(abs: number): Decimal {
  const [mantissa = '', exponent] = String(abs).split('e');
  const dot = mantissa.indexOf('.');
  const all = mantissa.replace('.', '');
  let point = (dot === -1 ? mantissa.length : dot) + Number(exponent ?? 0);
  const leading = all.length - all.replace(/^0+/, '').length;
  point -= leading;
  return { digits: all.slice(leading), point };
}

/** `d` rounded half away from zero to `decimals` places after the point. */
function rounded(d: Decimal, decimals: number): Decimal {
  const keep = d.point + decimals;
  if (keep >= d.digits.length) return d;
  if (keep < 0) return { digits: '', point: 0 };
  const head = d.digits.slice(0, keep);
  if (d.digits.charCodeAt(keep) < 53 /* '5' */) return { digits: head, point: d.point };
  // Round up: add one at the last kept digit, carrying through nines.
  let i = head.length - 1;
  while (i >= 0 && head[i] === '9') i -= 1;
  if (i < 0) return { digits: `1${'0'.repeat(head.length)}`, point: d.point + 1 };
  const bumped = head.slice(0, i) + String(Number(head[i]) + 1) + '0'.repeat(head.length - i - 1);
  return { digits: bumped, point: d.point };
}

/** A whole count for people: `12,345`. */
export function groupedCount(value: number): string {
  return groupedNumber(value, 0, 0);
}
