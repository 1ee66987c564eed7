// The one `auto` policy, the same for every provider: history when enough finished work exists
// in the window, else a sample when there is something to sample, else fail with guidance.
// An explicit `estimate-from` is obeyed, and the report says why each source was used.
import type { BalanceReport, EstimateOutcome } from '../engine/evidence.js';
import type { InputPhraser } from '../inputs/phrase.js';
import type { Provider, SamplePlan } from '../providers/provider.js';
import type { ProviderEntry } from '../providers/registry.js';
import { GateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';

export interface SourcePlan {
  estimateFrom: 'auto' | 'history' | 'sample' | 'metrics';
  windowDays: number;
  minHistoryRuns: number;
  sample: SamplePlan;
  /** Names inputs in messages the way the surface writes them (`estimate-from: metrics`, `--estimate-from metrics`). */
  say: InputPhraser;
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
      return withWhy(await windowOf('metrics', provider, entry, plan), setBy(plan));
    case 'sample':
      return withWhy(await sampleOf(provider, entry, plan, balance), setBy(plan));
    case 'history': {
      const history = await windowOf('history', provider, entry, plan);
      if (history.observations.length === 0) {
        throw new GateError(
          'estimate',
          `No ${words} of ${provider.subject} in the last ${plan.windowDays} days to estimate from. ${guidance(provider, entry, plan)}`,
        );
      }
      return withWhy(history, setBy(plan));
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
  const window = { windowDays: plan.windowDays, say: plan.say };
  const history = provider.history ? await provider.history(window) : null;
  const n = history?.observations.length ?? 0;
  const min = `${plan.say('min-history-runs')} ${plan.minHistoryRuns}`;
  if (history && n >= plan.minHistoryRuns) {
    return withWhy(history, `auto: ${n} ${words} in the window (${min})`);
  }
  const sampleReady = provider.sample && provider.sample.missing(plan.sample) === undefined;
  if (provider.sample && sampleReady) {
    log.info(`History has ${n} ${words} (fewer than ${min}); estimating from a sample instead.`);
    const sample = await provider.sample.run(plan.sample, balance);
    return withWhy(sample, `auto: history had ${n} ${words} (< ${min}), so a sample was run`);
  }
  throw new GateError(
    'estimate',
    `${plan.say('estimate-from')} auto found only ${n} ${words} of ${provider.subject} in the last ${plan.windowDays} days (${plan.say('min-history-runs')} is ${plan.minHistoryRuns}) and nothing to sample. ${guidance(provider, entry, plan)}`,
  );
}

/** What a person can do when there is too little to estimate from, by what the provider offers. */
function guidance(provider: Provider, entry: ProviderEntry, plan: SourcePlan): string {
  const { say } = plan;
  const ways: string[] = [];
  if (provider.sample && provider.sample.missing(plan.sample) !== undefined) {
    ways.push(`${entry.sampleHint(say)} to estimate from a sample run`);
  }
  ways.push(`widen ${say('history-window-days')} or lower ${say('min-history-runs')}`);
  if (provider.metrics) ways.push(`set ${say('estimate-from', 'metrics')}`);
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
  return provider[source]({ windowDays: plan.windowDays, say: plan.say });
}

async function sampleOf(
  provider: Provider,
  entry: ProviderEntry,
  plan: SourcePlan,
  balance: Promise<BalanceReport>,
): Promise<EstimateOutcome> {
  if (!provider.sample) throw notOffered(entry, 'sample');
  // Said from the registry's hint rather than the provider's own sentence, so it names the
  // inputs in the surface's syntax.
  if (provider.sample.missing(plan.sample) !== undefined) {
    throw new GateError(
      'estimate',
      `${plan.say('estimate-from')} sample needs something to sample: ${entry.sampleHint(plan.say)}.`,
    );
  }
  return provider.sample.run(plan.sample, balance);
}

// The registry refuses these at config time; this guards a provider whose capabilities and
// registry entry disagree.
function notOffered(entry: ProviderEntry, source: string): GateError {
  return new GateError('estimate', `Provider ${entry.id} cannot estimate from ${source}.`);
}

/** The basis's reason when the source was chosen by the user, not by `auto`. */
function setBy(plan: SourcePlan): string {
  return `set by ${plan.say('estimate-from')}`;
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
