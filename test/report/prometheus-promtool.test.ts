// The rendered metrics files checked by Prometheus's own linter, `promtool check metrics`: it
// refuses what a scrape or the textfile collector would refuse, and flags names against the
// exposition guidelines (units in names, no reserved suffixes on gauges).
import parsePrometheus from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { renderPrometheus } from '../../src/report/prometheus.js';
import type { Report } from '../../src/report/report.js';
import { PROMTOOL_BIN, promtoolCheck } from '../support/pushgateway.js';
import { finishedBatch, fixedReport, veniceReport } from '../support/report-fixtures.js';

const finished = finishedBatch(2_100);

const RENDERED: [string, Report][] = [
  ['a Cargo warn', fixedReport(1000, 2_600)],
  ['a Cargo pass with a budget', fixedReport(1000, 38_000, { budget: '5000' })],
  ['a Cargo receipt', fixedReport(1000, 38_000, { batch: finished })],
  ['a Venice report', veniceReport(5000, 25)],
  ['hostile label values', { ...fixedReport(10, 100), subject: 'wf"} 1\nx{a="', tag: 'eu\\prod' }],
];

let told = false;
/** promtool's path; without it the test skips, saying once which package to install. */
function promtoolOrSkip(ctx: { skip: () => never }): string {
  if (PROMTOOL_BIN) return PROMTOOL_BIN;
  if (!told)
    console.log('skipped: install Debian package prometheus (promtool) to lint metrics.prom');
  told = true;
  return ctx.skip();
}

describe('metrics.prom under promtool check metrics', () => {
  it.for(RENDERED)('accepts %s', ([, report], ctx) => {
    const promtool = promtoolOrSkip(ctx);
    const text = renderPrometheus(report);
    const check = promtoolCheck(promtool, text);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
  });

  it('refuses a file it should, so its silence above means something', (ctx) => {
    const promtool = promtoolOrSkip(ctx);
    const check = promtoolCheck(
      promtool,
      '# TYPE batch_cost_gate_runs counter\nbatch_cost_gate_runs 1\n',
    );
    expect(check.output).toMatch(/counter metrics should have "_total" suffix/);
  });
});

describe('metric names and units', () => {
  const names = (report: Report) =>
    (parsePrometheus(renderPrometheus(report)) as unknown as { name: string }[]).map((f) => f.name);

  it('holds one unit per name: credits for Cargo, USD for Venice, never both', () => {
    const cargo = names(fixedReport(1000, 38_000, { batch: finished }));
    const venice = names(veniceReport(5000, 25));
    expect(cargo).toContain('batch_cost_gate_projected_credits');
    expect(cargo).toContain('batch_cost_gate_actual_credits');
    expect(venice).toContain('batch_cost_gate_projected_usd');
    expect(venice.filter((n) => n.includes('credits'))).toEqual([]);
    expect(cargo.filter((n) => n.includes('usd'))).toEqual([]);
  });

  it('derives the unit suffix from the vocabulary, whatever the unit', () => {
    const base = veniceReport(5000, 25);
    const diem = names({ ...base, vocabulary: { ...base.vocabulary, unit: 'DIEM' } });
    expect(diem).toContain('batch_cost_gate_projected_diem');
    expect(diem).toContain('batch_cost_gate_remaining_diem');
    expect(diem.filter((n) => n.includes('usd'))).toEqual([]);
  });
});
