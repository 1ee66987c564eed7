// Every billing backend the gate knows, with what the rest of the gate needs to know of it.
// Adding a provider is one folder under src/providers/ plus one entry here.
import type { Advice } from '../engine/advice.js';
import type { Estimate } from '../engine/estimate.js';
import type { EstimateSource, Vocabulary } from '../engine/evidence.js';
import { ConfigError } from '../shared/errors.js';
import { CARGO } from './cargo/entry.js';
import type { Provider, ProviderContext, ProviderSettings } from './provider.js';
import { VENICE } from './venice/entry.js';

/** What the gate knows of one provider before it talks to it. */
export interface ProviderEntry {
  /** The `provider` input's value. */
  id: string;
  vocabulary: Vocabulary;
  /** Used when `api-url` is empty. */
  defaultApiUrl: string;
  /** Where the CLI finds the token when `--api-token` is not given. */
  tokenEnv: string;
  /** What `api-token` must be, for the message when it is missing. */
  tokenKind: string;
  /** The estimate sources it can serve; `estimate-from` naming another one is a config error. */
  sources: readonly EstimateSource[];
  /**
   * How a user gives it something to sample, for guidance when `auto` has nothing to go on;
   * `say` writes an input the way the surface takes it (`sample-records`, `--sample-records`).
   */
  sampleHint(say: (input: string, value?: string) => string): string;
  /**
   * True when its sample runs the records the gate hands it (`sample-records`, or those drawn from
   * `records-file`); false when it samples on its own (Venice's `sample-command`).
   */
  runsSampleRecords: boolean;
  /** True when it can launch and watch a batch (`run-batch`). */
  launches: boolean;
  /** Provider-specific rules on the settings; throws a `ConfigError` naming the input. */
  checkSettings(settings: ProviderSettings): void;
  /**
   * The subject's human name read from an estimate (Venice: the models its SKUs bill), for
   * providers that name it that way rather than by a look-up (`Provider.subjectName`).
   */
  subjectNameOf?(estimate: Estimate): string | null;
  /** The cost levers its estimate supports. */
  advise(estimate: Estimate): Advice[];
  create(settings: ProviderSettings & { apiUrl: string }, context: ProviderContext): Provider;
}

const ENTRIES: readonly ProviderEntry[] = [CARGO, VENICE];

/** The names `provider` accepts, in the order the docs list them. */
export const PROVIDER_IDS: readonly string[] = ENTRIES.map((e) => e.id);

/** The provider used when `provider` is not set: the first entry. */
export const DEFAULT_PROVIDER: string = CARGO.id;

/** The entry of `provider` (the default when unset), or a config error naming the input and what it accepts. */
export function providerEntry(id: string | undefined): ProviderEntry {
  const wanted = (id ?? DEFAULT_PROVIDER).toLowerCase();
  const entry = ENTRIES.find((e) => e.id === wanted);
  if (!entry) {
    throw new ConfigError('provider', `must be one of ${PROVIDER_IDS.join(', ')} (got '${id}')`);
  }
  return entry;
}

/**
 * Checks the settings against the provider's rules and what it can do, before any network
 * call; returns the entry.
 */
export function checkProviderSettings(settings: ProviderSettings): ProviderEntry {
  const entry = providerEntry(settings.provider);
  if (settings.apiToken === '') {
    throw new ConfigError('api-token', `is required: ${entry.tokenKind}`);
  }
  if (settings.estimateFrom !== 'auto' && !entry.sources.includes(settings.estimateFrom)) {
    throw new ConfigError(
      'estimate-from',
      `${settings.estimateFrom} is not available for provider ${entry.id}; use ${[...entry.sources, 'auto'].join(', ')}`,
    );
  }
  if (settings.runBatch && !entry.launches) {
    const launchers = ENTRIES.filter((e) => e.launches).map((e) => e.id);
    throw new ConfigError(
      'run-batch',
      `launches batches for provider ${launchers.join(' or ')} only (provider is ${entry.id})`,
    );
  }
  entry.checkSettings(settings);
  return entry;
}

/** Builds the provider the settings name, with its default URL when `api-url` is empty. */
export function createProvider(settings: ProviderSettings, context: ProviderContext): Provider {
  const entry = checkProviderSettings(settings);
  return entry.create({ ...settings, apiUrl: settings.apiUrl ?? entry.defaultApiUrl }, context);
}
