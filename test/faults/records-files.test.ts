// Records files as users really save them: UTF-16 from Excel, Latin-1 bytes in a UTF-8 export,
// BOM + CRLF + quoted line breaks, one enormous line, and any cut into chunks. csv-parse is the
// oracle for CSV: the streamed scanner must agree with it whatever the chunk boundaries.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BatchRecord,
  readRecordsFile,
  scanRecords,
  type ScanOptions,
} from '../../src/inputs/records-file.js';
import { ConfigError } from '../../src/shared/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'records-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const counts: Record<string, number> = {};
const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
afterAll(() => {
  for (const [name, n] of Object.entries(counts)) console.log(`fuzz ${name}: ${n} cases: ${n} ok`);
});

/** Cuts bytes into chunks of the given sizes, cycled: anywhere, even inside a character. */
function* cut(bytes: Buffer, sizes: number[]): Generator<Buffer> {
  for (let at = 0, k = 0; at < bytes.length; k += 1) {
    const size = sizes[k % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';
function encode(text: string, encoding: Encoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text);
  if (encoding === 'utf-8-bom') return Buffer.from(`\uFEFF${text}`);
  const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
  return encoding === 'utf-16le' ? le : le.swap16();
}

// Any Unicode text, astral characters included, well formed (a lone surrogate is not text).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const field = fc
  .string({ unit: 'binary', maxLength: 10 })
  .map((s) => s.replace(LONE_SURROGATE, '').replace(/\uFEFF/g, ''));
const tricky = fc.constantFrom('', ',', '"', '""', '\r\n', '\n', '\r', 'é', '😀', ' x ');
const value = fc.oneof(
  field,
  tricky,
  fc.array(tricky, { maxLength: 4 }).map((a) => a.join('')),
);
const rows = fc.array(fc.record({ a: value, b: value }), { minLength: 1, maxLength: 25 });
const sizes = fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 });
const encoding = fc.constantFrom<Encoding>('utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be');
const options = (format: ScanOptions['format'], keep = 5): ScanOptions => ({
  format,
  keep,
  input: 'records-file',
  name: 'fuzz',
});
const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;

describe('records files in any encoding and any chunking', () => {
  it('CSV with a BOM, CRLF and quoted line breaks agrees with csv-parse', async () => {
    await fc.assert(
      fc.asyncProperty(
        rows,
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        encoding,
        sizes,
        async (records, eol, lastEol, enc, chunkSizes) => {
          count('CSV files in random chunks against csv-parse');
          const body = records.map((r) => `${cell(r.a)},${cell(r.b)}`).join(eol);
          const text = `a,b${eol}${body}${lastEol ? eol : ''}`;
          const oracle = parseCsv<BatchRecord>(text, { columns: true });
          const summary = await scanRecords(cut(encode(text, enc), chunkSizes), options('csv'));
          expect(summary.count).toBe(oracle.length);
          expect(summary.firstRecords).toEqual(oracle.slice(0, 5));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('JSON arrays and NDJSON read the same in every encoding and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        rows,
        encoding,
        sizes,
        fc.boolean(),
        async (records, enc, chunkSizes, pretty) => {
          count('JSON and NDJSON files in random chunks');
          const json = JSON.stringify(records, null, pretty ? 2 : 0);
          const ndjson = records.map((r) => JSON.stringify(r)).join('\r\n');
          const fromJson = await scanRecords(cut(encode(json, enc), chunkSizes), options('json'));
          const fromNdjson = await scanRecords(
            cut(encode(ndjson, enc), chunkSizes),
            options('ndjson'),
          );
          for (const summary of [fromJson, fromNdjson]) {
            expect(summary.count).toBe(records.length);
            expect(summary.firstRecords).toEqual(records.slice(0, 5));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  const badByte = fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xf5, 0xff);
  it('invalid UTF-8 anywhere: a ConfigError naming records-file and the exact byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        rows,
        badByte,
        fc.nat(),
        fc.boolean(),
        sizes,
        async (records, bad, at, bom, chunkSizes) => {
          count('invalid UTF-8 files in random chunks');
          const text = `a,b\n${records.map((r) => `${cell(r.a)},${cell(r.b)}`).join('\n')}\n`;
          const chars = [...text];
          const split = at % (chars.length + 1);
          const before = Buffer.from(chars.slice(0, split).join(''));
          const bytes = Buffer.concat([
            bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
            before,
            Buffer.from([bad]),
            Buffer.from(chars.slice(split).join('')),
          ]);
          const offset = (bom ? 3 : 0) + before.length;
          const error = await scanRecords(cut(bytes, chunkSizes), options('csv')).catch(
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).input).toBe('records-file');
          const message = (error as Error).message;
          expect(message).toContain(`at byte ${offset}:`);
          const line = before.toString().split('\n').length;
          if (/not valid UTF-8/.test(message)) expect(message).toContain(`(line ${line})`);
          else expect(message).toMatch(/ends in the middle of a character/);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('one enormous line', () => {
  it('a 200 MB NDJSON line is refused quickly with a ConfigError naming the limit', async () => {
    const path = join(dir, 'one-line.ndjson');
    const out = createWriteStream(path);
    const piece = 'x'.repeat(1 << 20);
    out.write('{"blob":"');
    for (let i = 0; i < 200; i += 1)
      if (!out.write(piece)) await new Promise<void>((done) => out.once('drain', () => done()));
    await new Promise<void>((done) => out.end('"}\n', () => done()));
    const started = performance.now();
    const error = await readRecordsFile(path, 10).catch((e: unknown) => e);
    const seconds = (performance.now() - started) / 1000;
    rmSync(path);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).input).toBe('records-file');
    expect((error as Error).message).toMatch(/line 1 is longer than 16 MiB, the most one record/);
    console.log(`fuzz 200 MB NDJSON line: refused after ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(5);
  });
});
