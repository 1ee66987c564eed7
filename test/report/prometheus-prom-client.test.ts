// metrics.prom is written by hand (src/report/prometheus.ts) rather than through prom-client's
// registry, which costs a decision its start-up (README "Performance"). This pins the text to
// what prom-client writes for the same gauges, byte for byte, over random reports.
import fc from 'fast-check';
import promClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import { gaugesOf, METRIC_PREFIX, renderPrometheus } from '../../src/report/prometheus.js';
import type { Report } from '../../src/report/report.js';
import { finishedBatch, fixedReport, veniceReport } from '../support/report-fixtures.js';

/**
 * The same gauges written through prom-client's registry, as the renderer did before: each
 * gauge from `gaugesOf` with its value set when finite, then the decision gauge.
 */
async function throughPromClient(report: Report): Promise<string> {
  const registry = new promClient.Registry();
  const labels = { workflow: report.subject, provider: report.provider, tag: report.tag };
  for (const [name, help, value] of gaugesOf(report)) {
    const gauge = new promClient.Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: ['workflow', 'provider', 'tag'],
      registers: [registry],
    });
    if (value !== null && value !== undefined && Number.isFinite(value)) gauge.set(labels, value);
  }
  const decision = new promClient.Gauge({
    name: `${METRIC_PREFIX}decision`,
    help: 'The gate decision: 1 for the current one, 0 for the others.',
    labelNames: ['workflow', 'provider', 'tag', 'decision'],
    registers: [registry],
  });
  for (const d of ['pass', 'warn', 'fail'])
    decision.set({ ...labels, decision: d }, report.decision === d ? 1 : 0);
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
          expect(ours).toBe(await throughPromClient(report));
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
      expect(ours).toBe(await throughPromClient(report));
    }
  });
});
