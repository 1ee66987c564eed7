import { boundRecords, type RecordReader } from './bound.js';
import type { Estimate } from './estimate.js';
import { type Observation, observationCost } from './observation.js';

export { tQuantile } from './distributions.js';

/** The batch's projected cost with its one-sided upper bound. */
export interface Projection {
  recordCount: number;
  perRecord: number;
  projected: number;
  /** One-sided upper bound on the batch's total cost at `confidence`. */
  upper: number;
  confidence: number;
  /** Student-t quantile at `confidence` with n − 1 degrees of freedom, null below two records. */
  t: number | null;
  /** Why the bound cannot be trusted and what would fix it, or null; the gate then warns at least. */
  lowConfidence: string | null;
  /** How the bound was computed, in words; reports print it as `Upper bound: ${method}.` */
  method: string;
}

export interface ProjectInput {
  estimate: Estimate;
  /** The observed records behind the estimate (none for usage metrics). */
  observations: readonly Observation[];
  recordCount: number;
  confidence: number;
  /** True when the observations are a random sample of the batch's own records. */
  sampleOfBatch: boolean;
}

/**
 * `projected = N × mean`; `upper` bounds the batch total (see `boundRecords`, shared with the public
 * `projectBatch`). Usage metrics give totals only: the bound then equals the projection.
 */
export function project(input: ProjectInput): Projection {
  const { estimate, recordCount, confidence } = input;
  if (input.observations.length === 0 && estimate.n > 0) {
    return {
      recordCount,
      perRecord: estimate.mean,
      projected: recordCount * estimate.mean,
      upper: recordCount * estimate.mean,
      confidence,
      t: null,
      lowConfidence:
        'usage metrics give totals only, so no upper bound can be computed and it equals the projection; history or a sample would give one',
      method: 'none: usage metrics give totals only',
    };
  }
  const bound = boundRecords(input.observations, observedRecord, {
    recordCount,
    confidence,
    sampleOfBatch: input.sampleOfBatch,
  });
  const { perRecord, projected, upper, t, lowConfidence, method } = bound;
  return { recordCount, perRecord, projected, upper, confidence, t, lowConfidence, method };
}

/** An observation as the bound reads it: its parts are its nodes, read in place, not copied. */
const observedRecord: RecordReader<Observation> = {
  cost: observationCost,
  nodes: (o) => o.parts,
};
