/** Waits `ms`; a sleep that is handed a signal should end early when it aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The first of `signals` that has aborted, if any. */
export function firstAborted(signals: readonly AbortSignal[]): AbortSignal | undefined {
  return signals.find((signal) => signal.aborted);
}

/**
 * Calls `onAbort` once when any of `signals` aborts; returns the function that stops listening.
 * Listeners are added per call and removed after it, rather than `AbortSignal.any`, because the
 * client-wide signal lives as long as the job and `AbortSignal.any` has leaked in Node releases
 * when one long-lived source feeds many derived signals.
 */
export function onAnyAbort(signals: readonly AbortSignal[], onAbort: () => void): () => void {
  let fired = false;
  const listener = () => {
    if (fired) return;
    fired = true;
    onAbort();
  };
  for (const signal of signals) signal.addEventListener('abort', listener, { once: true });
  return () => {
    for (const signal of signals) signal.removeEventListener('abort', listener);
  };
}

/**
 * Sleeps `ms`, or stops at once when any of `signals` aborts; resolves true when it was aborted.
 * The sleep is raced rather than trusted, so an injected sleep that ignores its signal cannot
 * hold an interrupted job in a backoff wait.
 */
export async function sleepUnlessAnyAborts(
  sleep: Sleep,
  ms: number,
  signals: readonly AbortSignal[],
): Promise<boolean> {
  if (firstAborted(signals)) return true;
  if (signals.length === 0) {
    await sleep(ms);
    return false;
  }
  // Aborting the sleep's own signal lets a signal-aware sleep clear its timer at once.
  const stop = new AbortController();
  let unlink = () => {};
  const aborted = new Promise<true>((done) => {
    unlink = onAnyAbort(signals, () => {
      stop.abort();
      done(true);
    });
  });
  try {
    return await Promise.race([sleep(ms, stop.signal).then(() => false), aborted]);
  } finally {
    unlink();
  }
}
