// The report's Previous / New / Diff section: this run against the report of another (the base
// branch's newest successful run). The base report is found by the GitHub room; here it is only
// read, as untrusted data that has already passed the report schema.
import { compareCosts, type CostComparison, type CostFigures } from '../engine/compare.js';
import type { Projection } from '../engine/project.js';
import type { ReportJson } from './schema.js';

/** The run whose report was compared with. */
export interface BaseRun {
  id: string | null;
  url: string | null;
  sha: string | null;
  time: string | null;
}

/** What the lookup of the base report found: a schema-valid report, or why there is none. */
export type BaseLookup =
  { ref: string; report: ReportJson; run: BaseRun } | { ref: string; note: string };

/** The comparison as the report carries it. */
export interface ReportComparison {
  /** The branch compared with (`compare-to`, or the pull request's base). */
  ref: string;
  /** The run whose report was read; null when none could be. */
  run: BaseRun | null;
  /** Why there is no comparison (no successful run, expired artifact, no permission…). */
  note: string | null;
  result: CostComparison | null;
}

/** The figures of a report that a comparison reads; null without a projection. */
export function figuresOf(
  projection: Pick<Projection, 'projected' | 'upper' | 'perRecord' | 'recordCount'> | null,
  estimate: { byNode: readonly { key: string; total: number }[] } | null,
): CostFigures | null {
  if (!projection) return null;
  return {
    projected: projection.projected,
    upper: projection.upper,
    perRecord: projection.perRecord,
    recordCount: projection.recordCount,
    byNode: estimate?.byNode ?? [],
  };
}

/** What a report prices: two reports compare only when all of it is the same. */
export interface Priced {
  provider: string;
  subject: string;
  vocabulary: { unit: string };
}

/** What differs between the batch a base report priced and this one, in words; none when equal. */
function otherBatch(base: Priced, current: Priced): string | undefined {
  const differ = [
    base.provider !== current.provider ? 'provider' : null,
    base.subject !== current.subject ? 'subject' : null,
    base.vocabulary.unit !== current.vocabulary.unit ? 'unit' : null,
  ].filter((d) => d !== null);
  return differ.length > 0 ? differ.join(', ') : undefined;
}

/**
 * This run's figures against the base lookup's. A base without a projection, or of another batch
 * (provider, subject or unit differ: another workflow, a renamed matrix leg), is not compared —
 * so `fail-on-increase` never trips on it — and the one line says why.
 */
export function compareWithBase(
  base: BaseLookup,
  current: CostFigures,
  priced?: Priced,
): ReportComparison {
  if ('note' in base) return { ref: base.ref, run: null, note: base.note, result: null };
  const other = priced && otherBatch(base.report, priced);
  if (other) {
    const note = `No base comparison: the base report (${base.ref}) prices another batch (its ${other} differ${other.includes(',') ? '' : 's'}).`;
    return { ref: base.ref, run: base.run, note, result: null };
  }
  const previous = figuresOf(base.report.projection, base.report.estimate);
  if (!previous) {
    return {
      ref: base.ref,
      run: base.run,
      note: `The base report (${base.ref}) has no projection to compare with (its decision was ${base.report.decision}).`,
      result: null,
    };
  }
  return { ref: base.ref, run: base.run, note: null, result: compareCosts(previous, current) };
}
