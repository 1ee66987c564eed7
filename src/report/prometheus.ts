import { unitSlug } from './number.js';
import type { Report } from './report.js';

/** Prefix of every metric, one application prefix as the exposition guidelines ask. */
export const METRIC_PREFIX = 'batch_cost_gate_';

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

/** Every gauge but the decision's, in the order `metrics.prom` lists them (unset values left out there). */
export function gaugesOf(report: Report): [name: string, help: string, value: Value][] {
  return [...costGauges(report), ...receiptGauges(report), ...otherGauges(report)];
}

/**
 * `metrics.prom`: gauges in the Prometheus text exposition format (version 0.0.4), for
 * node_exporter's textfile collector and the Pushgateway. No timestamps (the collector rejects
 * them). Written out here rather than through prom-client's registry: loading prom-client (with
 * `perf_hooks`, `v8` and `@opentelemetry/api`) cost a history decision ~10 ms of CPU for eight
 * lines of text (README "Performance"). The text is prom-client's to the byte —
 * test/report/prometheus-prom-client.test.ts renders random reports both ways — and
 * `promtool check metrics` accepts it (test/report/prometheus-promtool.test.ts).
 */
export function renderPrometheus(report: Report): string {
  const labels = { workflow: report.subject, provider: report.provider, tag: report.tag };
  const families = gaugesOf(report).map(([name, help, value]) =>
    family(
      name,
      help,
      value !== null && value !== undefined && Number.isFinite(value) ? [[labels, value]] : [],
    ),
  );
  const decisions = (['pass', 'warn', 'fail'] as const).map((d): Sample => [
    { ...labels, decision: d },
    report.decision === d ? 1 : 0,
  ]);
  families.push(
    family('decision', 'The gate decision: 1 for the current one, 0 for the others.', decisions),
  );
  // Families apart by a blank line, the text ending in a newline: as prom-client's registry writes it.
  return `${families.join('\n\n')}\n`;
}

type Sample = [labels: Record<string, string>, value: number];

/** One gauge: `# HELP`, `# TYPE` and a line per sample; a gauge never set has no sample line. */
function family(name: string, help: string, samples: Sample[]): string {
  const full = `${METRIC_PREFIX}${name}`;
  const lines = [`# HELP ${full} ${escapeText(help)}`, `# TYPE ${full} gauge`];
  for (const [labels, value] of samples) {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    lines.push(`${full}{${pairs.join(',')}} ${String(value)}`);
  }
  return lines.join('\n');
}

// The exposition format's escapes: a backslash and a line feed in HELP text and label values,
// and a double quote in label values, so no untrusted text can end a line or a label early.
function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(text: string): string {
  return escapeText(text).replace(/"/g, '\\"');
}
