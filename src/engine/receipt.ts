import type { Estimate } from './estimate.js';
import type { Projection } from './project.js';
import { groupedNumber } from '../shared/grouped-number.js';

/** What a launched batch did, as the guard saw it at the end. */
export interface BatchOutcome {
  batchUuid: string;
  status: string;
  /**
   * Why the guard stopped it, when it did: the cap, the watch's time bound, an interrupt, or a
   * watch that failed (its status could no longer be read).
   */
  stopped: 'hard-cap' | 'timeout' | 'interrupted' | 'watch-failed' | null;
  detached: boolean;
  runsCount: number;
  executedRuns: number;
  failedRuns: number;
  /** What the batch has cost, as the provider bills it (charges per execution included). */
  actual: number;
  hardCap: number;
  /**
   * Per node key (slug when known): provider credits, executions, and `cost`, the node's full
   * cost as billed (the provider adds any per-execution charge), which the receipt compares.
   */
  byNode: { key: string; credits: number; executions: number; cost: number }[];
  /** The provider's own words when the batch ended in error or was skipped or cancelled by it. */
  errorMessage?: string;
  durationMs: number;
}

/** Estimate against actual, for the report's receipt section. */
export interface Receipt extends BatchOutcome {
  estimated: number;
  estimatedUpper: number;
  actualPerRecord: number | null;
  estimatedPerRecord: number;
  errorShare: number | null;
  /**
   * True when the actual cost per record is above the estimate's upper bound, beyond the
   * `RECEIPT_TOLERANCE` a bound as narrow as the mean is given.
   */
  diverged: boolean;
  /**
   * Whether the actual cost of the records that ran stayed at or under the upper bound for them
   * (`estimatedUpper`: the batch's bound per record × records run, the bound itself when all ran);
   * null when no record ran or the batch was left running. Over many batches, the share of true
   * is the bound's real coverage, to hold against `confidence`.
   */
  boundHeld: boolean | null;
  /** Why, when it diverged: the nodes that cost more than estimated. */
  explanations: string[];
}

const fmt = (n: number) => groupedNumber(n, 0, 4);

/**
 * How far above the estimated mean per record a batch may come before the bound counts as broken,
 * when the bound itself is narrower than that. With sd = 0 (every observed record cost the same)
 * the upper bound equals the mean, and a real batch still differs by a percent or two: credits
 * rounded per run, a provider's price drifting between the history and the batch. A bound wider
 * than this keeps its own width: the tolerance never makes a real spread's bound looser.
 */
export const RECEIPT_TOLERANCE = 0.02;

/** The most per record a batch may cost with its bound still held: the bound, or the tolerance. */
export function allowedPerRecord(upperPerRecord: number, meanPerRecord: number): number {
  // The 1e-9 absorbs the float error of dividing a total back into records.
  return Math.max(upperPerRecord, meanPerRecord * (1 + RECEIPT_TOLERANCE)) + 1e-9;
}

/** Compares what the batch cost with what was projected for the records it ran. */
export function buildReceipt(
  outcome: BatchOutcome,
  estimate: Estimate,
  projection: Projection,
): Receipt {
  const ran = outcome.executedRuns;
  const upperPerRecord =
    projection.recordCount > 0 ? projection.upper / projection.recordCount : projection.perRecord;
  const actualPerRecord = ran > 0 ? outcome.actual / ran : null;
  const diverged =
    actualPerRecord !== null &&
    actualPerRecord > allowedPerRecord(upperPerRecord, projection.perRecord);
  const explanations: string[] = [];
  if (diverged && ran > 0) {
    const estimated = new Map(estimate.byNode.map((l) => [l.key, l]));
    for (const node of outcome.byNode) {
      const perRecord = node.cost / ran;
      const expected = estimated.get(node.key)?.total ?? 0;
      if (perRecord > expected * 1.1 + 0.005) {
        explanations.push(
          `Node ${node.key} cost ${fmt(perRecord)} credits per record against ${fmt(expected)} estimated.`,
        );
      }
    }
    if (explanations.length === 0)
      explanations.push(
        'No single node stands out: the records in this batch cost more across the workflow.',
      );
  }
  return {
    ...outcome,
    estimated: projection.perRecord * ran,
    estimatedUpper: upperPerRecord * ran,
    actualPerRecord,
    estimatedPerRecord: projection.perRecord,
    errorShare: ran > 0 ? outcome.failedRuns / ran : null,
    diverged,
    boundHeld: ran > 0 && !outcome.detached ? !diverged : null,
    explanations,
  };
}
