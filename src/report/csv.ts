import { plainNumber, unitSlug } from './number.js';
import type { ObservationRow, Report } from './report.js';

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A text field from an API: a leading = + - @ would make a spreadsheet run it as a formula. */
export function csvText(value: string): string {
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

/** A column: its header and how a row fills it. */
type Column = [header: string, cell: (o: ObservationRow) => string];

/** The columns in the provider's unit; the execution columns only where executions are billed. */
function columns(report: Report): Column[] {
  const { unit, executions, perRecordDecimals } = report.vocabulary;
  const u = unitSlug(unit);
  // At least 4 decimals, more where the unit needs them (a USD request costs fractions of a cent).
  const money = (n: number) => plainNumber(n, Math.max(4, perRecordDecimals));
  const charged: Column[] = executions
    ? [
        ['executions', (o) => String(o.executions)],
        ['execution_charge', (o) => money(o.executionCredits)],
      ]
    : [];
  return [
    ['run_uuid', (o) => csvText(o.id)],
    ['record_id', (o) => csvText(o.recordId)],
    ['status', (o) => csvText(o.status)],
    [`provider_${u}`, (o) => money(o.providerCredits)],
    ...charged,
    [`total_${u}`, (o) => money(o.total)],
  ];
}

/** Rows per piece of `observationsCsvPieces`: large enough to write well, small enough to hold. */
const ROWS_PER_PIECE = 1_000;

/**
 * `observations.csv` in pieces of rows, made as they are written: a ledger of 500k requests
 * never exists as one string (README "Performance", Venice memory).
 */
export function* observationsCsvPieces(report: Report): Generator<string> {
  const cols = columns(report);
  yield `${cols.map(([h]) => csvField(h)).join(',')}\r\n`;
  const { observations } = report;
  for (let start = 0; start < observations.length; start += ROWS_PER_PIECE) {
    yield csvRows(observations, start, Math.min(start + ROWS_PER_PIECE, observations.length), cols);
  }
}

/**
 * Rows `start` to `end` as CSV lines, each row read by its index and let go once written: no
 * slice of rows is kept while the piece is being written (a large report makes rows on reading).
 */
function csvRows(rows: readonly ObservationRow[], start: number, end: number, cols: Column[]) {
  const lines: string[] = [];
  for (let i = start; i < end; i += 1) {
    const row = rows[i]!;
    lines.push(cols.map(([, cell]) => cell(row)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** `observations.csv`: one row per observed run (or request). */
export function renderObservationsCsv(report: Report): string {
  return [...observationsCsvPieces(report)].join('');
}
