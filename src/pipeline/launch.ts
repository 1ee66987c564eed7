// The guard: launch only what the gate let through, watch it, and stop it at the hard cap.
import type { Decision } from '../engine/gate.js';
import type { Observation } from '../engine/observation.js';
import type { Estimate } from '../engine/estimate.js';
import type { Projection } from '../engine/project.js';
import { type BatchOutcome, buildReceipt, type Receipt } from '../engine/receipt.js';
import type { Config } from '../inputs/config.js';
import { type BatchData, LaunchError, type Provider } from '../providers/provider.js';
import { ConfigError, GateError } from '../shared/errors.js';

/** What the launch added to the report. */
export interface LaunchResult {
  receipt: Receipt | null;
  reasons: string[];
  error: { kind: string; message: string } | null;
}

export interface LaunchPlan {
  config: Pick<Config, 'onExceed' | 'hardCap' | 'detach'>;
  gate: Decision;
  estimate: Estimate;
  projection: Projection;
  observations: Observation[];
  batchData: BatchData | undefined;
  unit: string;
}

/** Launches the batch when the decision allows it; a failure after launch still names the batch. */
export async function launchBatch(provider: Provider, plan: LaunchPlan): Promise<LaunchResult> {
  const { gate, config } = plan;
  const allowed =
    gate.decision === 'pass' || (gate.decision === 'warn' && config.onExceed === 'warn');
  if (!allowed) {
    return {
      receipt: null,
      error: null,
      reasons: [`run-batch: the batch was not launched (decision ${gate.decision}).`],
    };
  }
  if (!provider.guard || !plan.batchData) {
    throw new ConfigError(
      'run-batch',
      'needs batch-data or records-file and a provider that launches batches',
    );
  }
  const hardCap = config.hardCap ?? gate.limit;
  try {
    const outcome = await provider.guard.run(plan.batchData, { hardCap, detach: config.detach });
    const receipt = receiptOf(outcome, plan);
    return { receipt, error: null, reasons: receiptReasons(receipt, plan.unit) };
  } catch (error) {
    if (error instanceof LaunchError) {
      const receipt = receiptOf(error.outcome, plan);
      return {
        receipt,
        error: { kind: error.kind, message: error.message },
        reasons: [`run-batch: batch ${error.outcome.batchUuid} could not be watched to the end.`],
      };
    }
    if (!(error instanceof GateError)) throw error;
    return {
      receipt: null,
      error: { kind: error.kind, message: error.message },
      reasons: [`run-batch: the batch could not be launched: ${error.message}`],
    };
  }
}

function receiptOf(outcome: BatchOutcome, plan: LaunchPlan): Receipt {
  return buildReceipt(namedNodes(outcome, plan.observations), plan.estimate, plan.projection);
}

/** Names the watched nodes by slug, from the observed runs (the API reports node UUIDs). */
function namedNodes(outcome: BatchOutcome, observations: Observation[]): BatchOutcome {
  const slugs = new Map<string, string>();
  for (const o of observations) for (const p of o.parts) if (p.id) slugs.set(p.id, p.key);
  return {
    ...outcome,
    byNode: outcome.byNode.map((n) => ({ ...n, key: slugs.get(n.key) ?? n.key })),
  };
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

const STOPPED: Record<NonNullable<Receipt['stopped']>, (r: Receipt, unit: string) => string> = {
  'hard-cap': (r, unit) => `was cancelled at the hard cap of ${fmt(r.hardCap)} ${unit}`,
  timeout: () => 'was cancelled when batch-timeout-minutes ran out',
  interrupted: () => 'was cancelled because the job was cancelled',
  'watch-failed': () => 'was cancelled because its progress could not be read',
};

function receiptReasons(r: Receipt, unit: string): string[] {
  if (r.detached) return [`run-batch: launched batch ${r.batchUuid} and left it running (detach).`];
  const how = r.stopped ? STOPPED[r.stopped](r, unit) : `ended ${r.status}`;
  const lines = [
    `run-batch: batch ${r.batchUuid} ${how} after ${r.executedRuns} of ${r.runsCount} records: ${fmt(r.actual)} ${unit} spent against ${fmt(r.estimated)} estimated for those records.`,
  ];
  if (r.diverged)
    lines.push(
      `The actual cost per record (${fmt(r.actualPerRecord ?? 0)}) is above the estimate's upper bound. ${r.explanations.join(' ')}`,
    );
  return lines;
}
