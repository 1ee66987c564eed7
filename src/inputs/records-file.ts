import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { Keeper, type SampleDraw } from './reservoir.js';

/** One record of the batch: a flat JSON object (a CSV row becomes string fields). */
export type BatchRecord = Record<string, unknown>;

/** What reading a records file yields: how many records, the first few, and a random draw. */
export interface RecordsFileSummary {
  format: 'json' | 'ndjson' | 'csv';
  count: number;
  firstRecords: BatchRecord[];
  /** With a `SampleDraw`: `size` records drawn uniformly from the whole file (fewer if it holds fewer). */
  drawnRecords?: BatchRecord[];
}

type Format = RecordsFileSummary['format'];

/**
 * The longest one record may be, in characters of text (16 MiB for ASCII). A longer record is a
 * config error: one 200 MB NDJSON line is a broken export, and reading it whole would exhaust memory.
 */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/** How `scanRecords` reads and names its source. */
export interface ScanOptions {
  format: Format;
  keep: number;
  /** The input named in errors: `records-file` or `sample-records`. */
  input: string;
  /** The file's path, as errors show it. */
  name: string;
  /** Also draw records uniformly from the whole file (reservoir sampling, seeded). */
  draw?: SampleDraw | undefined;
}

/**
 * Counts the records of a JSON array, NDJSON or CSV file, keeps the first `keep` of them and, with
 * a `draw`, `draw.size` records picked uniformly from the whole file in the same pass.
 * The file is streamed, never held whole in memory, so a 1 GB export counts in constant space.
 * Text is UTF-8, or UTF-16 LE/BE with a byte order mark; anything else is a ConfigError.
 */
export async function readRecordsFile(
  path: string,
  keep: number,
  input = 'records-file',
  draw?: SampleDraw,
): Promise<RecordsFileSummary> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ConfigError(input, `'${path}' is not a file`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(input, `file '${path}' does not exist or cannot be read`);
  }
  const format = formatOfExtension(path) ?? (await sniff(path, input));
  const chunks = createReadStream(path, { highWaterMark: 1 << 16 });
  return scanRecords(chunks, { format, keep, input, name: path, draw });
}

/** Scans records from raw bytes cut into chunks anywhere; the same bytes give the same answer. */
export async function scanRecords(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ScanOptions,
): Promise<RecordsFileSummary> {
  const { input, name } = options;
  const bad = (message: string): never => {
    throw new ConfigError(input, `'${name}' does not parse: ${message}`);
  };
  const keeper = new Keeper(options.keep, options.draw);
  const scanner = scannerFor(options.format, keeper, bad);
  const decoder = new RecordsDecoder(input, name);
  for await (const chunk of chunks) scanner.push(decoder.write(chunk));
  scanner.push(decoder.end());
  const { format, count } = scanner.end();
  if (count === 0) {
    throw new ConfigError(
      input,
      `'${name}' holds no records (a ${format} file with nothing in it)`,
    );
  }
  const drawnRecords = keeper.drawn();
  return {
    format,
    count,
    firstRecords: keeper.first,
    ...(drawnRecords === undefined ? {} : { drawnRecords }),
  };
}

interface Scanner {
  push(text: string): void;
  end(): { format: Format; count: number };
}

function formatOfExtension(path: string): Format | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.csv') return 'csv';
  return undefined;
}

function scannerFor(format: Format, keeper: Keeper, bad: (m: string) => never): Scanner {
  if (format === 'json') return new JsonArrayScanner(keeper, bad);
  if (format === 'ndjson') return ndjsonScanner(keeper, bad);
  return new CsvScanner(keeper, bad);
}

/** Guesses the format of a file without a telling extension from its first character. */
async function sniff(path: string, input: string): Promise<Format> {
  const decoder = new RecordsDecoder(input, path);
  let text = '';
  for await (const chunk of createReadStream(path, { start: 0, end: 4095 })) {
    text += decoder.write(chunk as Buffer);
  }
  const c = text.trimStart()[0];
  if (c === '[') return 'json';
  if (c === '{') return 'ndjson';
  return 'csv';
}

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/**
 * Decodes streamed bytes strictly: UTF-8, or UTF-16 LE/BE when a byte order mark says so. Each
 * chunk is cut after its last whole character and the rest carried, so errors carry a byte offset.
 */
class RecordsDecoder {
  private encoding: Encoding | undefined;
  /** Bytes not decoded yet: the start of the file until the BOM is known, then a cut character. */
  private pending: Buffer = Buffer.alloc(0);
  /** Offset in the file of the first pending byte. */
  private offset = 0;
  /** Line breaks decoded so far, to name the line of an error. */
  private lines = 0;
  private readonly utf16 = new TextDecoder('utf-16le', { fatal: true });
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly input: string,
    private readonly name: string,
  ) {}

  write(chunk: Uint8Array): string {
    const bytes =
      this.pending.length > 0
        ? Buffer.concat([this.pending, chunk])
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.encoding === undefined) {
      if (bytes.length < 3) {
        this.pending = Buffer.from(bytes);
        return '';
      }
      return this.decode(this.start(bytes));
    }
    return this.decode(bytes);
  }

  end(): string {
    let bytes = this.pending;
    if (this.encoding === undefined) bytes = this.start(bytes);
    const text = this.decode(bytes);
    if (this.pending.length > 0) {
      this.fail(this.offset, 'the file ends in the middle of a character (truncated?)');
    }
    return text;
  }

  /** Reads the byte order mark; returns the bytes after it. */
  private start(bytes: Buffer): Buffer {
    const [a, b, c] = bytes;
    let bom = 0;
    if (a === 0xef && b === 0xbb && c === 0xbf) [this.encoding, bom] = ['utf-8', 3];
    else if (a === 0xff && b === 0xfe) [this.encoding, bom] = ['utf-16le', 2];
    else if (a === 0xfe && b === 0xff) [this.encoding, bom] = ['utf-16be', 2];
    else if (bytes.length >= 2 && (a === 0 || b === 0)) {
      this.fail(0, 'it looks like UTF-16 without a byte order mark; save it as UTF-8');
    } else this.encoding = 'utf-8';
    this.offset = bom;
    return bytes.subarray(bom);
  }

  /** Decodes the whole characters of `bytes` and keeps the cut one for the next chunk. */
  private decode(bytes: Buffer): string {
    const encoding = this.encoding ?? 'utf-8';
    const whole = encoding === 'utf-8' ? wholeUtf8(bytes) : wholeUtf16(bytes, encoding);
    const piece = bytes.subarray(0, whole);
    let text: string;
    try {
      text = encoding === 'utf-8' ? this.utf8.decode(piece) : this.decodeUtf16(piece);
    } catch {
      this.invalid(piece);
    }
    this.pending = Buffer.from(bytes.subarray(whole));
    this.offset += whole;
    this.lines += countLineBreaks(text);
    return text;
  }

  private decodeUtf16(piece: Buffer): string {
    // TextDecoder has no fatal UTF-16 BE everywhere; swapping a copy's bytes makes it LE.
    const le = this.encoding === 'utf-16be' ? Buffer.from(piece).swap16() : piece;
    return this.utf16.decode(le);
  }

  /** Names the first bad character of a piece that did not decode. */
  private invalid(piece: Buffer): never {
    const encoding = this.encoding ?? 'utf-8';
    if (encoding !== 'utf-8') {
      const le = encoding === 'utf-16be' ? Buffer.from(piece).swap16() : piece;
      const at = firstLoneSurrogate(le);
      this.fail(
        this.offset + at,
        `it is not valid ${encoding.toUpperCase()} (an unpaired surrogate)`,
      );
    }
    const at = firstInvalidUtf8(piece);
    const line = this.lines + countLineBreaks(piece.subarray(0, at).toString('latin1')) + 1;
    return this.fail(
      this.offset + at,
      `it is not valid UTF-8 (line ${line}); save it as UTF-8, or as UTF-16 with a byte order mark`,
    );
  }

  private fail(offset: number, message: string): never {
    throw new ConfigError(this.input, `'${this.name}' at byte ${offset}: ${message}`);
  }
}

function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/** How many leading bytes end on a whole UTF-8 character (a cut lead byte and its tail wait). */
function wholeUtf8(bytes: Buffer): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i -= 1) {
    const b = bytes[i]!;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return i + length > n ? i : n;
    }
  }
  return n;
}

/** How many leading bytes end on a whole UTF-16 character (an odd byte or a high surrogate waits). */
function wholeUtf16(bytes: Buffer, encoding: Encoding): number {
  const even = bytes.length - (bytes.length % 2);
  if (even < 2) return even;
  const high = encoding === 'utf-16le' ? bytes[even - 1]! : bytes[even - 2]!;
  return high >= 0xd8 && high <= 0xdb ? even - 2 : even;
}

/** The byte offset of the first unpaired surrogate in UTF-16 LE code units. */
function firstLoneSurrogate(le: Buffer): number {
  for (let i = 0; i + 1 < le.length; i += 2) {
    const unit = le.readUInt16LE(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) return i;
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = i + 3 < le.length ? le.readUInt16LE(i + 2) : 0;
    if (next < 0xdc00 || next > 0xdfff) return i;
    i += 2;
  }
  return le.length;
}

/** Where the first malformed UTF-8 sequence starts (RFC 3629: no overlongs, no surrogates). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}

/** The length of the well-formed sequence at `i`, or 0. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const c = bytes[i]!;
  if (c < 0x80) return 1;
  // [length, lowest second byte, highest second byte] per lead byte (RFC 3629 table 3-7).
  const rule: [number, number, number] | undefined =
    c >= 0xc2 && c <= 0xdf
      ? [2, 0x80, 0xbf]
      : c === 0xe0
        ? [3, 0xa0, 0xbf]
        : c === 0xed
          ? [3, 0x80, 0x9f]
          : c >= 0xe1 && c <= 0xef
            ? [3, 0x80, 0xbf]
            : c === 0xf0
              ? [4, 0x90, 0xbf]
              : c >= 0xf1 && c <= 0xf3
                ? [4, 0x80, 0xbf]
                : c === 0xf4
                  ? [4, 0x80, 0x8f]
                  : undefined;
  if (rule === undefined || i + rule[0] > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < rule[1] || second > rule[2]) return 0;
  for (let k = 2; k < rule[0]; k += 1) {
    const b = bytes[i + k]!;
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return rule[0];
}

function isRecord(value: unknown): value is BatchRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const tooLong = (what: string) =>
  `${what} is longer than ${MAX_RECORD_CHARS / (1024 * 1024)} MiB, the most one record may be`;

/**
 * Splits streamed text into lines; handles CRLF and a last line without a newline. Each chunk is
 * searched once and a long line is kept as its pieces, so a line of any length is read in linear time.
 */
class LineSplitter {
  private pieces: string[] = [];
  private piecesLength = 0;
  private lineNo = 0;

  constructor(
    private readonly onLine: (line: string, lineNo: number) => void,
    private readonly bad: (m: string) => never,
  ) {}

  push(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.emit(text.slice(from, nl));
      from = nl + 1;
    }
    if (from === text.length) return;
    this.pieces.push(text.slice(from));
    this.piecesLength += text.length - from;
    if (this.piecesLength > MAX_RECORD_CHARS) this.bad(tooLong(`line ${this.lineNo + 1}`));
  }

  end(): void {
    if (this.piecesLength > 0) this.emit('');
  }

  private emit(tail: string): void {
    this.lineNo += 1;
    if (this.piecesLength + tail.length > MAX_RECORD_CHARS)
      this.bad(tooLong(`line ${this.lineNo}`));
    const line = this.pieces.length === 0 ? tail : this.pieces.join('') + tail;
    this.pieces = [];
    this.piecesLength = 0;
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line, this.lineNo);
  }
}

function ndjsonScanner(keeper: Keeper, bad: (m: string) => never): Scanner {
  let count = 0;
  const lines = new LineSplitter((line, lineNo) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      bad(`line ${lineNo} is not JSON`);
    }
    if (!isRecord(value)) bad(`line ${lineNo} is not a JSON object`);
    keeper.take(count, value);
    count += 1;
  }, bad);
  return {
    push: (text) => lines.push(text),
    end() {
      lines.end();
      return { format: 'ndjson', count };
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
  /** The text of the element being read, while it is one the keeper wants. */
  private element = '';
  private elementHasContent = false;
  /** Characters pushed before this chunk, and where the current element starts. */
  private consumed = 0;
  private elementStart = 0;

  constructor(
    private readonly keeper: Keeper,
    private readonly bad: (m: string) => never,
  ) {}

  push(text: string): void {
    // Where the kept element's text starts in this chunk; -1 while the element is not wanted.
    let keptFrom = this.keeper.wants(this.count) ? 0 : -1;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (!this.started) {
        if (isSpace(c)) continue;
        if (c !== OPEN_BRACKET) this.bad('a .json file must hold a JSON array of records');
        this.started = true;
        this.elementStart = this.consumed + i + 1;
        if (keptFrom !== -1) keptFrom = i + 1;
      } else if (this.closed) {
        if (!isSpace(c)) this.bad('text after the closing ]');
      } else if (this.inString) {
        this.stringChar(c);
      } else if (this.depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
        if (keptFrom !== -1) this.element += text.slice(keptFrom, i);
        this.checkLength(this.consumed + i);
        this.endElement(c === CLOSE_BRACKET);
        keptFrom = this.keeper.wants(this.count) ? i + 1 : -1;
        this.elementStart = this.consumed + i + 1;
      } else {
        this.structuralChar(c);
      }
    }
    if (keptFrom !== -1 && !this.closed && this.started) this.element += text.slice(keptFrom);
    this.consumed += text.length;
    if (this.started && !this.closed) this.checkLength(this.consumed);
  }

  /** An element (the text between top-level commas) may not pass the record limit. */
  private checkLength(upTo: number): void {
    if (upTo - this.elementStart > MAX_RECORD_CHARS) {
      this.bad(tooLong(`element ${this.count + 1}`));
    }
  }

  end(): { format: Format; count: number } {
    if (!this.started) this.bad('the file is empty');
    if (!this.closed) this.bad('the JSON array is not closed (truncated file?)');
    return { format: 'json', count: this.count };
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
    if (this.keeper.wants(this.count)) this.keeper.take(this.count, this.parseElement());
    this.count += 1;
    this.element = '';
    this.elementHasContent = false;
  }

  private parseElement(): BatchRecord {
    const n = this.count + 1;
    let value: unknown;
    try {
      value = JSON.parse(this.element);
    } catch {
      this.bad(`element ${n} is not valid JSON`);
    }
    if (!isRecord(value)) this.bad(`element ${n} is not a JSON object`);
    return value;
  }
}

/** RFC 4180 CSV with a header row; quoted fields may hold commas, quotes and line breaks. */
class CsvScanner implements Scanner {
  private header: string[] | undefined;
  private count = 0;
  private field = '';
  private row: string[] = [];
  private rowHasContent = false;
  private fieldStarted = false;
  private inQuotes = false;
  /** A quote inside quotes: either the close, or the first of an escaped pair. */
  private quoteSeen = false;
  private rowNo = 0;
  /** Characters pushed before this chunk, and where the current row starts. */
  private consumed = 0;
  private rowStart = 0;

  constructor(
    private readonly keeper: Keeper,
    private readonly bad: (m: string) => never,
  ) {}

  push(text: string): void {
    // Past the header, fields of records the keeper does not want are only scanned, not built.
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
        this.checkLength(this.consumed + i);
        this.endRow();
        this.rowStart = this.consumed + i + 1;
        build = this.keeping();
      } else if (c !== CARRIAGE_RETURN) {
        if (build) this.field += text[i];
        this.fieldStarted = true;
        this.rowHasContent = true;
      }
    }
    this.consumed += text.length;
    this.checkLength(this.consumed);
  }

  /** A row (with the line breaks inside its quoted fields) may not pass the record limit. */
  private checkLength(upTo: number): void {
    if (upTo - this.rowStart > MAX_RECORD_CHARS) this.bad(tooLong(`row ${this.rowNo + 1}`));
  }

  end(): { format: Format; count: number } {
    if (this.inQuotes && !this.quoteSeen) {
      this.bad(`a quoted field opened in row ${this.rowNo + 1} is never closed`);
    }
    if (this.rowHasContent) this.endRow();
    if (this.header === undefined) this.bad('the file is empty; a CSV needs a header row');
    return { format: 'csv', count: this.count };
  }

  private keeping(): boolean {
    return this.header === undefined || this.keeper.wants(this.count);
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
    const index = this.count;
    this.count += 1;
    if (!this.keeper.wants(index)) return;
    this.row.push(this.field);
    const record: BatchRecord = {};
    this.header?.forEach((name, i) => (record[name] = this.row[i] ?? ''));
    this.keeper.take(index, record);
  }
}
