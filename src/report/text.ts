// The report for a terminal: the same blocks as the Markdown summary, as plain text with
// aligned columns. No Markdown escapes, HTML or backticks; and nothing from an API can reach
// the terminal as a control sequence (an ESC could recolour, move the cursor or retitle it).
import {
  type Block,
  footerParts,
  type Line,
  reportBlocks,
  runReferences,
  type Span,
  withoutControls,
} from './document.js';
import type { Report } from './report.js';

/** Text safe to print: line breaks become a space, other control characters are dropped. */
export const terminalSafe = withoutControls;

/** An identifier is quoted in prose, so a name with spaces reads as one; a table cell is bare. */
function span(s: Span, inTable: boolean): string {
  if (typeof s === 'string') return s;
  if ('code' in s) return inTable ? s.code : `“${s.code}”`;
  if ('untrusted' in s) return s.untrusted;
  if ('mono' in s) return s.mono;
  return s.strong;
}

/** Every span is made safe, ours too: a reason can quote a name from the API. */
function line(spans: Line, inTable = false): string {
  return terminalSafe(spans.map((s) => span(s, inTable)).join(''));
}

/** Width in terminal columns, counting code points (the report's symbols are one column wide). */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Columns two spaces apart, each as wide as its widest cell; a dashed rule under the titles. */
function table(block: Extract<Block, { kind: 'table' }>): string {
  const cells = block.rows.map((r) => r.map((c) => line(c, true)));
  const titles = block.columns.map((c) => terminalSafe(c.title));
  const sizes = titles.map((t, i) => Math.max(width(t), ...cells.map((r) => width(r[i] ?? ''))));
  const format = (r: string[]) =>
    r
      .map((c, i) => pad(c, sizes[i] ?? 0, block.columns[i]?.align ?? 'left'))
      .join('  ')
      .trimEnd();
  const rows = cells.map(format);
  if (titles.every((t) => t === '')) return rows.join('\n');
  return [format(titles), format(sizes.map((s) => '-'.repeat(s))), ...rows].join('\n');
}

function heading(text: string): string {
  const safe = terminalSafe(text);
  return `${safe}\n${'-'.repeat(width(safe))}`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'title':
      return line(b.line);
    case 'paragraph':
      return line(b.line);
    case 'quote':
      return b.lines.map((l) => `  ${line(l)}`).join('\n');
    case 'heading':
      return heading(b.text);
    case 'list':
      return b.items.map((l) => `- ${line(l)}`).join('\n');
    case 'table':
      return table(b);
    case 'details':
      return [heading(b.summary), ...b.blocks.map(block)].join('\n\n');
  }
}

export interface TextOptions {
  /** Colour the headline by outcome with ANSI codes; only for a terminal, never under NO_COLOR. */
  color?: boolean;
}

// Our own escape sequences, added after every other text was stripped of control characters.
const ANSI = { red: '\u001b[31m', yellow: '\u001b[33m', green: '\u001b[32m', bold: '\u001b[1m' };
const RESET = '\u001b[0m';

/** The headline in the colour of its outcome: red for a failed job, yellow for a warning. */
function colored(report: Report, title: string): string {
  const colour =
    report.outcome === 'fail' ? ANSI.red : report.outcome === 'none' ? ANSI.green : ANSI.yellow;
  return `${ANSI.bold}${colour}${title}${RESET}`;
}

/** The run's references and the tool, as the last line. */
function footer(report: Report): string {
  const refs = runReferences(report);
  const parts = footerParts(report).map(terminalSafe);
  if (refs.sha) parts.push(`commit ${refs.sha}`);
  if (refs.runUrl) parts.push(refs.runUrl);
  return parts.join(' · ');
}

/** The report as plain terminal text: what the CLI prints by default (`--format text`). */
export function renderText(report: Report, options: TextOptions = {}): string {
  const [title, ...rest] = reportBlocks(report).map(block);
  const head = options.color ? colored(report, title ?? '') : (title ?? '');
  return `${[head, ...rest, footer(report)].join('\n\n')}\n`;
}
