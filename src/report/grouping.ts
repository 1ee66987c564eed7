// Thousands separators and fixed decimals for people, through one `Intl.NumberFormat` per
// option pair, made on first use. `toLocaleString` with options builds a new ICU formatter on
// every call (~70 µs on Node 24; a report formats thousands of numbers); a kept formatter formats
// in ~1 µs, with the very same output (`Number.prototype.toLocaleString` is specified as
// `new Intl.NumberFormat(locales, options).format(x)`; test/report/grouping.test.ts pins it).

const formats = new Map<string, Intl.NumberFormat>();

/** `value` as `toLocaleString('en-US', { minimumFractionDigits, maximumFractionDigits })` gives it. */
export function groupedNumber(
  value: number,
  minimumFractionDigits: number,
  maximumFractionDigits: number,
): string {
  const key = `${minimumFractionDigits}/${maximumFractionDigits}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits, maximumFractionDigits });
    formats.set(key, format);
  }
  return format.format(value);
}
