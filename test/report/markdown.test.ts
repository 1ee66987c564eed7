import { describe, expect, it } from 'vitest';
import { budgetBar, code, inert, renderMarkdown } from '../../src/report/markdown.js';
import { displayNumber, plainNumber } from '../../src/report/number.js';
import { reportOutputs } from '../../src/report/report.js';
import { expectGolden } from '../support/golden.js';
import { fixedReport, veniceReport } from '../support/report-fixtures.js';

describe('Markdown report', () => {
  it.each([
    ['pass', 1000, 38_000, 'Enrich inbound leads'],
    // No name looked up: the headline falls back to the workflow's id.
    ['warn', 1000, 2_600, null],
    ['fail', 1000, 2_000, 'Enrich inbound leads'],
  ] as const)('renders the %s summary', (decision, records, remaining, subjectName) => {
    const report = fixedReport(records, remaining, { subjectName });
    expect(report.decision).toBe(decision);
    const md = renderMarkdown(report);
    expectGolden(`summary-${decision}.md`, md);
    expect(md.split('\n')[0]).toContain(subjectName ?? '`wf-golden`');
  });

  it('renders a Venice summary in USD and SKUs, without executions', () => {
    const report = veniceReport(5000, 25);
    const md = renderMarkdown(report);
    expectGolden('summary-venice.md', md);
    expect(md).toContain('<details><summary>Cost by SKU</summary>');
    // One kind of line (SKUs): no kind column, and no executions column.
    expect(md).toContain('| SKU | USD / record | share |');
    expect(md).toMatch(
      /12 billed requests of “llama-3\.3-70b” \(scope `all inference`\) in the last 30 days/,
    );
    // Enough digits that 5,000 × the shown figure is the shown total (four would give 10.00).
    expect(md).toContain('| Projected (5,000 records × 0.002115) | 10.58 |');
    expect(md).not.toMatch(/credits|execution|node/i);
  });

  it('heads a batch stopped at the hard cap with the stop, never a pass', () => {
    const report = fixedReport(1000, 38_000, {
      batch: {
        batchUuid: 'batch-0001',
        status: 'cancelled',
        stopped: 'hard-cap',
        detached: false,
        runsCount: 1000,
        executedRuns: 23,
        failedRuns: 0,
        actual: 50.02,
        hardCap: 50,
        byNode: [],
        durationMs: 61_000,
      },
    });
    expect(report.decision).toBe('pass');
    const md = renderMarkdown(report);
    expect(md.split('\n')[0]).toBe(
      '## 🛑 Batch cost gate: **stopped at hard cap** — Enrich inbound leads: projected 2,248.33 of 38,000.00 credits',
    );
    expect(md).not.toContain('✅');
    expect(md).toContain('**cancelled at the hard cap of 50.00 credits**');
  });

  it("says in the receipt whether the batch's cost stayed under the upper bound", () => {
    const batch = {
      batchUuid: 'batch-0003',
      status: 'success',
      stopped: null,
      detached: false,
      runsCount: 1000,
      executedRuns: 1000,
      failedRuns: 0,
      byNode: [],
      durationMs: 600_000,
    };
    const held = fixedReport(1000, 38_000, { batch: { ...batch, actual: 2_100 } });
    const upper = held.receipt!.estimatedUpper.toLocaleString('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    expect(renderMarkdown(held)).toContain(
      `**Upper bound held**: the 1,000 records run cost no more than its ${upper} credits.`,
    );
    const over = fixedReport(1000, 38_000, { batch: { ...batch, actual: 5_000 } });
    expect(renderMarkdown(over)).toContain(
      `**Upper bound did not hold**: the 1,000 records run cost more than its ${upper} credits.`,
    );
    const none = fixedReport(1000, 38_000, { batch: { ...batch, executedRuns: 0, actual: 0 } });
    expect(renderMarkdown(none)).toContain('Upper bound: not checked, no record ran.');
  });

  it('leaves the time out of the footer when asked (the comment compares bodies without it)', () => {
    const report = fixedReport(1000, 38_000);
    expect(renderMarkdown(report)).toContain('22 Nov 2026, 00:00 UTC</sub>');
    expect(renderMarkdown(report, { timeless: true })).not.toContain('22 Nov 2026');
  });

  it('renders hostile node slugs inert', () => {
    const slug = '@org/team <img src=x onerror=alert(1)> ](http://evil) `tick` | pipe';
    const md = renderMarkdown(fixedReport(10, 1000, { slug }));
    const outsideCode = md.replace(/`[^`]*`/g, '');
    expect(outsideCode).not.toContain('<img');
    expect(outsideCode).not.toContain('@org');
    expect(outsideCode).not.toContain('](http://evil');
    expect(md).toContain(code(slug));
    // Markdown is printed to terminals too (`--format markdown`): no escape sequence gets through.
    const escape = renderMarkdown(fixedReport(10, 1000, { slug: 'a\u001b[2Jb\u009bc' }));
    expect(escape).toContain('`a[2Jbc`');
    expect(escape).not.toContain('\u001b');
    expect(inert('@team <b>')).toBe('@\u200bteam &lt;b&gt;');
  });

  it('draws the budget bar with the upper bound', () => {
    expect(budgetBar(50, 75, 100, 'credits')).toBe(
      '`██████████▒▒▒▒▒░░░░░` █ projected 50% of the limit · ▒ upper bound 75% of the limit',
    );
    // Anything projected fills a cell; past ten times the limit, words rather than percent.
    expect(budgetBar(1, 1, 1000, 'credits')).toMatch(/^`█░{19}`/);
    expect(budgetBar(20_000, 30_000, 100, 'credits')).toContain(
      '█ projected > 10× the limit · ▒ upper bound > 10× the limit',
    );
    expect(budgetBar(5, 5, 0, 'USD')).toContain('no USD within the limit');
  });
});

describe('numbers', () => {
  it('are plain decimals with at most 4 places in outputs, never NaN', () => {
    expect(plainNumber(1234.56)).toBe('1234.56');
    expect(plainNumber(1e21)).toBe('1000000000000000000000');
    expect(plainNumber(0.123456)).toBe('0.1235');
    expect(plainNumber(-0.00001)).toBe('0');
    expect(plainNumber(Number.NaN)).toBe('');
    expect(plainNumber(Infinity)).toBe('');
    expect(plainNumber(undefined)).toBe('');
    expect(displayNumber(1234.5)).toBe('1,234.50');
  });

  it('sets every contract output from a report', () => {
    const outputs = reportOutputs(fixedReport(1000, 38_000), { reportJson: '/tmp/r.json' });
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'actual-credits',
        'batch-status',
        'base-projected-credits',
        'batch-uuid',
        'credits-per-record',
        'diff-credits',
        'diff-percent',
        'decision',
        'estimate-source',
        'headroom-credits',
        'limit-credits',
        'projected-credits',
        'projected-credits-upper',
        'remaining-credits',
        'report-json',
        'sample-size-used',
      ].sort(),
    );
    expect(outputs['limit-credits']).toBe('38000');
    expect(Object.values(outputs).join()).not.toMatch(/NaN|Infinity|e\+/);
  });
});
