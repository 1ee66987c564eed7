import { describe, expect, it } from 'vitest';
import { estimateFromObservations } from '../../src/engine/estimate.js';
import type { Observation } from '../../src/engine/observation.js';
import { project } from '../../src/engine/project.js';
import { type BatchOutcome, buildReceipt, RECEIPT_TOLERANCE } from '../../src/engine/receipt.js';

let seq = 0;
const observed = (credits: number): Observation => ({
  id: `run-${(seq += 1)}`,
  recordId: `r-${seq}`,
  status: 'success',
  providerCredits: credits,
  executions: 2,
  executionCredits: 0.02,
  parts: [{ key: 'enrich', kind: 'connector', credits, executions: 2 }],
});

function receiptFor(observations: Observation[], actualPerRecord: number) {
  const estimate = estimateFromObservations('history', observations);
  const projection = project({
    estimate,
    observations,
    recordCount: 100,
    confidence: 0.9,
    sampleOfBatch: false,
  });
  const outcome: BatchOutcome = {
    batchUuid: 'b',
    status: 'success',
    stopped: null,
    detached: false,
    runsCount: 100,
    executedRuns: 100,
    failedRuns: 0,
    actual: actualPerRecord * 100,
    hardCap: 1000,
    byNode: [
      {
        key: 'enrich',
        credits: actualPerRecord * 100,
        executions: 200,
        cost: actualPerRecord * 100,
      },
    ],
    durationMs: 1000,
  };
  return { receipt: buildReceipt(outcome, estimate, projection), projection };
}

describe('the receipt against a bound with no spread (sd = 0)', () => {
  const same = Array.from({ length: 30 }, () => observed(0.37));

  it('has a bound equal to the mean, which the tolerance is for', () => {
    const { projection } = receiptFor(same, 0.39);
    expect(projection.upper).toBeCloseTo(projection.projected, 9);
  });

  it('does not call a 1.5% difference a broken bound', () => {
    const mean = 0.39; // 0.37 credits + 2 executions × 0.01
    const { receipt } = receiptFor(same, mean * 1.015);
    expect(receipt.diverged).toBe(false);
    expect(receipt.boundHeld).toBe(true);
    expect(receipt.explanations).toEqual([]);
  });

  it(`calls it broken past ${RECEIPT_TOLERANCE * 100}% above the mean`, () => {
    const { receipt } = receiptFor(same, 0.39 * (1 + RECEIPT_TOLERANCE) * 1.001);
    expect(receipt.diverged).toBe(true);
    expect(receipt.boundHeld).toBe(false);
    expect(receipt.explanations.length).toBeGreaterThan(0);
  });

  it('holds a batch that cost less than estimated', () => {
    expect(receiptFor(same, 0.2).receipt.boundHeld).toBe(true);
  });
});

describe('the receipt against a bound with a real spread', () => {
  const spread = Array.from({ length: 40 }, (_, i) => observed(i % 2 === 0 ? 0.2 : 1.8));

  it('keeps the bound itself when it is wider than the tolerance: no extra slack', () => {
    const { receipt, projection } = receiptFor(spread, 0);
    const upperPerRecord = projection.upper / projection.recordCount;
    expect(upperPerRecord).toBeGreaterThan(projection.perRecord * (1 + RECEIPT_TOLERANCE));
    expect(receipt.boundHeld).toBe(true);
    expect(receiptFor(spread, upperPerRecord * 0.999).receipt.boundHeld).toBe(true);
    expect(receiptFor(spread, upperPerRecord * 1.001).receipt.boundHeld).toBe(false);
  });
});
