// The bound on a batch's total cost: what `project` (the gate) and `projectBatch` (the public
// engine entry) both compute. Pure; the method and its measured coverage are in the README
// ("How the upper bound works") and `npm run bench:honesty`.
import { futureMeanUpper, type MeanBound } from './continuous.js';
import { tQuantile } from './distributions.js';
import { sum } from './estimate.js';
import { hitCountUpper } from './hits.js';
import { lowConfidenceOf } from './low-confidence.js';
import { momentsOf } from './moments.js';

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
  /** Per observation: did it bill. */
  billed: boolean[];
}

/** The one-sided upper bound on the batch total, with the projection and its caveats. */
export function boundBatch(input: BatchInput): BatchBound {
  checkInput(input);
  const { recordCount, confidence, sampleOfBatch } = input;
  const costs = input.observations.map((o) => o.cost);
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
  const hitNodes = intermittentNodes(input.observations);
  const residual = costs.map((c, i) => c - sum(hitNodes.map((h) => (h.billed[i] ? h.price : 0))));
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
    method: boundMethod({ ...input, n, future }, continuous, hitNodes.length),
  };
}

/** Nodes that billed on some but not all observed records: hit-billed, whatever the provider. */
function intermittentNodes(observations: readonly BatchObservation[]): HitNode[] {
  const n = observations.length;
  const perNode = new Map<string, number[]>();
  observations.forEach((o, i) => {
    for (const node of o.nodes ?? []) {
      const credits = perNode.get(node.key) ?? new Array<number>(n).fill(0);
      credits[i] = credits[i]! + node.credits;
      perNode.set(node.key, credits);
    }
  });
  const nodes: HitNode[] = [];
  for (const credits of perNode.values()) {
    const billed = credits.map((c) => c > 0);
    const hits = billed.filter(Boolean).length;
    if (hits === 0 || hits === n) continue;
    // The price per hit is the mean over the hits; how single hits differ from it stays in the
    // residual cost, which the continuous bound covers.
    const price = sum(credits.filter((c) => c > 0)) / hits;
    nodes.push({ hits, price, billed });
  }
  return nodes;
}

function checkInput(input: BatchInput): void {
  const { recordCount, confidence } = input;
  if (!Number.isInteger(recordCount) || recordCount < 0)
    throw new RangeError(`recordCount must be a whole number ≥ 0, got ${recordCount}`);
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  for (const o of input.observations) {
    if (!Number.isFinite(o.cost)) throw new RangeError(`an observation's cost is ${o.cost}`);
    for (const node of o.nodes ?? [])
      if (!Number.isFinite(node.credits))
        throw new RangeError(`node ${node.key} has credits ${node.credits}`);
  }
}

const count = (x: number) => x.toLocaleString('en-US');

function noSpreadMethod(n: number, future: number, recordCount: number): string {
  if (recordCount === 0) return 'none needed: the batch has no records';
  if (n === 0) return 'none: no record was observed';
  if (future === 0) return 'exact: every record of the batch was observed';
  if (n === 1)
    return 'none: one observed record shows no spread, so the bound equals the projection';
  return `none needed: all ${count(n)} observed records cost the same, so the bound equals the projection`;
}

function boundMethod(
  batch: BatchInput & { n: number; future: number },
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
