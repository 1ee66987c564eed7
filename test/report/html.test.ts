// report.html: one self-contained page with the same blocks as report.md and three inline SVG
// charts; every string from a report is inert, and nothing can load from the network.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, histogramBins, renderHtml } from '../../src/report/html.js';
import type { Report } from '../../src/report/report.js';
import { expectGolden } from '../support/golden.js';
import { fixedReport, veniceReport } from '../support/report-fixtures.js';

/** Elements of the page from the opening tags in it. */
const tags = (html: string) => [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!);
const count = (html: string, pattern: RegExp) => html.match(pattern)?.length ?? 0;

// Every element and attribute the renderer writes; a hostile string that became markup shows
// up here as one that is not on the list.
const ELEMENTS = new Set(
  (
    'html head meta title style body main h1 h2 p blockquote ul li table thead tbody tr th td ' +
    'details summary code strong span section figure figcaption svg rect line text footer a'
  ).split(' '),
);
const ATTRIBUTES = new Set(
  (
    'lang charset http-equiv content name class id viewBox role aria-label xmlns x y width ' +
    'height x1 x2 y1 y2 text-anchor href rel open'
  ).split(' '),
);

/** Attribute names of every opening tag; a tag not shaped `<name a="…" b …>` fails the test. */
function attributes(html: string): string[] {
  const names: string[] = [];
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const attribute = /\s([\w:-]+)(?:="[^"<>]*")?/y;
    let end = /^<[a-zA-Z][\w-]*/.exec(tag)![0].length;
    attribute.lastIndex = end;
    for (let m = attribute.exec(tag); m; m = attribute.exec(tag)) {
      names.push(m[1]!);
      end = attribute.lastIndex;
    }
    expect(tag.slice(end)).toMatch(/^\s*\/?>$/);
  }
  return names;
}

describe('histogramBins', () => {
  it("bins the fixture's 12 records in 5 equal-width bars (Sturges: ⌈log2 12⌉ + 1)", () => {
    // Totals: 0.54 0.79 1.04 1.29 2.54 2.54 2.79 2.79 3.04 3.04 3.29 3.29, bins 0.55 wide.
    const totals = fixedReport(100, 10_000).observations.map((o) => o.total);
    const bins = histogramBins(totals);
    expect(bins.map((b) => b.count)).toEqual([3, 1, 0, 2, 6]);
    expect(bins[0]!.from).toBeCloseTo(0.54, 10);
    expect(bins[4]!.to).toBeCloseTo(3.29, 10);
    expect(bins[1]!.from).toBeCloseTo(1.09, 10);
  });

  it('gives one bar when every record cost the same, and none without records', () => {
    expect(histogramBins([0.25, 0.25, 0.25])).toEqual([{ from: 0.25, to: 0.25, count: 3 }]);
    expect(histogramBins([])).toEqual([]);
    expect(histogramBins([Number.NaN])).toEqual([]);
    // The spread of two subnormal numbers divides into bins of width 0: one bar, not a crash.
    expect(histogramBins([0, 5e-324])).toEqual([{ from: 0, to: 5e-324, count: 2 }]);
  });

  it('counts every record once, at most 30 bars, each record inside its bar', () => {
    const costs = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1 });
    fc.assert(
      fc.property(costs, (values) => {
        const bins = histogramBins(values);
        expect(bins.reduce((s, b) => s + b.count, 0)).toBe(values.length);
        expect(bins.length).toBeLessThanOrEqual(30);
        expect(bins[0]!.from).toBe(Math.min(...values));
        expect(bins.at(-1)!.to).toBe(Math.max(...values));
      }),
    );
  });
});

describe('renderHtml', () => {
  it('is one page with three charts: a bar per bin, a bar per node (golden report.html)', () => {
    const report = fixedReport(100, 10_000);
    const html = renderHtml(report);
    expectGolden('report.html', html);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(count(html, /<svg id="histogram"/g)).toBe(1);
    expect(count(html, /<rect class="bin"/g)).toBe(5);
    // start, find_email, score_lead, end
    expect(count(html, /<rect class="node-bar"/g)).toBe(4);
    expect(html).toContain('<svg id="budget"');
    expect(count(html, /<line class="mean"/g)).toBe(1);
    expect(count(html, /<line class="upper"/g)).toBe(1);
    expect(html).toContain('mean 2.2483');
    expect(html).toContain('<title>6 records from 2.7400 to 3.2900</title>');
  });

  it('says what report.md says: every heading and table of the document', () => {
    const html = renderHtml(fixedReport(100, 10_000));
    for (const words of ['Cost by node', 'Basis of the estimate', 'Balance', 'Headroom'])
      expect(html).toContain(words);
    expect(html).toContain('<code>find_email</code>');
    expect(html).toContain('<a href="https://github.com/acme/leads/actions/runs/4242"');
  });

  it('speaks the provider’s words: Venice SKUs in USD', () => {
    const html = renderHtml(veniceReport(5000, 10));
    expect(html).toContain('Cost by SKU (USD per record)');
    expect(count(html, /<rect class="node-bar"/g)).toBe(2);
    expect(count(html, /<rect class="bin"/g)).toBe(5);
  });

  it('leaves out a chart it has no data for, and stays a page', () => {
    const report = fixedReport(100, 10_000);
    const metricsOnly: Report = { ...report, observations: [] };
    expect(renderHtml(metricsOnly)).not.toContain('<svg id="histogram"');
    const unread: Report = { ...report, projection: null, gate: null, estimate: null };
    const html = renderHtml(unread);
    expect(html).not.toMatch(/<svg id="(budget|nodes)"/);
    expect(html).toMatch(/<\/html>\n$/);
  });

  it('loads nothing: a CSP that allows only its own stylesheet, by hash, and no sources', () => {
    const html = renderHtml(fixedReport(100, 10_000));
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(html).toContain(
      `content="default-src 'none'; style-src 'sha256-${hash}'; ` +
        `base-uri 'none'; form-action 'none'"`,
    );
    expect(html).not.toMatch(/\ssrc=|url\(|@import|<script|<link/i);
    expect(attributes(html).filter((a) => a === 'href')).toHaveLength(1);
  });
});

const HOSTILE =
  `<script>alert(1)</script> "onload="alert(2)" '><img src=x onerror=alert(3)> ` +
  '[x](javascript:alert(4)) &amp; @acme/admins';

/** Hostile text everywhere a report carries text from an API, a file or GitHub's context. */
function hostileReport(): Report {
  const base = fixedReport(100, 10_000);
  const estimate = base.estimate!;
  return {
    ...base,
    subject: HOSTILE,
    subjectName: HOSTILE,
    reasons: [HOSTILE],
    error: { kind: 'request', message: HOSTILE },
    run: { ...base.run, runUrl: 'javascript:alert(5)', sha: `"><script>x</script>` },
    estimate: {
      ...estimate,
      byNode: estimate.byNode.map((l) => ({ ...l, key: HOSTILE, kind: HOSTILE })),
    },
    advice: [{ lever: 'x', title: 'Lever', detail: HOSTILE }],
    balance: { ...base.balance!, details: [{ label: 'Plan', value: HOSTILE }] },
    basis: { ...base.basis!, note: HOSTILE, why: HOSTILE },
  };
}

describe('hostile strings in report.html', () => {
  it('render as text: no element, attribute or link comes out of them', () => {
    const html = renderHtml(hostileReport());
    expect(tags(html).filter((t) => !ELEMENTS.has(t))).toEqual([]);
    expect(attributes(html).filter((a) => !ATTRIBUTES.has(a))).toEqual([]);
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/href="(?!https:)/);
    expect(html).not.toContain('<a ');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;onload=&quot;');
    // Already-escaped text is escaped again, so it reads as written.
    expect(html).toContain('&amp;amp;');
  });

  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml('line\nbreak\u001b[2J\u202e')).toBe('line break[2J');
  });
});
