// The one `auto` policy, the same for every provider: history when enough finished work exists
// in the window, else a sample when there is something to sample, else fail with guidance.
// An explicit `estimate-from` is obeyed, and the report says why each source was used.
import type { BalanceReport, EstimateOutcome } from '../engine/evidence.js';
import type { Provider, SamplePlan } from '../providers/provider.js';
import type { ProviderEntry } from '../providers/registry.js';
import { GateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';

export interface SourcePlan {
  estimateFrom: 'auto' | 'history' | 'sample' | 'metrics';
  windowDays: number;
  minHistoryRuns: number;
  sample: SamplePlan;
}

/** Estimates the cost per record from the source the plan and the provider allow. */
export async function estimateCost(
  provider: Provider,
  entry: ProviderEntry,
  plan: SourcePlan,
  balance: Promise<BalanceReport>,
  log: Log,
): Promise<EstimateOutcome> {
  const words = observationWords(entry);
  switch (plan.estimateFrom) {
    case 'metrics':
      return withWhy(await windowOf('metrics', provider, entry, plan), 'set by estimate-from');
    case 'sample':
      return withWhy(await sampleOf(provider, entry, plan, balance), 'set by estimate-from');
    case 'history': {
      const history = await windowOf('history', provider, entry, plan);
      if (history.observations.length === 0) {
        throw new GateError(
          'estimate',
          `No ${words} of ${provider.subject} in the last ${plan.windowDays} days to estimate from. ${guidance(provider, entry, plan)}`,
        );
      }
      return withWhy(history, 'set by estimate-from');
    }
    case 'auto':
      return auto(provider, entry, plan, balance, log);
  }
}

async function auto(
  provider: Provider,
  entry: ProviderEntry,
  plan: SourcePlan,
  balance: Promise<BalanceReport>,
  log: Log,
): Promise<EstimateOutcome> {
  const words = observationWords(entry);
  const history = provider.history ? await provider.history({ windowDays: plan.windowDays }) : null;
  const n = history?.observations.length ?? 0;
  if (history && n >= plan.minHistoryRuns) {
    return withWhy(
      history,
      `auto: ${n} ${words} in the window (min-history-runs ${plan.minHistoryRuns})`,
    );
  }
  const sampleReady = provider.sample && provider.sample.missing(plan.sample) === undefined;
  if (provider.sample && sampleReady) {
    log.info(
      `History has ${n} ${words} (fewer than min-history-runs ${plan.minHistoryRuns}); estimating from a sample instead.`,
    );
    const sample = await provider.sample.run(plan.sample, balance);
    return withWhy(
      sample,
      `auto: history had ${n} ${words} (< min-history-runs ${plan.minHistoryRuns}), so a sample was run`,
    );
  }
  throw new GateError(
    'estimate',
    `estimate-from auto found only ${n} ${words} of ${provider.subject} in the last ${plan.windowDays} days (min-history-runs is ${plan.minHistoryRuns}) and nothing to sample. ${guidance(provider, entry, plan)}`,
  );
}

/** What a person can do when there is too little to estimate from, by what the provider offers. */
function guidance(provider: Provider, entry: ProviderEntry, plan: SourcePlan): string {
  const ways: string[] = [];
  if (provider.sample && provider.sample.missing(plan.sample) !== undefined) {
    ways.push(`${entry.sampleHint} to estimate from a sample run`);
  }
  ways.push('widen history-window-days or lower min-history-runs');
  if (provider.metrics) ways.push('set estimate-from: metrics');
  return `${capitalise(ways.join(', or '))}.`;
}

/** Reads a window source (history or metrics) the provider offers. */
async function windowOf(
  source: 'history' | 'metrics',
  provider: Provider,
  entry: ProviderEntry,
  plan: SourcePlan,
): Promise<EstimateOutcome> {
  if (!provider[source]) throw notOffered(entry, source);
  return provider[source]({ windowDays: plan.windowDays });
}

async function sampleOf(
  provider: Provider,
  entry: ProviderEntry,
  plan: SourcePlan,
  balance: Promise<BalanceReport>,
): Promise<EstimateOutcome> {
  if (!provider.sample) throw notOffered(entry, 'sample');
  const missing = provider.sample.missing(plan.sample);
  if (missing !== undefined) throw new GateError('estimate', missing);
  return provider.sample.run(plan.sample, balance);
}

// The registry refuses these at config time; this guards a provider whose capabilities and
// registry entry disagree.
function notOffered(entry: ProviderEntry, source: string): GateError {
  return new GateError('estimate', `Provider ${entry.id} cannot estimate from ${source}.`);
}

function withWhy(outcome: EstimateOutcome, why: string): EstimateOutcome {
  return { ...outcome, basis: { ...outcome.basis, why } };
}

function observationWords(entry: ProviderEntry): string {
  return `${entry.vocabulary.observation}s`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
