import { unitSlug } from './number.js';
import type { Report } from './report.js';

/** Prefix of every metric, one application prefix as the exposition guidelines ask. */
export const METRIC_PREFIX = 'batch_cost_gate_';

// `tag` (the comment tag) keeps matrix legs and environments of one workflow apart.
const LABEL_NAMES = ['workflow', 'provider', 'tag'] as const;

type Value = number | null | undefined;

/**
 * The cost gauges, named in the provider's unit (`projected_credits`, `projected_usd`): the
 * exposition guidelines want the unit in the name, and one name must never hold two units.
 */
function costGauges(report: Report): [name: string, help: string, value: Value][] {
  const unit = report.vocabulary.unit;
  const u = unitSlug(unit);
  const p = report.projection;
  return [
    [
      `projected_${u}`,
      `Projected ${unit} of the batch (record count × mean ${unit} per record).`,
      p?.projected,
    ],
    [`projected_${u}_upper`, `One-sided upper bound of the projected ${unit}.`, p?.upper],
    [`${u}_per_record`, `Mean ${unit} per record.`, p?.perRecord ?? report.estimate?.mean],
    [
      `remaining_${u}`,
      `Balance left in the billing account, in ${unit}.`,
      report.balance?.remaining,
    ],
    [
      `limit_${u}`,
      `Most the batch may spend, in ${unit}: min(budget, remaining - reserve).`,
      report.gate?.limit,
    ],
    [`budget_${u}`, 'The budget input, when set.', report.settings.budget],
  ];
}

/**
 * What a launched batch really spent, and whether it stayed under the bound: only with a receipt
 * of a watched batch, so a team can chart the bound's real coverage over many batches.
 */
function receiptGauges(report: Report): [name: string, help: string, value: Value][] {
  const r = report.receipt;
  if (!r || r.detached) return [];
  const unit = report.vocabulary.unit;
  const held = r.boundHeld === null ? null : r.boundHeld ? 1 : 0;
  return [
    [
      `actual_${unitSlug(unit)}`,
      `What the launched batch spent, in ${unit}, as billed (the records that ran).`,
      r.actual,
    ],
    [
      'bound_held',
      `1 when the launched batch's ${unit} stayed under the upper bound for the records that ran, else 0.`,
      held,
    ],
  ];
}

function otherGauges(report: Report): [name: string, help: string, value: Value][] {
  const unit = report.vocabulary.unit;
  return [
    [
      'budget_utilization_ratio',
      `Projected ${unit} divided by the limit.`,
      report.gate?.utilization,
    ],
    ['sample_size', 'Observed records the estimate is based on.', report.basis?.n],
    [
      'last_run_timestamp_seconds',
      'When the gate last ran (Unix seconds).',
      Date.parse(report.run.time) / 1000,
    ],
  ];
}

/**
 * `metrics.prom`: gauges in the Prometheus text exposition format, for node_exporter's textfile
 * collector. Written through prom-client's registry so names, HELP text and label values are
 * escaped by a library that knows the format. No timestamps (the collector rejects them).
 */
export async function renderPrometheus(report: Report): Promise<string> {
  // Loaded on first use: prom-client (with @opentelemetry/api) costs ~20 ms of start-up
  // (README "Performance"), and a gate refused for a bad input never renders metrics.
  // prom-client is CommonJS: its exports object is the namespace's `default`, in Node and in
  // the bundle's lazy chunk alike (the bundle's chunk has no named exports).
  const { Gauge, Registry } = (await import('prom-client')).default;
  const registry = new Registry();
  const labels = { workflow: report.subject, provider: report.provider, tag: report.tag };
  const gauges = [...costGauges(report), ...receiptGauges(report), ...otherGauges(report)];
  for (const [name, help, value] of gauges) {
    const g = new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: LABEL_NAMES,
      registers: [registry],
    });
    if (value !== null && value !== undefined && Number.isFinite(value)) g.set(labels, value);
  }
  const decision = new Gauge({
    name: `${METRIC_PREFIX}decision`,
    help: 'The gate decision: 1 for the current one, 0 for the others.',
    labelNames: [...LABEL_NAMES, 'decision'],
    registers: [registry],
  });
  for (const d of ['pass', 'warn', 'fail'] as const)
    decision.set({ ...labels, decision: d }, report.decision === d ? 1 : 0);
  return registry.metrics();
}
