// The sample's poll schedule near its end (`CompletionPace`): the decision follows the last run
// within 2 s (not a whole 10 s wait), and no wait is ever shorter than Cargo's advice for runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompletionPace, RUN_POLL_MS } from '../../src/providers/cargo/poll-schedule.js';
import { defaultPollInterval } from '../../src/providers/cargo/source.js';

/** Polls a batch of `runs` runs finishing one every `everyMs` after `delayMs`, as the watcher does. */
function watchSteadily(runs: number, everyMs: number, delayMs: number, pace?: CompletionPace) {
  const done = (t: number) => Math.min(runs, Math.max(0, Math.floor((t - delayMs) / everyMs) + 1));
  const waits: { wait: number; base: number }[] = [];
  let t = 0;
  let base: number | undefined;
  while (done(t) < runs) {
    base = defaultPollInterval(t, base);
    const wait = pace?.nextWait(base) ?? base;
    waits.push({ wait, base });
    t += wait;
    pace?.observe(t, done(t), runs);
  }
  return { lateMs: t - (delayMs + (runs - 1) * everyMs), waits };
}

describe('CompletionPace', () => {
  it('before any run has finished, and far from the end, waits as the base schedule does', () => {
    const pace = new CompletionPace(0);
    expect(pace.nextWait(10_000)).toBe(10_000);
    pace.observe(10_000, 0, 20);
    expect(pace.nextWait(10_000)).toBe(10_000);
    pace.observe(60_000, 5, 20); // a run every 10 s: the last in 150 s
    expect(pace.nextWait(10_000)).toBe(10_000);
  });

  it('near the end, polls at the runs’ advised 2 s, never faster', () => {
    const pace = new CompletionPace(0);
    pace.observe(60_000, 10, 20);
    pace.observe(110_000, 18, 20); // 8 runs in 50 s: the last due in 12.5 s
    expect(pace.nextWait(10_000)).toBe(RUN_POLL_MS);
    pace.observe(112_000, 18, 20); // no progress since: the last rate stands
    expect(pace.nextWait(10_000)).toBe(RUN_POLL_MS);
    // A faster base (tests, the first minute) is never slowed down.
    expect(pace.nextWait(500)).toBe(500);
  });

  it('on any steady batch past the first minute the last run is seen within 2 s, no wait under 2 s', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.integer({ min: 100, max: 30_000 }),
        fc.integer({ min: 60_000, max: 180_000 }),
        (runs, everyMs, delayMs) => {
          const { lateMs, waits } = watchSteadily(runs, everyMs, delayMs, new CompletionPace(0));
          for (const { wait, base } of waits) {
            expect(wait).toBeGreaterThanOrEqual(Math.min(base, RUN_POLL_MS));
          }
          // When runs finish over more than two base waits, two polls see them finish before the
          // last and the pace is known; a burst after a long quiet start is seen by the base wait.
          const seenEarlier = (runs - 1) * everyMs > 25_000;
          if (seenEarlier) expect(lateMs).toBeLessThanOrEqual(RUN_POLL_MS);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('on average the decision comes 1 s after the last run, against 5 s on the base schedule', () => {
    const late = { paced: [] as number[], base: [] as number[] };
    for (let i = 0; i < 400; i += 1) {
      const [runs, everyMs, delayMs] = [
        20 + (i % 50),
        1_000 + ((i * 997) % 9_000),
        61_000 + i * 131,
      ];
      late.paced.push(watchSteadily(runs, everyMs, delayMs, new CompletionPace(0)).lateMs);
      late.base.push(watchSteadily(runs, everyMs, delayMs).lateMs);
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(late.paced)).toBeLessThan(1_300);
    expect(mean(late.base)).toBeGreaterThan(3_000);
  });
});
