import type { Report } from './report.js';

/**
 * Most observations report.json carries. A Venice ledger of 500k entries made a 55 MB
 * report.json (39 MB of it observations, README "Performance"); `basis.n` still counts them
 * all and observations.csv lists every one.
 */
export const REPORT_JSON_OBSERVATIONS = 1_000;

/**
 * `report.json`: the report with non-finite numbers written as null (JSON has no Infinity/NaN).
 * Past the bound it keeps observations evenly spaced over the whole list — providers list them
 * in different orders (Cargo newest first, the Venice ledger oldest first), so a prefix would
 * keep one end of the window — and says how many it left out.
 */
export function renderJson(report: Report): string {
  const all = report.observations;
  const bounded =
    all.length > REPORT_JSON_OBSERVATIONS
      ? {
          ...report,
          observations: Array.from(
            { length: REPORT_JSON_OBSERVATIONS },
            (_, i) => all[Math.floor((i * all.length) / REPORT_JSON_OBSERVATIONS)]!,
          ),
          observationsOmitted: all.length - REPORT_JSON_OBSERVATIONS,
        }
      : report;
  return `${JSON.stringify(bounded, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
