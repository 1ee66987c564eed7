// The report's three pictures as hand-written inline SVG: the histogram of observed cost per
// record, the budget bar and the cost by node. Hand-written rects keep the lazily loaded HTML
// chunk a few kilobytes, where a charting library would add tens. Every label from an API goes
// through `escapeHtml`; numbers are ours.
import type { BreakdownLine } from '../engine/estimate.js';
import { MAX_BREAKDOWN_LINES, withoutControls } from './document.js';
import { displayNumber, displayPercent } from './number.js';
import type { ObservationRow, Report } from './report.js';

/** Text made inert for HTML, in element content and in quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return withoutControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One histogram bar: the records whose cost falls in [from, to) (the last bin includes `to`). */
export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** More bars than this turn a histogram of a few thousand records into noise. */
const MAX_BINS = 30;

/**
 * Equal-width bins from the smallest to the largest value, Sturges' count (⌈log2 n⌉ + 1), which
 * suits the tens to hundreds of runs a history holds; one bin when every record cost the same.
 * Non-finite values are left out. Read by index, twice, with no copy: a Venice ledger's 250k
 * request costs come as one typed array.
 */
export function histogramBins(values: ArrayLike<number>): Bin[] {
  let finite = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    finite += 1;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (finite === 0) return [];
  const k = Math.min(MAX_BINS, Math.ceil(Math.log2(finite)) + 1);
  const width = (max - min) / k;
  // A spread too small to split (down to subnormal numbers, where the width rounds to 0).
  if (!(width > 0) || !Number.isFinite(width)) return [{ from: min, to: max, count: finite }];
  const bins = Array.from({ length: k }, (_, i) => ({
    from: min + i * width,
    to: i === k - 1 ? max : min + (i + 1) * width,
    count: 0,
  }));
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    if (Number.isFinite(v)) bins[Math.min(k - 1, Math.floor((v - min) / width))]!.count += 1;
  }
  return bins;
}

/**
 * Each row's total in a typed array, outside the JavaScript heap, read row by row: a Venice
 * ledger lists 250k rows, which `map` (or `Float64Array.from`, which lists them first) would copy.
 * A report read back from JSON has null for a non-finite total: NaN keeps it out of the bins.
 */
function totalsOf(rows: readonly ObservationRow[]): Float64Array {
  const totals = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i += 1) {
    const total = rows[i]!.total;
    totals[i] = Number.isFinite(total) ? total : Number.NaN;
  }
  return totals;
}

const WIDTH = 640;

/** A linear map from [lo, hi] onto [left, right] pixels; a zero span maps to the middle. */
function scale(lo: number, hi: number, left: number, right: number): (v: number) => number {
  if (!(hi > lo)) return () => (left + right) / 2;
  return (v) => left + ((v - lo) / (hi - lo)) * (right - left);
}

const px = (n: number) => (Math.round(n * 10) / 10).toString();

function rect(cls: string, x: number, y: number, w: number, h: number, title?: string): string {
  const tip = title ? `<title>${escapeHtml(title)}</title>` : '';
  const [width, height] = [px(Math.max(0, w)), px(Math.max(0, h))];
  const box = `x="${px(x)}" y="${px(y)}" width="${width}" height="${height}"`;
  return `<rect class="${cls}" ${box}>${tip}</rect>`;
}

function text(x: number, y: number, words: string, anchor = 'start', cls = 'label'): string {
  const at = `x="${px(x)}" y="${px(y)}" text-anchor="${anchor}"`;
  return `<text class="${cls}" ${at}>${escapeHtml(words)}</text>`;
}

/** A vertical line from `top` to `bottom`, labelled at `labelY` on the side inside the plot. */
function marker(
  cls: string,
  x: number,
  top: number,
  bottom: number,
  labelY: number,
  words: string,
) {
  const anchor = x > WIDTH / 2 ? 'end' : 'start';
  const dx = anchor === 'end' ? -4 : 4;
  return (
    `<line class="${cls}" x1="${px(x)}" x2="${px(x)}" y1="${px(top)}" y2="${px(bottom)}"/>` +
    text(x + dx, labelY, words, anchor, `label ${cls}`)
  );
}

function svg(id: string, height: number, label: string, body: string): string {
  return (
    `<svg id="${id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" ` +
    `aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg">\n${body}\n</svg>`
  );
}

/** The histogram of observed cost per record, with the mean and the upper bound per record. */
export function histogramSvg(report: Report): string | null {
  const bins = histogramBins(totalsOf(report.observations));
  if (bins.length === 0) return null;
  const decimals = report.vocabulary.perRecordDecimals;
  const mean = report.estimate?.mean;
  const p = report.projection;
  const upper = p && p.recordCount > 0 ? p.upper / p.recordCount : undefined;
  const marks = [mean, upper].filter((v): v is number => v !== undefined && Number.isFinite(v));
  const first = bins[0]!;
  const last = bins[bins.length - 1]!;
  let lo = Math.min(first.from, ...marks);
  let hi = Math.max(last.to, ...marks);
  if (lo === hi)
    [lo, hi] = [lo - Math.max(Math.abs(lo) * 0.5, 0.01), hi + Math.max(hi * 0.5, 0.01)];
  const [top, bottom, left, right] = [44, 200, 40, WIDTH - 16];
  const x = scale(lo, hi, left, right);
  const most = Math.max(...bins.map((b) => b.count));
  const y = scale(0, most, bottom, top);
  const bars = bins.map((b) => {
    const from = displayNumber(b.from, decimals);
    const to = displayNumber(b.to, decimals);
    const tip = `${b.count} ${b.count === 1 ? 'record' : 'records'} from ${from} to ${to}`;
    // One cost for every record: a bar a thirtieth of the plot wide, centred on it.
    const [x0, x1] = b.to > b.from ? [x(b.from), x(b.to)] : [x(b.from) - 10, x(b.from) + 10];
    // A bar of one record among hundreds is still a visible sliver, not a missing bar.
    const top = b.count > 0 ? Math.min(y(b.count), bottom - 2) : bottom;
    return rect('bin', x0 + 1, top, x1 - x0 - 2, bottom - top, tip);
  });
  const unit = report.vocabulary.unit;
  const parts = [
    ...bars,
    `<line class="axis" x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>`,
    text(left, bottom + 16, displayNumber(lo, decimals)),
    text(right, bottom + 16, displayNumber(hi, decimals), 'end'),
    text((left + right) / 2, bottom + 34, `${unit} per record`, 'middle'),
    text(left - 6, y(most) + 4, String(most), 'end'),
    text(left - 6, bottom, '0', 'end'),
  ];
  if (mean !== undefined && Number.isFinite(mean))
    parts.push(
      marker('mean', x(mean), top - 6, bottom, 14, `mean ${displayNumber(mean, decimals)}`),
    );
  if (upper !== undefined && Number.isFinite(upper)) {
    const words = `upper bound per record ${displayNumber(upper, decimals)}`;
    parts.push(marker('upper', x(upper), top - 6, bottom, 30, words));
  }
  const n = report.observations.length;
  const label = `Histogram of the cost of ${n} observed records in ${bins.length} bars`;
  return svg('histogram', 240, label, parts.join('\n'));
}

/** The budget bar: projected and upper bound against the limit, on one scale from 0. */
export function budgetSvg(report: Report): string | null {
  const { projection: p, gate: g } = report;
  if (!p || !g) return null;
  const unit = report.vocabulary.unit;
  const finite = [p.projected, p.upper, g.limit].filter((v) => Number.isFinite(v));
  // A reserve above the balance makes the limit negative: the scale then starts below 0.
  const lo = Math.min(0, ...finite);
  const hi = Math.max(0, ...finite) * 1.04 || 1;
  const [top, height, left, right] = [38, 28, 16, WIDTH - 16];
  const x = scale(lo, hi, left, right);
  const projected = Number.isFinite(p.projected) ? p.projected : hi;
  const upper = Number.isFinite(p.upper) ? p.upper : hi;
  const legend = [
    [`projected ${displayNumber(p.projected)} ${unit}`, 'projected'],
    [`upper bound ${displayNumber(p.upper)} (${displayPercent(p.confidence)} confidence)`, 'bound'],
    [`limit ${displayNumber(g.limit)}`, 'limit-key'],
  ].map(([words, cls], i) => {
    const y0 = top + height + 22 + i * 18;
    return rect(`key ${cls!}`, left, y0 - 10, 12, 12) + text(left + 18, y0, words!);
  });
  const parts = [
    rect('track', left, top, right - left, height),
    rect('bound', x(Math.min(projected, upper)), top, x(upper) - x(projected), height),
    rect('projected', x(0), top, x(projected) - x(0), height),
    marker(
      'limit',
      x(g.limit),
      top - 22,
      top + height + 4,
      top - 10,
      `limit ${displayNumber(g.limit)}`,
    ),
    ...legend,
  ];
  const label = [
    `Budget: projected ${displayNumber(p.projected)}`,
    `upper bound ${displayNumber(p.upper)}`,
    `limit ${displayNumber(g.limit)} ${unit}`,
  ].join(', ');
  return svg('budget', top + height + 22 + 3 * 18, label, parts.join('\n'));
}

/** Keeps a long node name to one line of the chart; the table below has it whole. */
function shorten(key: string, max = 32): string {
  return key.length > max ? `${key.slice(0, max - 1)}…` : key;
}

/** One bar per node (Cargo) or SKU (Venice): mean cost per record, as many as the table shows. */
export function breakdownSvg(report: Report): string | null {
  const lines: BreakdownLine[] = (report.estimate?.byNode ?? []).slice(0, MAX_BREAKDOWN_LINES);
  if (lines.length === 0) return null;
  const decimals = report.vocabulary.perRecordDecimals;
  const [rowHeight, left, right] = [24, 230, WIDTH - 140];
  const most = Math.max(0, ...lines.map((l) => l.total));
  const x = scale(0, most || 1, left, right);
  const rows = lines.map((l, i) => {
    const y0 = 8 + i * rowHeight;
    const value = `${displayNumber(l.total, decimals)} (${displayPercent(l.share)})`;
    return (
      text(left - 8, y0 + 15, shorten(l.key), 'end') +
      rect('node-bar', left, y0 + 3, x(l.total) - left, rowHeight - 8, `${l.key} (${l.kind})`) +
      text(x(l.total) + 6, y0 + 15, value)
    );
  });
  const { part, unit } = report.vocabulary;
  const label = `Cost by ${part} in ${unit} per record, ${lines.length} bars`;
  return svg('nodes', 16 + lines.length * rowHeight, label, rows.join('\n'));
}
