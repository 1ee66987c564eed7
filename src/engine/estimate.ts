import { type CostPart, type Observation, observationCost } from './observation.js';

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

/**
 * Orders keys by UTF-16 code units: stable across machines, and unlike `localeCompare` it does not
 * set up an ICU collator (9–13 ms on Node 24) to sort a handful of node slugs.
 */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A running sum with Kahan compensation: `sum` of the same values in the same order, kept as they come. */
export class KahanSum {
  total = 0;
  private compensation = 0;

  add(value: number): void {
    const y = value - this.compensation;
    const t = this.total + y;
    this.compensation = t - this.total - y;
    this.total = t;
  }
}

/** Sums in a fixed order with Kahan compensation, so a mean of 200 runs is right to the cent and beyond. */
export function sum(values: Iterable<number>): number {
  return sumOf(values, (value) => value);
}

/**
 * `sum(items.map(valueOf))` without the array: a ledger's 250k observations are summed several
 * times, and each mapped copy would be another list as long as the ledger.
 */
export function sumOf<T>(items: Iterable<T>, valueOf: (item: T) => number): number {
  const total = new KahanSum();
  for (const item of items) total.add(valueOf(item));
  return total.total;
}

/** Per-record statistics from observed records (`n` ≥ 1). */
export function estimateFromObservations(
  source: Estimate['source'],
  observations: readonly Observation[],
): Estimate {
  const n = observations.length;
  if (n === 0) throw new RangeError('an estimate needs at least one observation');
  const read = readRecords(observations);
  const mean = sum(read.costs) / n;
  const sd = n < 2 ? null : Math.sqrt(sumOf(read.costs, (c) => (c - mean) ** 2) / (n - 1));
  return {
    source,
    n,
    mean,
    sd,
    providerMean: read.provider.total / n,
    executionMean: read.executionCredits.total / n,
    executionsPerRecord: read.executions.total / n,
    errorShare: read.errors / n,
    errorMean: read.errors === 0 ? null : read.errorCost.total / read.errors,
    byNode: withActions(read.byNode.lines(n, mean), read.actions),
    byAction: read.byAction.lines(n, mean),
  };
}

/** What one pass over the observed records gathers for the estimate. */
interface RecordSums {
  /** Each record's cost, in order: outside the JavaScript heap, a ledger has 250k. */
  costs: Float64Array;
  provider: KahanSum;
  executionCredits: KahanSum;
  executions: KahanSum;
  errors: number;
  errorCost: KahanSum;
  byNode: BreakdownSums;
  /** Only the parts that ran an action; every record still counts in the means. */
  byAction: BreakdownSums;
  /** The actions each node key ran. */
  actions: Map<string, Set<string | undefined>>;
}

/**
 * Reads each record once, and its parts once: a provider may make them when asked (Venice lends
 * 250k requests out of columns), so every further pass would make them all again.
 */
function readRecords(observations: readonly Observation[]): RecordSums {
  const sums: RecordSums = {
    costs: new Float64Array(observations.length),
    provider: new KahanSum(),
    executionCredits: new KahanSum(),
    executions: new KahanSum(),
    errors: 0,
    errorCost: new KahanSum(),
    byNode: new BreakdownSums((p) => p.key),
    byAction: new BreakdownSums((p) => p.action),
    actions: new Map(),
  };
  observations.forEach((o, i) => {
    const cost = observationCost(o);
    sums.costs[i] = cost;
    sums.provider.add(o.providerCredits);
    sums.executionCredits.add(o.executionCredits);
    sums.executions.add(o.executions);
    if (o.status === 'error') {
      sums.errors += 1;
      sums.errorCost.add(cost);
    }
    const parts = o.parts;
    const chargePerExecution = o.executions === 0 ? 0 : o.executionCredits / o.executions;
    sums.byNode.add(parts, chargePerExecution);
    sums.byAction.add(parts, chargePerExecution);
    for (const part of parts) {
      sums.actions.set(part.key, (sums.actions.get(part.key) ?? new Set()).add(part.action));
    }
  });
  return sums;
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
    .sort((a, b) => b.total - a.total || byCodeUnits(a.key, b.key));
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

/** A breakdown line while the records are read: running sums, no list as long as the records. */
interface LineSums {
  kind: string;
  credits: KahanSum;
  executions: number;
  execCredits: KahanSum;
  billed: number;
}

/** One breakdown (by node, or by action) summed record by record. */
class BreakdownSums {
  private readonly sums = new Map<string, LineSums>();
  // One record's sums per key, cleared for the next record rather than made anew for each.
  private readonly perRecord = new Map<string, { credits: number; executions: number }>();

  /** `keyOf` names a part's line; parts it names none are left out. */
  constructor(private readonly keyOf: (part: CostPart) => string | undefined) {}

  /** Adds one record's parts. */
  add(parts: readonly CostPart[], chargePerExecution: number): void {
    const perRecord = this.perRecord;
    perRecord.clear();
    for (const part of parts) {
      const key = this.keyOf(part);
      if (key === undefined) continue;
      if (!this.sums.has(key)) this.sums.set(key, newLine(part.kind));
      const acc = perRecord.get(key) ?? { credits: 0, executions: 0 };
      acc.credits += part.credits;
      acc.executions += part.executions;
      perRecord.set(key, acc);
    }
    for (const [key, acc] of perRecord) {
      const line = this.sums.get(key)!;
      line.credits.add(acc.credits);
      line.executions += acc.executions;
      line.execCredits.add(acc.executions * chargePerExecution);
      if (acc.credits > 0) line.billed += 1;
    }
  }

  /** Mean cost per record of each line over `n` records, costliest first. */
  lines(n: number, mean: number): BreakdownLine[] {
    return [...this.sums.entries()]
      .map(([key, l]) => {
        const credits = l.credits.total / n;
        const total = credits + l.execCredits.total / n;
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
      .sort((a, b) => b.total - a.total || byCodeUnits(a.key, b.key));
  }
}

function newLine(kind: string): LineSums {
  return { kind, credits: new KahanSum(), executions: 0, execCredits: new KahanSum(), billed: 0 };
}

/** Node lines with their action, so one table can show both; a node of mixed actions has none. */
function withActions(
  lines: BreakdownLine[],
  actions: Map<string, Set<string | undefined>>,
): BreakdownLine[] {
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
