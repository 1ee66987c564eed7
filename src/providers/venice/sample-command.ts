// Runs Venice's `sample-command`: the user's own program, which spends money while it runs. It
// leads a process group of its own, so a deadline or an interrupt stops all of it — the shell and
// everything the shell started — and the gate never waits on a pipe a leftover process still holds.
import type { ChildProcessByStdio } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { GateError } from '../../shared/errors.js';
import type { Log } from '../../shared/log.js';

// Loaded when a sample command runs, not with the provider: `child_process` (with `dgram`),
// `readline` and `timers/promises` cost every decision that never runs one ~4 ms of start-up
// before its first request (README "Performance").
const childProcess = () => process.getBuiltinModule('node:child_process');
const readline = () => process.getBuiltinModule('node:readline');
const timers = () => process.getBuiltinModule('node:timers/promises');

/** How often a waiting gate says that the command still runs. */
const PROGRESS_MS = 15_000;
/**
 * How long the group has between SIGTERM and SIGKILL. Short: the runner kills the whole job 10 s
 * after it sends SIGINT, and the gate still has a report to write.
 */
const GRACE_MS = 2_000;
/** How often the group is checked during the grace. */
const CHECK_MS = 50;
/** How long the output pipes may take to drain once the group is gone. */
const DRAIN_MS = 250;
/** Windows has no process groups to signal: there the shell alone is stopped. */
const PROCESS_GROUPS = process.platform !== 'win32';

/** One run of the sample command and what it runs within. */
export interface SampleCommandRun {
  command: string;
  /** Added to the gate's own environment (`SAMPLE_SIZE`, `RECORDS_FILE`). */
  env: Record<string, string>;
  /** `sample-timeout-minutes`, in ms. */
  timeoutMs: number;
  /** The job's interrupt. */
  signal: AbortSignal;
  log: Log;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

type Ending =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'failed'; error: Error }
  | { kind: 'timeout' }
  | { kind: 'cancelled' };

type Child = ChildProcessByStdio<null, Readable, Readable>;

interface Group {
  child: Child;
  /** Resolves when the shell exits or cannot start. */
  ending: Promise<Ending>;
  /** Aborted once `ending` has resolved: wakes the watch. */
  done: AbortSignal;
  /** Resolves when both output pipes are closed. */
  closed: Promise<void>;
}

/** Runs the command to its end; at the deadline or on interrupt, stops its whole process group. */
export async function runInProcessGroup(run: SampleCommandRun): Promise<void> {
  if (run.signal.aborted)
    throw new GateError('cancelled', 'Interrupted before the sample command started.');
  const group = startGroup(run);
  let ending: Ending = { kind: 'cancelled' };
  try {
    ending = await watch(run, group);
  } finally {
    // Also on a clean exit: a process the command left behind would go on spending, unmeasured.
    await endGroup(group, ending, run);
  }
  failOn(ending, run.timeoutMs);
}

function startGroup(run: SampleCommandRun): Group {
  // detached: the shell leads a new process group, so one kill reaches everything it started.
  const child = childProcess().spawn(run.command, {
    shell: true,
    detached: true,
    env: { ...process.env, ...run.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  relay(child.stdout, run.log);
  relay(child.stderr, run.log);
  const done = new AbortController();
  const ending = new Promise<Ending>((resolve) => {
    child.once('exit', (code, signal) => resolve({ kind: 'exited', code, signal }));
    child.once('error', (error) => resolve({ kind: 'failed', error }));
  });
  void ending.then(() => done.abort());
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, ending, done: done.signal, closed };
}

/** Each line of output goes to the log, prefixed, so it cannot start a runner workflow command. */
function relay(stream: Readable, log: Log): void {
  const lines = readline().createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() !== '') log.info(`  sample-command: ${line}`);
  });
}

/** Waits for the shell's exit, the deadline or the interrupt, on the injected clock. */
async function watch(run: SampleCommandRun, group: Group): Promise<Ending> {
  const started = run.now();
  const wake = AbortSignal.any([run.signal, group.done]);
  for (;;) {
    if (run.signal.aborted) return { kind: 'cancelled' };
    if (group.done.aborted) return group.ending;
    const elapsed = run.now() - started;
    if (elapsed >= run.timeoutMs) return { kind: 'timeout' };
    if (elapsed > 0)
      run.log.info(
        `Sample: sample-command still running (${Math.round(elapsed / 1000)} s of ${span(run.timeoutMs)}).`,
      );
    await run.sleep(Math.min(PROGRESS_MS, run.timeoutMs - elapsed), wake);
  }
}

/** Stops what is left of the group, then lets go of its pipes and handle so the gate can exit. */
async function endGroup(group: Group, ending: Ending, run: SampleCommandRun): Promise<void> {
  const { child } = group;
  if (groupRuns(child)) {
    run.log.info(stopNotice(ending, run.timeoutMs));
    await stopGroup(child);
  }
  await Promise.race([group.closed, timers().setTimeout(DRAIN_MS)]);
  child.stdout.destroy();
  child.stderr.destroy();
  child.unref();
}

function stopNotice(ending: Ending, timeoutMs: number): string {
  if (ending.kind === 'timeout')
    return `Sample: sample-command passed sample-timeout-minutes (${span(timeoutMs)}); stopping it and every process it started.`;
  if (ending.kind === 'cancelled')
    return 'Sample: interrupted; stopping sample-command and every process it started.';
  return 'Sample: sample-command exited but left processes running; stopping them (they would spend unmeasured).';
}

/**
 * SIGTERM to the whole group, then SIGKILL to whatever still runs after the grace. Real time, not
 * the injected clock: this waits on real processes, and an interrupted job has seconds left.
 */
async function stopGroup(child: Child): Promise<void> {
  signalGroup(child, 'SIGTERM');
  if (await groupEnds(child, GRACE_MS)) return;
  signalGroup(child, 'SIGKILL');
  // SIGKILL cannot be refused, but it lands a moment later: return once it has.
  await groupEnds(child, 10 * CHECK_MS);
}

async function groupEnds(child: Child, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    await timers().setTimeout(CHECK_MS);
    if (!groupRuns(child)) return true;
  }
  return false;
}

/** The shell leads the group, so its pid is the group's id. */
function signalGroup(child: Child, signal: NodeJS.Signals): void {
  if (!PROCESS_GROUPS || child.pid === undefined) {
    child.kill(signal);
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: nothing is left in the group.
  }
}

/**
 * Whether a live process is left in the group. Zombies do not count: where PID 1 does not reap
 * orphans (many containers), dead members stay listed in their group until the container ends.
 */
function groupRuns(child: Child): boolean {
  if (child.pid === undefined) return false; // it never started
  if (!PROCESS_GROUPS) return child.exitCode === null && child.signalCode === null;
  try {
    process.kill(-child.pid, 0);
  } catch {
    return false; // no member at all, not even a zombie
  }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true; // no /proc (macOS): trust the signal check
  }
  const pgid = child.pid;
  return pids.some((pid) => isLiveMember(pid, pgid));
}

function isLiveMember(pid: string, pgid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name in parentheses come: state, ppid, pgrp, …
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state !== 'Z' && Number(pgrp) === pgid;
  } catch {
    return false; // it exited while the list was read
  }
}

/** Turns how the command ended into the gate's error, or nothing on success. */
function failOn(ending: Ending, timeoutMs: number): void {
  if (ending.kind === 'exited' && ending.code === 0) return;
  if (ending.kind === 'exited') {
    const how =
      ending.code === null ? `was ended by ${ending.signal}` : `exited with code ${ending.code}`;
    throw new GateError('estimate', `sample-command ${how}; fix it, or estimate from history.`);
  }
  if (ending.kind === 'failed')
    throw new GateError('estimate', `sample-command could not start: ${ending.error.message}`);
  if (ending.kind === 'timeout')
    throw new GateError(
      'estimate',
      `sample-command did not finish within sample-timeout-minutes (${span(timeoutMs)}); it was stopped with every process it started. Raise sample-timeout-minutes, or make the command process only SAMPLE_SIZE records.`,
    );
  throw new GateError(
    'cancelled',
    'Interrupted while the sample command ran; it was stopped with every process it started.',
  );
}

/** `15 min`, `1.2 s`. */
function span(ms: number): string {
  const round = (n: number) => Math.round(n * 10) / 10;
  return ms >= 60_000 ? `${round(ms / 60_000)} min` : `${round(ms / 1000)} s`;
}
