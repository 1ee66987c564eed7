// What a report says, once, as blocks of text; `markdown.ts` and `text.ts` only decide how it
// looks. Keeping the wording here is what keeps the job summary and the terminal view equal.
// Text from an API, a file or the provider is wrapped (`code`, `untrusted`) so each renderer
// can make it inert in its own way: escaped for Markdown, stripped of control characters for
// a terminal.
import type { BreakdownLine } from '../engine/estimate.js';
import { displayNumber, displayPercent } from './number.js';
import { outcomeOf } from './outcome.js';
import type { Report } from './report.js';

/**
 * A piece of a line: our own words (a string), an identifier from an API (`code`), prose from
 * an API (`untrusted`), our own bold words, or our own fixed-width text (`mono`, the bar).
 */
export type Span =
  string | { code: string } | { untrusted: string } | { strong: string } | { mono: string };
export type Line = Span[];

export interface Column {
  title: string;
  align: 'left' | 'right';
}

export type Block =
  | { kind: 'title'; line: Line }
  | { kind: 'paragraph'; line: Line; aside?: boolean }
  | { kind: 'quote'; lines: Line[] }
  | { kind: 'heading'; text: string }
  | { kind: 'list'; items: Line[] }
  | { kind: 'table'; columns: Column[]; rows: Line[][] }
  | { kind: 'details'; summary: string; blocks: Block[] };

/** Breakdown lines shown before the rest is summed up, so the text stays far below GitHub's limits. */
export const MAX_BREAKDOWN_LINES = 25;

const CELLS = 20;

// C0 controls, DEL and C1 controls (0x9b is a one-byte CSI), and the bidirectional overrides
// that can make text read differently from what it is ("Trojan Source").
const LINE_BREAKS = /[\r\n\t\v\f\u0085\u2028\u2029]+/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text with no control characters: line breaks become a space, the rest are dropped. Every
 * renderer applies it, since Markdown too ends up in a terminal (`--format markdown`).
 */
export function withoutControls(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(CONTROLS, '');
}

const left = (title: string): Column => ({ title, align: 'left' });
const right = (title: string): Column => ({ title, align: 'right' });

/** A cost per record, with as many decimals as the provider's unit needs to show a difference. */
function perRecord(report: Report, value: number | null | undefined): string {
  return displayNumber(value, report.vocabulary.perRecordDecimals);
}

/** "finished runs", "billed requests": the vocabulary's observation word for a count. */
function observations(report: Report, n: number): string {
  const word = report.vocabulary.observation;
  return n === 1 ? word : `${word}s`;
}

/** The blocks of the whole report, in reading order; the footer is the renderer's. */
export function reportBlocks(report: Report, maxBreakdownLines = MAX_BREAKDOWN_LINES): Block[] {
  const blocks: Block[] = [{ kind: 'title', line: headline(report) }];
  // Reasons quote API text (a refused batch's message, a workflow name): inert like the rest.
  const quoted: Line[] = report.reasons.map((r) => [{ untrusted: r }]);
  const error = errorLine(report);
  if (error) quoted.push(error);
  if (quoted.length > 0) blocks.push({ kind: 'quote', lines: quoted });
  blocks.push(...figures(report), ...bar(report), ...basis(report));
  blocks.push(...breakdowns(report, maxBreakdownLines), ...receipt(report));
  blocks.push(...advice(report), ...balance(report));
  return blocks;
}

/** The headline: the outcome's icon and words (never ✅ for a stopped batch), projected vs limit. */
function headline(report: Report): Line {
  const { icon, words } = outcomeOf(report).heading;
  const line: Line = [`${icon} Batch cost gate: `, { strong: words }];
  const p = report.projection;
  const g = report.gate;
  if (!p || !g) return line;
  line.push(
    ` — projected ${displayNumber(p.projected)} of ${displayNumber(g.limit)} ${report.vocabulary.unit}`,
  );
  return line;
}

function errorLine(report: Report): Line | undefined {
  if (!report.error) return undefined;
  const words = outcomeOf(report).heading.words;
  return [
    `${words.charAt(0).toUpperCase()}${words.slice(1)}: `,
    { untrusted: report.error.message },
  ];
}

function figures(report: Report): Block[] {
  const { projection: p, gate: g, balance: b } = report;
  const rows: [string, string][] = [];
  if (p) {
    const times = `${displayNumber(p.recordCount, 0)} records × ${perRecord(report, p.perRecord)}`;
    rows.push([`Projected (${times})`, displayNumber(p.projected)]);
    rows.push([`Upper bound (${displayPercent(p.confidence)} confidence)`, displayNumber(p.upper)]);
  }
  if (g) {
    const source = g.limitSource === 'budget' ? 'budget' : 'remaining − reserve';
    rows.push([`Limit (${source})`, displayNumber(g.limit)]);
  }
  if (b) rows.push(['Remaining', displayNumber(b.remaining)]);
  if (g) rows.push(['Headroom', displayNumber(g.headroom)]);
  if (report.sample) rows.push(['Spent on the sample', displayNumber(report.sample.cost)]);
  if (rows.length === 0) return [];
  const columns = [left(''), right(report.vocabulary.unit)];
  return [{ kind: 'table', columns, rows: rows.map(([k, v]) => [[k], [v]]) }];
}

/** The bar as characters: ▓ up to the projection, ▒ up to the upper bound, ░ after. */
export function barCells(projected: number, upper: number, limit: number): string {
  if (!(limit > 0)) return '▓'.repeat(CELLS);
  const filled = Math.min(CELLS, Math.round((projected / limit) * CELLS));
  const bound = Math.min(CELLS, Math.round((upper / limit) * CELLS));
  return Array.from({ length: CELLS }, (_, i) => (i < filled ? '▓' : i < bound ? '▒' : '░')).join(
    '',
  );
}

/** A 20-cell bar of projected / limit, with the upper bound marked. */
export function barLine(projected: number, upper: number, limit: number, unit: string): Line {
  const cells = { mono: barCells(projected, upper, limit) };
  if (!(limit > 0)) return [cells, ` no ${unit} within the limit`];
  const share = `${displayPercent(projected / limit)} of the limit`;
  return [cells, ` ${share} (upper bound ${displayPercent(upper / limit)})`];
}

function bar(report: Report): Block[] {
  const { projection: p, gate: g } = report;
  if (!p || !g) return [];
  return [
    { kind: 'paragraph', line: barLine(p.projected, p.upper, g.limit, report.vocabulary.unit) },
  ];
}

/** What the estimate was made from, in the provider's words ("finished runs of workflow …"). */
function sourceLine(report: Report): Line {
  const b = report.basis!;
  const v = report.vocabulary;
  const seen = `${b.n} ${observations(report, b.n)}`;
  const subject: Line = [`${v.subject} `, { code: report.subject }];
  let line: Line;
  if (b.source === 'history') {
    line = [{ strong: 'history' }, `: ${seen} of `, ...subject];
    if (b.windowDays !== undefined) line.push(` in the last ${b.windowDays} days`);
  } else if (b.source === 'metrics') {
    const span = `usage metrics from ${b.from ?? '?'} to ${b.to ?? '?'}`;
    line = [{ strong: span }, `, divided by ${seen} of `, ...subject];
  } else {
    line = [{ strong: 'sample' }, `: ${seen} from the sample `];
    line.push({ code: report.sample?.batchUuid ?? '' });
  }
  if (b.note) line.push(' (', { untrusted: b.note }, ')');
  return ['Source: ', ...line, '.'];
}

function perRecordLine(report: Report): Line {
  const e = report.estimate!;
  const sd = e.sd === null ? 'unknown' : perRecord(report, e.sd);
  let text = `Per record: mean ${perRecord(report, e.mean)}, standard deviation ${sd}`;
  // Only providers that bill per execution have an execution charge to speak of.
  if (report.vocabulary.executions) {
    const executions = displayNumber(e.executionsPerRecord, 1);
    text += `, of which execution charge ${perRecord(report, e.executionMean)} (${executions} executions)`;
  }
  return [`${text}.`];
}

function basis(report: Report): Block[] {
  const { basis: b, estimate: e, projection: p, sample: s } = report;
  if (!b || !e) return [];
  const items: Line[] = [sourceLine(report)];
  if (b.why) items.push(['Why this source: ', { untrusted: b.why }, '.']);
  items.push(perRecordLine(report));
  if (Number.isFinite(e.errorShare))
    items.push([`Records that ended in error: ${displayPercent(e.errorShare)}.`]);
  if (p) items.push([`Upper bound: ${p.method}.`]);
  if (p?.lowConfidence) items.push([`⚠️ Low confidence: ${p.lowConfidence}.`]);
  if (s) {
    const stop = s.cancelled ? `, stopped early (${s.cancelled})` : '';
    const ran = `${s.finished} of ${s.records} records finished in ${Math.round(s.durationMs / 1000)} s`;
    items.push([
      `The sample itself cost ${displayNumber(s.cost)} ${report.vocabulary.unit}: ${ran}${stop}.`,
    ]);
  }
  return [
    { kind: 'heading', text: 'Basis of the estimate' },
    { kind: 'list', items },
  ];
}

function breakdowns(report: Report, max: number): Block[] {
  const e = report.estimate;
  if (!e) return [];
  const part = report.vocabulary.part;
  return [
    ...breakdownTable(report, `Cost by ${part}`, part, e.byNode, max),
    ...breakdownTable(report, 'Cost by action', 'action', e.byAction, max),
  ];
}

function breakdownTable(
  report: Report,
  title: string,
  column: string,
  lines: BreakdownLine[],
  max: number,
): Block[] {
  if (lines.length === 0) return [];
  const { unit, executions } = report.vocabulary;
  const columns = [left(column), left('kind'), right(`${unit} / record`)];
  if (executions) columns.push(right('executions / record'));
  columns.push(right('share'));
  const rows = lines.slice(0, max).map((r): Line[] => {
    const cells: Line[] = [
      [{ code: r.key }],
      [{ untrusted: r.kind }],
      [perRecord(report, r.total)],
    ];
    if (executions) cells.push([displayNumber(r.executions, 2)]);
    cells.push([displayPercent(r.share)]);
    return cells;
  });
  const blocks: Block[] = [
    { kind: 'heading', text: title },
    { kind: 'table', columns, rows },
  ];
  const rest = lines.slice(max);
  if (rest.length > 0) {
    const total = perRecord(
      report,
      rest.reduce((s, r) => s + r.total, 0),
    );
    const text = `${rest.length} more lines (${total} ${unit} per record) are left out to keep this short; the report artifact has them all.`;
    blocks.push({ kind: 'paragraph', line: [text], aside: true });
  }
  return blocks;
}

/** Why the guard stopped the batch, in a few words after its status. */
function stopWords(report: Report): Line {
  const r = report.receipt!;
  const unit = report.vocabulary.unit;
  switch (r.stopped) {
    case 'hard-cap':
      return [
        ' — ',
        { strong: `cancelled at the hard cap of ${displayNumber(r.hardCap)} ${unit}` },
      ];
    case 'timeout':
      return [' — ', { strong: 'cancelled' }, ' (batch-timeout-minutes ran out)'];
    case 'interrupted':
      return [' — ', { strong: 'cancelled' }, ' (the job was cancelled)'];
    case 'watch-failed':
      return [' — ', { strong: 'cancelled' }, ' (its status could no longer be read)'];
    default:
      return [];
  }
}

function receiptTable(report: Report): Block {
  const r = report.receipt!;
  const cost = `${displayNumber(r.estimated)} (upper ${displayNumber(r.estimatedUpper)})`;
  const rows: [string, string, string][] = [
    [`Cost of the records run (${report.vocabulary.unit})`, cost, displayNumber(r.actual)],
    ['Per record', perRecord(report, r.estimatedPerRecord), perRecord(report, r.actualPerRecord)],
    [
      'Records that ended in error',
      displayPercent(report.estimate?.errorShare),
      displayPercent(r.errorShare),
    ],
  ];
  const columns = [left(''), right('estimated'), right('actual')];
  return { kind: 'table', columns, rows: rows.map((row) => row.map((c) => [c])) };
}

/** Whether the upper bound held for the records that ran: the receipt's calibration check. */
function boundLine(report: Report): Line {
  const r = report.receipt!;
  const unit = report.vocabulary.unit;
  const upper = `${displayNumber(r.estimatedUpper)} ${unit}`;
  const records = `the ${r.executedRuns} records run`;
  if (r.boundHeld === null) return ['Upper bound: not checked, no record ran.'];
  if (r.boundHeld)
    return [{ strong: 'Upper bound held' }, `: ${records} cost no more than its ${upper}.`];
  return [{ strong: 'Upper bound did not hold' }, `: ${records} cost more than its ${upper}.`];
}

function receipt(report: Report): Block[] {
  const r = report.receipt;
  if (!r) return [];
  const blocks: Block[] = [{ kind: 'heading', text: 'Receipt of the launched batch' }];
  const batch: Line = ['Batch ', { code: r.batchUuid }];
  if (r.detached) {
    const left = ' was launched and left running (detach); no receipt was taken.';
    return [...blocks, { kind: 'paragraph', line: [...batch, left] }];
  }
  const ran = `, ${r.executedRuns} of ${r.runsCount} records run in ${Math.round(r.durationMs / 1000)} s.`;
  const status: Line = [...batch, ': ', { untrusted: r.status }, ...stopWords(report), ran];
  blocks.push({ kind: 'paragraph', line: status }, receiptTable(report));
  if (r.errorMessage)
    blocks.push({
      kind: 'paragraph',
      line: [`${report.vocabulary.provider} said: `, { untrusted: r.errorMessage }],
    });
  blocks.push({ kind: 'paragraph', line: boundLine(report) });
  if (r.diverged) {
    const why = "⚠️ The batch cost more than the estimate's upper bound allowed. ";
    blocks.push({ kind: 'paragraph', line: [why, { untrusted: r.explanations.join(' ') }] });
  }
  return blocks;
}

function advice(report: Report): Block[] {
  if (report.advice.length === 0) return [];
  const items = report.advice.map((a): Line => [
    { strong: a.title },
    ' — ',
    { untrusted: a.detail },
  ]);
  return [
    { kind: 'heading', text: 'Cost levers' },
    { kind: 'list', items },
  ];
}

function balance(report: Report): Block[] {
  const b = report.balance;
  if (!b || b.details.length === 0) return [];
  const rows = b.details.map((d): Line[] => [[d.label], [{ untrusted: d.value }]]);
  const table: Block = { kind: 'table', columns: [left(''), left('')], rows };
  return [{ kind: 'details', summary: 'Balance', blocks: [table] }];
}

/** The footer's parts: tool, provider, and (unless left out for comparing) the run's time. */
export function footerParts(report: Report, options: { timeless?: boolean } = {}): string[] {
  const parts = [`${report.tool.name} ${report.tool.version}`, report.vocabulary.provider];
  if (!options.timeless) parts.push(report.run.time);
  return parts;
}
