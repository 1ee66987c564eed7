// A billing API's words in every rendered format (issue 17): a refused batch's message with
// HTML, a team mention, a comment marker and workflow commands renders inert everywhere.
import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/report/comment-body.js';
import { renderObservationsCsv } from '../../src/report/csv.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import type { Report } from '../../src/report/report.js';
import { renderText } from '../../src/report/text.js';
import { expectGolden } from '../support/golden.js';
import { fixedReport } from '../support/report-fixtures.js';

const API_MESSAGE =
  'bad request <img src=x onerror=alert(1)> cc @acme/billing-admins <!-- x --> [ok](http://evil) ' +
  '\n::stop-commands::x\n::notice ::All clear \u001b[2J';

/** What the pipeline builds when Cargo answers 400 on batch create (pipeline/launch.ts). */
function hostileReport(): Report {
  const base = fixedReport(10, 1000);
  const message = `Cargo API POST /v1/orchestration/batches answered 400: ${API_MESSAGE}`;
  return {
    ...base,
    reasons: [...base.reasons, `run-batch: the batch could not be launched: ${message}`],
    error: { kind: 'request', message },
    observations: base.observations.map((o, i) =>
      i === 0 ? { ...o, recordId: `=HYPERLINK("http://evil")`, status: API_MESSAGE } : o,
    ),
  };
}

/** Text outside code spans: where Markdown or HTML would be live. */
function live(md: string): string {
  return md.replace(/`[^`\n]*`/g, '');
}

describe('hostile API text in every format', () => {
  it('renders the summary and the PR comment inert (golden summary-hostile.md)', () => {
    const report = hostileReport();
    const summary = renderMarkdown(report, { timeless: true });
    expectGolden('summary-hostile.md', summary);
    for (const md of [summary, renderComment(report, { tag: 'wf-hostile' })]) {
      const text = live(md.replace(/^<!-- batch-cost-gate[^\n]*-->$/m, ''));
      expect(text).not.toContain('<img');
      expect(text).not.toContain('<!-- x');
      expect(text).not.toMatch(/@acme/);
      expect(text).not.toContain('](http://evil)');
      expect(text).not.toMatch(/^\s*::/m);
      expect(md).not.toContain('\u001b');
    }
  });

  it('keeps the text view, CSV, Prometheus and JSON inert in their own way', () => {
    const report = hostileReport();
    const text = renderText(report);
    expect(text).not.toContain('\u001b');
    expect(text).not.toMatch(/^\s*::/m);
    const csv = renderObservationsCsv(report);
    expect(csv).toContain(`'=HYPERLINK(""http://evil"")`);
    // A file, not the log: line breaks stay inside one RFC 4180 quoted field.
    expect(csv).toContain(`"${API_MESSAGE.replace(/"/g, '""')}"`);
    const prom = renderPrometheus({ ...report, subject: 'wf"} 1\nevil_metric{a="' });
    expect(prom).not.toMatch(/^evil_metric/m);
    const parsed = JSON.parse(renderJson(report)) as { reasons: string[] };
    expect(parsed.reasons.at(-1)).toContain(API_MESSAGE);
  });
});

// `mode: comment` renders another run's report.json: every string in it is the artifact's, not
// ours, including those the gate itself would have written (review of issue 19).
const EVIL = '<img src=x onerror=alert(1)> @octocat [x](http://evil)';

/** A report whose every free-text field of the report.json is hostile. */
function tamperedReport(): Report {
  const base = fixedReport(1000, 38_000);
  return {
    ...base,
    basis: { ...base.basis!, source: 'metrics', from: EVIL, to: EVIL },
    projection: { ...base.projection!, method: EVIL, lowConfidence: EVIL },
    advice: [{ lever: 'x', title: EVIL, detail: 'detail' }],
    balance: { ...base.balance!, details: [{ label: EVIL, value: 'v' }] },
  };
}

function expectInert(md: string): void {
  const text = live(md.replace(/^<!-- batch-cost-gate[^\n]*-->$/m, ''));
  expect(text).not.toContain('<img');
  expect(text).not.toMatch(/(^|[^\w])@octocat/);
  expect(text).not.toContain('](http://evil)');
}

describe("a tampered report's own words", () => {
  it('escapes the method, low-confidence note, advice titles, balance labels and dates', () => {
    const report = tamperedReport();
    for (const md of [renderMarkdown(report), renderComment(report, { tag: 't' })]) {
      expectInert(md);
    }
  });

  it("escapes the gate's reasons when there is no projection", () => {
    const base = fixedReport(1000, 38_000);
    const report: Report = {
      ...base,
      projection: null,
      gate: { ...base.gate!, reasons: [EVIL] },
      reasons: [EVIL],
    };
    const md = renderMarkdown(report);
    expect(md).toContain('&lt;img');
    expectInert(md);
  });

  it('escapes column titles and details summaries, which name the vocabulary', () => {
    const base = fixedReport(1000, 38_000);
    const report = { ...base, vocabulary: { ...base.vocabulary, unit: EVIL, part: EVIL } };
    const md = renderMarkdown(report);
    const titles = md
      .split('\n')
      .filter((l) => l.startsWith('<details><summary>') || /^\| .*\|$/.test(l));
    expect(titles.some((l) => l.includes('&lt;img'))).toBe(true);
    for (const l of titles) {
      expect(l).not.toContain('<img');
      expect(l).not.toMatch(/(^|[^\w])@octocat/);
    }
  });
});
