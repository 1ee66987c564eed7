// Providers built through the registry, as the pipeline builds them, with a context a test
// controls: the log is kept, the interrupt is the test's, and against the Cargo emulator every
// sleep moves the emulator's clock instead of waiting, so a 15-minute watch takes milliseconds.
import type { BalanceReport } from '../../src/engine/evidence.js';
import type {
  BatchRecord,
  HttpTuning,
  Provider,
  ProviderContext,
  ProviderSettings,
} from '../../src/providers/provider.js';
import { createProvider } from '../../src/providers/registry.js';
import type { Log } from '../../src/shared/log.js';
import { sleepUnlessAborted } from '../../src/shared/sleep.js';
import type { CargoEmulator } from '../emulators/cargo/server.js';

/** A log that keeps its lines (warnings prefixed), for assertions. */
export function keptLog(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: {
      info: (m) => lines.push(m),
      warning: (m) => lines.push(`warning: ${m}`),
      debug: () => undefined,
    },
  };
}

/** Every setting a provider reads, with the defaults of the action. */
export function settings(overrides: Partial<ProviderSettings>): ProviderSettings {
  return {
    provider: 'cargo',
    apiToken: '',
    apiUrl: undefined,
    apiTimeoutMs: 5_000,
    workspaceUuid: undefined,
    workflowUuid: undefined,
    estimateFrom: 'auto',
    runBatch: false,
    recordsFile: undefined,
    sampleSize: 10,
    sampleCommand: undefined,
    ledgerSettleSeconds: 0,
    skuFilter: undefined,
    requestsPerRecord: 1,
    ...overrides,
  };
}

/** A balance that pays for anything a test runs. */
export const PLENTY: Promise<BalanceReport> = Promise.resolve({
  remaining: 10_000,
  overageAllowed: false,
  unit: 'credits',
  details: [],
});

export function records(n: number, prefix = 'rec'): BatchRecord[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}` }));
}

export interface CargoHarness {
  provider: Provider;
  lines: string[];
  /** The job's interrupt. */
  interrupt: AbortController;
  /** Every wait the provider asked for, in ms. */
  sleeps: number[];
  /** The waits between clean-up retries (those the interrupt does not cut short), in ms. */
  cleanupSleeps: number[];
  /** Called after each sleep (a test interrupts mid-watch from here). */
  onSleep: (count: number) => void;
}

/** A Cargo provider for `workflowUuid` at `url` (the emulator or a proxy before it), on the emulator's clock. */
export function cargoHarness(
  cargo: CargoEmulator,
  options: { url: string; workflowUuid: string; token: string; http?: HttpTuning },
): CargoHarness {
  const { log, lines } = keptLog();
  const interrupt = new AbortController();
  const harness: CargoHarness = {
    provider: undefined as unknown as Provider,
    lines,
    interrupt,
    sleeps: [],
    cleanupSleeps: [],
    onSleep: () => undefined,
  };
  const context: ProviderContext = {
    log,
    signal: interrupt.signal,
    now: () => cargo.model.now(),
    sleep: (ms, signal) => {
      harness.sleeps.push(ms);
      if (signal !== interrupt.signal) harness.cleanupSleeps.push(ms);
      if (!signal.aborted) cargo.model.advance(ms);
      harness.onSleep(harness.sleeps.length);
      return Promise.resolve();
    },
    // The watcher retries what must be retried on the emulator's clock; no wall-clock backoff.
    http: { retries: 0, ...options.http },
  };
  harness.provider = createProvider(
    settings({ apiUrl: options.url, apiToken: options.token, workflowUuid: options.workflowUuid }),
    context,
  );
  return harness;
}

/** A context on the wall clock (for providers that run real commands). */
export function wallClockContext(log: Log): ProviderContext {
  return {
    log,
    signal: new AbortController().signal,
    now: Date.now,
    sleep: sleepUnlessAborted,
    http: { retries: 0 },
  };
}
