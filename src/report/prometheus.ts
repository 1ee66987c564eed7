import { Gauge, Registry } from 'prom-client';
import type { Report } from './report.js';

/** Prefix of every metric, one application prefix as the exposition guidelines ask. */
export const METRIC_PREFIX = 'batch_cost_gate_';

/**
 * `metrics.prom`: gauges in the Prometheus text exposition format, for node_exporter's textfile
 * collector. Written through prom-client's registry so names, HELP text and label values are
 * escaped by a library that knows the format. No timestamps (the collector rejects them).
 */
export async function renderPrometheus(report: Report): Promise<string> {
  const registry = new Registry();
  const labels = { workflow: report.subject, provider: report.provider };
  const labelNames = ['workflow', 'provider'] as const;
  const gauge = (
    name: string,
    help: string,
    value: number | null | undefined,
    extra: string[] = [],
  ) => {
    const g = new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: [...labelNames, ...extra],
      registers: [registry],
    });
    if (value !== null && value !== undefined && Number.isFinite(value)) g.set(labels, value);
    return g;
  };
  const p = report.projection;
  const g = report.gate;
  gauge(
    'projected_credits',
    'Projected credits of the batch (record count × mean credits per record).',
    p?.projected,
  );
  gauge('projected_credits_upper', 'One-sided upper bound of the projected credits.', p?.upper);
  gauge('credits_per_record', 'Mean credits per record.', p?.perRecord ?? report.estimate?.mean);
  gauge('remaining_credits', 'Credits left in the billing account.', report.balance?.remaining);
  gauge(
    'limit_credits',
    'Credits the batch may spend: min(budget, remaining - reserve).',
    g?.limit,
  );
  gauge('budget_credits', 'The budget input, when set.', report.settings.budget);
  gauge('budget_utilization_ratio', 'Projected credits divided by the limit.', g?.utilization);
  gauge('sample_size', 'Observed records the estimate is based on.', report.basis?.n);
  gauge(
    'last_run_timestamp_seconds',
    'When the gate last ran (Unix seconds).',
    Date.parse(report.run.time) / 1000,
  );
  const decision = new Gauge({
    name: `${METRIC_PREFIX}decision`,
    help: 'The gate decision: 1 for the current one, 0 for the others.',
    labelNames: [...labelNames, 'decision'],
    registers: [registry],
  });
  for (const d of ['pass', 'warn', 'fail'] as const)
    decision.set({ ...labels, decision: d }, report.decision === d ? 1 : 0);
  return registry.metrics();
}
