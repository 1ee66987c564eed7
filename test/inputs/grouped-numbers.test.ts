import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/inputs/config.js';
import { decimal, integer } from '../../src/inputs/parsers.js';
import { ConfigError } from '../../src/shared/errors.js';

const fail = (message: string): never => {
  throw new Error(message);
};
const count = integer(1);
const amount = decimal({ min: 0 });
const base = { 'api-token': 't', 'workflow-uuid': 'wf' };

describe('numeric inputs with thousands separators', () => {
  it.each([
    ['5,000', 5000],
    ['5_000', 5000],
    ['1,234,567', 1_234_567],
    ['12_345_678', 12_345_678],
    ['+5,000', 5000],
    ['5000', 5000],
  ])('reads record-count %s as %d', (value, expected) => {
    expect(count(value, fail)).toBe(expected);
    expect(parseConfig({ ...base, 'record-count': value }).recordCount).toBe(expected);
  });

  it.each([
    ['2,500.75', 2500.75],
    ['1_000.5', 1000.5],
    ['10,000', 10_000],
  ])('reads budget %s as %d', (value, expected) => {
    expect(amount(value, fail)).toBe(expected);
    expect(parseConfig({ ...base, 'record-count': '1', budget: value }).budget).toBe(expected);
  });

  it.each([
    '5,00',
    '0,500',
    '00,500',
    '5,0000',
    '50,00',
    ',500',
    '5,000,',
    '5,_000',
    '5,000_000',
    '1.000,5',
    '1,000.5,0',
  ])('refuses %s, naming the input and the accepted forms', (value) => {
    let error: unknown;
    try {
      parseConfig({ ...base, 'record-count': value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).input).toBe('record-count');
    expect((error as ConfigError).message).toContain('whole number of at least 1');
    expect((error as ConfigError).message).toContain('5,000 or 5_000');
    expect((error as ConfigError).message).toContain(`'${value}'`);
  });

  it('refuses a separator in the fraction of a decimal', () => {
    expect(() => amount('1.000,5', fail)).toThrow(/5,000 or 5_000/);
    expect(() => amount('0,9', fail)).toThrow(/got '0,9'/);
  });

  it('reads any whole number the way toLocaleString prints it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const printed = n.toLocaleString('en-US');
        expect(count(printed, fail)).toBe(n);
        expect(count(printed.replaceAll(',', '_'), fail)).toBe(n);
      }),
    );
  });
});
