// What a report says, once, as blocks of text; `markdown.ts` and `text.ts` only decide how it
// looks. Keeping the wording here is what keeps the job summary and the terminal view equal.
// Text from an API, a file or the provider is wrapped (`code`, `untrusted`) so each renderer
// can make it inert in its own way: escaped for Markdown, stripped of control characters for
// a terminal.
//
// Reading order follows what a reviewer needs in ten seconds: the headline, one short table,
// one sentence of why, a bar and a glossary line are visible; everything else (basis, cost by
// node, receipt, advice, balance) sits in collapsed `details` blocks.
import { type Change, signedPercent } from '../engine/compare.js';
import type { BreakdownLine } from '../engine/estimate.js';
import { decide } from '../engine/gate.js';
import { displayDay, displayRelativeDay, displayTime, isIsoDate } from './dates.js';
import {
  consistentDecimals,
  displayAmount,
  displayNumber,
  displayPercent,
  displayShareOfLimit,
  significantDecimals,
} from './number.js';
import { outcomeOf } from './outcome.js';
import type { Report } from './report.js';

/**
 * A piece of a line: our own words (a string), an identifier from an API (`code`), prose from
 * an API (`untrusted`), bold words (escaped like `untrusted`: an advice title or a date can come
 * from a report artifact), or our own fixed-width text (`mono`, the bar).
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

/** A cost per record: at least 3 significant digits, and never fewer decimals than the unit needs. */
function perRecord(report: Report, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return displayNumber(value);
  const min = Math.min(report.vocabulary.perRecordDecimals, 4);
  return displayNumber(value, significantDecimals(value, 3, min));
}

/** An amount with its unit: `2,248.33 credits`, `0.00941 USD`. */
function amount(report: Report, value: number): string {
  return `${displayAmount(value)} ${report.vocabulary.unit}`;
}

/** "finished runs", "billed requests": the vocabulary's observation word for a count. */
function observations(report: Report, n: number): string {
  const word = report.vocabulary.observation;
  return n === 1 ? word : `${word}s`;
}

/** The subject as people know it: its name when the provider told it, else its id. */
function subjectSpan(report: Report): Span {
  return report.subjectName ? { untrusted: report.subjectName } : { code: report.subject };
}

/** The blocks of the whole report, in reading order; the footer is the renderer's. */
export function reportBlocks(report: Report, maxBreakdownLines = MAX_BREAKDOWN_LINES): Block[] {
  const blocks: Block[] = [{ kind: 'title', line: headline(report) }];
  const why = whyLines(report);
  if (why.length > 0) blocks.push({ kind: 'quote', lines: why });
  blocks.push(...figures(report), ...bar(report), ...glossary(report));
  blocks.push(...comparisonBlocks(report));
  blocks.push(...basis(report), ...breakdown(report, maxBreakdownLines), ...receipt(report));
  blocks.push(...advice(report), ...balance(report));
  return blocks;
}

/** The headline: the outcome's icon and words (never ✅ for a stopped batch), the subject, projected vs limit. */
function headline(report: Report): Line {
  const { icon, words } = outcomeOf(report).heading;
  const line: Line = [`${icon} Batch cost gate: `, { strong: words }, ' — ', subjectSpan(report)];
  const p = report.projection;
  const g = report.gate;
  if (!p || !g) return line;
  const projected = displayAmount(p.projected);
  if (g.limit > 0) {
    line.push(`: projected ${projected} of ${amount(report, g.limit)}`);
  } else {
    line.push(`: projected ${amount(report, p.projected)}, nothing left to spend`);
  }
  return line;
}

/**
 * Why, in the report's own number format: the gate's verdict as one sentence, then what the
 * pipeline added (a launch, a batch left running), then the error. Each reason of the gate is
 * said once, by `verdictSentence`, rather than in the engine's own formatting.
 */
function whyLines(report: Report): Line[] {
  const gateReasons = new Set(report.gate?.reasons ?? []);
  const verdict = verdictLines(report);
  const lines: Line[] = [];
  let said = verdict.length === 0;
  for (const reason of report.reasons) {
    if (!gateReasons.has(reason)) {
      // Reasons quote API text (a refused batch's message, a workflow name): inert like the rest.
      lines.push([{ untrusted: reason }]);
    } else if (!said) {
      lines.push(...verdict);
      said = true;
    }
  }
  if (!said) lines.push(...verdict);
  // A reason that already quotes the error's message (a refused launch) is not said twice.
  const error = errorLine(report);
  const quoted = report.reasons.some((r) => report.error && r.includes(report.error.message));
  if (error && !quoted) lines.push(error);
  return lines;
}

/** The gate's verdict in words: the sentence of the limit, led by any other rule that failed. */
function verdictLines(report: Report): Line[] {
  const { projection: p, gate: g } = report;
  // A report read back from an artifact (`mode: comment`) wrote these itself: inert.
  if (!p || !g) return report.gate ? report.gate.reasons.map((r) => [{ untrusted: r }]) : [];
  const sentence = [verdictSentence(report)];
  // Rules other than the limit (fail-on-increase) lead, whether or not the limit failed too.
  // Their figures come from the compared report: quoted inert like any other text from a file.
  const others = otherRuleReasons(report).map((r): Line => [{ untrusted: r }]);
  return [...others, sentence];
}

/**
 * The gate's reasons that the limit's own rules (`decide`, said here by `verdictSentence`) did
 * not write: those of another rule, found by what `decide` says for the same figures.
 */
function otherRuleReasons(report: Report): string[] {
  const { projection: p, gate: g, balance: b } = report;
  if (!p || !g || !b) return [];
  const own = new Set(decide(p, b, report.settings).reasons);
  return g.reasons.filter((r) => !own.has(r));
}

/** How the limit reads in a sentence: the budget, or what remains after the reserve. */
function limitWords(report: Report): string {
  const g = report.gate!;
  const reserve = report.settings.reserve;
  if (g.limitSource === 'budget') return `the budget of ${amount(report, g.limit)}`;
  if (reserve > 0) {
    return `the ${amount(report, g.limit)} left after the reserve of ${displayAmount(reserve)}`;
  }
  return `the ${amount(report, g.limit)} remaining`;
}

/** One sentence of why, from the gate's figures. */
function verdictSentence(report: Report): string {
  const { projection: p, gate: g, balance: b } = report;
  const projected = `Projected ${amount(report, p!.projected)}`;
  const upper = displayAmount(p!.upper);
  const nothingLeft = nothingLeftSentence(report);
  if (nothingLeft) return nothingLeft;
  const limit = limitWords(report);
  const confidence = displayPercent(p!.confidence);
  if (p!.projected > g!.limit) {
    return `${projected} exceeds ${limit} by ${displayAmount(-g!.headroom)}${shortfallWords(report)}.`;
  }
  if (p!.upper > g!.limit) {
    return `${projected} fits ${limit}, but its ${confidence} upper bound of ${upper} does not.`;
  }
  if (g!.decision === 'warn' && p!.projected > report.settings.warnThreshold * g!.limit) {
    const share = displayPercent(g!.utilization);
    return `${projected} is ${share} of ${limit}, above the warn threshold of ${displayPercent(report.settings.warnThreshold)}.`;
  }
  if (g!.decision === 'warn' || p!.lowConfidence) {
    return `${projected} (upper bound ${upper}) fits ${limit}, but the bound has low confidence (see the basis), so the gate warns.`;
  }
  const spare = b ? ` with ${displayAmount(g!.headroom)} to spare` : '';
  return `${projected} (upper bound ${upper}) fits ${limit}${spare}.`;
}

/** A limit of zero or less from the balance: say why (no credits, or a reserve above them). */
function nothingLeftSentence(report: Report): string | undefined {
  const { projection: p, gate: g, balance: b } = report;
  if (!b || g!.limit > 0 || g!.limitSource !== 'balance') return undefined;
  const unit = report.vocabulary.unit;
  const projected = `the batch's projected ${amount(report, p!.projected)}`;
  if (b.remaining <= 0) {
    return `The account has no ${unit} left (${displayAmount(b.remaining)} remaining), so nothing is left for ${projected}.`;
  }
  const reserve = displayAmount(report.settings.reserve);
  const compared = report.settings.reserve === b.remaining ? 'takes all' : 'is more than';
  return `The reserve of ${reserve} ${unit} ${compared} the ${amount(report, b.remaining)} remaining, so nothing is left for ${projected}.`;
}

/** What happens past the balance: an overage billed, or a batch cut short. */
function shortfallWords(report: Report): string {
  const g = report.gate!;
  if (g.overage > 0)
    return `; the account would bill an overage of about ${amount(report, g.overage)}`;
  if (g.recordsAffordable === null) return '';
  const of = `${displayNumber(g.recordsAffordable, 0)} of ${displayNumber(report.projection!.recordCount, 0)}`;
  return `; with overage denied, the batch would stop after about ${of} records`;
}

function errorLine(report: Report): Line | undefined {
  if (!report.error) return undefined;
  const words = outcomeOf(report).heading.words;
  return [
    `${words.charAt(0).toUpperCase()}${words.slice(1)}: `,
    { untrusted: report.error.message },
  ];
}

/** The one short table: at most six rows, the per-record figure as precise as its product needs. */
function figures(report: Report): Block[] {
  const { projection: p, gate: g, balance: b } = report;
  const rows: [string, string][] = [];
  if (p) {
    const decimals = consistentDecimals(p.perRecord, p.recordCount);
    const times = `${displayNumber(p.recordCount, 0)} records × ${displayNumber(p.perRecord, decimals)}`;
    rows.push([`Projected (${times})`, displayAmount(p.projected)]);
    rows.push([`Upper bound (${displayPercent(p.confidence)})`, displayAmount(p.upper)]);
  }
  if (g) {
    const source = g.limitSource === 'budget' ? 'budget' : 'remaining − reserve';
    rows.push([`Limit (${source})`, displayAmount(g.limit)]);
  }
  if (b) rows.push(['Remaining', displayAmount(b.remaining)]);
  if (g) rows.push(['Headroom', displayAmount(g.headroom)]);
  if (report.sample) rows.push(['Spent on the sample', displayAmount(report.sample.cost)]);
  if (rows.length === 0) return [];
  const columns = [left(''), right(report.vocabulary.unit)];
  return [{ kind: 'table', columns, rows: rows.map(([k, v]) => [[k], [v]]) }];
}

/** A diff cell: `+851.86 (+25%)`, or `—` when nothing changed. */
function diffCell(c: Change, show: (n: number) => string): string {
  if (c.diff === 0) return '—';
  const sign = c.diff > 0 ? '+' : '−';
  return `${sign}${show(Math.abs(c.diff))} (${signedPercent(c.percent)})`;
}

/**
 * Previous / New / Diff against the compared report (`compare-to`), and one sentence of what
 * moved; or the one line saying why there is nothing to compare with.
 */
function comparisonBlocks(report: Report): Block[] {
  const c = report.comparison;
  if (!c) return [];
  if (!c.result) return [{ kind: 'paragraph', line: [{ untrusted: c.note ?? '' }], aside: true }];
  const r = c.result;
  const amounts = (n: number) => displayAmount(n);
  const each = (n: number) => perRecord(report, n);
  const count = (n: number) => displayNumber(n, 0);
  const rows: [string, Change, (n: number) => string][] = [
    ['Projected', r.projected, amounts],
    ['Upper bound', r.upper, amounts],
    [`Per record`, r.perRecord, each],
    ['Records', r.recordCount, count],
  ];
  const against: Line = ['Against ', { code: c.ref }];
  if (c.run?.id) against.push(' (run ', { code: c.run.id }, ')');
  // The sentence may name a node, whose key comes from the provider: inert like the rest.
  against.push(': ', { untrusted: r.moved }, '.');
  const columns = [left(report.vocabulary.unit), right('previous'), right('new'), right('diff')];
  const table: Block = {
    kind: 'table',
    columns,
    rows: rows.map(([k, ch, show]) => [
      [k],
      [show(ch.previous)],
      [show(ch.current)],
      [diffCell(ch, show)],
    ]),
  };
  return [{ kind: 'paragraph', line: against }, table];
}

/** Bar glyphs: solid up to the projection, shaded up to the upper bound, light for the rest. */
export const BAR = { projected: '█', upper: '▒', rest: '░' } as const;

/** The bar as characters: █ up to the projection, ▒ up to the upper bound, ░ after. */
export function barCells(projected: number, upper: number, limit: number): string {
  if (!(limit > 0)) return BAR.projected.repeat(CELLS);
  // Anything projected shows at least one cell: an empty bar would read as "free".
  const cells = (value: number) =>
    Math.min(CELLS, value > 0 ? Math.max(1, Math.round((value / limit) * CELLS)) : 0);
  const filled = cells(projected);
  const bound = cells(upper);
  return Array.from({ length: CELLS }, (_, i) =>
    i < filled ? BAR.projected : i < bound ? BAR.upper : BAR.rest,
  ).join('');
}

/** A 20-cell bar of projected / limit with its legend: the glyphs say which part is which. */
export function barLine(projected: number, upper: number, limit: number, unit: string): Line {
  const cells = { mono: barCells(projected, upper, limit) };
  if (!(limit > 0)) return [cells, ` no ${unit} within the limit`];
  const legend = `${BAR.projected} projected ${displayShareOfLimit(projected / limit)} · ${BAR.upper} upper bound ${displayShareOfLimit(upper / limit)}`;
  return [cells, ` ${legend}`];
}

function bar(report: Report): Block[] {
  const { projection: p, gate: g } = report;
  if (!p || !g) return [];
  return [
    { kind: 'paragraph', line: barLine(p.projected, p.upper, g.limit, report.vocabulary.unit) },
  ];
}

/** The terms of the table in one line, so a reviewer needs no manual. */
function glossary(report: Report): Block[] {
  const { projection: p, gate: g, vocabulary: v } = report;
  if (!p || !g) return [];
  const terms = [
    'Limit = remaining − reserve, or the budget when lower',
    `upper bound = the batch costs less than this in ${displayPercent(p.confidence)} of cases (one-sided)`,
    'headroom = limit − projected',
  ];
  // Only providers that bill per execution have an execution charge to speak of.
  if (v.executions) {
    terms.push(
      `execution charge = what ${v.provider} bills per ${v.part} run, on top of provider credits`,
    );
  }
  return [{ kind: 'paragraph', line: [`${terms.join(' · ')}.`], aside: true }];
}

/** "“Enrich inbound leads” (workflow `wf-…`)": the name people know, with the id to look it up. */
function subjectLine(report: Report): Line {
  const id: Line = [`${report.vocabulary.subject} `, { code: report.subject }];
  if (!report.subjectName) return id;
  return ['“', { untrusted: report.subjectName }, '” (', ...id, ')'];
}

/** What the estimate was made from, in the provider's words ("finished runs of workflow …"). */
function sourceLine(report: Report): Line {
  const b = report.basis!;
  const seen = `${b.n} ${observations(report, b.n)}`;
  let line: Line;
  if (b.source === 'history') {
    line = [{ strong: 'history' }, `: ${seen} of `, ...subjectLine(report)];
    if (b.windowDays !== undefined) line.push(` in the last ${b.windowDays} days`);
  } else if (b.source === 'metrics') {
    const day = (d: string | undefined) => (d === undefined ? '?' : displayDay(d));
    const span = `usage metrics from ${day(b.from)} to ${day(b.to)}`;
    line = [{ strong: span }, `, divided by ${seen} of `, ...subjectLine(report)];
  } else {
    line = [{ strong: 'sample' }, `: ${seen} from the sample `];
    line.push({ code: report.sample?.batchUuid ?? '' });
  }
  if (b.note) line.push(' (', { untrusted: b.note }, ')');
  return ['Source: ', ...line, '.'];
}

function perRecordLine(report: Report): Line {
  const e = report.estimate!;
  const unit = report.vocabulary.unit;
  const sd = e.sd === null ? 'unknown' : perRecord(report, e.sd);
  let text = `Per record: on average ${perRecord(report, e.mean)} ${unit}, standard deviation ${sd}`;
  if (report.vocabulary.executions) {
    const executions = displayNumber(e.executionsPerRecord, 1);
    text += `; ${perRecord(report, e.executionMean)} of it is the execution charge (${executions} ${report.vocabulary.part} runs)`;
  }
  return [`${text}.`];
}

function sampleLine(report: Report): Line {
  const s = report.sample!;
  const stop = s.cancelled ? `, stopped early (${s.cancelled})` : '';
  const ran = `${s.finished} of ${s.records} records finished in ${Math.round(s.durationMs / 1000)} s`;
  return [`The sample itself cost ${amount(report, s.cost)}: ${ran}${stop}.`];
}

function basis(report: Report): Block[] {
  const { basis: b, estimate: e, projection: p } = report;
  if (!b || !e) return [];
  const items: Line[] = [sourceLine(report)];
  if (b.why) items.push(['Why this source: ', { untrusted: b.why }, '.']);
  items.push(perRecordLine(report));
  if (Number.isFinite(e.errorShare))
    items.push([`Records that ended in error: ${displayPercent(e.errorShare)}.`]);
  // The engine's words, but a report artifact (`mode: comment`) carries its own: inert.
  if (p) items.push(['Upper bound: ', { untrusted: p.method }, '.']);
  if (p?.lowConfidence) items.push(['⚠️ Low confidence: ', { untrusted: p.lowConfidence }, '.']);
  if (report.sample) items.push(sampleLine(report));
  return [{ kind: 'details', summary: 'Basis of the estimate', blocks: [{ kind: 'list', items }] }];
}

/** One table: by node (by action when only actions are known, as usage metrics give them). */
function breakdown(report: Report, max: number): Block[] {
  const e = report.estimate;
  if (!e) return [];
  const part = report.vocabulary.part;
  const [column, lines] = e.byNode.length > 0 ? [part, e.byNode] : ['action', e.byAction];
  if (lines.length === 0) return [];
  const blocks = breakdownBlocks(report, column, lines, max);
  return [{ kind: 'details', summary: `Cost by ${column}`, blocks }];
}

/** Which optional columns a breakdown needs: an action per node, a kind when lines differ. */
function breakdownShape(lines: BreakdownLine[]) {
  return {
    action: lines.some((l) => l.action !== undefined),
    kind: new Set(lines.map((l) => l.kind)).size > 1,
  };
}

function breakdownColumns(report: Report, column: string, lines: BreakdownLine[]): Column[] {
  const { unit, executions, part } = report.vocabulary;
  const shape = breakdownShape(lines);
  const columns = [left(column)];
  if (shape.action) columns.push(left('action'));
  if (shape.kind) columns.push(left('kind'));
  columns.push(right(`${unit} / record`));
  if (executions) columns.push(right(`${part} runs / record`));
  columns.push(right('share'));
  return columns;
}

function breakdownBlocks(
  report: Report,
  column: string,
  lines: BreakdownLine[],
  max: number,
): Block[] {
  const columns = breakdownColumns(report, column, lines);
  const shape = breakdownShape(lines);
  const rows = lines.slice(0, max).map((r): Line[] => {
    const cells: Line[] = [[{ code: r.key }]];
    if (shape.action) cells.push(r.action === undefined ? ['—'] : [{ code: r.action }]);
    if (shape.kind) cells.push([{ untrusted: r.kind }]);
    cells.push([perRecord(report, r.total)]);
    if (report.vocabulary.executions) cells.push([displayNumber(r.executions, 2)]);
    cells.push([displayPercent(r.share)]);
    return cells;
  });
  const blocks: Block[] = [{ kind: 'table', columns, rows }];
  const rest = lines.slice(max);
  if (rest.length > 0) {
    const total = perRecord(
      report,
      rest.reduce((s, r) => s + r.total, 0),
    );
    const text = `${rest.length} more lines (${total} ${report.vocabulary.unit} per record) are left out to keep this short; the report artifact has them all.`;
    blocks.push({ kind: 'paragraph', line: [text], aside: true });
  }
  return blocks;
}

/** Why the guard stopped the batch, in a few words after its status. */
function stopWords(report: Report): Line {
  const r = report.receipt!;
  switch (r.stopped) {
    case 'hard-cap':
      return [' — ', { strong: `cancelled at the hard cap of ${amount(report, r.hardCap)}` }];
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
  const cost = `${displayAmount(r.estimated)} (upper ${displayAmount(r.estimatedUpper)})`;
  const rows: [string, string, string][] = [
    [`Cost of the records run (${report.vocabulary.unit})`, cost, displayAmount(r.actual)],
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
  const upper = amount(report, r.estimatedUpper);
  const records = `the ${displayNumber(r.executedRuns, 0)} records run`;
  if (r.boundHeld === null) return ['Upper bound: not checked, no record ran.'];
  if (r.boundHeld)
    return [{ strong: 'Upper bound held' }, `: ${records} cost no more than its ${upper}.`];
  return [{ strong: 'Upper bound did not hold' }, `: ${records} cost more than its ${upper}.`];
}

function receiptBlocks(report: Report): Block[] {
  const r = report.receipt!;
  const batch: Line = ['Batch ', { code: r.batchUuid }];
  if (r.detached) {
    const left = ' was launched and left running (detach); no receipt was taken.';
    return [{ kind: 'paragraph', line: [...batch, left] }];
  }
  const ran = `, ${r.executedRuns} of ${r.runsCount} records run in ${Math.round(r.durationMs / 1000)} s.`;
  const status: Line = [...batch, ': ', { untrusted: r.status }, ...stopWords(report), ran];
  const blocks: Block[] = [{ kind: 'paragraph', line: status }, receiptTable(report)];
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

function receipt(report: Report): Block[] {
  if (!report.receipt) return [];
  const blocks = receiptBlocks(report);
  return [{ kind: 'details', summary: 'Receipt of the launched batch', blocks }];
}

function advice(report: Report): Block[] {
  if (report.advice.length === 0) return [];
  const items = report.advice.map((a): Line => [
    { strong: a.title },
    ' — ',
    { untrusted: a.detail },
  ]);
  return [{ kind: 'details', summary: 'Cost levers', blocks: [{ kind: 'list', items }] }];
}

/** A balance value for people: a date the API sent becomes `1 Dec 2026 (in 8 days)`. */
function balanceValue(report: Report, value: string): Line {
  if (isIsoDate(value)) return [displayRelativeDay(value, report.run.time)];
  return [{ untrusted: value }];
}

function balance(report: Report): Block[] {
  const b = report.balance;
  if (!b || b.details.length === 0) return [];
  const rows = b.details.map((d): Line[] => [
    [{ untrusted: d.label }],
    balanceValue(report, d.value),
  ]);
  const table: Block = { kind: 'table', columns: [left(''), left('')], rows };
  return [{ kind: 'details', summary: 'Balance', blocks: [table] }];
}

/** The footer's parts: tool, provider, and (unless left out for comparing) the run's time. */
export function footerParts(report: Report, options: { timeless?: boolean } = {}): string[] {
  const parts = [`${report.tool.name} ${report.tool.version}`, report.vocabulary.provider];
  if (!options.timeless) parts.push(displayTime(report.run.time));
  return parts;
}

/** A link target as given by GitHub: a plain https URL, or nothing (never a crafted one). */
export function safeUrl(url: string | null | undefined): string | undefined {
  return url && /^https:\/\/[^\s"'<>()[\]`\\]+$/.test(url) ? url : undefined;
}

/** The run's own references for the footer: its link, short commit SHA and report artifact. */
export function runReferences(
  report: Report,
  artifactUrl?: string,
): { runUrl?: string; sha?: string; artifactUrl?: string } {
  const sha = report.run.sha && /^[0-9a-f]{7,64}$/i.test(report.run.sha) ? report.run.sha : null;
  const refs: { runUrl?: string; sha?: string; artifactUrl?: string } = {};
  const run = safeUrl(report.run.runUrl);
  const artifact = safeUrl(artifactUrl);
  if (run) refs.runUrl = run;
  if (sha) refs.sha = sha.slice(0, 7);
  if (artifact) refs.artifactUrl = artifact;
  return refs;
}
