import type { BreakdownLine } from '../engine/estimate.js';
import { displayNumber, displayPercent } from './number.js';
import type { Report } from './report.js';

/** Breakdown lines shown before the rest is summed up, so the text stays far below GitHub's limits. */
export const MAX_BREAKDOWN_LINES = 25;

const ICON = { pass: '✅', warn: '⚠️', fail: '❌', unknown: '❔' } as const;
const WORD = { pass: 'pass', warn: 'warn', fail: 'fail', unknown: 'could not check' } as const;

/**
 * Text from an API (node slugs, names) as an inert code span: no links, mentions, HTML or
 * table breaks can come out of it.
 */
export function code(text: string): string {
  const clean = text
    .replace(/[\r\n]+/g, ' ')
    .replace(/`/g, 'ˋ')
    .replace(/\|/g, '\\|');
  return `\`${clean}\``;
}

/** Plain text from an API outside a code span, escaped so Markdown and HTML stay inert. */
export function inert(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(/@/g, '@\u200b');
}

/** A 20-cell bar of projected / limit, with the upper bound marked. */
export function budgetBar(projected: number, upper: number, limit: number): string {
  const cells = 20;
  if (!(limit > 0)) return `\`${'▓'.repeat(cells)}\` no credits within the limit`;
  const filled = Math.min(cells, Math.round((projected / limit) * cells));
  const bound = Math.min(cells, Math.round((upper / limit) * cells));
  const bar = Array.from({ length: cells }, (_, i) =>
    i < filled ? '▓' : i < bound ? '▒' : '░',
  ).join('');
  return `\`${bar}\` ${displayPercent(projected / limit)} of the limit (upper bound ${displayPercent(upper / limit)})`;
}

function headline(report: Report): string {
  const d = report.decision;
  const title = `${ICON[d]} Batch cost gate: **${WORD[d]}**`;
  const p = report.projection;
  const g = report.gate;
  if (!p || !g) return title;
  const unit = report.balance?.unit ?? 'credits';
  return `${title} — projected ${displayNumber(p.projected)} of ${displayNumber(g.limit)} ${unit}`;
}

function figures(report: Report): string[] {
  const p = report.projection;
  const g = report.gate;
  const b = report.balance;
  const unit = b?.unit ?? 'credits';
  const rows: [string, string][] = [];
  if (p) {
    rows.push([
      `Projected (${displayNumber(p.recordCount, 0)} records × ${displayNumber(p.perRecord, 4)})`,
      displayNumber(p.projected),
    ]);
    rows.push([`Upper bound (${displayPercent(p.confidence)} confidence)`, displayNumber(p.upper)]);
  }
  if (g) {
    rows.push([
      `Limit (${g.limitSource === 'budget' ? 'budget' : 'remaining − reserve'})`,
      displayNumber(g.limit),
    ]);
  }
  if (b) rows.push(['Remaining', displayNumber(b.remaining)]);
  if (g) rows.push(['Headroom', displayNumber(g.headroom)]);
  if (report.sample) rows.push(['Spent on the sample', displayNumber(report.sample.cost)]);
  if (rows.length === 0) return [];
  return ['', `| | ${unit} |`, '| --- | ---: |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

function basis(report: Report): string[] {
  const b = report.basis;
  const e = report.estimate;
  if (!b || !e) return [];
  const lines = ['', '### Basis of the estimate', ''];
  let what: string;
  if (report.provider === 'venice') {
    what =
      b.source === 'history'
        ? `**history**: ${b.n} requests in the Venice ledger (${inert(report.subject)}) in the last ${b.windowDays} days`
        : `**sample**: the sample command's ${b.n} requests in the Venice ledger`;
  } else if (b.source === 'history') {
    what = `**history**: ${b.n} finished runs of ${code(report.subject)} in the last ${b.windowDays} days`;
  } else if (b.source === 'metrics') {
    what = `**usage metrics** from ${b.from} to ${b.to}, divided by ${b.n} finished runs of ${code(report.subject)}`;
  } else {
    what = `**sample**: ${b.n} records run as batch ${code(report.sample?.batchUuid ?? '')}`;
  }
  lines.push(`- Source: ${what}.`);
  if (b.note) lines.push(`- Why: ${b.note}.`);
  const sd = e.sd === null ? 'unknown' : displayNumber(e.sd, 4);
  lines.push(
    `- Per record: mean ${displayNumber(e.mean, 4)}, standard deviation ${sd}, of which execution charge ${displayNumber(e.executionMean, 4)} (${displayNumber(e.executionsPerRecord, 1)} executions).`,
  );
  if (Number.isFinite(e.errorShare))
    lines.push(`- Records that ended in error: ${displayPercent(e.errorShare)}.`);
  const p = report.projection;
  if (p?.t != null)
    lines.push(
      `- Upper bound: one-sided Student-t, t = ${displayNumber(p.t, 3)} at ${displayPercent(p.confidence)} with ${e.n - 1} degrees of freedom.`,
    );
  if (p?.lowConfidence) lines.push(`- ⚠️ Low confidence: ${p.lowConfidence}.`);
  const s = report.sample;
  if (s) {
    const stop = s.cancelled ? `, stopped early (${s.cancelled})` : '';
    lines.push(
      `- The sample itself cost ${displayNumber(s.cost)} credits: ${s.finished} of ${s.records} records finished in ${Math.round(s.durationMs / 1000)} s${stop}.`,
    );
  }
  return lines;
}

function breakdownTable(
  title: string,
  column: string,
  rows: BreakdownLine[],
  max: number,
): string[] {
  if (rows.length === 0) return [];
  const shown = rows.slice(0, max);
  const lines = [
    '',
    `### ${title}`,
    '',
    `| ${column} | kind | credits / record | executions / record | share |`,
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const r of shown) {
    lines.push(
      `| ${code(r.key)} | ${inert(r.kind)} | ${displayNumber(r.total, 4)} | ${displayNumber(r.executions, 2)} | ${displayPercent(r.share)} |`,
    );
  }
  if (rows.length > shown.length) {
    const rest = rows.slice(shown.length);
    const total = rest.reduce((s, r) => s + r.total, 0);
    lines.push(
      '',
      `_${rest.length} more lines (${displayNumber(total, 4)} credits per record) are left out to keep this short; the report artifact has them all._`,
    );
  }
  return lines;
}

export interface MarkdownOptions {
  /** Breakdown lines per table before the rest is summed up. */
  maxBreakdownLines?: number;
  /** A line shown right under the headline (the PR comment's change since the last run). */
  change?: string | undefined;
  /** Extra Markdown placed before the footer (the PR comment's raw figures and links). */
  details?: string | undefined;
  /** Leave the time out of the footer (so an unchanged comment body compares equal). */
  timeless?: boolean;
}

function receipt(report: Report): string[] {
  const r = report.receipt;
  if (!r) return [];
  const lines = ['', '### Receipt of the launched batch', ''];
  if (r.detached) {
    lines.push(
      `Batch ${code(r.batchUuid)} was launched and left running (\`detach\`); no receipt was taken.`,
    );
    return lines;
  }
  const stop =
    r.stopped === 'hard-cap'
      ? ` — **cancelled at the hard cap** of ${displayNumber(r.hardCap)}`
      : r.stopped === 'interrupted'
        ? ' — **cancelled** (the job was cancelled)'
        : '';
  lines.push(
    `Batch ${code(r.batchUuid)}: ${inert(r.status)}${stop}, ${r.executedRuns} of ${r.runsCount} records run in ${Math.round(r.durationMs / 1000)} s.`,
    '',
  );
  lines.push('| | estimated | actual |', '| --- | ---: | ---: |');
  lines.push(
    `| Credits for the records run | ${displayNumber(r.estimated)} (upper ${displayNumber(r.estimatedUpper)}) | ${displayNumber(r.actual)} |`,
  );
  lines.push(
    `| Per record | ${displayNumber(r.estimatedPerRecord, 4)} | ${displayNumber(r.actualPerRecord, 4)} |`,
  );
  lines.push(
    `| Records that ended in error | ${displayPercent(report.estimate?.errorShare)} | ${displayPercent(r.errorShare)} |`,
  );
  if (r.diverged)
    lines.push(
      '',
      `⚠️ The batch cost more than the estimate's upper bound allowed. ${inert(r.explanations.join(' '))}`,
    );
  return lines;
}

/** The report as Markdown: the job summary, `report.md`, and the core of the PR comment. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const max = options.maxBreakdownLines ?? MAX_BREAKDOWN_LINES;
  const lines: string[] = [`## ${headline(report)}`, ''];
  if (options.change) lines.push(options.change, '');
  for (const reason of report.reasons) lines.push(`> ${reason}`);
  if (report.error) lines.push(`> The gate could not check: ${inert(report.error.message)}`);
  lines.push(...figures(report));
  if (report.projection && report.gate) {
    lines.push(
      '',
      budgetBar(report.projection.projected, report.projection.upper, report.gate.limit),
    );
  }
  lines.push(...basis(report));
  if (report.estimate) {
    const venice = report.provider === 'venice';
    lines.push(
      ...breakdownTable(
        venice ? 'Cost by SKU' : 'Cost by node',
        venice ? 'SKU' : 'node',
        report.estimate.byNode,
        max,
      ),
    );
    lines.push(...breakdownTable('Cost by action', 'action', report.estimate.byAction, max));
  }
  lines.push(...receipt(report));
  if (report.advice.length > 0) {
    lines.push('', '### Cost levers', '');
    for (const a of report.advice) lines.push(`- **${a.title}** — ${inert(a.detail)}`);
  }
  if (report.balance && report.balance.details.length > 0) {
    lines.push('', '<details><summary>Balance</summary>', '', '| | |', '| --- | --- |');
    for (const d of report.balance.details) lines.push(`| ${d.label} | ${inert(d.value)} |`);
    lines.push('', '</details>');
  }
  lines.push(
    '',
    `<sub>${report.tool.name} ${report.tool.version} · ${report.provider} · ${report.run.time}</sub>`,
    '',
  );
  return lines.join('\n');
}
