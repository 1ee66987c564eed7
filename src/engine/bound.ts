// The bound on a batch's total cost: what `project` (the gate) and `projectBatch` (the public
// engine entry) both compute. Pure; the method and its measured coverage are in the README
// ("How the upper bound works") and `npm run bench:honesty`.
import { futureMeanUpper, type MeanBound } from './continuous.js';
import { tQuantile } from './distributions.js';
import { KahanSum, sum, sumOf } from './estimate.js';
import { hitCountUpper } from './hits.js';
import { lowConfidenceOf } from './low-confidence.js';
import { momentsOf } from './moments.js';
import { groupedNumber } from '../shared/grouped-number.js';

/** One node's (or SKU's) share of an observed record's cost. */
export interface BatchNode {
  key: string;
  credits: number;
  executions: number;
}

/** One observed record: its total cost, and, when known, what each node billed. */
export interface BatchObservation {
  cost: number;
  providerCredits?: number;
  executions?: number;
  status?: string;
  /** Per-node credits; a node billing on some records only gets an exact bound on its hits. */
  nodes?: readonly BatchNode[];
}

export interface BatchInput {
  observations: readonly BatchObservation[];
  /** Records in the batch. */
  recordCount: number;
  /** One-sided confidence of the bound, between 0 and 1 (0.9: the total stays under it 9 times in 10). */
  confidence: number;
  /** True when the observations are a random sample of the batch's own records. */
  sampleOfBatch: boolean;
}

export interface BatchProjection {
  /** recordCount × mean observed cost. */
  projected: number;
  /** One-sided upper bound on the batch's total cost at `confidence`. */
  upper: number;
  /** Why the bound cannot be trusted and what would fix it, or null. */
  lowConfidence: string | null;
  /** How the bound was computed, in words, for "Upper bound: …". */
  method: string;
}

/** The projection with the figures the gate's report also shows. */
export interface BatchBound extends BatchProjection {
  perRecord: number;
  /** Student-t quantile at `confidence` with n − 1 degrees of freedom; null below two records. */
  t: number | null;
}

/** A node that bills on some observed records only, with its observed price per hit. */
interface HitNode {
  hits: number;
  price: number;
  /** Per observation: what it billed (it billed when above 0). */
  credits: Float64Array;
}

/**
 * How the bound reads an observed record: its cost and what each node billed on it. `project`
 * reads the gate's observations through one, so a ledger's 250k requests are not copied into
 * `BatchObservation`s first.
 */
export interface RecordReader<T> {
  cost(record: T): number;
  nodes(record: T): Iterable<BatchNode>;
}

/** What a bound is asked for, apart from the observed records. */
export type BatchSettings = Omit<BatchInput, 'observations'>;

const batchObservation: RecordReader<BatchObservation> = {
  cost: (o) => o.cost,
  nodes: (o) => o.nodes ?? [],
};

/** The one-sided upper bound on the batch total, with the projection and its caveats. */
export function boundBatch(input: BatchInput): BatchBound {
  return boundRecords(input.observations, batchObservation, input);
}

/** `boundBatch` of any records, read through `read`. */
export function boundRecords<T>(
  records: readonly T[],
  read: RecordReader<T>,
  settings: BatchSettings,
): BatchBound {
  checkSettings(settings);
  const { recordCount, confidence, sampleOfBatch } = settings;
  const { costs, nodeCredits } = readRecords(records, read);
  const n = costs.length;
  const perRecord = n === 0 ? 0 : sum(costs) / n;
  const projected = recordCount * perRecord;
  const identical = n > 0 && momentsOf(costs).sd === 0;
  // The observed records of a sample of the batch are already known; only the rest is uncertain.
  const future = sampleOfBatch ? Math.max(0, recordCount - n) : recordCount;
  const base = { perRecord, projected, t: n >= 2 ? tQuantile(confidence, n - 1) : null };
  if (n < 2 || identical || future === 0) {
    // With every record of the batch observed (or none to run) there is nothing to be unsure of.
    const evidence = { n, identical, skew: { skewed: false, cv: 0 }, confidence };
    return {
      ...base,
      upper: projected,
      lowConfidence: future === 0 ? null : lowConfidenceOf(evidence),
      method: noSpreadMethod(n, future, recordCount),
    };
  }
  const hitNodes = intermittentNodes(nodeCredits, n);
  const residual = costs.map(
    (c, i) => c - sumOf(hitNodes, (h) => (h.credits[i]! > 0 ? h.price : 0)),
  );
  const continuous = futureMeanUpper(residual, future, confidence);
  const hitsUpper = sum(
    hitNodes.map((h) => h.price * hitCountUpper(h.hits, n, future, confidence)),
  );
  const known = sampleOfBatch ? sum(costs) : 0;
  // Past the largest double, a bound says no more than that one; capped, it stays a number.
  const upper = Math.min(Number.MAX_VALUE, known + future * continuous.upper + hitsUpper);
  return {
    ...base,
    upper: Math.max(projected, upper),
    lowConfidence: lowConfidenceOf({ n, identical, skew: continuous, confidence }),
    method: boundMethod({ ...settings, n, future }, continuous, hitNodes.length),
  };
}

/**
 * Each record's cost, and per node what it billed on each record (0 where it did not run), in
 * one pass that also refuses a non-finite figure: records a provider makes when asked (Venice's
 * 250k requests) are made once.
 */
function readRecords<T>(
  records: readonly T[],
  read: RecordReader<T>,
): { costs: Float64Array; nodeCredits: Map<string, Float64Array> } {
  const nodeCredits = new Map<string, Float64Array>();
  const costs = new Float64Array(records.length);
  records.forEach((r, i) => {
    const cost = read.cost(r);
    if (!Number.isFinite(cost)) throw new RangeError(`an observation's cost is ${cost}`);
    for (const node of read.nodes(r)) {
      if (!Number.isFinite(node.credits))
        throw new RangeError(`node ${node.key} has credits ${node.credits}`);
      let credits = nodeCredits.get(node.key);
      if (!credits) nodeCredits.set(node.key, (credits = new Float64Array(records.length)));
      credits[i] = credits[i]! + node.credits;
    }
    costs[i] = cost;
  });
  return { costs, nodeCredits };
}

/** Nodes that billed on some but not all of `n` records: hit-billed, whatever the provider. */
function intermittentNodes(nodeCredits: Map<string, Float64Array>, n: number): HitNode[] {
  const nodes: HitNode[] = [];
  for (const credits of nodeCredits.values()) {
    let hits = 0;
    const billed = new KahanSum();
    for (const c of credits) {
      if (!(c > 0)) continue;
      hits += 1;
      billed.add(c);
    }
    if (hits === 0 || hits === n) continue;
    // The price per hit is the mean over the hits; how single hits differ from it stays in the
    // residual cost, which the continuous bound covers.
    nodes.push({ hits, price: billed.total / hits, credits });
  }
  return nodes;
}

function checkSettings({ recordCount, confidence }: BatchSettings): void {
  if (!Number.isInteger(recordCount) || recordCount < 0)
    throw new RangeError(`recordCount must be a whole number ≥ 0, got ${recordCount}`);
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
}

const count = (x: number) => groupedNumber(x);

function noSpreadMethod(n: number, future: number, recordCount: number): string {
  if (recordCount === 0) return 'none needed: the batch has no records';
  if (n === 0) return 'none: no record was observed';
  if (future === 0) return 'exact: every record of the batch was observed';
  if (n === 1)
    return 'none: one observed record shows no spread, so the bound equals the projection';
  return `none needed: all ${count(n)} observed records cost the same, so the bound equals the projection`;
}

function boundMethod(
  batch: BatchSettings & { n: number; future: number },
  continuous: MeanBound,
  hitNodes: number,
): string {
  const pct = `${Math.round(batch.confidence * 1000) / 10}%`;
  const what = hitNodes === 0 ? 'the cost per record' : 'the rest of the cost per record';
  const parts = [
    {
      raw: `Student-t with a skewness correction on ${what}`,
      log: `a log-normal model of ${what} (generalized confidence interval)`,
      none: '',
    }[continuous.scale],
    hitNodes === 0
      ? ''
      : `an exact binomial bound on the hits of the ${hitNodes === 1 ? 'node that bills' : `${hitNodes} nodes that bill`} on some records only, at the observed price per hit`,
    "the batch's own variation",
  ].filter((p) => p !== '');
  const head = `one-sided ${pct} bound on the total of ${count(batch.recordCount)} records from ${count(batch.n)} observed`;
  const tail = batch.sampleOfBatch
    ? `; the observed records are a sample of the batch, so only the other ${count(batch.future)} are uncertain (finite-population correction)`
    : '';
  return `${head}: ${parts.join(', plus ')}${tail}`;
}
