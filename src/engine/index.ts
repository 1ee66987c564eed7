// The public engine entry, `batch-cost-gate/engine`: the bound the gate uses, for code. Pure and
// I/O-free, bundled alone into dist/engine/index.js.
import { type BatchInput, type BatchProjection, boundBatch } from './bound.js';

export type { BatchInput, BatchNode, BatchObservation, BatchProjection } from './bound.js';

/**
 * Projects a batch's total cost from observed records: `projected = recordCount × mean cost`,
 * and `upper`, a one-sided bound the total stays under with probability `confidence`.
 */
export function projectBatch(input: BatchInput): BatchProjection {
  const { projected, upper, lowConfidence, method } = boundBatch(input);
  return { projected, upper, lowConfidence, method };
}
