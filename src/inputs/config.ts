import { z } from 'zod';
import { ConfigError } from '../shared/errors.js';

/** Public API base URLs, used when `api-url` is empty. */
export const DEFAULT_API_URLS = {
  cargo: 'https://api.getcargo.io',
  venice: 'https://api.venice.ai/api/v1',
} as const;

/** Every action input, by its kebab-case name, as a raw string ('' when unset). */
export type RawInputs = Readonly<Record<string, string | undefined>>;

const PROVIDERS = ['cargo', 'venice'] as const;
const ESTIMATE_SOURCES = ['auto', 'history', 'sample', 'metrics'] as const;
const ON_EXCEED = ['fail', 'warn'] as const;
const ON_API_ERROR = ['fail', 'warn', 'pass'] as const;
const COMMENT = ['always', 'on-exceed', 'never'] as const;
const COMMENT_MODES = ['update', 'new', 'hide-and-new', 'delete-and-new'] as const;

/** The defaults of action.yml (expressions like `${{ github.token }}` are the runner's, so absent here). */
export const INPUT_DEFAULTS = {
  provider: 'cargo',
  'estimate-from': 'auto',
  'history-window-days': '30',
  'min-history-runs': '10',
  'sample-size': '10',
  'max-sample-credits': '50',
  'sample-timeout-minutes': '15',
  reserve: '0',
  confidence: '0.9',
  'warn-threshold': '0.8',
  'on-exceed': 'fail',
  'on-api-error': 'fail',
  comment: 'on-exceed',
  'comment-mode': 'update',
  'upload-artifact': 'true',
  'artifact-name': 'cost-gate-report',
  'run-batch': 'false',
  detach: 'false',
  'ledger-settle-seconds': '20',
  'api-timeout-seconds': '30',
  'requests-per-record': '1',
} as const;
const D = INPUT_DEFAULTS;

// Every field starts as the raw string the runner gives (`''` for an unset input), so the
// transforms below are the only place a string becomes a typed value.
const raw = z.string().trim();

type Parse<T> = (value: string, fail: (message: string) => never) => T;

/** Runs one field's parser; its `fail` becomes a zod issue on that field. */
function apply<T>(parse: Parse<T>, value: string, ctx: z.RefinementCtx): T {
  try {
    return parse(value, (message) => {
      throw new FieldError(message);
    });
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
}

function optional<T>(parse: Parse<T>) {
  return raw.transform((value, ctx): T | undefined =>
    value === '' ? undefined : apply(parse, value, ctx),
  );
}

function withDefault<T>(fallback: string, parse: Parse<T>) {
  return raw.transform((value, ctx): T => apply(parse, value === '' ? fallback : value, ctx));
}

class FieldError extends Error {}

function oneOf<const T extends readonly string[]>(values: T) {
  return (value: string, fail: (m: string) => never): T[number] => {
    const lower = value.toLowerCase();
    const match = values.find((v) => v === lower);
    if (match === undefined) fail(`must be one of ${values.join(', ')} (got '${value}')`);
    return match;
  };
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string, fail: (m: string) => never): number => {
    const accepted =
      max === Number.MAX_SAFE_INTEGER
        ? `a whole number of at least ${min}`
        : `a whole number from ${min} to ${max}`;
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      fail(`must be ${accepted} (got '${value}')`);
    }
    return n;
  };
}

function decimal(range: {
  min: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}) {
  const describe = () => {
    const low = `${range.minExclusive ? 'above' : 'at least'} ${range.min}`;
    if (range.max === undefined) return `a number ${low}`;
    return `a number ${low} and ${range.maxExclusive ? 'below' : 'at most'} ${range.max}`;
  };
  return (value: string, fail: (m: string) => never): number => {
    // Plain decimals only: '1e3', '0x10' and '1,000' are refused rather than guessed at.
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value)) fail(`must be ${describe()} (got '${value}')`);
    const n = Number(value);
    const tooLow = range.minExclusive ? n <= range.min : n < range.min;
    const tooHigh =
      range.max !== undefined && (range.maxExclusive ? n >= range.max : n > range.max);
    if (!Number.isFinite(n) || tooLow || tooHigh) fail(`must be ${describe()} (got '${value}')`);
    return n;
  };
}

function boolean(value: string, fail: (m: string) => never): boolean {
  // The same spellings @actions/core's getBooleanInput accepts (YAML 1.2 core schema).
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  return fail(`must be true or false (got '${value}')`);
}

function httpUrl(value: string, fail: (m: string) => never): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`must be an http(s) URL (got '${value}')`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(`must be an http(s) URL (got '${value}')`);
  }
  return value.replace(/\/+$/, '');
}

function text(value: string): string {
  return value;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Parses `K1: V1, K2: V2` (the cost-export seed's format) into a header map. */
function headerList(value: string, fail: (m: string) => never): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    const name = colon === -1 ? '' : part.slice(0, colon).trim();
    if (colon === -1 || !HEADER_NAME.test(name)) {
      fail(`must be a list like 'K1: V1, K2: V2' (could not read '${part.trim().slice(0, 40)}')`);
    }
    headers[name] = part.slice(colon + 1).trim();
  }
  return headers;
}

/** `sample-records`: an inline JSON array of records, or the path of a file holding them. */
export type SampleRecordsSetting =
  { kind: 'inline'; records: Record<string, unknown>[] } | { kind: 'file'; path: string };

function sampleRecords(value: string, fail: (m: string) => never): SampleRecordsSetting {
  if (!value.startsWith('[')) return { kind: 'file', path: value };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return fail(
      'must be a JSON array of record objects or a file path (the inline JSON does not parse)',
    );
  }
  if (
    !Array.isArray(parsed) ||
    parsed.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))
  ) {
    return fail('must be a JSON array of record objects or a file path');
  }
  if (parsed.length === 0) fail('the inline JSON array is empty; give at least one record');
  return { kind: 'inline', records: parsed as Record<string, unknown>[] };
}

const schema = z
  .object({
    provider: withDefault(D.provider, oneOf(PROVIDERS)),
    'api-token': optional(text),
    'api-url': optional(httpUrl),
    'workspace-uuid': optional(text),
    'workflow-uuid': optional(text),
    'record-count': optional(integer(1)),
    'records-file': optional(text),
    'estimate-from': withDefault(D['estimate-from'], oneOf(ESTIMATE_SOURCES)),
    'history-window-days': withDefault(D['history-window-days'], integer(1, 3650)),
    'min-history-runs': withDefault(D['min-history-runs'], integer(1)),
    'sample-records': optional(sampleRecords),
    'sample-size': withDefault(D['sample-size'], integer(1, 1000)),
    'max-sample-credits': withDefault(
      D['max-sample-credits'],
      decimal({ min: 0, minExclusive: true }),
    ),
    'sample-timeout-minutes': withDefault(
      D['sample-timeout-minutes'],
      decimal({ min: 0, minExclusive: true, max: 360 }),
    ),
    budget: optional(decimal({ min: 0 })),
    reserve: withDefault(D.reserve, decimal({ min: 0 })),
    confidence: withDefault(
      D.confidence,
      decimal({ min: 0.5, max: 1, minExclusive: false, maxExclusive: true }),
    ),
    'warn-threshold': withDefault(
      D['warn-threshold'],
      decimal({ min: 0, max: 1, minExclusive: true }),
    ),
    'on-exceed': withDefault(D['on-exceed'], oneOf(ON_EXCEED)),
    'on-api-error': withDefault(D['on-api-error'], oneOf(ON_API_ERROR)),
    comment: withDefault(D.comment, oneOf(COMMENT)),
    'comment-mode': withDefault(D['comment-mode'], oneOf(COMMENT_MODES)),
    'comment-tag': optional(text),
    'github-token': optional(text),
    'upload-artifact': withDefault(D['upload-artifact'], boolean),
    'artifact-name': withDefault(D['artifact-name'], artifactName),
    'retention-days': optional(integer(0, 90)),
    'report-dir': optional(text),
    'prometheus-file': optional(prometheusFile),
    'webhook-url': optional(httpUrl),
    'webhook-headers': optional(headerList),
    'batch-data': optional(batchData),
    'run-batch': withDefault(D['run-batch'], boolean),
    'hard-cap': optional(decimal({ min: 0 })),
    detach: withDefault(D.detach, boolean),
    'sample-command': optional(text),
    'ledger-settle-seconds': withDefault(D['ledger-settle-seconds'], decimal({ min: 0, max: 600 })),
    'sku-filter': optional(regex),
    'api-timeout-seconds': withDefault(
      D['api-timeout-seconds'],
      decimal({ min: 0, minExclusive: true, max: 600 }),
    ),
    'requests-per-record': withDefault(
      D['requests-per-record'],
      decimal({ min: 0, minExclusive: true }),
    ),
  })
  .superRefine((v, ctx) => {
    const need = (input: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [input], message });
    if (v['api-token'] === undefined) {
      need(
        'api-token',
        v.provider === 'venice'
          ? 'is required: a Venice ADMIN API key'
          : 'is required: a Cargo API token with admin access to the workspace',
      );
    }
    if (v.provider === 'cargo' && v['workflow-uuid'] === undefined) {
      need('workflow-uuid', 'is required for provider cargo: the workflow the batch will run');
    }
    if (
      v['record-count'] === undefined &&
      v['records-file'] === undefined &&
      v['batch-data'] === undefined
    ) {
      need(
        'record-count',
        'is required unless records-file or batch-data is given: an integer of at least 1',
      );
    }
    if (v['run-batch'] && v['batch-data'] === undefined && v['records-file'] === undefined) {
      need('run-batch', 'needs the records the batch runs: set batch-data or records-file');
    }
    if (v.provider === 'venice' && v['estimate-from'] === 'metrics') {
      need(
        'estimate-from',
        'metrics is for Cargo; for Venice use history (the ledger), sample (with sample-command) or auto',
      );
    }
    if (v['run-batch'] && v.provider !== 'cargo')
      need('run-batch', 'launches Cargo batches only (provider: cargo)');
  });

/** `batch-data`: the JSON `data` of a Cargo batch, e.g. `{"kind":"segment","segmentUuid":"…"}`. */
export type BatchDataSetting = { kind: string } & Record<string, unknown>;

const BATCH_KINDS = [
  'records',
  'recordIds',
  'segment',
  'filter',
  'change',
  'file',
  'runs',
  'schedule',
  'form',
];

function batchData(value: string, fail: (m: string) => never): BatchDataSetting {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return fail(
      'must be a JSON object like {"kind":"segment","segmentUuid":"…"} (it does not parse)',
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail('must be a JSON object like {"kind":"segment","segmentUuid":"…"}');
  }
  const kind = (parsed as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !BATCH_KINDS.includes(kind)) {
    return fail(`needs "kind", one of ${BATCH_KINDS.join(', ')}`);
  }
  if (kind === 'records' && !Array.isArray((parsed as { records?: unknown }).records)) {
    fail('of kind "records" needs a "records" array');
  }
  if (kind === 'recordIds' && !Array.isArray((parsed as { ids?: unknown }).ids)) {
    fail('of kind "recordIds" needs an "ids" array');
  }
  return parsed as BatchDataSetting;
}

function regex(value: string, fail: (m: string) => never): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    return fail(
      `must be a regular expression (${error instanceof Error ? error.message : 'it does not compile'})`,
    );
  }
}

function artifactName(value: string, fail: (m: string) => never): string {
  // The characters the artifact service refuses in a name.
  if (/[":<>|*?\\/\r\n]/.test(value)) {
    fail(`must not contain any of " : < > | * ? \\ / or a line break (got '${value}')`);
  }
  return value;
}

function prometheusFile(value: string, fail: (m: string) => never): string {
  // node_exporter's textfile collector reads only *.prom files.
  if (!value.endsWith('.prom'))
    fail(`must end in .prom, or the textfile collector ignores it (got '${value}')`);
  return value;
}

/** The one typed view of every setting, shared by the action and the CLI. */
export interface Config {
  provider: (typeof PROVIDERS)[number];
  apiToken: string;
  apiUrl: string;
  workspaceUuid: string | undefined;
  workflowUuid: string | undefined;
  recordCount: number | undefined;
  recordsFile: string | undefined;
  estimateFrom: (typeof ESTIMATE_SOURCES)[number];
  historyWindowDays: number;
  minHistoryRuns: number;
  sampleRecords: SampleRecordsSetting | undefined;
  sampleSize: number;
  maxSampleCredits: number;
  sampleTimeoutMinutes: number;
  budget: number | undefined;
  reserve: number;
  confidence: number;
  warnThreshold: number;
  onExceed: (typeof ON_EXCEED)[number];
  onApiError: (typeof ON_API_ERROR)[number];
  comment: (typeof COMMENT)[number];
  commentMode: (typeof COMMENT_MODES)[number];
  /** Tag of the PR comment; defaults to the workflow UUID (or the provider's name). */
  commentTag: string;
  githubToken: string | undefined;
  uploadArtifact: boolean;
  artifactName: string;
  retentionDays: number | undefined;
  reportDir: string | undefined;
  prometheusFile: string | undefined;
  webhookUrl: string | undefined;
  webhookHeaders: Record<string, string>;
  batchData: BatchDataSetting | undefined;
  runBatch: boolean;
  /** Spend at which a launched batch is cancelled; undefined means the limit. */
  hardCap: number | undefined;
  detach: boolean;
  /** Venice: the shell command that runs the sample. */
  sampleCommand: string | undefined;
  ledgerSettleSeconds: number;
  skuFilter: RegExp | undefined;
  requestsPerRecord: number;
  /** Budget of one billing API request, headers and body included. */
  apiTimeoutMs: number;
}

/** The names of every input the schema reads, in action.yml order. */
export const INPUT_NAMES = Object.keys(schema.shape);

/** Turns raw input strings into a `Config`, or throws one `ConfigError` naming the first bad input. */
export function parseConfig(inputs: RawInputs): Config {
  const values: Record<string, string> = {};
  for (const name of INPUT_NAMES) {
    const value = inputs[name] ?? '';
    // A default like `${{ runner.temp }}/cost-gate` reaches us unexpanded when the action runs
    // outside the runner (local-action); it then means "not set".
    values[name] = /\$\{\{.*\}\}/.test(value) ? '' : value;
  }
  const result = schema.safeParse(values);
  if (!result.success) {
    const [first, ...rest] = result.error.issues;
    const name = String(first?.path[0] ?? 'inputs');
    const error = new ConfigError(name, first?.message ?? 'is invalid');
    if (rest.length > 0) {
      const others = rest.map((i) => `'${String(i.path[0])}' ${i.message}`).join('; ');
      error.message += ` (also: ${others})`;
    }
    throw error;
  }
  const v = result.data;
  return {
    provider: v.provider,
    apiToken: v['api-token'] ?? '',
    apiUrl: v['api-url'] ?? DEFAULT_API_URLS[v.provider],
    workspaceUuid: v['workspace-uuid'],
    workflowUuid: v['workflow-uuid'],
    recordCount: v['record-count'],
    recordsFile: v['records-file'],
    estimateFrom: v['estimate-from'],
    historyWindowDays: v['history-window-days'],
    minHistoryRuns: v['min-history-runs'],
    sampleRecords: v['sample-records'],
    sampleSize: v['sample-size'],
    maxSampleCredits: v['max-sample-credits'],
    sampleTimeoutMinutes: v['sample-timeout-minutes'],
    budget: v.budget,
    reserve: v.reserve,
    confidence: v.confidence,
    warnThreshold: v['warn-threshold'],
    onExceed: v['on-exceed'],
    onApiError: v['on-api-error'],
    comment: v.comment,
    commentMode: v['comment-mode'],
    commentTag: v['comment-tag'] ?? v['workflow-uuid'] ?? v.provider,
    githubToken: v['github-token'],
    uploadArtifact: v['upload-artifact'],
    artifactName: v['artifact-name'],
    retentionDays: v['retention-days'],
    reportDir: v['report-dir'],
    prometheusFile: v['prometheus-file'],
    webhookUrl: v['webhook-url'],
    webhookHeaders: v['webhook-headers'] ?? {},
    batchData: v['batch-data'],
    runBatch: v['run-batch'],
    hardCap: v['hard-cap'],
    detach: v.detach,
    sampleCommand: v['sample-command'],
    ledgerSettleSeconds: v['ledger-settle-seconds'],
    skuFilter: v['sku-filter'],
    requestsPerRecord: v['requests-per-record'],
    apiTimeoutMs: v['api-timeout-seconds'] * 1000,
  };
}
