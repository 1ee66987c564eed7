// The PR comment as a reviewer meets it: a short visible part (headline, table, one sentence of
// why, bar, glossary, footer) and the rest collapsed. Counted on the golden files themselves, so
// the files a reviewer reads are the ones held to the limits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/report/comment-body.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { expectGolden } from '../support/golden.js';
import { fixedReport, veniceReport } from '../support/report-fixtures.js';
import { ROOT } from '../support/run-action.js';

/**
 * Lines GitHub shows before anything is expanded: outside `<details>…</details>`, not blank, not
 * the hidden marker, and not a table's `| --- |` rule (GitHub draws it as a border, not a line).
 */
function visibleLines(markdown: string): string[] {
  const lines: string[] = [];
  let depth = 0;
  for (const line of markdown.split('\n')) {
    depth += (line.match(/<details>/g) ?? []).length;
    if (
      depth === 0 &&
      line.trim() !== '' &&
      !line.startsWith('<!--') &&
      !/^\|[ :|-]+\|$/.test(line)
    )
      lines.push(line);
    depth -= (line.match(/<\/details>/g) ?? []).length;
  }
  return lines;
}

const golden = (name: string) => readFileSync(join(ROOT, 'test', 'golden', name), 'utf8');

describe('PR comment layout', () => {
  it('renders the Venice comment in USD and SKUs (golden comment-venice.md)', () => {
    const report = veniceReport(5000, 25);
    const body = renderComment(report, {
      tag: 'venice',
      artifactUrl: 'https://github.com/acme/leads/actions/runs/4242/artifacts/99',
    });
    expectGolden('comment-venice.md', body);
    // The raw figures name the step outputs (`projected-credits`): the contract's names, kept.
    const words = body.replace(/<details><summary>Raw figures[\s\S]*?<\/details>/, '');
    expect(words).not.toMatch(/credits|execution/i);
  });

  it.each([
    ['comment-pass.md', 20],
    ['comment-venice.md', 20],
    ['comment-compare.md', 20],
    ['comment-warn.md', 30],
    ['comment-fail.md', 30],
  ] as const)('keeps the visible part of %s within %i lines', (name, limit) => {
    const text = golden(name);
    const visible = visibleLines(text);
    expect(visible.length).toBeLessThanOrEqual(limit);
    // The visible part is the headline, the table, the why and the footer: nothing collapsed leaks.
    expect(visible[0]).toMatch(/^## /);
    expect(visible.at(-1)).toMatch(/^<sub>.*batch-cost-gate/);
    expect(visible.join('\n')).not.toMatch(/Basis of the estimate|Student-t|degrees of freedom/);
    expect(text).toMatch(/<details><summary>Basis of the estimate<\/summary>/);
  });

  it("shows the pass comment's visible part in the README as it is in the golden file", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = /What a reviewer sees[\s\S]*?```markdown\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    // Prettier aligns the README's table cells; the words and figures must be the same.
    const cells = (l: string) => (l.startsWith('|') ? l.split('|').map((c) => c.trim()) : [l]);
    const shown = visibleLines(example!).filter((l) => !l.startsWith('<details>'));
    expect(shown.map(cells)).toEqual(visibleLines(golden('comment-pass.md')).map(cells));
  });

  it('stays short and free of NaN for any balance, reserve and batch size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.double({ min: -50_000, max: 5_000_000, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        (records, remaining, reserve) => {
          const report = fixedReport(records, remaining, { reserve });
          const body = renderComment(report, { tag: 't' });
          const visible = visibleLines(body);
          expect(visible.length).toBeLessThanOrEqual(report.decision === 'pass' ? 20 : 30);
          expect(body).not.toMatch(/NaN|undefined|Infinity|\d{4,}(\.\d)?%/);
          expect(visible.join('\n')).not.toMatch(/projected [\d,.]+ of -/);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('counts lines inside nested or several details blocks as hidden', () => {
    const md = ['# a', '<details><summary>x</summary>', 'b', '</details>', 'c', ''].join('\n');
    expect(visibleLines(md)).toEqual(['# a', 'c']);
  });

  it('links the run, the short commit and the artifact in the footer, and only safe URLs', () => {
    const report = fixedReport(1000, 38_000);
    const artifactUrl = 'https://github.com/acme/leads/actions/runs/4242/artifacts/99';
    const footer = renderComment(report, { tag: 't', artifactUrl }).trimEnd().split('\n').at(-1)!;
    expect(footer).toContain('[Workflow run](https://github.com/acme/leads/actions/runs/4242)');
    expect(footer).toContain('commit `f00dfee`');
    expect(footer).toContain(`[Report artifact](${artifactUrl})`);
    const crafted = {
      ...report,
      run: { ...report.run, runUrl: 'javascript:alert(1)', sha: '`@evil`' },
    };
    const bad = renderMarkdown(crafted, { artifactUrl: 'https://x/a) [y](http://evil' });
    expect(bad).not.toContain('javascript:');
    expect(bad).not.toContain('http://evil');
    expect(bad).not.toContain('@evil');
  });

  it('leaves the run references out of the digest, so a re-run with the same numbers changes nothing', () => {
    const report = fixedReport(1000, 38_000);
    const other = { ...report, run: { ...report.run, sha: 'abcdef0123', runUrl: null } };
    const a = renderComment(report, { tag: 't', artifactUrl: 'https://github.com/a/b/1' });
    const b = renderComment(other, { tag: 't' });
    const digest = (body: string) => /digest="([0-9a-f]+)"/.exec(body)?.[1];
    expect(digest(a)).toBeDefined();
    expect(digest(a)).toBe(digest(b));
    expect(a).not.toBe(b);
  });
});
