// metrics.prom is written by hand (src/report/prometheus.ts) rather than through prom-client's
// registry, which costs a decision its start-up (README "Performance"). This pins the text to
// what prom-client writes for the same gauges, byte for byte, over random reports.
import fc from 'fast-check';
import promClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import { METRIC_PREFIX, renderPrometheus } from '../../src/report/prometheus.js';
import type { Report } from '../../src/report/report.js';
import { finishedBatch, fixedReport, veniceReport } from '../support/report-fixtures.js';

/** prom-client's text for the gauges `renderPrometheus` writes, read back from its own output. */
async function throughPromClient(report: Report, ours: string): Promise<string> {
  const registry = new promClient.Registry();
  const labels = { workflow: report.subject, provider: report.provider, tag: report.tag };
  // Every family's name, HELP text and value as ours has them: HELP lines are unescaped back.
  for (const block of ours.trimEnd().split('\n\n')) {
    const [help, , ...samples] = block.split('\n');
    const [, name, text] = /^# HELP (\S+) (.*)$/.exec(help!)!;
    const unescaped = text!.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
    const decision = name === `${METRIC_PREFIX}decision`;
    const gauge = new promClient.Gauge({
      name: name!,
      help: unescaped,
      labelNames: decision
        ? ['workflow', 'provider', 'tag', 'decision']
        : ['workflow', 'provider', 'tag'],
      registers: [registry],
    });
    if (decision) {
      for (const d of ['pass', 'warn', 'fail'])
        gauge.set({ ...labels, decision: d }, report.decision === d ? 1 : 0);
    } else if (samples.length > 0) {
      gauge.set(labels, Number(samples[0]!.split(' ').at(-1)));
    }
  }
  return registry.metrics();
}

const hostile = fc.string({
  unit: fc.constantFrom('a', 'Z', '"', '\\', '\n', '}', '{', ',', '=', ' ', 'é', '#'),
});

describe('renderPrometheus writes what prom-client writes', () => {
  it('for random subjects, tags, decisions and figures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        hostile,
        hostile,
        fc.constantFrom('pass', 'warn', 'fail', 'unknown'),
        async (venice, records, remaining, subject, tag, decision) => {
          const base = venice ? veniceReport(records, remaining) : fixedReport(records, remaining);
          const report = { ...base, subject, tag, decision } as Report;
          const ours = renderPrometheus(report);
          expect(ours).toBe(await throughPromClient(report, ours));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('for a report with a receipt and one that could not decide', async () => {
    const receipt = fixedReport(1000, 38_000, { batch: finishedBatch(2_000) });
    expect(renderPrometheus(receipt)).toContain('bound_held{');
    for (const report of [
      receipt,
      { ...fixedReport(10, 10), projection: null, gate: null, decision: 'unknown' } as Report,
    ]) {
      const ours = renderPrometheus(report);
      expect(ours).toBe(await throughPromClient(report, ours));
    }
  });
});
