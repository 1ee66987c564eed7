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
  if (format === 'json') return new JsonArrayScanner(keep, bad);
  if (format === 'ndjson') return ndjsonScanner(keep, bad);
  return new CsvScanner(keep, bad);
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
class JsonArrayScanner implements Scanner {
  private started = false;
  private closed = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private count = 0;
  /** The text of the element being read, while it is one of the first `keep`. */
  private element = '';
  private elementHasContent = false;
  private readonly firstRecords: BatchRecord[] = [];

  constructor(
    private readonly keep: number,
    private readonly bad: (m: string) => never,
  ) {}

  push(text: string): void {
    // Where the kept element's text starts in this chunk; -1 once enough elements are kept.
    let keptFrom = this.firstRecords.length < this.keep ? 0 : -1;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (!this.started) {
        if (isSpace(c)) continue;
        if (c !== OPEN_BRACKET) this.bad('a .json file must hold a JSON array of records');
        this.started = true;
        if (keptFrom !== -1) keptFrom = i + 1;
      } else if (this.closed) {
        if (!isSpace(c)) this.bad('text after the closing ]');
      } else if (this.inString) {
        this.stringChar(c);
      } else if (this.depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
        if (keptFrom !== -1) this.element += text.slice(keptFrom, i);
        this.endElement(c === CLOSE_BRACKET);
        keptFrom = this.firstRecords.length < this.keep ? i + 1 : -1;
      } else {
        this.structuralChar(c);
      }
    }
    if (keptFrom !== -1 && !this.closed && this.started) this.element += text.slice(keptFrom);
  }

  end(): RecordsFileSummary {
    if (!this.started) this.bad('the file is empty');
    if (!this.closed) this.bad('the JSON array is not closed (truncated file?)');
    return { format: 'json', count: this.count, firstRecords: this.firstRecords };
  }

  private stringChar(c: number): void {
    if (this.escaped) this.escaped = false;
    else if (c === BACKSLASH) this.escaped = true;
    else if (c === QUOTE) this.inString = false;
  }

  private structuralChar(c: number): void {
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth += 1;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      this.depth -= 1;
      if (this.depth < 0) this.bad(`unbalanced '${String.fromCharCode(c)}'`);
    }
    if (!this.elementHasContent && !isSpace(c)) this.elementHasContent = true;
  }

  /** A top-level `,` or `]`: the element before it is complete (`[]` has none). */
  private endElement(closing: boolean): void {
    if (closing) this.closed = true;
    if (closing && this.count === 0 && !this.elementHasContent) return;
    if (!this.elementHasContent) this.bad(`empty element after element ${this.count}`);
    this.count += 1;
    if (this.firstRecords.length < this.keep) this.firstRecords.push(this.parseElement());
    this.element = '';
    this.elementHasContent = false;
  }

  private parseElement(): BatchRecord {
    let value: unknown;
    try {
      value = JSON.parse(this.element);
    } catch {
      this.bad(`element ${this.count} is not valid JSON`);
    }
    if (!isRecord(value)) this.bad(`element ${this.count} is not a JSON object`);
    return value;
  }
}

/** RFC 4180 CSV with a header row; quoted fields may hold commas, quotes and line breaks. */
class CsvScanner implements Scanner {
  private header: string[] | undefined;
  private count = 0;
  private readonly firstRecords: BatchRecord[] = [];
  private field = '';
  private row: string[] = [];
  private rowHasContent = false;
  private fieldStarted = false;
  private inQuotes = false;
  /** A quote inside quotes: either the close, or the first of an escaped pair. */
  private quoteSeen = false;
  private rowNo = 0;

  constructor(
    private readonly keep: number,
    private readonly bad: (m: string) => never,
  ) {}

  push(text: string): void {
    // Past the header and the kept records, fields are only scanned, not built.
    let build = this.keeping();
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (this.inQuotes && this.quotedChar(c, text, i, build)) continue;
      if (c === QUOTE && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
        this.rowHasContent = true;
      } else if (c === COMMA) {
        if (build) this.row.push(this.field);
        this.field = '';
        this.fieldStarted = false;
        this.rowHasContent = true;
      } else if (c === NEWLINE) {
        this.endRow();
        build = this.keeping();
      } else if (c !== CARRIAGE_RETURN) {
        if (build) this.field += text[i];
        this.fieldStarted = true;
        this.rowHasContent = true;
      }
    }
  }

  end(): RecordsFileSummary {
    if (this.inQuotes && !this.quoteSeen) {
      this.bad(`a quoted field opened in row ${this.rowNo + 1} is never closed`);
    }
    if (this.rowHasContent) this.endRow();
    if (this.header === undefined) this.bad('the file is empty; a CSV needs a header row');
    return { format: 'csv', count: this.count, firstRecords: this.firstRecords };
  }

  private keeping(): boolean {
    return this.header === undefined || this.firstRecords.length < this.keep;
  }

  /** A character inside quotes; false when it follows the closing quote and is read as usual. */
  private quotedChar(c: number, text: string, i: number, build: boolean): boolean {
    if (this.quoteSeen) {
      this.quoteSeen = false;
      if (c !== QUOTE) {
        this.inQuotes = false;
        return false;
      }
      if (build) this.field += '"';
    } else if (c === QUOTE) {
      this.quoteSeen = true;
    } else if (build) {
      this.field += text[i];
    }
    return true;
  }

  private endRow(): void {
    this.rowNo += 1;
    if (this.rowHasContent) {
      if (this.header === undefined) this.takeHeader();
      else this.takeRecord();
    }
    this.field = '';
    this.fieldStarted = false;
    this.row = [];
    this.rowHasContent = false;
  }

  private takeHeader(): void {
    this.row.push(this.field);
    this.header = this.row.map((h) => h.trim());
    if (this.header.some((h) => h === '')) this.bad('the header row has an empty column name');
  }

  private takeRecord(): void {
    this.count += 1;
    if (this.firstRecords.length >= this.keep) return;
    this.row.push(this.field);
    const record: BatchRecord = {};
    this.header?.forEach((name, i) => (record[name] = this.row[i] ?? ''));
    this.firstRecords.push(record);
  }
}
