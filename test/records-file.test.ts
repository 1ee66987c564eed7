import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/shared/errors.js';
import { MAX_RECORD_CHARS, readRecordsFile, scanRecords } from '../src/inputs/records-file.js';

const dir = mkdtempSync(join(tmpdir(), 'records-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const utf16le = (text: string) => Buffer.from(`\uFEFF${text}`, 'utf16le');
const utf16be = (text: string) => utf16le(text).swap16();
async function refusal(work: Promise<unknown>): Promise<ConfigError> {
  const error = await work.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('readRecordsFile', () => {
  it('counts a JSON array and keeps the first records', async () => {
    const path = file(
      'a.json',
      '\uFEFF[{"id":1,"s":"a,]}\\""},{"id":2,"n":{"x":[1,2]}},\n{"id":3}]\n',
    );
    const summary = await readRecordsFile(path, 2);
    expect(summary).toEqual({
      format: 'json',
      count: 3,
      firstRecords: [
        { id: 1, s: 'a,]}"' },
        { id: 2, n: { x: [1, 2] } },
      ],
    });
  });

  it('counts NDJSON with CRLF and blank lines', async () => {
    const summary = await readRecordsFile(
      file('a.ndjson', '{"id":1}\r\n\r\n{"id":2}\r\n{"id":3}'),
      10,
    );
    expect(summary.count).toBe(3);
    expect(summary.firstRecords).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('counts CSV with quoted commas, quotes and line breaks', async () => {
    const csv =
      'email,note\r\na@x.io,"hello, ""you"""\r\nb@x.io,"two\nlines"\r\n\r\nc@x.io,plain\r\n';
    const summary = await readRecordsFile(file('a.csv', csv), 2);
    expect(summary.count).toBe(3);
    expect(summary.firstRecords).toEqual([
      { email: 'a@x.io', note: 'hello, "you"' },
      { email: 'b@x.io', note: 'two\nlines' },
    ]);
  });

  // The file is read in 64 KiB chunks: records, strings, escapes and quoted line breaks that
  // straddle a chunk boundary must read the same as in one piece.
  it('reads a JSON array across many chunks exactly', async () => {
    const records = Array.from({ length: 3000 }, (_, i) => ({
      id: i,
      s: `a,]}"\\ ${'x'.repeat(i % 97)}`,
      n: [i, { q: '[' }],
    }));
    const summary = await readRecordsFile(
      file('many.json', JSON.stringify(records, null, 1)),
      2500,
    );
    expect(summary.count).toBe(3000);
    expect(summary.firstRecords).toEqual(records.slice(0, 2500));
  });

  it('reads a CSV across many chunks exactly', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      email: `u${i}@x.io`,
      note: `say "hi", ${i}\r\nline ${'y'.repeat(i % 89)}`,
    }));
    const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const csv = `email,note\r\n${rows.map((r) => `${r.email},${cell(r.note)}`).join('\r\n')}\r\n`;
    const summary = await readRecordsFile(file('many.csv', csv), Number.POSITIVE_INFINITY);
    expect(summary.count).toBe(3000);
    expect(summary.firstRecords).toEqual(rows);
  });

  it('sniffs the format when the extension says nothing', async () => {
    expect((await readRecordsFile(file('a.txt', '[{"a":1}]'), 1)).format).toBe('json');
    expect((await readRecordsFile(file('b.txt', '{"a":1}\n{"a":2}'), 1)).format).toBe('ndjson');
    expect((await readRecordsFile(file('c.txt', 'a\n1\n2\n'), 1)).count).toBe(2);
  });

  it.each([
    ['missing', undefined, /does not exist/],
    ['trunc.json', '[{"a":1},', /not closed/],
    ['bad.ndjson', '{"a":1}\n{oops}\n', /line 2 is not JSON/],
    ['empty.json', '[]', /holds no records/],
    ['header-only.csv', 'a,b\n', /holds no records/],
    ['open.csv', 'a\n"never closed\n', /never closed/],
    ['scalar.json', '[1]', /not a JSON object/],
  ])('refuses %s with a ConfigError naming records-file', async (name, content, message) => {
    const path = content === undefined ? join(dir, name) : file(name, content);
    const error = await readRecordsFile(path, 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).input).toBe('records-file');
    expect((error as Error).message).toMatch(message);
  });
  describe('text encodings', () => {
    const csv = 'email,name\r\nä@x.io,"Zoë, ""😀"""\r\nb@x.io,Bo\r\n';
    const expected = [
      { email: 'ä@x.io', name: 'Zoë, "😀"' },
      { email: 'b@x.io', name: 'Bo' },
    ];

    it.each([
      ['le', utf16le],
      ['be', utf16be],
    ])('decodes a UTF-16 %s file with a byte order mark', async (name, encode) => {
      const fromCsv = await readRecordsFile(file(`u16${name}.csv`, encode(csv)), 5);
      expect(fromCsv).toEqual({ format: 'csv', count: 2, firstRecords: expected });
      const ndjson = expected.map((r) => JSON.stringify(r)).join('\r\n');
      const fromNdjson = await readRecordsFile(file(`u16${name}.txt`, encode(ndjson)), 5);
      expect(fromNdjson).toEqual({ format: 'ndjson', count: 2, firstRecords: expected });
      const json = JSON.stringify(expected);
      const fromJson = await readRecordsFile(file(`u16${name}.json`, encode(json)), 1);
      expect(fromJson).toEqual({ format: 'json', count: 2, firstRecords: expected.slice(0, 1) });
    });

    it('refuses invalid UTF-8 naming records-file, the byte offset and the line', async () => {
      const bytes = Buffer.concat([
        Buffer.from('email\na@x.io\nb'),
        Buffer.from([0xff]),
        Buffer.from('@x.io\n'),
      ]);
      const error = await refusal(readRecordsFile(file('latin.csv', bytes), 5));
      expect(error.input).toBe('records-file');
      expect(error.message).toMatch(/at byte 14: it is not valid UTF-8 \(line 3\)/);
    });

    it('names sample-records when that is the input', async () => {
      const bytes = Buffer.concat([
        Buffer.from('[{"a":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}]'),
      ]);
      const error = await refusal(readRecordsFile(file('bad.json', bytes), 5, 'sample-records'));
      expect(error.input).toBe('sample-records');
      expect(error.message).toMatch(/at byte 7: it is not valid UTF-8 \(line 1\)/);
    });

    it('refuses UTF-16 without a byte order mark, a cut character and a lone surrogate', async () => {
      const noBom = Buffer.from('email\nx@y.io\n', 'utf16le');
      expect((await refusal(readRecordsFile(file('nobom.csv', noBom), 5))).message).toMatch(
        /UTF-16 without a byte order mark/,
      );
      const cut = Buffer.from('email\nx@y.io\n\u00e4').subarray(0, -1);
      expect((await refusal(readRecordsFile(file('cut.csv', cut), 5))).message).toMatch(
        /at byte 13: the file ends in the middle of a character/,
      );
      const lone = utf16le('email\nx\uD800y\n');
      const loneBe = utf16be('email\nx\uDC00y\n');
      expect((await refusal(readRecordsFile(file('lone-be.csv', loneBe), 5))).message).toMatch(
        /at byte 16: it is not valid UTF-16BE/,
      );
      expect((await refusal(readRecordsFile(file('lone.csv', lone), 5))).message).toMatch(
        /at byte 16: it is not valid UTF-16LE/,
      );
    });
  });

  describe('record size', () => {
    function* chunksOf(text: string, size: number) {
      for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
    }
    const options = { keep: 1, input: 'records-file', name: 'big' } as const;

    // The old splitter rescanned the growing line on every chunk: 10 MB took 2.2 s, 40 MB 18.4 s.
    it('reads a 15 MiB NDJSON line in 64 KiB chunks in linear time', async () => {
      const line = `{"id":1,"blob":"${'x'.repeat(15 * 1024 * 1024)}"}`;
      const started = performance.now();
      const summary = await scanRecords(chunksOf(`${line}\n{"id":2}\n`, 1 << 16), {
        ...options,
        format: 'ndjson',
      });
      expect(summary.count).toBe(2);
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it.each([
      ['ndjson', (big: string) => `{"id":1}\n{"b":"${big}"}\n`, /line 2 is longer than 16 MiB/],
      ['json', (big: string) => `[{"id":1},{"b":"${big}"}]`, /element 2 is longer than 16 MiB/],
      ['csv', (big: string) => `b\nx\n"${big}"\n`, /row 3 is longer than 16 MiB/],
    ] as const)('refuses a %s record over the limit', async (format, make, message) => {
      const text = make('y'.repeat(MAX_RECORD_CHARS));
      for (const size of [1 << 16, text.length]) {
        const error = await refusal(scanRecords(chunksOf(text, size), { ...options, format }));
        expect(error.input).toBe('records-file');
        expect(error.message).toMatch(message);
      }
    });
  });
});
