import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_API_URLS, INPUT_NAMES, parseConfig } from '../src/inputs/config.js';
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
      provider: 'cargo',
      apiUrl: DEFAULT_API_URLS.cargo,
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
    });
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

  it('names api-token when it is missing', () => {
    const error = configError({ 'workflow-uuid': 'wf', 'record-count': '5' });
    expect(error.input).toBe('api-token');
  });

  it('requires workflow-uuid for cargo but not for venice', () => {
    expect(configError({ 'api-token': 't', 'record-count': '5' }).input).toBe('workflow-uuid');
    const venice = parseConfig({ provider: 'venice', 'api-token': 't', 'record-count': '5' });
    expect(venice.apiUrl).toBe(DEFAULT_API_URLS.venice);
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
});
