import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/shared/errors.js';
import { readRecordsFile } from '../src/inputs/records-file.js';

const dir = mkdtempSync(join(tmpdir(), 'records-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
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
});
