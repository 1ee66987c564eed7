// The guard: launch only what the gate let through, watch it, and stop it at the hard cap; and
// on every run, point out the batches earlier runs may have left unfinished.
import type { Decision } from '../engine/gate.js';
import type { Observation } from '../engine/observation.js';
import type { Estimate } from '../engine/estimate.js';
import type { Projection } from '../engine/project.js';
import { type BatchOutcome, buildReceipt, type Receipt } from '../engine/receipt.js';
import type { Vocabulary } from '../engine/evidence.js';
import type { Config } from '../inputs/config.js';
import {
  type BatchData,
  LaunchError,
  type LaunchOptions,
  type OpenBatch,
  type Provider,
} from '../providers/provider.js';
import { ConfigError, describeError, GateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import { groupedNumber } from '../shared/grouped-number.js';

/** What the launch added to the report. */
export interface LaunchResult {
  receipt: Receipt | null;
  reasons: string[];
  error: { kind: string; message: string } | null;
}

export interface LaunchPlan {
  config: Pick<Config, 'onExceed' | 'hardCap' | 'detach' | 'reserve' | 'batchTimeoutMinutes'>;
  gate: Decision;
  estimate: Estimate;
  projection: Projection;
  observations: Observation[];
  batchData: BatchData | undefined;
  unit: string;
}

/** Launches the batch when the decision allows it; a failure after launch still names the batch. */
export async function launchBatch(provider: Provider, plan: LaunchPlan): Promise<LaunchResult> {
  const { config } = plan;
  const hardCap = config.hardCap ?? plan.gate.limit;
  const refused = refusal(plan, hardCap);
  if (refused) return refused;
  if (!provider.guard || !plan.batchData) {
    throw new ConfigError(
      'run-batch',
      'needs batch-data or records-file and a provider that launches batches',
    );
  }
  const options: LaunchOptions = {
    hardCap,
    detach: config.detach,
    timeoutMs: config.batchTimeoutMinutes * 60_000,
    beforeCreate: () => confirmBalance(provider, plan),
  };
  try {
    const outcome = await provider.guard.run(plan.batchData, options);
    const receipt = receiptOf(outcome, plan);
    return { receipt, error: null, reasons: receiptReasons(receipt, plan.unit) };
  } catch (error) {
    return failedLaunch(error, plan);
  }
}

/** Why the batch is not launched at all, when the decision or the hard cap rules it out. */
function refusal(plan: LaunchPlan, hardCap: number): LaunchResult | undefined {
  const { gate, config, projection, unit } = plan;
  const allowed =
    gate.decision === 'pass' || (gate.decision === 'warn' && config.onExceed === 'warn');
  if (!allowed) {
    return {
      receipt: null,
      error: null,
      reasons: [`run-batch: the batch was not launched (decision ${gate.decision}).`],
    };
  }
  if (projection.projected <= hardCap) return undefined;
  // Launching would only buy a batch cancelled part-way, after spending the whole cap.
  const why = `projected cost (${fmt(projection.projected)} ${unit}) is above hard-cap (${fmt(hardCap)} ${unit}), so it would be cancelled part-way through: raise hard-cap or launch fewer records.`;
  return {
    receipt: null,
    error: { kind: 'config', message: `Its ${why}` },
    reasons: [`run-batch: the batch was not launched: its ${why}`],
  };
}

/**
 * Re-reads the balance just before the create: another job may have spent it since the gate
 * decided. Throws (and nothing is launched) when it no longer covers the projection.
 */
async function confirmBalance(provider: Provider, plan: LaunchPlan): Promise<void> {
  const fresh = await provider.readBalance();
  const { reserve } = plan.config;
  const { projected } = plan.projection;
  if (fresh.remaining - reserve >= projected) return;
  const kept = reserve > 0 ? `, ${fmt(reserve)} of them reserved` : '';
  throw new GateError(
    'request',
    `Re-read just before launching, ${fmt(fresh.remaining)} ${plan.unit} remain${kept}: no longer enough for the projected ${fmt(projected)} ${plan.unit} (something else spent them since the gate decided). Not launched.`,
  );
}

/** What the report says of a launch that failed; a `LaunchError` still names the batch. */
function failedLaunch(error: unknown, plan: LaunchPlan): LaunchResult {
  if (error instanceof LaunchError) {
    const uuid = error.outcome.batchUuid;
    return {
      receipt: receiptOf(error.outcome, plan),
      error: { kind: error.kind, message: error.message },
      reasons: [
        error.stopped
          ? `run-batch: batch ${uuid} could not be watched to the end; it was cancelled.`
          : `run-batch: batch ${uuid} could not be cancelled and may still be spending: cancel it by hand now.`,
      ],
    };
  }
  if (!(error instanceof GateError)) throw error;
  return {
    receipt: null,
    error: { kind: error.kind, message: error.message },
    reasons: [`run-batch: the batch could not be launched: ${error.message}`],
  };
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

const fmt = (n: number) => groupedNumber(n, 0, 2);

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

/** How much longer than the gate's other reads the look-up of unfinished batches may take. */
export const UNFINISHED_GRACE_MS = 1_000;
/** Unfinished batches named one by one in the report; the rest are counted. */
const NAMED_OPEN_BATCHES = 5;

/** The report lines about unfinished batches, once the look-up started by `lookForUnfinished` ends. */
export interface UnfinishedLookout {
  take(vocabulary: Vocabulary): Promise<string[]>;
}

/**
 * Starts listing the subject's unfinished batches alongside the gate's other reads: a batch a
 * killed run (SIGKILL cannot be caught) left spending is seen in the next report. Never fails the
 * gate and never holds it up by more than `UNFINISHED_GRACE_MS`.
 */
export function lookForUnfinished(provider: Provider, log: Log): UnfinishedLookout {
  const guard = provider.guard;
  if (!guard?.unfinished) return { take: () => Promise.resolve([]) };
  const giveUp = new AbortController();
  const listing = guard.unfinished(giveUp.signal).catch((error: unknown) => {
    const why = giveUp.signal.aborted ? 'it took too long' : describeError(error);
    log.info(`Could not list the unfinished batches (${why}); the report does not mention them.`);
    return [] as OpenBatch[];
  });
  return {
    async take(vocabulary) {
      const timer = setTimeout(() => giveUp.abort(), UNFINISHED_GRACE_MS);
      try {
        return unfinishedNotice(await listing, vocabulary);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function unfinishedNotice(open: OpenBatch[], vocabulary: Vocabulary): string[] {
  if (open.length === 0) return [];
  const named = open
    .slice(0, NAMED_OPEN_BATCHES)
    .map((b) => `${b.uuid} (${b.status}, started ${age(b.ageMs)} ago)`)
    .join(', ');
  const more =
    open.length > NAMED_OPEN_BATCHES ? ` and ${open.length - NAMED_OPEN_BATCHES} more` : '';
  const count = open.length === 1 ? '1 unfinished batch' : `${open.length} unfinished batches`;
  return [
    `${vocabulary.provider} lists ${count} of this ${vocabulary.subject}: ${named}${more}. A batch whose gate was killed (SIGKILL cannot be caught) goes on running unwatched: cancel it in ${vocabulary.provider} unless it is meant to run.`,
  ];
}

function age(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}
