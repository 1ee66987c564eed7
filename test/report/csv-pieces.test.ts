// observations.csv is written in pieces (a 500k-request Venice ledger never becomes one string):
// the file holds every row, in order, exactly as the one-string rendering does.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReportFiles } from '../../src/export/report-files.js';
import { observationsCsvPieces, renderObservationsCsv } from '../../src/report/csv.js';
import type { Report } from '../../src/report/report.js';
import { fixedReport } from '../support/report-fixtures.js';

function withObservations(n: number): Report {
  const report = fixedReport(1000, 38_000);
  const rows = report.observations;
  const observations = Array.from({ length: n }, (_, i) => ({
    ...rows[i % rows.length]!,
    id: `obs-${i}`,
  }));
  return { ...report, observations };
}

describe('observations.csv in pieces', () => {
  it('holds every row in order, each piece at most 1,000 rows', () => {
    const report = withObservations(2_503);
    const pieces = [...observationsCsvPieces(report)];
    // The header, then three pieces of rows.
    expect(pieces).toHaveLength(4);
    for (const piece of pieces.slice(1)) {
      expect(piece.split('\r\n').length - 1).toBeLessThanOrEqual(1_000);
    }
    const lines = pieces.join('').split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(2_503 + 2);
    expect(lines[1]!.startsWith('obs-0,')).toBe(true);
    expect(lines[2_503]!.startsWith('obs-2502,')).toBe(true);
  });

  it('an empty report is the header line alone', () => {
    const csv = renderObservationsCsv(withObservations(0));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(2);
  });

  it('the file written is the one-string rendering, byte for byte', async () => {
    const report = withObservations(2_100);
    const dir = mkdtempSync(join(tmpdir(), 'csv-pieces-'));
    const files = await writeReportFiles(report, dir);
    expect(readFileSync(files.csv, 'utf8')).toBe(renderObservationsCsv(report));
  });
});
