import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText, terminalSafe } from '../../src/report/text.js';
import { expectGolden } from '../support/golden.js';
import { fixedReport, veniceReport } from '../support/report-fixtures.js';

describe('terminal text report', () => {
  it.each([
    ['pass', 38_000],
    ['fail', 2_000],
  ] as const)('renders the %s summary as plain text', (decision, remaining) => {
    const report = fixedReport(1000, remaining);
    expect(report.decision).toBe(decision);
    expectGolden(`summary-${decision}.txt`, renderText(report));
  });

  it('renders Venice in its own words', () => {
    const text = renderText(veniceReport(5000, 25));
    expectGolden('summary-venice.txt', text);
    expect(text).toContain('Cost by SKU');
    expect(text).not.toMatch(/credits|execution/i);
  });

  it('has no Markdown, HTML or backticks', () => {
    const text = renderText(fixedReport(1000, 38_000));
    expect(text).not.toMatch(/\\[()_[\]]|<\/?(details|summary|sub)>|`|\*\*|^#+ |^\|/m);
  });

  it('says what the Markdown says, line for line of the basis and advice', () => {
    const report = fixedReport(1000, 2_000);
    const text = renderText(report);
    const md = renderMarkdown(report);
    for (const quoted of md.split('\n').filter((l) => l.startsWith('> ')))
      expect(text).toContain(quoted.slice(2));
    for (const a of report.advice) expect(text).toContain(`- ${a.title} — ${a.detail}`);
    const nodes = /^(\| `)?(find_email|score_lead|start|end)`? /;
    const mdRows = md.split('\n').filter((l) => nodes.test(l));
    const textRows = text.split('\n').filter((l) => nodes.test(l));
    expect(textRows).toHaveLength(4);
    expect(mdRows).toHaveLength(4);
  });

  it('aligns table columns, numbers to the right', () => {
    const lines = renderText(fixedReport(1000, 38_000)).split('\n');
    const header = lines.findIndex((l) => l.startsWith('node '));
    const rows = lines.slice(header, header + 6);
    expect(rows[1]).toMatch(/^-+( +-+)+$/);
    // Every row of the table ends its share column at the same place.
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
    expect(rows[2]).toMatch(/^find_email +hunter\.findEmail +connector +1\.3433 +1\.00 +59\.7%$/);
  });

  it('colours the headline only when asked (a TTY without NO_COLOR), and only the headline', () => {
    // ANSI escapes are exactly what this test looks for.
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[[0-9;]*m/g;
    const fail = fixedReport(1000, 2_000);
    expect(renderText(fail)).not.toMatch(ansi);
    expect(renderText(fail, { color: false })).not.toMatch(ansi);
    const coloured = renderText(fail, { color: true });
    const [headline, ...rest] = coloured.split('\n');
    expect(headline).toBe(
      '\u001b[1m\u001b[31m❌ Batch cost gate: fail — Enrich inbound leads: projected 2,248.33 of 2,000.00 credits\u001b[0m',
    );
    expect(rest.join('\n')).not.toMatch(ansi);
    expect(coloured.replace(ansi, '')).toBe(renderText(fail));
    expect(renderText(fixedReport(1000, 38_000), { color: true })).toContain('\u001b[32m✅');
    expect(renderText(fixedReport(1000, 2_600), { color: true })).toContain('\u001b[33m⚠️');
  });

  it('cannot drive the terminal with text from an API', () => {
    const slug = 'evil\u001b]0;pwned\u0007\u001b[2J\r\nnext\u009b31m\u202eobe';
    const report = fixedReport(10, 1000, { slug });
    report.balance!.details.push({ label: 'Plan', value: 'x\u001b[31mred\u001b[0m\ry' });
    const text = renderText(report);
    // Control characters are exactly what this test looks for.
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('evil]0;pwned[2J next31mobe');
    expect(text).toContain('x[31mred[0m y');
    expect(terminalSafe('a\r\nb\tc\u0000d')).toBe('a b cd');
  });
});
