// What Cargo bills for work, in one place: every cost the Cargo provider computes (a run, a
// batch so far, a node of a batch) goes through `billedCredits`.
import type { Run } from './schemas.js';

/**
 * Cargo bills 0.01 credit per node execution on top of provider credits, whatever the node, and
 * attributes it to no node's `creditsUsedCount` (reference fact 1).
 */
export const EXECUTION_CHARGE = 0.01;

// The execution charge is a whole number of hundredths of a credit; rounding to them removes the
// error of the float product (57 × 0.01 is 0.5700000000000001), so it is right to the cent.
const HUNDREDTHS = 100;

/** The execution charge of `executions` node executions, exact to the cent. */
export function executionCharge(executions: number): number {
  return Math.round(executions * EXECUTION_CHARGE * HUNDREDTHS) / HUNDREDTHS;
}

/** Provider credits plus the execution charge: what Cargo bills for that work. */
export function billedCredits(providerCredits: number, executions: number): number {
  return providerCredits + executionCharge(executions);
}

/** Provider credits a run's executions have used so far. */
export function runProviderCredits(run: Run): number {
  return run.executions.reduce((s, e) => s + e.creditsUsedCount, 0);
}

/** What a run has cost so far, finished or not. */
export function runCost(run: Run): number {
  return billedCredits(runProviderCredits(run), run.executions.length);
}
