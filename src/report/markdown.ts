import {
  barLine,
  type Block,
  footerParts,
  type Line,
  MAX_BREAKDOWN_LINES,
  reportBlocks,
  runReferences,
  type Span,
  withoutControls,
} from './document.js';
import type { Report } from './report.js';

export { MAX_BREAKDOWN_LINES };

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

/**
 * Text inside an HTML element (a `<details>` summary): GitHub does not read Markdown there, so
 * only HTML is escaped, and a mention is broken the same way.
 */
export function htmlText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/@/g, '@\u200b');
}

/** A 20-cell bar of projected / limit, with the upper bound marked, as Markdown. */
export function budgetBar(projected: number, upper: number, limit: number, unit: string): string {
  return line(barLine(projected, upper, limit, unit));
}

function span(s: Span): string {
  if (typeof s === 'string') return s;
  if ('code' in s) return code(s.code);
  if ('untrusted' in s) return inert(s.untrusted);
  if ('mono' in s) return `\`${s.mono}\``;
  // Bold text can carry a file's words (an advice title, a date the API sent): inert too.
  return `**${inert(s.strong)}**`;
}

function line(spans: Line): string {
  return withoutControls(spans.map(span).join(''));
}

/** One table row; an empty cell is a single space, as GitHub writes `| | |`. */
function row(cells: string[]): string {
  return `|${cells.map((c) => (c === '' ? ' ' : ` ${c} `)).join('|')}|`;
}

function table(block: Extract<Block, { kind: 'table' }>): string {
  const rows = [
    // Titles name the vocabulary, which a report artifact carries: escaped like its other text.
    row(block.columns.map((c) => inert(withoutControls(c.title)))),
    row(block.columns.map((c) => (c.align === 'right' ? '---:' : '---'))),
    ...block.rows.map((cells) => row(cells.map(line))),
  ];
  return rows.join('\n');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'title':
      return `## ${line(b.line)}`;
    case 'paragraph':
      return b.aside ? `_${line(b.line)}_` : line(b.line);
    case 'quote':
      return b.lines.map((l) => `> ${line(l)}`).join('\n');
    case 'heading':
      return `### ${inert(withoutControls(b.text))}`;
    case 'list':
      return b.items.map((l) => `- ${line(l)}`).join('\n');
    case 'table':
      return table(b);
    case 'details':
      return [
        `<details><summary>${htmlText(withoutControls(b.summary))}</summary>`,
        ...b.blocks.map(block),
        '</details>',
      ].join('\n\n');
  }
}

export interface MarkdownOptions {
  /** Breakdown lines per table before the rest is summed up. */
  maxBreakdownLines?: number;
  /** A line shown right under the headline (the PR comment's change since the last run). */
  change?: string | undefined;
  /** Extra Markdown placed before the footer (the PR comment's raw figures). */
  details?: string | undefined;
  /** Leave the time out of the footer (so an unchanged comment body compares equal). */
  timeless?: boolean;
  /** The uploaded report artifact, linked from the footer. */
  artifactUrl?: string | undefined;
  /**
   * Leave this run's references (run link, commit, artifact) out of the footer: what the comment
   * hashes to tell whether an update would change what it says.
   */
  withoutRunReferences?: boolean;
}

/** The footer: this run's link, commit and artifact, then the tool and provider (and time). */
function footer(report: Report, options: MarkdownOptions): string {
  const parts: string[] = [];
  if (!options.withoutRunReferences) {
    const refs = runReferences(report, options.artifactUrl);
    if (refs.runUrl) parts.push(`[Workflow run](${refs.runUrl})`);
    if (refs.sha) parts.push(`commit \`${refs.sha}\``);
    if (refs.artifactUrl) parts.push(`[Report artifact](${refs.artifactUrl})`);
  }
  parts.push(...footerParts(report, options).map((p) => inert(p)));
  return `<sub>${parts.join(' · ')}</sub>`;
}

/** The report as Markdown: the job summary, `report.md`, and the core of the PR comment. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const [title, ...rest] = reportBlocks(report, options.maxBreakdownLines ?? MAX_BREAKDOWN_LINES);
  const parts = [block(title!)];
  if (options.change) parts.push(options.change);
  parts.push(...rest.map(block));
  if (options.details) parts.push(options.details);
  parts.push(footer(report, options));
  return `${parts.join('\n\n')}\n`;
}
