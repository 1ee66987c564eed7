// Venice's sample-command runs the user's program, which spends while it runs: it must end at
// sample-timeout-minutes or on interrupt with every process it started, and never hold the gate
// open. Real processes on real time here (each case a few seconds at most), except the progress
// lines, which run on an injected clock.
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderContext, SamplePlan } from '../../src/providers/provider.js';
import { createProvider } from '../../src/providers/registry.js';
import { GateError } from '../../src/shared/errors.js';
import { sleepUnlessAborted } from '../../src/shared/sleep.js';
import { ADMIN_KEY, startVeniceEmulator, type VeniceEmulator } from '../emulators/venice/server.js';
import { keptLog, PLENTY, settings } from './harness.js';

let venice: VeniceEmulator;
const spawned: number[] = [];
beforeEach(async () => {
  venice = await startVeniceEmulator({ historyRequests: 0 });
});
afterEach(async () => {
  // A failing case must not leave its sleeps behind.
  for (const pid of spawned.splice(0)) killQuietly(pid);
  await venice.close();
});

/** `sample-timeout-minutes: 0.02`: a 1.2 s deadline. */
const SHORT: SamplePlan = { records: [], maxCredits: 50, timeoutMs: 0.02 * 60_000 };
const LONG: SamplePlan = { records: [], maxCredits: 50, timeoutMs: 15 * 60_000 };

/** The command prints the pid of a background process: a grandchild of the gate, or deeper. */
const HANGS = `sh -c 'sleep 60 & echo "bg $!"; sleep 60; wait'`;

function sampler(command: string, context: Partial<ProviderContext> = {}) {
  const { log, lines } = keptLog();
  const interrupt = new AbortController();
  const provider = createProvider(
    settings({
      provider: 'venice',
      apiUrl: venice.url,
      apiToken: ADMIN_KEY,
      sampleSize: 3,
      sampleCommand: command,
    }),
    { log, signal: interrupt.signal, now: Date.now, sleep: sleepUnlessAborted, ...context },
  );
  return { sample: provider.sample!, lines, interrupt };
}

/** The pid the command printed as `bg <pid>`, once it has. */
async function backgroundPid(lines: string[]): Promise<number> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const line = lines.find((l) => l.startsWith('  sample-command: bg '));
    if (line) {
      const pid = Number(line.split(' ').at(-1));
      spawned.push(pid);
      return pid;
    }
    await delay(20);
  }
  throw new Error(`the command never printed its background pid:\n${lines.join('\n')}`);
}

/** Gone, or a zombie (where PID 1 does not reap orphans, the dead stay listed). */
function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs the sample to its rejection, timing it. */
async function rejection(run: Promise<unknown>): Promise<{ error: GateError; ms: number }> {
  const started = Date.now();
  const error = await run.then(
    () => new Error('the sample did not fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GateError);
  return { error: error as GateError, ms: Date.now() - started };
}

describe('Venice sample-command: bounded, and stopped with everything it started', () => {
  it('a hanging command is stopped at sample-timeout-minutes, grandchild too', async () => {
    const { sample, lines } = sampler(HANGS);
    const run = sample.run(SHORT, PLENTY);
    const bg = await backgroundPid(lines);
    const { error, ms } = await rejection(run);
    expect(error.kind).toBe('estimate');
    expect(error.message).toContain('did not finish within sample-timeout-minutes (1.2 s)');
    expect(ms).toBeLessThan(4_000);
    expect(isDead(bg)).toBe(true);
    expect(lines).toContain(
      'Sample: sample-command passed sample-timeout-minutes (1.2 s); stopping it and every process it started.',
    );
  });

  it('an interrupt stops the whole group promptly, as a cancel', async () => {
    const { sample, lines, interrupt } = sampler(HANGS);
    const run = sample.run(LONG, PLENTY);
    const bg = await backgroundPid(lines);
    const started = Date.now();
    interrupt.abort();
    const { error } = await rejection(run);
    expect(error.kind).toBe('cancelled');
    // SIGTERM ends sleep at once: no waiting out the SIGKILL grace.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(isDead(bg)).toBe(true);
  });

  it('a process that ignores SIGTERM is killed after the grace', async () => {
    // Ignored signals are inherited: neither the shell nor its sleep answers SIGTERM.
    const { sample, lines, interrupt } = sampler(`trap '' TERM; sleep 60 & echo "bg $!"; wait`);
    const run = sample.run(LONG, PLENTY);
    const bg = await backgroundPid(lines);
    const started = Date.now();
    interrupt.abort();
    const { error } = await rejection(run);
    expect(error.kind).toBe('cancelled');
    const ms = Date.now() - started;
    expect(ms).toBeGreaterThanOrEqual(1_900);
    expect(ms).toBeLessThan(4_000);
    expect(isDead(bg)).toBe(true);
  });

  it('a command that exits but leaves a process on its output does not hold the gate', async () => {
    const { sample, lines } = sampler(`sleep 60 & echo "bg $!"`);
    // It exits 0 at once; what follows is the ledger read, which finds nothing billed.
    const { error, ms } = await rejection(sample.run(LONG, PLENTY));
    const bg = await backgroundPid(lines);
    expect(error.message).toContain('the Venice ledger shows no debit');
    expect(ms).toBeLessThan(4_000);
    expect(isDead(bg)).toBe(true);
    expect(lines).toContain(
      'Sample: sample-command exited but left processes running; stopping them (they would spend unmeasured).',
    );
  });

  it('says every 15 s that the command still runs, with the bound (injected clock)', async () => {
    let now = 0;
    const { sample, lines } = sampler('sleep 60', {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        await delay(0);
      },
    });
    const { error } = await rejection(sample.run(LONG, PLENTY));
    expect(error.message).toContain('sample-timeout-minutes (15 min)');
    const progress = lines.filter((l) => l.startsWith('Sample: sample-command still running'));
    expect(progress.slice(0, 3)).toEqual([
      'Sample: sample-command still running (15 s of 15 min).',
      'Sample: sample-command still running (30 s of 15 min).',
      'Sample: sample-command still running (45 s of 15 min).',
    ]);
    // 15 s to 885 s: one line per 15 s until the deadline, none after it.
    expect(progress).toHaveLength(59);
  });
});
