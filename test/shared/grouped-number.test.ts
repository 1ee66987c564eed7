import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupedCount, groupedNumber } from '../../src/shared/grouped-number.js';

const intl = (value: number, min: number, max: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: min, maximumFractionDigits: max });

/** Decimals with few digits, where a tie (…5) at the rounding place is common. */
const shortDecimal = fc
  .tuple(fc.integer({ min: -99_999_999, max: 99_999_999 }), fc.integer({ min: 0, max: 9 }))
  .map(([m, e]) => m / 10 ** e);

describe('groupedNumber: what toLocaleString("en-US") gives, without ICU', () => {
  it('matches for any double and any fraction digits', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer(),
          fc.float(),
          shortDecimal,
          fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
          fc.double({ min: 1e15, max: 1e25, noNaN: true }),
        ),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (value, a, b) => {
          const [min, max] = [Math.min(a, b), Math.max(a, b)];
          expect(groupedNumber(value, min, max)).toBe(intl(value, min, max));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('matches on ties, carries, signed zeros, extremes and the defaults', () => {
    const values = [
      0,
      -0,
      1.005,
      2.675,
      1.45,
      -1.45,
      0.5,
      1.5,
      2.5,
      -2.5,
      9.995,
      99.995,
      999.9999,
      999_999.5,
      -0.004,
      -0.005,
      0.0005,
      1e-7,
      1.5e-7,
      123456789.123456,
      1e21,
      1.7976931348623157e308,
      5e-324,
      Number.MAX_SAFE_INTEGER,
      0.1 + 0.2,
      1234.5678,
    ];
    for (const value of values) {
      for (const [min, max] of [
        [0, 0],
        [0, 2],
        [2, 2],
        [0, 3],
        [0, 4],
        [2, 4],
        [3, 20],
        [20, 20],
      ]) {
        expect(groupedNumber(value, min, max), `${value} ${min}/${max}`).toBe(
          intl(value, min!, max!),
        );
      }
      expect(groupedNumber(value)).toBe(value.toLocaleString('en-US'));
      expect(groupedCount(value)).toBe(value.toLocaleString('en-US', { maximumFractionDigits: 0 }));
    }
    for (const value of [Number.NaN, Infinity, -Infinity]) {
      expect(groupedNumber(value, 2, 2)).toBe(intl(value, 2, 2));
    }
  });

  it('defaults its largest fraction digits like Intl when only the smallest is given', () => {
    expect(groupedNumber(1.23456, 4)).toBe(
      (1.23456).toLocaleString('en-US', { minimumFractionDigits: 4 }),
    );
    expect(groupedNumber(1.23456, 1)).toBe(
      (1.23456).toLocaleString('en-US', { minimumFractionDigits: 1 }),
    );
  });
});
