import { type Observation, observationCost } from './observation.js';

/** Cost of one breakdown line (a node, or an action), averaged per observed record. */
export interface BreakdownLine {
  key: string;
  kind: string;
  /** Mean provider credits per record. */
  credits: number;
  /** Mean executions per record. */
  executions: number;
  /** Mean of credits + execution charge per record. */
  total: number;
  /** Share of records on which it billed provider credits at all. */
  billedShare: number;
  /** Share of the mean cost per record. */
  share: number;
  /** A node line's action (`hunter.findEmail`), when all its parts ran one action. */
  action?: string;
}

/** Per-record statistics of the observed records. */
export interface Estimate {
  source: 'history' | 'sample' | 'metrics';
  /** Observed records (runs, requests) behind the figures. */
  n: number;
  mean: number;
  /** Sample standard deviation; null when not known (metrics give totals only) or n < 2. */
  sd: number | null;
  providerMean: number;
  executionMean: number;
  executionsPerRecord: number;
  errorShare: number;
  /** Mean cost of the records that ended in error, when any did. */
  errorMean: number | null;
  byNode: BreakdownLine[];
  byAction: BreakdownLine[];
}

/** Sums in a fixed order with Kahan compensation, so a mean of 200 runs is right to the cent and beyond. */
export function sum(values: readonly number[]): number {
  let total = 0;
  let compensation = 0;
  for (const value of values) {
    const y = value - compensation;
    const t = total + y;
    compensation = t - total - y;
    total = t;
  }
  return total;
}

/** Per-record statistics from observed records (`n` ≥ 1). */
export function estimateFromObservations(
  source: Estimate['source'],
  observations: readonly Observation[],
): Estimate {
  const n = observations.length;
  if (n === 0) throw new RangeError('an estimate needs at least one observation');
  const costs = observations.map(observationCost);
  const mean = sum(costs) / n;
  const sd = n < 2 ? null : Math.sqrt(sum(costs.map((c) => (c - mean) ** 2)) / (n - 1));
  const errors = observations.filter((o) => o.status === 'error');
  return {
    source,
    n,
    mean,
    sd,
    providerMean: sum(observations.map((o) => o.providerCredits)) / n,
    executionMean: sum(observations.map((o) => o.executionCredits)) / n,
    executionsPerRecord: sum(observations.map((o) => o.executions)) / n,
    errorShare: errors.length / n,
    errorMean: errors.length === 0 ? null : sum(errors.map(observationCost)) / errors.length,
    byNode: withActions(
      breakdown(observations, (p) => p.key, mean),
      observations,
    ),
    byAction: breakdown(
      observations.map((o) => ({ ...o, parts: o.parts.filter((p) => p.action !== undefined) })),
      (p) => p.action ?? '',
      mean,
    ),
  };
}

/** Totals-only statistics (usage metrics): mean known, spread not. */
export function estimateFromTotals(input: {
  runs: number;
  providerCredits: number;
  executions: number;
  executionCharge: number;
  byAction: { key: string; credits: number }[];
}): Estimate {
  const n = input.runs;
  if (n <= 0) throw new RangeError('an estimate needs at least one run');
  const providerMean = input.providerCredits / n;
  const executionMean = (input.executions * input.executionCharge) / n;
  const mean = providerMean + executionMean;
  const byAction = input.byAction
    .map((a) => ({
      key: a.key,
      kind: 'connector',
      credits: a.credits / n,
      executions: 0,
      total: a.credits / n,
      billedShare: Number.NaN,
      share: mean === 0 ? 0 : a.credits / n / mean,
    }))
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  return {
    source: 'metrics',
    n,
    mean,
    sd: null,
    providerMean,
    executionMean,
    executionsPerRecord: input.executions / n,
    errorShare: Number.NaN,
    errorMean: null,
    byNode: [],
    byAction,
  };
}

function breakdown(
  observations: readonly Observation[],
  keyOf: (part: Observation['parts'][number]) => string,
  mean: number,
): BreakdownLine[] {
  const n = observations.length;
  const lines = new Map<
    string,
    { kind: string; credits: number[]; executions: number; execCredits: number[]; billed: number }
  >();
  for (const o of observations) {
    const perRecord = new Map<string, { credits: number; executions: number }>();
    const chargePerExecution = o.executions === 0 ? 0 : o.executionCredits / o.executions;
    for (const part of o.parts) {
      const key = keyOf(part);
      const line = lines.get(key) ?? {
        kind: part.kind,
        credits: [],
        executions: 0,
        execCredits: [],
        billed: 0,
      };
      lines.set(key, line);
      const acc = perRecord.get(key) ?? { credits: 0, executions: 0 };
      acc.credits += part.credits;
      acc.executions += part.executions;
      perRecord.set(key, acc);
    }
    for (const [key, acc] of perRecord) {
      const line = lines.get(key)!;
      line.credits.push(acc.credits);
      line.executions += acc.executions;
      line.execCredits.push(acc.executions * chargePerExecution);
      if (acc.credits > 0) line.billed += 1;
    }
  }
  return [...lines.entries()]
    .map(([key, l]) => {
      const credits = sum(l.credits) / n;
      const total = credits + sum(l.execCredits) / n;
      return {
        key,
        kind: l.kind,
        credits,
        executions: l.executions / n,
        total,
        billedShare: l.billed / n,
        share: mean === 0 ? 0 : total / mean,
      };
    })
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

/** Node lines with their action, so one table can show both; a node of mixed actions has none. */
function withActions(
  lines: BreakdownLine[],
  observations: readonly Observation[],
): BreakdownLine[] {
  const actions = new Map<string, Set<string | undefined>>();
  for (const part of observations.flatMap((o) => o.parts)) {
    actions.set(part.key, (actions.get(part.key) ?? new Set()).add(part.action));
  }
  return lines.map((line) => {
    const [action, ...others] = actions.get(line.key) ?? [];
    return action === undefined || others.length > 0 ? line : { ...line, action };
  });
}

/** The estimate of no observations: what a history with no finished runs yields (n = 0). */
export function emptyEstimate(source: Estimate['source']): Estimate {
  return {
    source,
    n: 0,
    mean: 0,
    sd: null,
    providerMean: 0,
    executionMean: 0,
    executionsPerRecord: 0,
    errorShare: 0,
    errorMean: null,
    byNode: [],
    byAction: [],
  };
}
