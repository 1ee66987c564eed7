import { createHash } from 'node:crypto';
import { displayAmount, displayPercent, plainNumber } from './number.js';
import { renderMarkdown, type MarkdownOptions } from './markdown.js';
import { type Report, reportOutputs } from './report.js';

/** GitHub refuses an issue comment body over this many characters (422). */
export const COMMENT_LIMIT = 65_536;

/** What a comment remembers of the run that wrote it, in a hidden HTML marker. */
export interface CommentMarker {
  tag: string;
  /** When the run that wrote it started; an older run never overwrites a newer comment. */
  time: string;
  projected: number | null;
  limit: number | null;
  decision: string;
  /**
   * A hash of what the comment says apart from the run that wrote it (time, change line,
   * links), so a run with the same numbers can see that an update would change nothing.
   * Comments written before it existed have none.
   */
  digest?: string;
}

const MARKER =
  /<!-- batch-cost-gate tag="([^"]*)" time="([^"]*)" projected="([^"]*)" limit="([^"]*)" decision="([^"]*)"(?: digest="([0-9a-f]*)")? -->/;

/** The hidden marker line; the tag is URI-encoded so no tag can close the comment or fake a field. */
export function renderMarker(m: CommentMarker): string {
  const digest = m.digest === undefined ? '' : ` digest="${m.digest}"`;
  return `<!-- batch-cost-gate tag="${encodeURIComponent(m.tag)}" time="${m.time}" projected="${plainNumber(m.projected)}" limit="${plainNumber(m.limit)}" decision="${m.decision}"${digest} -->`;
}

/** Reads the marker of a comment body, if it is one of ours. */
export function parseMarker(body: string): CommentMarker | undefined {
  const m = MARKER.exec(body);
  if (!m) return undefined;
  const num = (v: string | undefined) =>
    v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v);
  let tag: string;
  try {
    tag = decodeURIComponent(m[1] ?? '');
  } catch {
    return undefined;
  }
  const marker = { tag, time: m[2] ?? '', projected: num(m[3]), limit: num(m[4]) };
  return { ...marker, decision: m[5] ?? '', ...(m[6] === undefined ? {} : { digest: m[6] }) };
}

/** "Projected +18% since the last run" — or nothing when there is nothing to compare. */
export function changeLine(
  report: Report,
  previous: CommentMarker | undefined,
): string | undefined {
  const now = report.projection?.projected;
  const before = previous?.projected;
  if (now === undefined || before === null || before === undefined) return undefined;
  if (before === 0) return now === 0 ? '_Projected cost unchanged since the last run._' : undefined;
  const delta = (now - before) / before;
  if (Math.abs(delta) < 0.0005)
    return `_Projected cost unchanged since the last run (${displayAmount(now)})._`;
  const sign = delta > 0 ? '+' : '−';
  return `_Projected ${sign}${displayPercent(Math.abs(delta))} since the last run (${displayAmount(before)} → ${displayAmount(now)})._`;
}

/** The step outputs' figures, as a reviewer can copy them; the same values the step sets. */
function rawFigures(report: Report): string {
  const outputs = reportOutputs(report, { reportJson: '' });
  const figures: Record<string, string | number | null> = {
    decision: outputs.decision ?? '',
    'record-count': report.recordCount,
  };
  for (const name of RAW_FIGURES) figures[name] = outputs[name] ?? '';
  return [
    '<details><summary>Raw figures</summary>',
    '',
    '```json',
    JSON.stringify(figures, null, 2),
    '```',
    '',
    '</details>',
  ].join('\n');
}

/** The outputs the raw figures show, in this order. */
const RAW_FIGURES = [
  'credits-per-record',
  'projected-credits',
  'projected-credits-upper',
  'remaining-credits',
  'limit-credits',
  'headroom-credits',
  'estimate-source',
  'sample-size-used',
] as const;

/** The comment's content without what belongs to this run only, hashed for the marker. */
function digestOf(report: Report, options: MarkdownOptions): string {
  const stable = renderMarkdown(report, {
    ...options,
    change: undefined,
    timeless: true,
    withoutRunReferences: true,
  });
  return createHash('sha256').update(stable).digest('hex').slice(0, 16);
}

function commentBody(report: Report, tag: string, options: MarkdownOptions): string {
  const marker = renderMarker({
    tag,
    time: report.run.time,
    projected: report.projection?.projected ?? null,
    limit: report.gate?.limit ?? null,
    decision: report.decision,
    digest: digestOf(report, options),
  });
  return `${marker}\n${renderMarkdown(report, { ...options, timeless: true })}`;
}

/**
 * The PR comment: marker, report, change since the last run, raw figures; the footer links the
 * run, its commit and the report artifact. When it would pass GitHub's limit, the breakdown is
 * shortened (and says so), never cut mid-table. The footer has no time: the marker keeps it,
 * and `sameContent` compares without it.
 */
export function renderComment(
  report: Report,
  options: { tag: string; previous?: CommentMarker | undefined; artifactUrl?: string | undefined },
): string {
  const md: MarkdownOptions = {
    change: changeLine(report, options.previous),
    details: rawFigures(report),
    artifactUrl: options.artifactUrl,
  };
  for (const maxBreakdownLines of [25, 10, 3, 0]) {
    const body = commentBody(report, options.tag, { ...md, maxBreakdownLines });
    if (body.length <= COMMENT_LIMIT) return body;
  }
  // Only a pathological report (thousands of reasons) gets here: keep the verdict, drop the rest.
  const short = { ...report, estimate: null, advice: [], reasons: report.reasons.slice(0, 5) };
  return commentBody(short, options.tag, { change: md.change, artifactUrl: options.artifactUrl });
}

/**
 * True when a new body says what the old one says: same numbers, words and tool version. The
 * run's time, the change line and the run links are left out, so re-running the gate with the
 * same numbers leaves the comment alone (and costs no API call).
 */
export function sameContent(previousBody: string, body: string): boolean {
  const before = parseMarker(previousBody)?.digest;
  return before !== undefined && before === parseMarker(body)?.digest;
}
