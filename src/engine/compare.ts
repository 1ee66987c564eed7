// Previous / New / Diff: the change a pull request makes to a batch's cost, against the report of
// another run (the base branch's). Pure: both sides arrive as plain figures.
import { groupedCount, groupedNumber } from '../shared/grouped-number.js';

/** The figures of one run that a comparison reads. */
export interface CostFigures {
  projected: number;
  upper: number;
  perRecord: number;
  recordCount: number;
  /** Mean cost per record of each node (Cargo); empty when the source has no nodes. */
  byNode: readonly { key: string; total: number }[];
}

/**
 * One figure before and after. `percent` is null when both are 0, ±Infinity when it moved from 0
 * (JSON writes that as null: a report read back works it out again with `change`).
 */
export interface Change {
  previous: number;
  current: number;
  diff: number;
  percent: number | null;
}

export interface CostComparison {
  projected: Change;
  upper: Change;
  perRecord: Change;
  recordCount: Change;
  /** The node whose cost per record moved the most, when the cost per record moved. */
  node: { key: string; diff: number } | null;
  /** One sentence naming what moved, e.g. "+4,000 records (+25%), cost per record unchanged". */
  moved: string;
}

// Estimates of the same workflow drift a little between runs (new history, a new sample): a cost
// per record within half a percent is reported as unchanged rather than as a change nobody made.
const UNCHANGED_SHARE = 0.005;

/** The change of one figure. */
export function change(previous: number, current: number): Change {
  const diff = current - previous;
  const percent =
    previous === 0 ? (diff === 0 ? null : Infinity * Math.sign(diff)) : (diff / previous) * 100;
  return { previous, current, diff, percent };
}

/** Compares a run's figures with an earlier run's (the base branch's report). */
export function compareCosts(previous: CostFigures, current: CostFigures): CostComparison {
  const perRecord = change(previous.perRecord, current.perRecord);
  const recordCount = change(previous.recordCount, current.recordCount);
  const node = movedNode(previous, current, perRecord);
  return {
    projected: change(previous.projected, current.projected),
    upper: change(previous.upper, current.upper),
    perRecord,
    recordCount,
    node,
    moved: movedSentence(recordCount, perRecord, node),
  };
}

function unchanged(c: Change): boolean {
  return c.diff === 0 || (c.percent !== null && Math.abs(c.percent) < UNCHANGED_SHARE * 100);
}

/** The node whose mean cost per record changed most (a node new or gone counts from 0). */
function movedNode(
  previous: CostFigures,
  current: CostFigures,
  perRecord: Change,
): CostComparison['node'] {
  if (unchanged(perRecord)) return null;
  const before = new Map(previous.byNode.map((n) => [n.key, n.total]));
  const after = new Map(current.byNode.map((n) => [n.key, n.total]));
  let best: CostComparison['node'] = null;
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const diff = (after.get(key) ?? 0) - (before.get(key) ?? 0);
    if (diff !== 0 && (best === null || Math.abs(diff) > Math.abs(best.diff))) best = { key, diff };
  }
  return best;
}

const whole = (n: number) => groupedCount(n);
const credits = (n: number) => groupedNumber(n, 2, 4);

/** A signed percentage: `+25%`, `−3.5%`, `new` when there was nothing before. */
export function signedPercent(percent: number | null): string {
  if (percent === null) return '0%';
  if (!Number.isFinite(percent)) return percent > 0 ? 'new' : '−∞';
  const rounded = Math.round(percent * 10) / 10;
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '';
  return `${sign}${groupedNumber(Math.abs(rounded))}%`;
}

function signed(n: number, format: (n: number) => string): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : ''}${format(Math.abs(n))}`;
}

function movedSentence(records: Change, perRecord: Change, node: CostComparison['node']): string {
  const parts: string[] = [];
  if (records.diff !== 0) {
    parts.push(`${signed(records.diff, whole)} records (${signedPercent(records.percent)})`);
  }
  if (unchanged(perRecord)) {
    parts.push(
      records.diff === 0 ? 'no change in records or cost per record' : 'cost per record unchanged',
    );
  } else {
    const said = `cost per record ${signedPercent(perRecord.percent)} (${credits(perRecord.previous)} → ${credits(perRecord.current)})`;
    parts.push(node ? `${said}, most in node ${node.key} (${signed(node.diff, credits)})` : said);
  }
  return parts.join(', ');
}

/**
 * Whether the projected cost rose past `fail-on-increase` percent; a cost that appears from 0
 * counts as an increase past any limit.
 */
export function increasedPast(comparison: CostComparison, percent: number): boolean {
  const p = comparison.projected.percent;
  return p !== null && p > percent;
}
