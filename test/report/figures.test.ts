// The figures a reviewer reads: formats that agree with each other, arithmetic that can be redone
// from the table, and the odd cases (a reserve above the balance, a batch ten times the limit,
// a reset date) said in words.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayRelativeDay, displayTime, isIsoDate } from '../../src/report/dates.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { consistentDecimals, displayAmount, displayShareOfLimit } from '../../src/report/number.js';
import { renderText } from '../../src/report/text.js';
import { fixedReport, veniceReport } from '../support/report-fixtures.js';

/** The visible lines before the first collapsed block. */
const visible = (md: string) => md.slice(0, md.indexOf('<details>'));

describe('numbers for people', () => {
  it('show small amounts with at least 3 significant digits, larger ones to the cent', () => {
    expect(displayAmount(0.0018812)).toBe('0.00188');
    expect(displayAmount(0.5)).toBe('0.500');
    expect(displayAmount(0.00941)).toBe('0.00941');
    expect(displayAmount(2248.3333)).toBe('2,248.33');
    expect(displayAmount(-248.3333)).toBe('-248.33');
    expect(displayAmount(0)).toBe('0.00');
  });

  it('say "> 10× the limit" past 999%', () => {
    expect(displayShareOfLimit(0.423)).toBe('42.3% of the limit');
    expect(displayShareOfLimit(9.99)).toBe('999% of the limit');
    expect(displayShareOfLimit(1139.37)).toBe('> 10× the limit');
    expect(displayShareOfLimit(9.995)).toBe('about 10× the limit');
    expect(displayShareOfLimit(10)).toBe('> 10× the limit');
  });

  it('round figures whose product lands near a cent boundary consistently', () => {
    // Each once showed a total one cent off the product of its shown factors.
    for (const [perRecord, records] of [
      [4.185625, 108],
      [1.589255, 277],
      [0.565332, 95],
    ] as const) {
      const shown = Number(perRecord.toFixed(consistentDecimals(perRecord, records)));
      expect(displayAmount(shown * records)).toBe(displayAmount(perRecord * records));
    }
  });

  it('give a per-record figure whose product with the records is the shown total', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 5_000, noNaN: true }),
        fc.integer({ min: 1, max: 2_000_000 }),
        (perRecord, records) => {
          const decimals = consistentDecimals(perRecord, records);
          const shownPerRecord = Number(perRecord.toFixed(decimals));
          // Redoing the arithmetic with the shown factor rounds to the shown total.
          expect(displayAmount(shownPerRecord * records)).toBe(displayAmount(perRecord * records));
        },
      ),
    );
  });
});

describe('dates', () => {
  it('read as a day, counted from when the gate ran', () => {
    const now = '2026-11-22T00:00:00.000Z';
    expect(displayRelativeDay('2026-12-01T00:00:00.000Z', now)).toBe('1 Dec 2026 (in 9 days)');
    expect(displayRelativeDay('2026-11-23', now)).toBe('23 Nov 2026 (in 1 day)');
    expect(displayRelativeDay('2026-11-22T18:00:00Z', now)).toBe('22 Nov 2026 (today)');
    expect(displayRelativeDay('2026-11-20T00:00:00Z', now)).toBe('20 Nov 2026 (2 days ago)');
    expect(displayTime(now)).toBe('22 Nov 2026, 00:00 UTC');
    expect(isIsoDate('2026-12-01T00:00:00.000Z')).toBe(true);
    expect(isIsoDate('self-serve (monthly)')).toBe(false);
    expect(isIsoDate('2026-13-45')).toBe(false);
  });

  it('turn a balance reset date into words, and leave other values as text', () => {
    const report = fixedReport(1000, 38_000);
    report.balance!.details.push({ label: 'Credits reset', value: '2026-12-01T00:00:00.000Z' });
    const md = renderMarkdown(report);
    expect(md).toContain('| Credits reset | 1 Dec 2026 (in 9 days) |');
    expect(md).not.toContain('2026-12-01T00:00:00.000Z');
    expect(renderText(report)).toMatch(/Credits reset +1 Dec 2026 \(in 9 days\)/);
  });
});

describe('figures in the summary', () => {
  it('explain a reserve above the balance rather than print a negative limit as the news', () => {
    const report = fixedReport(1000, 401.71, { reserve: 13_000 });
    expect(report.decision).toBe('fail');
    const md = visible(renderMarkdown(report));
    expect(md.split('\n')[0]).toContain('projected 2,248.33 credits, nothing left to spend');
    expect(md).not.toMatch(/projected [\d,.]+ of -/);
    expect(md).toContain(
      '> The reserve of 13,000.00 credits is more than the 401.71 credits remaining, so nothing is left',
    );
  });

  it('says a reserve equal to the balance takes all of it', () => {
    const md = visible(renderMarkdown(fixedReport(1000, 500, { reserve: 500 })));
    expect(md).toContain('> The reserve of 500.00 credits takes all the 500.00 credits remaining');
  });

  it.each([
    [
      { budget: '10000' },
      38_000,
      'pass',
      'fits the budget of 10,000.00 credits with 7,751.67 to spare.',
    ],
    [
      { reserve: 1_000 },
      38_000,
      'pass',
      'fits the 37,000.00 credits left after the reserve of 1,000.00 with',
    ],
    [
      {},
      2_800,
      'warn',
      'is 80.3% of the 2,800.00 credits remaining, above the warn threshold of 80%.',
    ],
    [
      {},
      2_600,
      'warn',
      'fits the 2,600.00 credits remaining, but its 90% upper bound of 2,724.59 does not.',
    ],
    [{}, -5, 'fail', '> The account has no credits left (-5.00 remaining), so nothing is left for'],
  ] as const)(
    'give one sentence of why (%o against %d: %s)',
    (options, remaining, decision, words) => {
      const report = fixedReport(1000, remaining, options);
      expect(report.decision).toBe(decision);
      const quote = visible(renderMarkdown(report))
        .split('\n')
        .filter((l) => l.startsWith('> '));
      expect(quote).toHaveLength(1);
      expect(quote[0]).toContain(words);
    },
  );

  it('lead with the rule that failed a batch within its limit (fail-on-increase)', () => {
    const base = fixedReport(1000, 38_000);
    const rule =
      "Projected 2,248.33 credits is +50% against the base's 1,498.89, past fail-on-increase of 20%.";
    const gate = {
      ...base.gate!,
      decision: 'fail' as const,
      reasons: [rule, ...base.gate!.reasons],
    };
    const report = { ...base, decision: 'fail' as const, gate, reasons: gate.reasons };
    const quote = visible(renderMarkdown(report))
      .split('\n')
      .filter((l) => l.startsWith('> '));
    expect(quote).toHaveLength(2);
    expect(quote[0]).toContain('past fail-on-increase of 20%');
    expect(quote[1]).toContain('fits the 38,000.00 credits remaining with 35,751.67 to spare');
  });

  it('say a batch ten times the limit in words, not as thousands of percent', () => {
    const md = renderMarkdown(fixedReport(1000, 100));
    expect(md).toContain('> 10× the limit');
    expect(md).not.toMatch(/\d{4,}(\.\d)?%/);
  });

  it('use one number format in the headline, the sentence and the table', () => {
    const md = visible(renderMarkdown(fixedReport(1000, 2_000)));
    const [headline] = md.split('\n');
    expect(headline).toContain('projected 2,248.33 of 2,000.00 credits');
    expect(md).toContain('> Projected 2,248.33 credits exceeds the 2,000.00 credits remaining');
    expect(md).toContain('| Limit (remaining − reserve) | 2,000.00 |');
  });

  it("make the table's arithmetic hold: records × shown per record = shown projected", () => {
    for (const report of [fixedReport(1000, 38_000), veniceReport(5000, 25), fixedReport(7, 50)]) {
      const md = renderMarkdown(report);
      const m = /\| Projected \(([\d,]+) records × ([\d.]+)\) \| ([\d,.]+) \|/.exec(md)!;
      const [records, perRecord, projected] = m.slice(1).map((v) => Number(v.replace(/,/g, '')));
      const lastDigit = 10 ** -(m[3]!.split('.')[1]?.length ?? 0);
      expect(Math.abs(records! * perRecord! - projected!)).toBeLessThanOrEqual(lastDigit);
    }
  });

  it('have a legend for the bar, with a glyph for the upper bound unlike the projected one', () => {
    const md = renderMarkdown(fixedReport(1000, 10_000));
    const bar = md.split('\n').find((l) => l.startsWith('`█'))!;
    expect(bar).toMatch(/^`█+▒+░+` █ projected [\d.]+% of the limit · ▒ upper bound [\d.]+% of/);
  });

  it('explain the terms in a glossary line, with the execution charge for Cargo only', () => {
    const cargo = visible(renderMarkdown(fixedReport(1000, 38_000)));
    expect(cargo).toMatch(/Limit = remaining − reserve.*headroom = limit − projected/);
    expect(cargo).toContain('execution charge');
    const venice = renderMarkdown(veniceReport(5000, 25));
    expect(venice).toContain('headroom = limit − projected');
    expect(venice).not.toMatch(/execution|credits|runs \/ record/i);
  });

  it("speak Venice's unit for a sample, in at least 3 significant digits", () => {
    const report = veniceReport(5000, 25);
    report.sample = {
      batchUuid: 'sample-command',
      records: 10,
      finished: 10,
      cancelled: null,
      cost: 0.0188123,
      durationMs: 4_000,
    };
    const md = renderMarkdown(report);
    expect(md).toContain('The sample itself cost 0.0188 USD');
    expect(md).toContain('| Spent on the sample | 0.0188 |');
  });

  it('give every breakdown row as many cells as its columns, by node or (metrics) by action', () => {
    const base = fixedReport(1000, 38_000);
    const metrics = { ...base, estimate: { ...base.estimate!, byNode: [] } };
    for (const report of [base, metrics, veniceReport(5000, 25)]) {
      const md = renderMarkdown(report);
      const table = md.split('<summary>Cost by ')[1]!.split('</details>')[0]!;
      const rows = table.split('\n').filter((l) => l.startsWith('|'));
      const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
      expect(rows.length).toBeGreaterThan(2);
      expect(new Set(rows.map(cells)).size).toBe(1);
    }
    expect(renderMarkdown(metrics)).toContain(
      '| action | credits / record | node runs / record | share |',
    );
  });

  it('name the model in advice only when the data names it', () => {
    const md = renderMarkdown(fixedReport(1000, 38_000));
    expect(md).toContain('Use a cheaper model');
    expect(md).not.toMatch(/gpt-4o|e\.g\./);
  });

  it('keep the per-record figures of small costs readable', () => {
    const md = renderMarkdown(veniceReport(5000, 25));
    expect(md).toContain('| `llama-3.3-70b-llm-input-mtoken` | 0.000530 | 25.1% |');
    expect(md).not.toMatch(/\| 0\.00 \|/);
  });
});
