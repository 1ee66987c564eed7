// report.json keeps a bounded set of observations; observations.csv and basis.n keep them all.
import { describe, expect, it } from 'vitest';
import { renderObservationsCsv } from '../../src/report/csv.js';
import { REPORT_JSON_OBSERVATIONS, renderJson } from '../../src/report/json.js';
import type { Report } from '../../src/report/report.js';
import { reportSchema } from '../../src/report/schema.js';
import { fixedReport } from '../support/report-fixtures.js';

/** The fixture report with `n` observations (its own rows repeated, each with its own id). */
function withObservations(n: number): Report {
  const report = fixedReport(1000, 38_000);
  const rows = report.observations;
  const observations = Array.from({ length: n }, (_, i) => ({
    ...rows[i % rows.length]!,
    id: `obs-${i}`,
  }));
  return { ...report, observations };
}

describe('report.json observations', () => {
  it(`writes at most ${REPORT_JSON_OBSERVATIONS}, the first (newest) ones, and stays valid`, () => {
    const report = withObservations(REPORT_JSON_OBSERVATIONS * 3 + 7);
    const parsed = reportSchema.parse(JSON.parse(renderJson(report)));
    expect(parsed.observations).toHaveLength(REPORT_JSON_OBSERVATIONS);
    expect(parsed.observations[0]!.id).toBe('obs-0');
    expect(parsed.observations.at(-1)!.id).toBe(`obs-${REPORT_JSON_OBSERVATIONS - 1}`);
    // The model itself is untouched: the CSV renders every observation.
    expect(report.observations).toHaveLength(REPORT_JSON_OBSERVATIONS * 3 + 7);
    const csvRows = renderObservationsCsv(report).trimEnd().split('\n');
    expect(csvRows).toHaveLength(REPORT_JSON_OBSERVATIONS * 3 + 7 + 1);
  });

  it('writes every observation when there are no more than the bound', () => {
    const report = withObservations(REPORT_JSON_OBSERVATIONS);
    expect(JSON.parse(renderJson(report)).observations).toHaveLength(REPORT_JSON_OBSERVATIONS);
  });

  it('stays small for a large ledger', () => {
    expect(renderJson(withObservations(100_000)).length).toBeLessThan(1_000_000);
  });
});
