import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/inputs/config.js';
import { ConfigError } from '../../src/shared/errors.js';

const base = { 'api-token': 't', 'workflow-uuid': 'wf-1', 'record-count': '100' };

function refusal(inputs: Record<string, string>): ConfigError {
  try {
    parseConfig({ ...base, ...inputs });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('compare-to, fail-on-increase, mode', () => {
  it('defaults: compare-to unset (base on pull requests), no increase limit, mode gate', () => {
    const config = parseConfig(base);
    expect(config.compareTo).toBeUndefined();
    expect(config.failOnIncrease).toBeUndefined();
    expect(config.mode).toBe('gate');
  });

  it('reads base, none and a branch name', () => {
    expect(parseConfig({ ...base, 'compare-to': 'BASE' }).compareTo).toEqual({ kind: 'base' });
    expect(parseConfig({ ...base, 'compare-to': 'none' }).compareTo).toEqual({ kind: 'none' });
    expect(parseConfig({ ...base, 'compare-to': 'refs/heads/release/2.x' }).compareTo).toEqual({
      kind: 'branch',
      branch: 'release/2.x',
    });
  });

  it.each(['a..b', 'has space', '-flag', 'x~1', 'end/', 'a\u0001b', 'ref.lock'])(
    'refuses compare-to %j, naming the input and what it accepts',
    (value) => {
      const error = refusal({ 'compare-to': value });
      expect(error.input).toBe('compare-to');
      expect(error.message).toMatch(/base, none or a branch name/);
    },
  );

  it('reads fail-on-increase as a percentage and refuses a negative or a word', () => {
    expect(parseConfig({ ...base, 'fail-on-increase': '12.5' }).failOnIncrease).toBe(12.5);
    expect(refusal({ 'fail-on-increase': '-1' }).input).toBe('fail-on-increase');
    expect(refusal({ 'fail-on-increase': '10%' }).input).toBe('fail-on-increase');
  });

  it('refuses a mode other than gate or comment', () => {
    const error = refusal({ mode: 'post' });
    expect(error.input).toBe('mode');
    expect(error.message).toMatch(/gate, comment/);
  });
});
