// The lifecycle fault matrix: every endpoint that touches a batch the gate starts × the ways it
// fails in practice × the phase the gate is in, through the bundled action against the Cargo
// emulator. Whatever happens, once the process has exited no batch the gate created is left
// unfinished (detach excepted: that one is meant to run), and a batch run-batch created is named
// in `batch-uuid`. The emulator's own state is the truth: batches run on its clock, so a batch the
// gate forgot would still be running there.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CargoEmulator,
  FIXTURE,
  type RouteId,
  startCargoEmulator,
} from '../emulators/cargo/server.js';
import { isTerminal } from '../emulators/cargo/model.js';
import { type ActionResult, runAction } from '../support/run-action.js';

/** The endpoints that touch a batch: create it, read it, read its runs and spend, cancel it. */
const ENDPOINTS: RouteId[] = [
  'batches-create',
  'batches-get',
  'runs-list',
  'runs-metrics',
  'batches-cancel',
];

type FaultName = '500' | 'hang past the timeout' | 'lost answer' | '404';
const FAULTS: FaultName[] = ['500', 'hang past the timeout', 'lost answer', '404'];

interface Phase {
  name: string;
  /** run-batch launches the batch (else the gate only samples). */
  launches: boolean;
  interrupt: boolean;
  detach?: boolean;
}
const PHASES: Phase[] = [
  { name: 'sample', launches: false, interrupt: false },
  { name: 'run-batch', launches: true, interrupt: false },
  { name: 'interrupt during the sample', launches: false, interrupt: true },
  { name: 'interrupt during run-batch', launches: true, interrupt: true },
  { name: 'run-batch, detach', launches: true, interrupt: false, detach: true },
];

const ROUTE = FIXTURE.workflows[1]!;
const STACK = /\n\s+at .+:\d+:\d+/;
const tally = { cases: 0, leftRunning: 0 };

afterAll(() => {
  console.log(`${tally.cases} lifecycle cases: ${tally.leftRunning} batches left running`);
});

/**
 * Arms the fault. A failing cancel clears after a few attempts: the gate's bounded retry must
 * then stop the batch (a cancel that never works is the guard suite's case, and leaves the batch
 * running by necessity). Every other fault lasts the whole run.
 */
function arm(emu: CargoEmulator, route: RouteId, fault: FaultName): void {
  const times = route === 'batches-cancel' ? 2 : Infinity;
  if (fault === 'lost answer') return emu.loseAnswers(route, times);
  if (fault === 'hang past the timeout') return emu.inject(route, { kind: 'hang' }, times);
  const status = fault === '500' ? 500 : 404;
  const body = JSON.stringify({ errorMessage: fault === '500' ? 'internal error' : 'Not found' });
  emu.inject(route, { kind: 'status', status, body }, times);
}

function recordsFile(n: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lifecycle-')), 'records.ndjson');
  writeFileSync(
    path,
    Array.from({ length: n }, (_, i) => JSON.stringify({ id: `l-${i}` })).join('\n'),
  );
  return path;
}

/**
 * The inputs of a phase. A cancel can only fail when one is sent, so those cases spend fast
 * against a low cap; the others run an ordinary batch that takes a few seconds.
 */
function inputsOf(emu: CargoEmulator, phase: Phase, route: RouteId): Record<string, string> {
  const capped = route === 'batches-cancel' && !phase.interrupt;
  const common = {
    'api-url': emu.url,
    'api-token': FIXTURE.tokens.admin,
    'workflow-uuid': ROUTE.uuid,
    'upload-artifact': 'false',
    'api-timeout-seconds': '1',
    // A low-confidence bound makes a warn; the matrix is about what follows the decision.
    'on-exceed': 'warn',
  };
  if (!phase.launches) {
    const sample = Array.from({ length: 6 }, (_, i) => ({ id: `s-${i}` }));
    return {
      ...common,
      'estimate-from': 'sample',
      'sample-records': JSON.stringify(sample),
      'record-count': '100',
      ...(capped ? { 'max-sample-credits': '3' } : {}),
    };
  }
  return {
    ...common,
    'estimate-from': 'history',
    'run-batch': 'true',
    'records-file': recordsFile(20),
    ...(phase.detach ? { detach: 'true' } : {}),
    ...(capped ? { 'hard-cap': '10' } : {}),
  };
}

/** SIGINT once the faulted endpoint is reached after the create, or a second after the create. */
function interruptOnce(emu: CargoEmulator, route: RouteId): (child: ChildProcess) => void {
  return (child) => {
    let createdAt = 0;
    const timer = setInterval(() => {
      const create = emu.requests.find((r) => r.route === 'batches-create');
      if (create && createdAt === 0) createdAt = Date.now();
      const reached = create && emu.requests.some((r) => r.route === route && r.at >= create.at);
      if (reached || (createdAt > 0 && Date.now() - createdAt > 1_000)) {
        clearInterval(timer);
        child.kill('SIGINT');
      }
    }, 25);
    child.on('close', () => clearInterval(timer));
  };
}

/** The batches the gate created that are still running once it has exited. */
function leftRunning(emu: CargoEmulator): string[] {
  emu.model.tick();
  return [...emu.model.batches.values()].filter((b) => !isTerminal(b.status)).map((b) => b.uuid);
}

function checkExit(result: ActionResult): void {
  const output = `${result.stdout}\n${result.stderr}`;
  expect(output, 'no stack trace').not.toMatch(STACK);
  expect(output.replace(/^::add-mask::.*$/gm, ''), 'no token').not.toContain(FIXTURE.tokens.admin);
  // The gate exited on its own (the runner's SIGKILL never had to come). One exception is no
  // fault of the gate's: a SIGINT that lands while Node is tearing the process down, after the
  // gate announced its decision (its last act), finds the signal handlers already closed and
  // the default action back. Any SIGINT earlier would have cut the run before that line.
  if (result.signal === 'SIGINT') {
    expect(result.stdout, 'SIGINT before the decision was announced').toMatch(
      /Batch cost gate: [^\n]*\n?$/,
    );
  } else {
    expect(result.signal, result.stdout).toBeNull();
  }
}

const cases = ENDPOINTS.flatMap((route) =>
  FAULTS.flatMap((fault) => PHASES.map((phase) => ({ route, fault, phase }))),
);

describe.concurrent('lifecycle fault matrix (bundled action)', () => {
  it.each(cases.map((c) => [`${c.route} × ${c.fault} × ${c.phase.name}`, c] as const))(
    '%s',
    async (_name, { route, fault, phase }) => {
      tally.cases += 1;
      const emu = await startCargoEmulator({ durationScale: phase.interrupt ? 10 : 3 });
      try {
        if (route === 'batches-cancel' && !phase.interrupt) {
          emu.model.batchBehaviour = { creditsPerSecond: 5 };
        }
        arm(emu, route, fault);
        const result = await runAction({
          inputs: inputsOf(emu, phase, route),
          ...(phase.interrupt ? { onSpawn: interruptOnce(emu, route) } : {}),
          timeoutMs: 60_000,
        });
        checkExit(result);
        const running = leftRunning(emu);
        const created = [...emu.model.batches.values()];
        if (phase.detach) {
          // Detached on purpose: the one batch allowed to run on, and it is named.
          const named = created.find((b) => b.uuid === result.outputs['batch-uuid']);
          expect(running.filter((u) => u !== named?.uuid)).toEqual([]);
        } else {
          tally.leftRunning += running.length;
          expect(running, result.stdout).toEqual([]);
        }
        if (phase.launches && created.length > 0) {
          expect(result.outputs['batch-uuid'], result.stdout).toBe(created[0]!.uuid);
        }
      } finally {
        await emu.close();
      }
    },
    90_000,
  );
});
