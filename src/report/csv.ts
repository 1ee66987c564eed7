import { plainNumber } from './number.js';
import type { Report } from './report.js';

const HEADER = [
  'run_uuid',
  'record_id',
  'status',
  'provider_credits',
  'executions',
  'execution_charge',
  'total_credits',
];

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A text field from an API: a leading = + - @ would make a spreadsheet run it as a formula. */
export function csvText(value: string): string {
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

/** `observations.csv`: one row per observed run (or request). */
export function renderObservationsCsv(report: Report): string {
  const rows = report.observations.map((o) =>
    [
      csvText(o.id),
      csvText(o.recordId),
      csvText(o.status),
      plainNumber(o.providerCredits),
      String(o.executions),
      plainNumber(o.executionCredits),
      plainNumber(o.total),
    ].join(','),
  );
  return `${[HEADER.join(','), ...rows].join('\r\n')}\r\n`;
}
