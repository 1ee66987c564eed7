// The parsers of the input table: each turns one input's trimmed, non-empty string into a typed
// value, or calls `fail` with what the input accepts. They are pure, so the table, the schema
// and the tests share them.

/** Parses one input's raw string; `fail` throws, so a parser never returns a half-read value. */
export type Parse<T> = (value: string, fail: (message: string) => never) => T;

/** One of a fixed list of words, matched without regard to case. */
export function oneOf<const T extends readonly string[]>(values: T): Parse<T[number]> {
  return (value, fail) => {
    const lower = value.toLowerCase();
    const match = values.find((v) => v === lower);
    return match ?? fail(`must be one of ${values.join(', ')} (got '${value}')`);
  };
}

/**
 * A name from a list this room does not hold (the provider registry's), lower-cased. Only its
 * shape is checked here; the registry says whether it names something.
 */
export function lowerWord(value: string, fail: (m: string) => never): string {
  if (!/^[A-Za-z0-9][\w-]*$/.test(value)) fail(`must be a single word (got '${value}')`);
  return value.toLowerCase();
}

/** How the numeric inputs may be written, for messages about a misplaced separator. */
const GROUPED_FORMS = 'digits, optionally grouped in threes by , or _ (5000, 5,000 or 5_000)';

// A number as reports print it (`5,000`) or as code writes it (`5_000`): the separator must
// split the whole part into groups of three, one kind per number, never in the fraction, so
// `5,00` (a decimal comma?) and `5,0000` are refused rather than guessed at.
// The first group has no leading zero: `0,500` is more likely a decimal comma than five hundred.
const GROUPED = /^[+-]?[1-9]\d{0,2}(?<sep>[,_])\d{3}(?:\k<sep>\d{3})*(?:\.\d*)?$/;

/** The value without its thousands separators; `fail`s naming the accepted forms when they are misplaced. */
function ungrouped(value: string, accepted: string, fail: (m: string) => never): string {
  if (!/[,_]/.test(value)) return value;
  if (!GROUPED.test(value))
    fail(`must be ${accepted}, written as ${GROUPED_FORMS} (got '${value}')`);
  return value.replace(/[,_]/g, '');
}

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Parse<number> {
  const accepted =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number of at least ${min}`
      : `a whole number from ${min} to ${max}`;
  return (raw, fail) => {
    const value = ungrouped(raw, accepted, fail);
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      fail(`must be ${accepted} (got '${raw}')`);
    }
    return n;
  };
}

interface Range {
  min: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

function describeRange(range: Range): string {
  const low = `${range.minExclusive ? 'above' : 'at least'} ${range.min}`;
  if (range.max === undefined) return `a number ${low}`;
  return `a number ${low} and ${range.maxExclusive ? 'below' : 'at most'} ${range.max}`;
}

export function decimal(range: Range): Parse<number> {
  const accepted = describeRange(range);
  return (raw, fail) => {
    const value = ungrouped(raw, accepted, fail);
    // Decimals only: '1e3' and '0x10' are refused rather than guessed at.
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value)) fail(`must be ${accepted} (got '${raw}')`);
    const n = Number(value);
    const tooLow = range.minExclusive ? n <= range.min : n < range.min;
    const tooHigh =
      range.max !== undefined && (range.maxExclusive ? n >= range.max : n > range.max);
    if (!Number.isFinite(n) || tooLow || tooHigh) fail(`must be ${accepted} (got '${raw}')`);
    return n;
  };
}

/** Seconds as the input is written, milliseconds as the code uses them. */
export function secondsToMs(parseSeconds: Parse<number>): Parse<number> {
  return (value, fail) => parseSeconds(value, fail) * 1000;
}

export function boolean(value: string, fail: (m: string) => never): boolean {
  // The same spellings @actions/core's getBooleanInput accepts (YAML 1.2 core schema).
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  return fail(`must be true or false (got '${value}')`);
}

export function httpUrl(value: string, fail: (m: string) => never): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`must be an http(s) URL (got '${value}')`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(`must be an http(s) URL (got '${value}')`);
  }
  // A trailing slash would double the one every endpoint path starts with.
  return value.replace(/\/+$/, '');
}

export function text(value: string): string {
  return value;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Any control character but tab: undici refuses CR/LF in a header value only when it sends,
// after the billing calls were made; a NUL or ESC has no place in a header either.
// eslint-disable-next-line no-control-regex
const HEADER_VALUE_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Parses `K1: V1, K2: V2` (the cost-export seed's format) into a header map. Messages name the
 * header's position and never echo a part: it may be (a piece of) a secret value.
 */
export function headerList(value: string, fail: (m: string) => never): Record<string, string> {
  const headers: Record<string, string> = {};
  value.split(',').forEach((part, index) => {
    if (part.trim() === '') return;
    const colon = part.indexOf(':');
    const name = colon === -1 ? '' : part.slice(0, colon).trim();
    const which = `entry ${index + 1} (counting comma-separated parts)`;
    if (colon === -1 || !HEADER_NAME.test(name)) {
      fail(
        `must be a list like 'K1: V1, K2: V2' without commas inside a value; ${which} is not 'Name: value'`,
      );
    }
    const headerValue = part.slice(colon + 1).trim();
    if (HEADER_VALUE_CONTROL.test(headerValue)) {
      fail(`header ${name} holds a line break or another control character, which HTTP forbids`);
    }
    headers[name] = headerValue;
  });
  return headers;
}

/** `sample-records`: an inline JSON array of records, or the path of a file holding them. */
export type SampleRecordsSetting =
  { kind: 'inline'; records: Record<string, unknown>[] } | { kind: 'file'; path: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function sampleRecords(value: string, fail: (m: string) => never): SampleRecordsSetting {
  if (!value.startsWith('[')) return { kind: 'file', path: value };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return fail(
      'must be a JSON array of record objects or a file path (the inline JSON does not parse)',
    );
  }
  if (!Array.isArray(parsed) || !parsed.every(isRecord)) {
    return fail('must be a JSON array of record objects or a file path');
  }
  if (parsed.length === 0) fail('the inline JSON array is empty; give at least one record');
  return { kind: 'inline', records: parsed };
}

/** `batch-data`: the JSON `data` of a batch, e.g. `{"kind":"segment","segmentUuid":"…"}`. */
export type BatchDataSetting = { kind: string } & Record<string, unknown>;

// The `data.kind` values a Cargo batch accepts (@cargo-ai/types' batch data union).
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

export function batchData(value: string, fail: (m: string) => never): BatchDataSetting {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return fail(
      'must be a JSON object like {"kind":"segment","segmentUuid":"…"} (it does not parse)',
    );
  }
  if (!isRecord(parsed)) {
    return fail('must be a JSON object like {"kind":"segment","segmentUuid":"…"}');
  }
  const kind = parsed.kind;
  if (typeof kind !== 'string' || !BATCH_KINDS.includes(kind)) {
    return fail(`needs "kind", one of ${BATCH_KINDS.join(', ')}`);
  }
  if (kind === 'records' && !Array.isArray(parsed.records)) {
    fail('of kind "records" needs a "records" array');
  }
  if (kind === 'recordIds' && !Array.isArray(parsed.ids)) {
    fail('of kind "recordIds" needs an "ids" array');
  }
  return { ...parsed, kind };
}

export function regex(value: string, fail: (m: string) => never): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    return fail(
      `must be a regular expression (${error instanceof Error ? error.message : 'it does not compile'})`,
    );
  }
}

export function artifactName(value: string, fail: (m: string) => never): string {
  // The characters the artifact service refuses in a name.
  if (/[":<>|*?\\/\r\n]/.test(value)) {
    fail(`must not contain any of " : < > | * ? \\ / or a line break (got '${value}')`);
  }
  return value;
}

export function prometheusFile(value: string, fail: (m: string) => never): string {
  // node_exporter's textfile collector reads only *.prom files.
  if (!value.endsWith('.prom')) {
    fail(`must end in .prom, or the textfile collector ignores it (got '${value}')`);
  }
  return value;
}
