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
  it(`writes at most ${REPORT_JSON_OBSERVATIONS}, spread over the whole list, says how many it left out, and stays valid`, () => {
    const total = REPORT_JSON_OBSERVATIONS * 3 + 7;
    const report = withObservations(total);
    const json = JSON.parse(renderJson(report)) as { observationsOmitted?: number };
    const parsed = reportSchema.parse(json);
    expect(parsed.observations).toHaveLength(REPORT_JSON_OBSERVATIONS);
    expect(json.observationsOmitted).toBe(total - REPORT_JSON_OBSERVATIONS);
    // Both ends of the window are represented (providers order them differently), no repeats.
    const ids = parsed.observations.map((o) => Number(o.id.slice(4)));
    expect(ids[0]).toBe(0);
    expect(ids.at(-1)).toBeGreaterThan(total - 5);
    expect(new Set(ids).size).toBe(REPORT_JSON_OBSERVATIONS);
    // The model itself is untouched: the CSV renders every observation.
    expect(report.observations).toHaveLength(total);
    const csvRows = renderObservationsCsv(report).trimEnd().split('\n');
    expect(csvRows).toHaveLength(total + 1);
  });

  it('writes every observation when there are no more than the bound', () => {
    const report = withObservations(REPORT_JSON_OBSERVATIONS);
    const json = JSON.parse(renderJson(report)) as Record<string, unknown>;
    expect(json.observations).toHaveLength(REPORT_JSON_OBSERVATIONS);
    expect(json).not.toHaveProperty('observationsOmitted');
  });

  it('stays small for a large ledger', () => {
    expect(renderJson(withObservations(100_000)).length).toBeLessThan(1_000_000);
  });
});
