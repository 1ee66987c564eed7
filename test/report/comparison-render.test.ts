// Previous / New / Diff in the comment, the summary and the terminal (issue 19): rendered from the
// report's `comparison` only, with what moved in one sentence, and the one line when nothing could
// be compared.
import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/report/comment-body.js';
import { compareWithBase, figuresOf } from '../../src/report/comparison.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { type Report } from '../../src/report/report.js';
import { reportFromJson } from '../../src/report/report-json.js';
import { reportSchema } from '../../src/report/schema.js';
import { renderText } from '../../src/report/text.js';
import { expectGolden } from '../support/golden.js';
import { fixedReport } from '../support/report-fixtures.js';

/** The PR's report (1,000 records) compared with the base's (800 records) as the pipeline does. */
function comparedReport(): Report {
  const base = reportSchema.parse(JSON.parse(renderJson(fixedReport(800, 38_000))));
  const report = fixedReport(1000, 38_000);
  const comparison = compareWithBase(
    { ref: 'main', report: base, run: { id: '301', url: null, sha: 'ba5e', time: null } },
    figuresOf(report.projection, report.estimate)!,
  );
  return { ...report, comparison };
}

describe('Previous / New / Diff', () => {
  it('shows the table and what moved in the comment (golden comment-compare.md)', () => {
    const body = renderComment(comparedReport(), {
      tag: 'wf-golden',
      artifactUrl: 'https://github.com/acme/leads/actions/runs/4242/artifacts/99',
    });
    expectGolden('comment-compare.md', body);
    expect(body).toContain(
      'Against `main` (run `301`): \\+200 records \\(\\+25%\\), cost per record unchanged.',
    );
    expect(body).toMatch(/^\| Records +\| +800 \| +1,000 \| +\+200 \(\+25%\) \|$/m);
  });

  it('says the same in the summary and the terminal', () => {
    const report = comparedReport();
    expect(renderMarkdown(report)).toMatch(/Against `main` \(run `301`\)/);
    expect(renderText(report)).toMatch(
      /Against “main” \(run “301”\): \+200 records \(\+25%\), cost per record unchanged\./,
    );
  });

  it('says in one line why nothing was compared, and nothing without compare-to', () => {
    const note =
      'No base comparison: No permission to read workflow runs (the job needs actions: read).';
    const report = {
      ...fixedReport(1000, 38_000),
      comparison: { ref: 'main', run: null, note, result: null },
    };
    const md = renderMarkdown(report);
    expect(md).toContain('No base comparison: No permission to read workflow runs');
    expect(md).not.toContain('previous');
    expect(renderMarkdown(fixedReport(1000, 38_000))).not.toMatch(/Against|No base comparison/);
  });

  it('keeps a hostile node name inert', () => {
    const base = reportSchema.parse(JSON.parse(renderJson(fixedReport(1000, 38_000))));
    const report = fixedReport(1000, 38_000);
    const figures = figuresOf(report.projection, report.estimate)!;
    const hostile = {
      ...figures,
      perRecord: figures.perRecord * 2,
      byNode: [{ key: '<img src=x onerror=alert(1)> @admins', total: 5 }],
    };
    const comparison = compareWithBase(
      { ref: 'main', report: base, run: { id: '1', url: null, sha: null, time: null } },
      hostile,
    );
    const md = renderMarkdown({ ...report, comparison });
    expect(comparison.result?.moved).toContain('<img');
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/(^|[^`\w])@admins/);
  });
});

describe('a comparison read back from report.json', () => {
  it('still says "new" for a cost that rose from zero (JSON has no Infinity)', () => {
    const zero = { ...fixedReport(1000, 38_000) };
    const base = reportSchema.parse(
      JSON.parse(
        renderJson({ ...zero, projection: { ...zero.projection!, projected: 0, upper: 0 } }),
      ),
    );
    const report = fixedReport(1000, 38_000);
    const comparison = compareWithBase(
      { ref: 'main', report: base, run: { id: '1', url: null, sha: null, time: null } },
      figuresOf(report.projection, report.estimate)!,
    );
    const written = reportSchema.parse(JSON.parse(renderJson({ ...report, comparison })));
    const md = renderMarkdown(reportFromJson(written));
    expect(md).toMatch(/^\| Projected +\| +0\.00 \| +[\d,.]+ \| +\+[\d,.]+ \(new\) \|$/m);
  });
});

describe('the verdict with fail-on-increase', () => {
  it('says the increase reason even when the limit fails too', () => {
    const report = fixedReport(100_000, 38_000);
    const increase =
      "Projected 1.00 credits is +25% against the base's 0.80, past fail-on-increase of 10%.";
    const gate = { ...report.gate!, reasons: [increase, ...report.gate!.reasons] };
    const md = renderMarkdown({ ...report, gate, reasons: gate.reasons });
    expect(report.gate!.decision).toBe('fail');
    expect(md).toContain('past fail-on-increase of 10%');
    expect(md).toMatch(/exceeds/);
  });
});

describe('a base report of another batch', () => {
  it('is not compared (so fail-on-increase cannot trip) and says so in one line', () => {
    const report = fixedReport(1000, 38_000);
    const base = reportSchema.parse(JSON.parse(renderJson({ ...report, subject: 'wf-other' })));
    const lookup = {
      ref: 'main',
      report: base,
      run: { id: '1', url: null, sha: null, time: null },
    };
    const figures = figuresOf(report.projection, report.estimate)!;
    const other = compareWithBase(lookup, figures, report);
    expect(other.result).toBeNull();
    expect(other.note).toBe(
      'No base comparison: the base report (main) prices another batch (its subject differs).',
    );
    const venice = {
      ...report,
      provider: 'venice',
      vocabulary: { ...report.vocabulary, unit: 'USD' },
    };
    expect(compareWithBase(lookup, figures, venice).note).toMatch(
      /its provider, subject, unit differ/,
    );
    const same = reportSchema.parse(JSON.parse(renderJson(report)));
    expect(compareWithBase({ ...lookup, report: same }, figures, report).result).not.toBeNull();
  });
});
