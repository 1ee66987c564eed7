import { plainNumber, displayNumber, displayPercent } from './number.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './report.js';

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
}

const MARKER =
  /<!-- batch-cost-gate tag="([^"]*)" time="([^"]*)" projected="([^"]*)" limit="([^"]*)" decision="([^"]*)" -->/;

/** The hidden marker line; the tag is URI-encoded so no tag can close the comment or fake a field. */
export function renderMarker(m: CommentMarker): string {
  return `<!-- batch-cost-gate tag="${encodeURIComponent(m.tag)}" time="${m.time}" projected="${plainNumber(m.projected)}" limit="${plainNumber(m.limit)}" decision="${m.decision}" -->`;
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
  return { tag, time: m[2] ?? '', projected: num(m[3]), limit: num(m[4]), decision: m[5] ?? '' };
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
    return `_Projected cost unchanged since the last run (${displayNumber(now)})._`;
  const sign = delta > 0 ? '+' : '−';
  return `_Projected ${sign}${displayPercent(Math.abs(delta))} since the last run (${displayNumber(before)} → ${displayNumber(now)})._`;
}

function rawFigures(report: Report, links: { artifactUrl?: string | undefined }): string {
  const p = report.projection;
  const g = report.gate;
  const figures = {
    decision: report.decision,
    'record-count': report.recordCount,
    'credits-per-record': plainNumber(p?.perRecord),
    'projected-credits': plainNumber(p?.projected),
    'projected-credits-upper': plainNumber(p?.upper),
    'remaining-credits': plainNumber(report.balance?.remaining),
    'limit-credits': plainNumber(g?.limit),
    'headroom-credits': plainNumber(g?.headroom),
    'estimate-source': report.basis?.source ?? '',
    'sample-size-used': report.basis?.n ?? '',
  };
  const linkLines = [
    report.run.runUrl ? `[Workflow run](${report.run.runUrl})` : '',
    links.artifactUrl ? `[Report artifact](${links.artifactUrl})` : '',
  ].filter((l) => l !== '');
  return [
    '<details><summary>Raw figures</summary>',
    '',
    '```json',
    JSON.stringify(figures, null, 2),
    '```',
    '',
    ...(linkLines.length > 0 ? [linkLines.join(' · '), ''] : []),
    '</details>',
  ].join('\n');
}

/**
 * The PR comment: marker, report, change since the last run, raw figures and links. When it
 * would pass GitHub's limit, breakdown tables are shortened (and say so), never cut mid-table.
 */
export function renderComment(
  report: Report,
  options: { tag: string; previous?: CommentMarker | undefined; artifactUrl?: string | undefined },
): string {
  const marker = renderMarker({
    tag: options.tag,
    time: report.run.time,
    projected: report.projection?.projected ?? null,
    limit: report.gate?.limit ?? null,
    decision: report.decision,
  });
  const details = rawFigures(report, options);
  const change = changeLine(report, options.previous);
  for (const maxBreakdownLines of [25, 10, 3, 0]) {
    const body = `${marker}\n${renderMarkdown(report, { maxBreakdownLines, change, details, timeless: true })}`;
    if (body.length <= COMMENT_LIMIT) return body;
  }
  // Only a pathological report (thousands of reasons) gets here: keep the verdict, drop the rest.
  return `${marker}\n${renderMarkdown({ ...report, estimate: null, advice: [], reasons: report.reasons.slice(0, 5) }, { change, timeless: true })}`;
}

/** A comment body with the marker's time removed, to tell whether an update would change anything. */
export function withoutTime(body: string): string {
  return body.replace(/ time="[^"]*"/, '');
}
