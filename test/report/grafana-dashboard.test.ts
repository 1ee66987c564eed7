import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheus from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { fixedReport } from '../support/report-fixtures.js';
import { ROOT } from '../support/run-action.js';

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(
  readFileSync(join(ROOT, 'examples', 'grafana-dashboard.json'), 'utf8'),
) as { title: string; panels: Panel[]; templating: { list: { query: { query: string } }[] } };

/** Every family the gate emits for Cargo, a receipt included. */
function emittedNames(): Set<string> {
  const report = fixedReport(1000, 38_000, {
    batch: {
      batchUuid: 'batch-0003',
      status: 'success',
      stopped: null,
      detached: false,
      runsCount: 1000,
      executedRuns: 1000,
      failedRuns: 0,
      actual: 2_000,
      byNode: [],
      durationMs: 600_000,
    },
  });
  const families = parsePrometheus(renderPrometheus(report)) as unknown as {
    name: string;
  }[];
  return new Set(families.map((f) => f.name));
}

describe('examples/grafana-dashboard.json', () => {
  it('has the panels the README promises', () => {
    const titles = dashboard.panels.map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Projected vs limit per tag',
        'Cost per record over time',
        'Receipts: actual vs estimate',
      ]),
    );
    for (const p of dashboard.panels) expect(p.targets?.length, p.title).toBeGreaterThan(0);
  });

  it('queries only metric names the gate emits, with labels it sets', () => {
    const emitted = emittedNames();
    const queries = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...dashboard.templating.list.map((v) => v.query.query),
    ];
    const used = new Set(queries.flatMap((q) => q.match(/batch_cost_gate_[a-z_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(4);
    for (const name of used) expect(emitted, name).toContain(name);
    for (const name of [
      'batch_cost_gate_projected_credits',
      'batch_cost_gate_limit_credits',
      'batch_cost_gate_credits_per_record',
      'batch_cost_gate_actual_credits',
    ]) {
      expect(used).toContain(name);
    }
    // Selections by label use labels every series carries.
    const labels = queries.flatMap((q) =>
      [...q.matchAll(/[{,(]\s*([a-z_]+)\s*=~?/g)].map((m) => m[1]),
    );
    for (const label of labels) expect(['workflow', 'tag', 'provider']).toContain(label);
  });
});
