// report.html: the same blocks as report.md (document.ts), as one self-contained page with the
// charts inline. Nothing is fetched: no scripts, fonts or images, and a Content-Security-Policy
// that allows only the page's own stylesheet (by hash) keeps it that way if a string slipped by.
// Loaded lazily (`import()` in export/report-files.ts) so the action's start-up bundle stays small.
import { createHash } from 'node:crypto';
import {
  type Block,
  footerParts,
  type Line,
  reportBlocks,
  runReferences,
  type Span,
} from './document.js';
import { breakdownSvg, budgetSvg, escapeHtml, histogramSvg } from './html-charts.js';
import { outcomeOf } from './outcome.js';
import type { Report } from './report.js';

export { escapeHtml, histogramBins } from './html-charts.js';

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --bar: #0969da; --bound: #54aeff; --limit: #cf222e; --mean: #1a7f37; --track: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #f0f6fc; --muted: #9198a1; --line: #3d444d;
  --bar: #4493f8; --bound: #1f6feb; --limit: #f85149; --mean: #3fb950; --track: #151b23; } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif, "Apple Color Emoji",
  "Segoe UI Emoji", "Noto Color Emoji"; color: var(--fg); margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; }
.right { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.9em; }
blockquote { border-left: 4px solid var(--line); margin: 0; padding: 0 1em; color: var(--muted); }
.aside, footer { color: var(--muted); font-size: 0.9em; }
.charts { display: grid; gap: 16px; }
figure { margin: 0; max-width: 760px; } figcaption { font-weight: 600; }
svg.chart { width: 100%; height: auto; }
.label { font: 12px system-ui, sans-serif; fill: var(--fg); }
.bin, .node-bar, .projected { fill: var(--bar); }
.bound { fill: var(--bound); } .track { fill: var(--track); stroke: var(--line); }
.limit-key { fill: var(--limit); }
line.axis { stroke: var(--muted); }
line.mean { stroke: var(--mean); stroke-width: 2; } text.mean { fill: var(--mean); }
line.upper { stroke: var(--limit); stroke-width: 2; stroke-dasharray: 5 3; }
text.upper, text.limit { fill: var(--limit); }
line.limit { stroke: var(--limit); stroke-width: 3; }
`;

// Nothing but the stylesheet above may load or run; inline SVG needs no source of its own.
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function span(s: Span): string {
  if (typeof s === 'string') return escapeHtml(s);
  if ('code' in s) return `<code>${escapeHtml(s.code)}</code>`;
  if ('untrusted' in s) return escapeHtml(s.untrusted);
  if ('mono' in s) return `<span class="mono">${escapeHtml(s.mono)}</span>`;
  return `<strong>${escapeHtml(s.strong)}</strong>`;
}

const line = (spans: Line): string => spans.map(span).join('');

function table(b: Extract<Block, { kind: 'table' }>): string {
  const cls = (i: number) => (b.columns[i]?.align === 'right' ? ' class="right"' : '');
  const head = b.columns.map((c, i) => `<th${cls(i)}>${escapeHtml(c.title)}</th>`).join('');
  const rows = b.rows.map(
    (cells) => `<tr>${cells.map((c, i) => `<td${cls(i)}>${line(c)}</td>`).join('')}</tr>`,
  );
  const body = ['<tbody>', ...rows, '</tbody>'].join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n${body}\n</table>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'title':
      return `<h1>${line(b.line)}</h1>`;
    case 'paragraph':
      return b.aside ? `<p class="aside">${line(b.line)}</p>` : `<p>${line(b.line)}</p>`;
    case 'quote':
      return `<blockquote>\n${b.lines.map((l) => `<p>${line(l)}</p>`).join('\n')}\n</blockquote>`;
    case 'heading':
      return `<h2>${escapeHtml(b.text)}</h2>`;
    case 'list':
      return `<ul>\n${b.items.map((l) => `<li>${line(l)}</li>`).join('\n')}\n</ul>`;
    case 'table':
      return table(b);
    case 'details':
      // Open: the comment folds these to stay short; a page of its own has room for them.
      return [
        `<details open><summary>${escapeHtml(b.summary)}</summary>`,
        ...b.blocks.map(block),
        '</details>',
      ].join('\n');
  }
}

function figure(id: string, caption: string, svg: string | null): string {
  if (!svg) return '';
  const figcaption = `<figcaption>${escapeHtml(caption)}</figcaption>`;
  return `<figure id="${id}-figure">\n${figcaption}\n${svg}\n</figure>`;
}

/** The three charts, less any the report has no data for (no projection, metrics only). */
function charts(report: Report): string {
  const { unit, part } = report.vocabulary;
  const figures = [
    figure('budget', `Budget (${unit})`, budgetSvg(report)),
    figure('histogram', `Observed cost per record (${unit})`, histogramSvg(report)),
    figure('nodes', `Cost by ${part} (${unit} per record)`, breakdownSvg(report)),
  ].filter((f) => f !== '');
  if (figures.length === 0) return '';
  return `<section class="charts" aria-label="Charts">\n${figures.join('\n')}\n</section>`;
}

/** The footer as report.md has it: the run's link and commit (plain ones only), then the tool. */
function footer(report: Report): string {
  const parts: string[] = [];
  const { runUrl, sha } = runReferences(report);
  if (runUrl)
    parts.push(`<a href="${escapeHtml(runUrl)}" rel="noopener noreferrer">Workflow run</a>`);
  if (sha) parts.push(`commit <code>${escapeHtml(sha)}</code>`);
  parts.push(...footerParts(report).map(escapeHtml));
  return `<footer>${parts.join(' · ')}</footer>`;
}

/** The report as one self-contained HTML page: `report.html` in the artifact and `--out-dir`. */
export function renderHtml(report: Report): string {
  const blocks = reportBlocks(report);
  // The headline and its reasons first, then the pictures, then everything report.md says.
  const lead = blocks.findIndex((b, i) => i > 0 && b.kind !== 'quote');
  const [top, rest] = lead < 0 ? [blocks, []] : [blocks.slice(0, lead), blocks.slice(lead)];
  const subject = report.subjectName ?? report.subject;
  const heading = `Batch cost gate: ${outcomeOf(report).heading.words} — ${subject}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(heading)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...top.map(block),
    charts(report),
    ...rest.map(block),
    footer(report),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
