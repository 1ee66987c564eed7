import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ConfigError } from '../shared/errors.js';

/** One record of the batch: a flat JSON object (a CSV row becomes string fields). */
export type BatchRecord = Record<string, unknown>;

/** What reading a records file yields: how many records, and the first few of them. */
export interface RecordsFileSummary {
  format: 'json' | 'ndjson' | 'csv';
  count: number;
  firstRecords: BatchRecord[];
}

type Format = RecordsFileSummary['format'];

/**
 * Counts the records of a JSON array, NDJSON or CSV file and keeps the first `keep` of them.
 * The file is streamed, never held whole in memory, so a 1 GB export counts in constant space.
 */
export async function readRecordsFile(
  path: string,
  keep: number,
  input = 'records-file',
): Promise<RecordsFileSummary> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ConfigError(input, `'${path}' is not a file`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(input, `file '${path}' does not exist or cannot be read`);
  }
  const scanner = await pickScanner(path, keep, input);
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
    let text = decoder.write(chunk as Buffer);
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    scanner.push(text);
  }
  scanner.push(decoder.end());
  const summary = scanner.end();
  if (summary.count === 0) {
    throw new ConfigError(
      input,
      `'${path}' holds no records (a ${summary.format} file with nothing in it)`,
    );
  }
  return summary;
}

interface Scanner {
  push(text: string): void;
  end(): RecordsFileSummary;
}

async function pickScanner(path: string, keep: number, input: string): Promise<Scanner> {
  const ext = extname(path).toLowerCase();
  const bad = (message: string): never => {
    throw new ConfigError(input, `'${path}' does not parse: ${message}`);
  };
  let format: Format | undefined =
    ext === '.json'
      ? 'json'
      : ext === '.ndjson' || ext === '.jsonl'
        ? 'ndjson'
        : ext === '.csv'
          ? 'csv'
          : undefined;
  if (format === undefined) format = await sniff(path);
  if (format === 'json') return jsonArrayScanner(keep, bad);
  if (format === 'ndjson') return ndjsonScanner(keep, bad);
  return csvScanner(keep, bad);
}

/** Guesses the format of a file without a telling extension from its first character. */
async function sniff(path: string): Promise<Format> {
  for await (const chunk of createReadStream(path, { start: 0, end: 4095, encoding: 'utf8' })) {
    const c = (chunk as string).replace(/^\uFEFF/, '').trimStart()[0];
    if (c === '[') return 'json';
    if (c === '{') return 'ndjson';
    return 'csv';
  }
  return 'csv';
}

function isRecord(value: unknown): value is BatchRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Splits streamed text into lines; handles CRLF and a last line without a newline. */
function lineSplitter(onLine: (line: string, lineNo: number) => void) {
  let rest = '';
  let lineNo = 0;
  return {
    push(text: string) {
      rest += text;
      let nl = rest.indexOf('\n');
      while (nl !== -1) {
        lineNo += 1;
        onLine(rest.slice(0, nl).replace(/\r$/, ''), lineNo);
        rest = rest.slice(nl + 1);
        nl = rest.indexOf('\n');
      }
    },
    end() {
      if (rest !== '') {
        lineNo += 1;
        onLine(rest.replace(/\r$/, ''), lineNo);
      }
      rest = '';
    },
  };
}

function ndjsonScanner(keep: number, bad: (m: string) => never): Scanner {
  let count = 0;
  const firstRecords: BatchRecord[] = [];
  const lines = lineSplitter((line, lineNo) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      bad(`line ${lineNo} is not JSON`);
    }
    if (!isRecord(value)) bad(`line ${lineNo} is not a JSON object`);
    count += 1;
    if (firstRecords.length < keep) firstRecords.push(value);
  });
  return {
    push: (text) => lines.push(text),
    end() {
      lines.end();
      return { format: 'ndjson', count, firstRecords };
    },
  };
}

const QUOTE = 34; // "
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === NEWLINE || code === CARRIAGE_RETURN;
}

/**
 * Counts the top-level elements of a JSON array by tracking strings and nesting depth,
 * so the array never has to be parsed (or held) whole; the kept elements are parsed for real.
 * The loop works on char codes: it runs over every byte of files of a gigabyte.
 */
function jsonArrayScanner(keep: number, bad: (m: string) => never): Scanner {
  let started = false;
  let closed = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let count = 0;
  let element = '';
  let elementHasContent = false;
  const firstRecords: BatchRecord[] = [];

  const finishElement = () => {
    if (!elementHasContent) bad(`empty element after element ${count}`);
    count += 1;
    if (firstRecords.length < keep) {
      let value: unknown;
      try {
        value = JSON.parse(element);
      } catch {
        bad(`element ${count} is not valid JSON`);
      }
      if (!isRecord(value)) bad(`element ${count} is not a JSON object`);
      firstRecords.push(value);
    }
    element = '';
    elementHasContent = false;
  };

  return {
    push(text) {
      let keptFrom = firstRecords.length < keep ? 0 : -1;
      for (let i = 0; i < text.length; i += 1) {
        const c = text.charCodeAt(i);
        if (!started) {
          if (isSpace(c)) continue;
          if (c !== OPEN_BRACKET) bad('a .json file must hold a JSON array of records');
          started = true;
          keptFrom = keptFrom === -1 ? -1 : i + 1;
          continue;
        }
        if (closed) {
          if (!isSpace(c)) bad('text after the closing ]');
          continue;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) inString = false;
          continue;
        }
        if (depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
          if (keptFrom !== -1) element += text.slice(keptFrom, i);
          if (c === CLOSE_BRACKET && count === 0 && !elementHasContent) {
            closed = true;
            continue;
          }
          finishElement();
          keptFrom = firstRecords.length < keep ? i + 1 : -1;
          if (c === CLOSE_BRACKET) closed = true;
          continue;
        }
        if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth += 1;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          depth -= 1;
          if (depth < 0) bad(`unbalanced '${String.fromCharCode(c)}'`);
        }
        if (!elementHasContent && !isSpace(c)) elementHasContent = true;
      }
      if (keptFrom !== -1 && !closed && started) element += text.slice(keptFrom);
    },
    end() {
      if (!started) bad('the file is empty');
      if (!closed) bad('the JSON array is not closed (truncated file?)');
      return { format: 'json', count, firstRecords };
    },
  };
}

/** RFC 4180 CSV with a header row; quoted fields may hold commas, quotes and line breaks. */
function csvScanner(keep: number, bad: (m: string) => never): Scanner {
  let header: string[] | undefined;
  let count = 0;
  const firstRecords: BatchRecord[] = [];
  let field = '';
  let row: string[] = [];
  let rowHasContent = false;
  let fieldStarted = false;
  let inQuotes = false;
  let quoteSeen = false; // a quote inside quotes: either the close, or the first of an escaped pair
  let rowNo = 0;
  // Past the header and the kept records, fields are only scanned, not built.
  const keeping = () => header === undefined || firstRecords.length < keep;

  const endRow = () => {
    rowNo += 1;
    if (rowHasContent) {
      if (header === undefined) {
        row.push(field);
        header = row.map((h) => h.trim());
        if (header.some((h) => h === '')) bad('the header row has an empty column name');
      } else {
        count += 1;
        if (firstRecords.length < keep) {
          row.push(field);
          const record: BatchRecord = {};
          header.forEach((name, i) => (record[name] = row[i] ?? ''));
          firstRecords.push(record);
        }
      }
    }
    field = '';
    fieldStarted = false;
    row = [];
    rowHasContent = false;
  };

  return {
    push(text) {
      let build = keeping();
      for (let i = 0; i < text.length; i += 1) {
        const c = text.charCodeAt(i);
        if (inQuotes) {
          if (quoteSeen) {
            quoteSeen = false;
            if (c === QUOTE) {
              if (build) field += '"';
              continue;
            }
            inQuotes = false; // the quote closed the field; fall through to handle c
          } else if (c === QUOTE) {
            quoteSeen = true;
            continue;
          } else {
            if (build) field += text[i];
            continue;
          }
        }
        if (c === QUOTE && !fieldStarted) {
          inQuotes = true;
          fieldStarted = true;
          rowHasContent = true;
        } else if (c === COMMA) {
          if (build) row.push(field);
          field = '';
          fieldStarted = false;
          rowHasContent = true;
        } else if (c === NEWLINE) {
          endRow();
          build = keeping();
        } else if (c !== CARRIAGE_RETURN) {
          if (build) field += text[i];
          fieldStarted = true;
          rowHasContent = true;
        }
      }
    },
    end() {
      if (inQuotes && !quoteSeen) bad(`a quoted field opened in row ${rowNo + 1} is never closed`);
      if (rowHasContent) endRow();
      if (header === undefined) bad('the file is empty; a CSV needs a header row');
      return { format: 'csv', count, firstRecords };
    },
  };
}
