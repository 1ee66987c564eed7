// The random sample of records-file: a uniform draw made while the file is streamed for counting,
// reproducible from its seed, and what `prepareInputs` hands the sample and the bound.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/inputs/config.js';
import { scanRecords } from '../../src/inputs/records-file.js';
import { mulberry32 } from '../../src/inputs/reservoir.js';
import { prepareInputs } from '../../src/pipeline/prepare.js';

const dir = mkdtempSync(join(tmpdir(), 'sample-selection-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
const texts = {
  ndjson: (n: number) =>
    ids(n)
      .map((i) => JSON.stringify({ id: i }))
      .join('\n'),
  json: (n: number) => JSON.stringify(ids(n).map((i) => ({ id: i }))),
  csv: (n: number) => ['id', ...ids(n).map(String)].join('\r\n'),
};
const chunks = (text: string, size: number) => {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
};
async function draw(format: keyof typeof texts, n: number, size: number, seed: number) {
  const summary = await scanRecords(chunks(texts[format](n), 7), {
    format,
    keep: 0,
    input: 'records-file',
    name: 'x',
    draw: { size, seed },
  });
  expect(summary.count).toBe(n);
  return summary.drawnRecords!.map((r) => Number(r.id));
}

describe('reservoir draw of records-file', () => {
  it.each(['ndjson', 'json', 'csv'] as const)(
    'picks every record of a %s file equally often (chi-square over 3,000 seeded draws)',
    async (format) => {
      const n = 20;
      const size = 5;
      const trials = 3_000;
      const seen = new Array<number>(n).fill(0);
      const pairs = new Map<string, number>();
      for (let seed = 0; seed < trials; seed += 1) {
        const picked = await draw(format, n, size, seed);
        expect(new Set(picked).size).toBe(size);
        for (const id of picked) seen[id]! += 1;
        const key = [...picked]
          .sort((a, b) => a - b)
          .slice(0, 2)
          .join(',');
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
      const expected = (trials * size) / n;
      const chi2 = seen.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
      // χ²(19) exceeds 43.8 with probability 0.001; a head-heavy draw (first = 1) scores thousands.
      expect(chi2).toBeLessThan(43.8);
      // The last record is as likely as the first: the draw reaches the end of the file.
      expect(Math.abs(seen[n - 1]! - seen[0]!)).toBeLessThan(0.25 * expected);
      expect(pairs.size).toBeGreaterThan(50);
    },
  );

  it('draws the same records from the same seed, and others from another seed', async () => {
    const a = await draw('ndjson', 1_000, 10, 1234);
    expect(await draw('ndjson', 1_000, 10, 1234)).toEqual(a);
    expect(await draw('json', 1_000, 10, 1234)).toEqual(a);
    expect(await draw('csv', 1_000, 10, 1234)).toEqual(a);
    expect(await draw('ndjson', 1_000, 10, 1235)).not.toEqual(a);
  });

  it('keeps the whole file when it holds fewer records than the sample', async () => {
    expect((await draw('csv', 3, 10, 7)).sort()).toEqual([0, 1, 2]);
  });

  it('mulberry32 is uniform in [0, 1) and seeded', () => {
    const random = mulberry32(42);
    const values = Array.from({ length: 10_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((s, v) => s + v, 0) / values.length).toBeCloseTo(0.5, 1);
    expect(Array.from({ length: 5 }, mulberry32(42))).toEqual(values.slice(0, 5));
  });
});

// A batch sorted cheap-first: the cost of a record grows with its place in the file.
const sorted = file(
  'sorted.ndjson',
  ids(2_000)
    .map((i) => JSON.stringify({ id: i, cost: 1 + i / 100 }))
    .join('\n'),
);
const config = (extra: Record<string, string>) =>
  parseConfig({
    'api-token': 't',
    'workflow-uuid': 'w',
    'records-file': sorted,
    'sample-size': '10',
    ...extra,
  });

describe('prepareInputs sample-selection', () => {
  it('random (the default) samples the whole sorted file, not its cheap head, and says so', async () => {
    const prepared = await prepareInputs(config({ 'sample-seed': '1234' }));
    const picked = prepared.sampleRecords.map((r) => Number(r.id));
    expect(picked).toHaveLength(10);
    expect(Math.max(...picked)).toBeGreaterThan(1_000);
    const mean = prepared.sampleRecords.reduce((s, r) => s + Number(r.cost), 0) / 10;
    // The head's mean cost is 1.045; the file's is 11.
    expect(mean).toBeGreaterThan(5);
    expect(prepared.sampleIsFromBatch).toBe(true);
    expect(prepared.sampleSelection).toEqual({
      selection: 'random',
      seed: 1234,
      size: 10,
      from: 2_000,
    });
    expect(prepared.recordCount).toBe(2_000);
    const again = await prepareInputs(config({ 'sample-seed': '1234' }));
    expect(again.sampleRecords).toEqual(prepared.sampleRecords);
  });

  it('draws a new seed each run when sample-seed is not set, and reports it', async () => {
    const seeds = new Set<number | undefined>();
    for (let i = 0; i < 5; i += 1)
      seeds.add((await prepareInputs(config({}))).sampleSelection?.seed);
    expect(seeds.size).toBeGreaterThan(1);
    for (const seed of seeds) expect(Number.isInteger(seed)).toBe(true);
  });

  it('first keeps the head of the file, and is not a random sample of the batch', async () => {
    const prepared = await prepareInputs(config({ 'sample-selection': 'first' }));
    expect(prepared.sampleRecords.map((r) => r.id)).toEqual(ids(10));
    expect(prepared.sampleIsFromBatch).toBe(false);
    expect(prepared.sampleSelection).toEqual({ selection: 'first', size: 10, from: 2_000 });
  });

  it('with run-batch launching the file, every record is launched and the sample is a random subset', async () => {
    const prepared = await prepareInputs(config({ 'run-batch': 'true', 'sample-seed': '99' }));
    const batch = prepared.batchData;
    expect(batch?.kind === 'records' && batch.records).toHaveLength(2_000);
    const picked = prepared.sampleRecords.map((r) => Number(r.id));
    expect(picked).toHaveLength(10);
    expect(new Set(picked).size).toBe(10);
    expect(Math.max(...picked)).toBeGreaterThan(1_000);
    expect(prepared.sampleIsFromBatch).toBe(true);
  });

  it('sample-records is the sample whatever the selection: not a draw from the batch', async () => {
    const prepared = await prepareInputs(config({ 'sample-records': '[{"id":"s"}]' }));
    expect(prepared.sampleRecords).toEqual([{ id: 's' }]);
    expect(prepared.sampleIsFromBatch).toBe(false);
    expect(prepared.sampleSelection).toBeUndefined();
  });

  it('refuses a sample-seed that is not a 32-bit whole number, naming the input', () => {
    expect(() => config({ 'sample-seed': '-1' })).toThrow(/sample-seed/);
    expect(() => config({ 'sample-selection': 'last' })).toThrow(/sample-selection/);
  });
});
