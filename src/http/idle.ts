// Work that can wait for the network. A decision spends one round trip doing nothing while its
// requests are out; the shells hand this module what they will need next (the report's renderers,
// ICU's number formats), and it runs that work in the idle time once every request has gone out
// on the wire — never before, so it never delays a request (README "Performance", case A).

/** Requests created but not yet written to their socket. */
let unsent = 0;
/** Whether any request has been written yet: before the first, there is no idle time, only set-up. */
let anySent = false;
const queued: (() => unknown)[] = [];
let scheduled = false;

/** Runs `task` once the first request has gone out and no request is waiting to be written. */
export function whileWaitingOnNetwork(task: () => unknown): void {
  queued.push(task);
  scheduleIdleWork();
}

/**
 * Tells the module that a request is being written; call the returned function once it has been
 * handed to the socket (or failed). Calling it again is harmless.
 */
export function requestBeingSent(): () => void {
  unsent += 1;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    anySent = true;
    unsent -= 1;
    scheduleIdleWork();
  };
}

function scheduleIdleWork(): void {
  if (scheduled || queued.length === 0) return;
  scheduled = true;
  // After the I/O phase: requests created in the same turn get their chance to be counted first.
  setImmediate(runOne);
}

/** One task per turn of the event loop, so an answer that arrives meanwhile is not kept waiting. */
function runOne(): void {
  scheduled = false;
  // Waiting on a file or a timer before the first request is not waiting on the network.
  if (unsent > 0 || !anySent) return;
  const task = queued.shift();
  if (task) {
    try {
      const result = task();
      // A failed warm-up costs only the time it saves; the real use reports any error.
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // As above: the work is done again, and fails visibly, where it is really needed.
    }
  }
  scheduleIdleWork();
}
