import type { Report } from './report.js';

/** `report.json`: the report with non-finite numbers written as null (JSON has no Infinity/NaN). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
