import type { Report } from './report.js';

/**
 * Most observations report.json carries, newest first. A Venice ledger of 500k entries made a
 * 55 MB report.json (39 MB of it observations, README "Performance"); `basis.n` still counts
 * them all and observations.csv lists every one.
 */
export const REPORT_JSON_OBSERVATIONS = 1_000;

/** `report.json`: the report with non-finite numbers written as null (JSON has no Infinity/NaN). */
export function renderJson(report: Report): string {
  const bounded =
    report.observations.length > REPORT_JSON_OBSERVATIONS
      ? { ...report, observations: report.observations.slice(0, REPORT_JSON_OBSERVATIONS) }
      : report;
  return `${JSON.stringify(bounded, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
