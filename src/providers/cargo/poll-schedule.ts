// When the watcher looks at a batch next. Cargo advises a calm schedule (reference fact 6), but a
// batch that spends fast would run far past its cap between two calm polls (100 credits/s polled
// every 5 s overshoots a 50-credit cap tenfold), so once spend is seen the wait shrinks with the
// projected time to the cap.

/** The shortest wait the spend rule asks for: a poll is two or three requests to Cargo. */
export const MIN_POLL_MS = 1_000;
/** The first look, soon after the launch: a batch that starts spending fast is seen early. */
export const FIRST_POLL_MS = 1_000;
/** Until spend is seen, for the first minute: a batch that starts late is caught within one wait. */
export const UNSEEN_POLL_MS = 2_000;
const UNSEEN_WINDOW_MS = 60_000;

/** Cargo advises polling batches every ~5 s, and every 10–15 s after the first minute. */
export function batchPollInterval(elapsedMs: number): number {
  if (elapsedMs < 60_000) return 5_000;
  return elapsedMs < 300_000 ? 10_000 : 15_000;
}

/**
 * The spend of one watched batch over time, and the wait before the next poll it allows: the base
 * schedule, but no later than half the projected time to the cap (and not under `MIN_POLL_MS`).
 * On a steady rate the poll that finds the cap crossed therefore comes within `MIN_POLL_MS` of the
 * crossing, so the overshoot stays under one second of spend plus the cancel's round trip.
 */
export class SpendPace {
  private polls = 0;
  private last = { at: 0, spent: 0 };
  /** Credits per ms; 0 until spend is seen. */
  private rate = 0;

  constructor(private readonly started: number) {
    this.last = { at: started, spent: 0 };
  }

  /** Records the spend read at one poll. */
  observe(at: number, spent: number): void {
    this.polls += 1;
    const recent = at > this.last.at ? (spent - this.last.spent) / (at - this.last.at) : 0;
    const average = at > this.started ? spent / (at - this.started) : 0;
    // The larger of the two: the recent slope catches a batch speeding up, the average one that
    // paused between two polls (its runs may start again at full speed).
    this.rate = Math.max(recent, average, 0);
    this.last = { at, spent };
  }

  /** Credits per second seen so far (0 before any spend). */
  creditsPerSecond(): number {
    return this.rate * 1_000;
  }

  /** The wait before the next poll, given the base schedule's wait and the cap. */
  nextWait(baseMs: number, elapsedMs: number, cap: number): number {
    if (this.rate <= 0) {
      if (this.polls === 0) return Math.min(baseMs, FIRST_POLL_MS);
      return elapsedMs < UNSEEN_WINDOW_MS ? Math.min(baseMs, UNSEEN_POLL_MS) : baseMs;
    }
    const toCapMs = Math.max(0, cap - this.last.spent) / this.rate;
    return Math.min(baseMs, Math.max(MIN_POLL_MS, toCapMs / 2));
  }
}

/**
 * Runs are polled every ~2 s (reference fact 6): a watch that waits for a batch's end never polls
 * faster than this on its account, however close the end is.
 */
export const RUN_POLL_MS = 2_000;
/** "Near the end": the last run is predicted within this many base waits. */
const NEAR_END_WAITS = 2;

/**
 * How fast a watched batch's runs finish, and whether its last run is near: a watch whose caller
 * waits for the end (a sample) then polls at the runs' advised pace, so the decision follows the
 * last run within `RUN_POLL_MS` (half that on average) instead of up to a whole base wait (10 s
 * after the first minute). Waits are never under `RUN_POLL_MS`, so a long batch is never polled
 * faster than Cargo advises; far from the end, and before any run has finished, the wait is the
 * base schedule's.
 */
export class CompletionPace {
  private last = { at: 0, done: 0 };
  private total = 0;
  /** Runs finished per ms: between the last two polls, else since the start; 0 until one has. */
  private rate = 0;

  constructor(started: number) {
    this.last = { at: started, done: 0 };
  }

  /** Records the runs done (of all the batch holds) at one poll. */
  observe(at: number, done: number, total: number): void {
    const recent = at > this.last.at ? (done - this.last.done) / (at - this.last.at) : 0;
    if (recent > 0) this.rate = recent;
    this.last = { at, done };
    this.total = total;
  }

  /** The wait before the next poll, given the base schedule's wait. */
  nextWait(baseMs: number): number {
    if (this.rate <= 0 || this.total <= this.last.done) return baseMs;
    const toEndMs = (this.total - this.last.done) / this.rate;
    // Far from the end: the base schedule. Near it, at the runs' own pace: when the last run
    // finishes is known only to about one run's gap, so polls every 2 s see it within 2 s.
    return toEndMs > NEAR_END_WAITS * baseMs ? baseMs : Math.min(baseMs, RUN_POLL_MS);
  }
}
