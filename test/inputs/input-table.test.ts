// Invariants of the one input table, which the schema, Config, the CLI and the docs derive from.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/inputs/config.js';
import {
  CLI_INPUT_NAMES,
  INPUT_DEFAULTS,
  INPUT_NAMES,
  INPUT_ROWS,
} from '../../src/inputs/inputs.js';

const base = { 'api-token': 't', 'workflow-uuid': 'wf', 'record-count': '5' };

describe('the input table', () => {
  it('gives every input its own Config key', () => {
    const keys = INPUT_NAMES.map((n) => INPUT_ROWS[n].key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[a-z][A-Za-z]*$/);
  });

  it.each(INPUT_NAMES)('describes %s in one short line', (name) => {
    const { description } = INPUT_ROWS[name];
    expect(description.trim()).not.toBe('');
    expect(description).not.toMatch(/\n/);
    expect(description.length).toBeLessThanOrEqual(100);
  });

  it.each(INPUT_NAMES.filter((n) => INPUT_ROWS[n].default !== undefined))(
    'accepts its own default for %s (an empty input means that default)',
    (name) => {
      const row = INPUT_ROWS[name];
      const fail = (message: string): never => {
        throw new Error(`${name}: default '${row.default}' ${message}`);
      };
      const fromDefault = row.parse(row.default!, fail);
      const config = parseConfig({ ...base, [name]: '' }) as Record<string, unknown>;
      expect(config[row.key]).toEqual(fromDefault);
    },
  );

  it('keeps runner expressions out of the defaults the gate applies', () => {
    for (const name of INPUT_NAMES) {
      const { default: fallback, runnerDefault } = INPUT_ROWS[name];
      if (runnerDefault !== undefined) {
        expect(runnerDefault).toMatch(/\$\{\{.*\}\}/);
        expect(fallback).toBeUndefined();
        expect(INPUT_DEFAULTS).not.toHaveProperty(name);
        const config = parseConfig({ ...base, [name]: runnerDefault }) as Record<string, unknown>;
        expect(config[INPUT_ROWS[name].key]).toBeUndefined();
      } else {
        expect(INPUT_DEFAULTS[name]).toBe(fallback);
      }
    }
  });

  it('has no default for provider: the registry owns it', () => {
    expect(INPUT_ROWS.provider.default).toBeUndefined();
  });

  it('marks the GitHub-only inputs action-only, and offers the rest on the CLI', () => {
    expect(INPUT_NAMES.filter((n) => !CLI_INPUT_NAMES.includes(n))).toEqual([
      'comment',
      'comment-mode',
      'github-token',
      'upload-artifact',
      'artifact-name',
      'retention-days',
      'report-dir',
      'compare-to',
      'fail-on-increase',
      'mode',
    ]);
  });
});
