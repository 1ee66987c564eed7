// How the Venice emulator writes ledger entries (JSON and CSV) and its opaque page cursors
// (shared/reference/venice-billing-api.md, "GET /billing/usage-history").
import type { Entry } from './ledger.js';

/** What a cursor carries: the first page's filters and the last entry id already served. */
export interface CursorState {
  /** Start and end of the window (ms), the currency filter, the page size. */
  s: number;
  e: number;
  c: string | null;
  p: number;
  after: number;
  /** Pages served past the end (the `endlessCursor: 'fresh'` fault), so each cursor differs. */
  n?: number;
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/** The cursor's state, or undefined for one this emulator did not issue. */
export function decodeCursor(cursor: string): CursorState | undefined {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (typeof value.after !== 'number' || typeof value.p !== 'number') return undefined;
    return value as unknown as CursorState;
  } catch {
    return undefined;
  }
}

export function wireEntry(e: Entry): Record<string, unknown> {
  return {
    timestamp: e.timestamp,
    sku: e.sku,
    pricePerUnitUsd: e.pricePerUnitUsd,
    units: e.units,
    amount: e.amount,
    currency: e.currency,
    notes: e.notes,
    inferenceDetails: {
      requestId: e.requestId,
      promptTokens: e.promptTokens,
      completionTokens: e.completionTokens,
      inferenceExecutionTime: e.inferenceExecutionTime,
    },
  };
}

const CSV_HEADER =
  'timestamp,sku,pricePerUnitUsd,units,amount,currency,notes,inferenceDetails.requestId,inferenceDetails.inferenceExecutionTime,inferenceDetails.promptTokens,inferenceDetails.completionTokens';

/** A page as CSV; the header row and quoting are undocumented, so this writes the plain kind. */
export function csvPage(rows: Entry[]): string {
  const q = (v: string | number) =>
    /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
  const line = (e: Entry) =>
    [
      e.timestamp,
      e.sku,
      e.pricePerUnitUsd,
      e.units,
      e.amount,
      e.currency,
      e.notes,
      e.requestId,
      e.inferenceExecutionTime,
      e.promptTokens,
      e.completionTokens,
    ]
      .map(q)
      .join(',');
  return [CSV_HEADER, ...rows.map(line)].join('\n') + '\n';
}
