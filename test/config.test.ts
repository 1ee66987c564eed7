import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Config, INPUT_NAMES, parseConfig } from '../src/inputs/config.js';
import type { ProviderSettings } from '../src/providers/provider.js';
import { ConfigError } from '../src/shared/errors.js';

const base = {
  'api-token': 'test-token-abc',
  'workflow-uuid': 'wf-1',
  'record-count': '100',
};

function configError(inputs: Record<string, string>): ConfigError {
  try {
    parseConfig(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(base);
    expect(config).toMatchObject({
      // The registry owns the default provider and its URL, so both stay unset here.
      provider: undefined,
      apiUrl: undefined,
      apiToken: 'test-token-abc',
      commentTag: 'wf-1',
      recordCount: 100,
      estimateFrom: 'auto',
      historyWindowDays: 30,
      minHistoryRuns: 10,
      sampleSize: 10,
      maxSampleCredits: 50,
      sampleTimeoutMinutes: 15,
      budget: undefined,
      reserve: 0,
      confidence: 0.9,
      warnThreshold: 0.8,
      onExceed: 'fail',
      onApiError: 'fail',
      comment: 'on-exceed',
      commentMode: 'update',
      uploadArtifact: true,
      artifactName: 'cost-gate-report',
      webhookHeaders: {},
      runBatch: false,
      detach: false,
      ledgerSettleSeconds: 20,
      requestsPerRecord: 1,
      apiTimeoutMs: 30_000,
    });
  });

  it('has a field for every input and nothing else', () => {
    expect(Object.keys(parseConfig(base))).toHaveLength(INPUT_NAMES.length);
  });

  it('satisfies ProviderSettings and keeps the field types other rooms rely on', () => {
    const config = parseConfig(base);
    // Checked by tsc: a Config must be usable wherever a provider reads its settings.
    const settings: ProviderSettings = config;
    expectTypeOf(config.apiTimeoutMs).toEqualTypeOf<number>();
    expectTypeOf(config.webhookHeaders).toEqualTypeOf<Record<string, string>>();
    expectTypeOf(config.apiToken).toEqualTypeOf<string>();
    expectTypeOf(config.commentTag).toEqualTypeOf<string>();
    expectTypeOf(config.provider).toEqualTypeOf<string | undefined>();
    expectTypeOf(config.hardCap).toEqualTypeOf<number | undefined>();
    expectTypeOf<Config['estimateFrom']>().toEqualTypeOf<
      'auto' | 'history' | 'sample' | 'metrics'
    >();
    expect(settings.apiTimeoutMs).toBe(30_000);
  });

  it.each([
    ['-5', 'record-count'],
    ['abc', 'record-count'],
    ['1.5', 'record-count'],
    ['0', 'record-count'],
    ['1e3', 'record-count'],
  ])('rejects record-count %s naming the input and what is accepted', (value, input) => {
    const error = configError({ ...base, 'record-count': value });
    expect(error.input).toBe(input);
    expect(error.message).toContain(`'record-count'`);
    expect(error.message).toContain('whole number of at least 1');
    expect(error.message).toContain(value);
  });

  it('rejects confidence 1.2 with the accepted range', () => {
    const error = configError({ ...base, confidence: '1.2' });
    expect(error.input).toBe('confidence');
    expect(error.message).toMatch(/at least 0\.5 and below 1/);
  });

  it('rejects an unknown comment-mode listing the accepted values', () => {
    const error = configError({ ...base, 'comment-mode': 'replace' });
    expect(error.input).toBe('comment-mode');
    expect(error.message).toContain('update, new, hide-and-new, delete-and-new');
  });

  it('leaves api-token empty when unset: the registry says what the provider needs', () => {
    expect(parseConfig({ 'workflow-uuid': 'wf', 'record-count': '5' }).apiToken).toBe('');
  });

  it('reads provider as a trimmed lower-case word, and leaves the rest to the registry', () => {
    expect(parseConfig({ ...base, provider: '  Venice ' }).provider).toBe('venice');
    expect(parseConfig({ ...base, provider: 'openai' }).provider).toBe('openai');
    expect(parseConfig({ ...base, provider: '' }).provider).toBeUndefined();
    const error = configError({ ...base, provider: 'cargo; rm -rf' });
    expect(error.input).toBe('provider');
    expect(error.message).toContain('single word');
  });

  it('leaves api-url unset for the registry to fill, and workflow-uuid optional', () => {
    const config = parseConfig({ provider: 'venice', 'api-token': 't', 'record-count': '5' });
    expect(config.apiUrl).toBeUndefined();
    expect(config.workflowUuid).toBeUndefined();
  });

  it('tags the comment with comment-tag, else the workflow, else the provider', () => {
    expect(parseConfig({ ...base, 'comment-tag': 'eu' }).commentTag).toBe('eu');
    expect(parseConfig(base).commentTag).toBe('wf-1');
    const venice = { provider: 'venice', 'api-token': 't', 'record-count': '5' };
    expect(parseConfig(venice).commentTag).toBe('venice');
  });

  it('reads api-timeout-seconds in seconds and gives milliseconds', () => {
    expect(parseConfig({ ...base, 'api-timeout-seconds': '2.5' }).apiTimeoutMs).toBe(2500);
    const error = configError({ ...base, 'api-timeout-seconds': '601' });
    expect(error.input).toBe('api-timeout-seconds');
    expect(error.message).toContain('at most 600');
  });

  it('requires record-count unless records-file is given', () => {
    expect(configError({ 'api-token': 't', 'workflow-uuid': 'w' }).input).toBe('record-count');
    const config = parseConfig({ 'api-token': 't', 'workflow-uuid': 'w', 'records-file': 'r.csv' });
    expect(config.recordsFile).toBe('r.csv');
  });

  it('parses webhook headers and refuses a malformed list', () => {
    const config = parseConfig({
      ...base,
      'webhook-headers': 'X-Team: growth, Authorization: Bearer q',
    });
    expect(config.webhookHeaders).toEqual({ 'X-Team': 'growth', Authorization: 'Bearer q' });
    expect(configError({ ...base, 'webhook-headers': 'no colon here' }).input).toBe(
      'webhook-headers',
    );
  });

  it('reads inline sample records and file paths', () => {
    expect(parseConfig({ ...base, 'sample-records': '[{"a":1}]' }).sampleRecords).toEqual({
      kind: 'inline',
      records: [{ a: 1 }],
    });
    expect(parseConfig({ ...base, 'sample-records': 'sample.json' }).sampleRecords).toEqual({
      kind: 'file',
      path: 'sample.json',
    });
    expect(configError({ ...base, 'sample-records': '[1,2]' }).input).toBe('sample-records');
    expect(configError({ ...base, 'sample-records': '[{' }).input).toBe('sample-records');
  });

  it('accepts the YAML spellings of booleans only', () => {
    expect(parseConfig({ ...base, 'upload-artifact': 'False' }).uploadArtifact).toBe(false);
    expect(configError({ ...base, 'upload-artifact': 'yes' }).input).toBe('upload-artifact');
  });

  it('refuses api-url that is not http(s) and trims a trailing slash', () => {
    expect(configError({ ...base, 'api-url': 'ftp://x' }).input).toBe('api-url');
    expect(parseConfig({ ...base, 'api-url': 'http://127.0.0.1:9/' }).apiUrl).toBe(
      'http://127.0.0.1:9',
    );
  });

  it('refuses a prometheus-file the textfile collector would ignore', () => {
    expect(configError({ ...base, 'prometheus-file': '/tmp/x.txt' }).input).toBe('prometheus-file');
  });

  it('treats an unexpanded ${{ }} default as unset', () => {
    const config = parseConfig({
      ...base,
      'report-dir': '${{ runner.temp }}/cost-gate',
      'github-token': '${{ github.token }}',
    });
    expect(config.reportDir).toBeUndefined();
    expect(config.githubToken).toBeUndefined();
  });

  it('never echoes the api token in an error', () => {
    const error = configError({ ...base, 'api-token': 'secret-xyz', budget: '-1' });
    expect(error.input).toBe('budget');
    expect(error.message).not.toContain('secret-xyz');
  });

  it('turns any string in any input into a Config or one ConfigError naming an input', () => {
    fc.assert(
      fc.property(fc.constantFrom(...INPUT_NAMES), fc.string(), (name, value) => {
        try {
          parseConfig({ ...base, [name]: value });
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect(INPUT_NAMES).toContain((error as ConfigError).input);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('guard inputs', () => {
  it('parses batch-data and lets it stand in for record-count', () => {
    const config = parseConfig({
      'api-token': 't',
      'workflow-uuid': 'w',
      'batch-data': '{"kind":"segment","segmentUuid":"s"}',
      'run-batch': 'true',
      'hard-cap': '250',
    });
    expect(config.batchData).toEqual({ kind: 'segment', segmentUuid: 's' });
    expect(config.runBatch).toBe(true);
    expect(config.hardCap).toBe(250);
    expect(config.detach).toBe(false);
  });

  it.each([
    ['{"kind":"nope"}', /needs "kind"/],
    ['[1]', /JSON object/],
    ['{"kind":"records"}', /"records" array/],
    ['{oops', /does not parse/],
  ])('refuses batch-data %s', (value, message) => {
    expect(() => parseConfig({ ...base, 'batch-data': value })).toThrow(message);
  });

  it('run-batch needs records to run', () => {
    expect(() => parseConfig({ ...base, 'run-batch': 'true' })).toThrow(
      /'run-batch'.*batch-data or records-file/,
    );
  });

  it('records-file is enough for run-batch', () => {
    const config = parseConfig({ ...base, 'records-file': 'r.csv', 'run-batch': 'true' });
    expect(config).toMatchObject({ runBatch: true, recordsFile: 'r.csv', batchData: undefined });
  });

  it('names every bad input in one error, the first one first', () => {
    const error = configError({ ...base, budget: '-1', 'sample-size': '0' });
    expect(error.input).toBe('sample-size');
    expect(error.message).toMatch(/also: 'budget'/);
  });
});
