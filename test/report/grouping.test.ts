import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupedNumber } from '../../src/report/grouping.js';

describe('groupedNumber', () => {
  it('gives what toLocaleString gives, for any finite number and decimals', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.float()),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (value, a, b) => {
          const [min, max] = [Math.min(a, b), Math.max(a, b)];
          const expected = value.toLocaleString('en-US', {
            minimumFractionDigits: min,
            maximumFractionDigits: max,
          });
          expect(groupedNumber(value, min, max)).toBe(expected);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('keeps each option pair apart (a cached format never leaks into another)', () => {
    expect(groupedNumber(1234.5678, 2, 2)).toBe('1,234.57');
    expect(groupedNumber(1234.5678, 0, 4)).toBe('1,234.5678');
    expect(groupedNumber(1234.5678, 2, 2)).toBe('1,234.57');
    expect(groupedNumber(-0.004, 2, 2)).toBe('-0.00');
  });
});
