// A report of a large ledger makes its rows when a renderer reads them (README "Performance",
// case F): every file must say what the same report with held rows says.
import { describe, expect, it } from 'vitest';
import { observationCost, type Observation } from '../../src/engine/observation.js';
import { renderObservationsCsv } from '../../src/report/csv.js';
import { histogramBins, histogramSvg } from '../../src/report/html-charts.js';
import { renderJson } from '../../src/report/json.js';
import { buildReport, HELD_ROWS, type ObservationRow } from '../../src/report/report.js';
import { reportSchema } from '../../src/report/schema.js';
import { DEFAULT_SETTINGS, FIXED_RUN, VENICE_WORDS } from '../support/report-fixtures.js';

/** `n` requests with costs spread over three orders of magnitude, some failed, one with commas. */
function requests(n: number): Observation[] {
  return Array.from({ length: n }, (_, i) => {
    const credits = 0.0001 * (1 + ((i * 7919) % 1000)) + (i % 97 === 0 ? 0.3 : 0);
    return {
      id: i === 3 ? 'req,"3"' : `req_${i}`,
      recordId: `rec_${i}`,
      status: i % 50 === 0 ? ('error' as const) : ('success' as const),
      providerCredits: credits,
      executions: i % 3,
      executionCredits: (i % 3) * 0.01,
      parts: [{ key: 'sku-a', kind: 'sku', credits, executions: 0 }],
    };
  });
}

const plainRow = (o: Observation): ObservationRow => ({
  id: o.id,
  recordId: o.recordId,
  status: o.status,
  providerCredits: o.providerCredits,
  executions: o.executions,
  executionCredits: o.executionCredits,
  total: observationCost(o),
});

function reportOf(observations: Observation[]) {
  return buildReport({
    settings: DEFAULT_SETTINGS,
    provider: 'venice',
    vocabulary: VENICE_WORDS,
    run: FIXED_RUN,
    subject: 'all inference',
    tag: 'venice',
    recordCount: 1000,
    decision: 'pass',
    reasons: [],
    observations,
  });
}

describe(`a report of more than ${HELD_ROWS} observations`, () => {
  const observations = requests(HELD_ROWS * 2 + 3);
  const report = reportOf(observations);
  const held = { ...report, observations: observations.map(plainRow) };

  it('lists every row, made when read', () => {
    expect(report.observations).toHaveLength(observations.length);
    expect(report.observations[5]).toEqual(plainRow(observations[5]!));
    expect(report.observations[5]).not.toBe(report.observations[5]);
  });

  it('renders observations.csv, report.json and the histogram as with held rows', () => {
    expect(renderObservationsCsv(report)).toBe(renderObservationsCsv(held));
    const json = renderJson(report);
    expect(json).toBe(renderJson(held));
    expect(() => reportSchema.parse(JSON.parse(json))).not.toThrow();
    expect(histogramSvg(report)).toBe(histogramSvg(held));
  });

  it('holds its rows when fewer, as plain rows a caller may edit', () => {
    const small = reportOf(requests(HELD_ROWS));
    expect(small.observations[0]).toBe(small.observations[0]);
    small.observations[0] = { ...small.observations[0]!, id: 'edited' };
    expect(small.observations[0]?.id).toBe('edited');
  });
});

describe('histogram bins', () => {
  it('are the same from a typed array as from an array, and leave non-finite values out', () => {
    const values = [3, 1, Number.NaN, 2.5, Infinity, 1, 7, -Infinity, 4];
    expect(histogramBins(Float64Array.from(values))).toEqual(histogramBins(values));
    expect(histogramBins(values).reduce((n, b) => n + b.count, 0)).toBe(6);
    expect(histogramBins([Number.NaN])).toEqual([]);
  });

  it('leave out a record whose total is not a number', () => {
    const observations = requests(40);
    observations[0] = { ...observations[0]!, providerCredits: Number.NaN };
    const svg = histogramSvg(reportOf(observations))!;
    expect(svg).toContain('Histogram of the cost of 40 observed records');
    const counts = [...svg.matchAll(/<title>(\d+) records? from/g)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(39);
  });
});
