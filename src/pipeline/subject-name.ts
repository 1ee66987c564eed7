// The subject's human name for the report: a look-up the provider offers (a Cargo workflow's
// name from its play or tool), started beside the decision's reads and never waited for, or a
// name read from the estimate (the models a Venice estimate bills). Unknown, the report shows
// the subject's id.
import type { Estimate } from '../engine/estimate.js';
import type { Provider } from '../providers/provider.js';
import type { ProviderEntry } from '../providers/registry.js';

/** How long the name may take; the report falls back to the subject's id after that. */
export const NAME_LOOK_UP_MS = 5_000;

/** A name look-up in flight: `current()` is the name if it has arrived, `stop()` gives it up. */
export interface NameLookUp {
  current(): string | null;
  stop(): void;
}

/** Starts the provider's look-up, if it has one; it never throws and never holds anything up. */
export function startNameLookUp(provider: Provider): NameLookUp {
  const controller = new AbortController();
  // Its requests share the HTTP agent's sockets with the decision's reads: a list that hangs
  // gives up its sockets after a few seconds rather than after the full api-timeout.
  setTimeout(() => controller.abort(), NAME_LOOK_UP_MS).unref();
  let name: string | null = null;
  void provider.subjectName?.(controller.signal).then(
    (found) => {
      name = found;
    },
    // The look-up resolves null on failure; a provider that rejects anyway costs only the name.
    () => undefined,
  );
  return { current: () => name, stop: () => controller.abort() };
}

/** The name for the report now: the look-up's when it has arrived, else the estimate's, else null. */
export function subjectNameNow(
  lookUp: NameLookUp,
  entry: ProviderEntry,
  estimate: Estimate | undefined,
): string | null {
  return lookUp.current() ?? (estimate ? (entry.subjectNameOf?.(estimate) ?? null) : null);
}
