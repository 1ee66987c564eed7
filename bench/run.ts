// `npm run bench`: time to decision and API round trips of the bundled action against the Cargo
// emulator with a fixed per-request latency (round trips, not this machine's noise, dominate),
// compared with the official SDK doing the same job; and how far past its hard cap a launched
// batch spends before the gate stops it. Prints a table, writes bench/results.json.
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../test/emulators/cargo/server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const LATENCY = arg('latency', 100);
const RUNS = arg('runs', 5);

const fixture = structuredClone(FIXTURE);
const wf = fixture.workflows[0]!;
wf.history = { runs: 250, days: 25 };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Timed {
  ms: number;
  firstRequestMs: number | null;
  requests: number;
  roundTrips: number;
  stdout: string;
}

/** Spawns a process and times it from spawn to exit, counting the requests it made. */
async function timed(
  emu: CargoEmulator,
  argv: string[],
  env: Record<string, string>,
): Promise<Timed> {
  const before = emu.requests.length;
  const start = Date.now();
  const stdout = await new Promise<string>((done, reject) => {
    const child = spawn(process.execPath, argv, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) =>
      code === 0 || code === 1 ? done(out) : reject(new Error(`exit ${code}: ${out}`)),
    );
  });
  const ms = Date.now() - start;
  const mine = emu.requests.slice(before);
  return {
    ms,
    firstRequestMs: mine[0] ? mine[0].at - start : null,
    requests: mine.length,
    roundTrips: criticalPath(mine.map((r) => r.at)),
    stdout,
  };
}

/** Round trips on the critical path: requests that arrived at least one latency after the last wave. */
function criticalPath(arrivals: number[]): number {
  let waves = 0;
  let waveStart = -Infinity;
  for (const at of [...arrivals].sort((a, b) => a - b)) {
    if (at - waveStart >= LATENCY * 0.8) {
      waves += 1;
      waveStart = at;
    }
  }
  return waves;
}

function actionEnv(emu: CargoEmulator, inputs: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  writeFileSync(join(dir, 'out'), '');
  const env: Record<string, string> = { GITHUB_OUTPUT: join(dir, 'out'), RUNNER_TEMP: dir };
  const all = {
    'api-url': emu.url,
    'api-token': fixture.tokens.admin,
    'workspace-uuid': fixture.workspace.uuid,
    'workflow-uuid': wf.uuid,
    'upload-artifact': 'false',
    ...inputs,
  };
  for (const [k, v] of Object.entries(all)) env[`INPUT_${k.toUpperCase()}`] = v;
  return env;
}

const sdkEnv = (emu: CargoEmulator, extra: Record<string, string>) => ({
  CARGO_URL: emu.url,
  CARGO_TOKEN: fixture.tokens.admin,
  CARGO_WORKSPACE: fixture.workspace.uuid,
  WORKFLOW_UUID: wf.uuid,
  ...extra,
});

/** Credits a second at which case D's batch spends, against its hard cap. */
const CAP_RATES = [5, 25, 100];
const HARD_CAP = 50;

interface CapRun {
  rate: number;
  spent: number;
  overshoot: number;
  target: number;
  polls: number;
  cancelAfterCrossingMs: number;
}

/**
 * Case D: a batch spending `rate` credits a second, steadily, launched by the bundled action with
 * hard-cap 50. What the emulator debited is the truth; the target is an overshoot of at most
 * max(5% of the cap, 2 s of spend at the rate).
 */
async function capTightness(rate: number): Promise<CapRun> {
  const own = await startCargoEmulator({ fixture, latencyMs: LATENCY });
  try {
    own.model.batchBehaviour = { creditsPerSecond: rate };
    const route = fixture.workflows[1]!;
    const dir = mkdtempSync(join(tmpdir(), 'bench-cap-'));
    const records = join(dir, 'records.ndjson');
    // Priced from history well under the cap, so the gate launches it; it then spends far more.
    const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: `cap-${i}` }));
    writeFileSync(records, lines.join('\n'));
    const before = own.model.subscription.subscriptionCreditsUsedCount;
    await timed(
      own,
      [join(ROOT, 'dist', 'index.js')],
      actionEnv(own, {
        'workflow-uuid': route.uuid,
        'records-file': records,
        'run-batch': 'true',
        'hard-cap': String(HARD_CAP),
        // The bound on a history of identical records is low-confidence: a warn, still launched.
        'on-exceed': 'warn',
      }),
    );
    own.model.advance(60_000);
    const spent = own.model.subscription.subscriptionCreditsUsedCount - before;
    const cancel = own.requests.find((r) => r.route === 'batches-cancel');
    return {
      rate,
      spent,
      overshoot: spent - HARD_CAP,
      target: Math.max(0.05 * HARD_CAP, 2 * rate),
      polls: own.requests.filter((r) => r.route === 'batches-get').length,
      cancelAfterCrossingMs: cancel ? cancel.at - crossingOf(own) : NaN,
    };
  } finally {
    await own.close();
  }
}

/** When the launched batch's spend reached the hard cap, from the emulator's usage ledger. */
function crossingOf(own: CargoEmulator): number {
  const batch = [...own.model.batches.values()][0]!;
  let spent = 0;
  const events = own.model.usage
    .filter((e) => e.at >= batch.createdAt && e.unit !== 'storage.records')
    .sort((a, b) => a.at - b.at);
  for (const e of events) {
    // Provider credits, and 0.01 for every execution (reference fact 1).
    spent += e.unit === 'billing.credits' ? e.count : e.count * 0.01;
    if (spent >= HARD_CAP - 1e-9) return e.at;
  }
  return NaN;
}

const emu = await startCargoEmulator({ fixture, latencyMs: LATENCY });
const results: Record<string, unknown> = {
  latencyMs: LATENCY,
  runs: RUNS,
  node: process.version,
  date: new Date().toISOString(),
};
const rows: [string, string, string, string][] = [];
try {
  // Case A — history decision.
  const ours: Timed[] = [];
  const base: Timed[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    ours.push(
      await timed(
        emu,
        [join(ROOT, 'dist', 'index.js')],
        actionEnv(emu, { 'record-count': '1000', 'estimate-from': 'history' }),
      ),
    );
    base.push(
      await timed(
        emu,
        [join(ROOT, 'bench', 'baseline-history.mjs')],
        sdkEnv(emu, { RECORD_COUNT: '1000' }),
      ),
    );
  }
  const a = {
    ours: {
      medianMs: median(ours.map((t) => t.ms)),
      requests: ours[0]!.requests,
      roundTrips: ours[0]!.roundTrips,
    },
    baseline: {
      medianMs: median(base.map((t) => t.ms)),
      requests: base[0]!.requests,
      roundTrips: base[0]!.roundTrips,
    },
  };
  const ratio = a.ours.medianMs / a.baseline.medianMs;
  const pagesInOrder = 2;
  results.caseA = {
    ...a,
    ratio,
    targets: { ratio: ratio <= 0.6, criticalPath: a.ours.roundTrips <= pagesInOrder + 2 },
  };
  rows.push([
    'A history decision (ours)',
    `${a.ours.medianMs} ms`,
    `${a.ours.requests} requests`,
    `${a.ours.roundTrips} round trips`,
  ]);
  rows.push([
    'A history decision (SDK baseline)',
    `${a.baseline.medianMs} ms`,
    `${a.baseline.requests} requests`,
    `${a.baseline.roundTrips} round trips`,
  ]);
  rows.push([
    'A ours / baseline',
    ratio.toFixed(2),
    `target ≤ 0.6: ${ratio <= 0.6 ? 'holds' : 'MISSED'}`,
    `critical path ≤ ${pagesInOrder + 2}: ${a.ours.roundTrips <= pagesInOrder + 2 ? 'holds' : 'MISSED'}`,
  ]);

  // Case B — cold start.
  const floor: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = Date.now();
    await new Promise((done) => spawn(process.execPath, ['-e', '0']).on('close', done));
    floor.push(Date.now() - start);
    const t = await timed(
      emu,
      [join(ROOT, 'dist', 'index.js')],
      actionEnv(emu, { 'record-count': '10', 'estimate-from': 'history' }),
    );
    first.push((t.firstRequestMs ?? t.ms) - LATENCY * 0);
  }
  const size = statSync(join(ROOT, 'dist', 'index.js')).size;
  const map = JSON.parse(readFileSync(join(ROOT, 'dist', 'index.js.map'), 'utf8')) as {
    sources: string[];
    sourcesContent?: (string | null)[];
  };
  const bySource = new Map<string, number>();
  map.sources.forEach((s, i) => {
    const name = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(s)?.[1] ?? '(src)';
    bySource.set(name, (bySource.get(name) ?? 0) + (map.sourcesContent?.[i]?.length ?? 0));
  });
  const dominant = [...bySource]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 3)
    .map(([n, b]) => `${n} ${Math.round(b / 1024)} kB`);
  const over = median(first) - median(floor);
  results.caseB = {
    nodeFloorMs: median(floor),
    firstRequestMs: median(first),
    overFloorMs: over,
    distBytes: size,
    dominant,
    targets: { startup: over <= 150, size: size <= 2.5e6 },
  };
  rows.push(['B cold start: node -e 0', `${median(floor)} ms`, '', '']);
  rows.push([
    'B cold start: spawn → first request',
    `${median(first)} ms`,
    `+${over} ms over the floor (target ≤ 150: ${over <= 150 ? 'holds' : 'MISSED'})`,
    '',
  ]);
  rows.push([
    'B dist/index.js',
    `${(size / 1e6).toFixed(2)} MB`,
    `target ≤ 2.5 MB: ${size <= 2.5e6 ? 'holds' : 'MISSED'}`,
    `largest: ${dominant.join(', ')}`,
  ]);

  // Case C — sample of 20 records.
  const records = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ id: `bench-${i}` })));
  const c = await timed(
    emu,
    [join(ROOT, 'dist', 'index.js')],
    actionEnv(emu, {
      'record-count': '1000',
      'estimate-from': 'sample',
      'sample-size': '20',
      'sample-records': records,
    }),
  );
  const batch = [...emu.model.batches.values()].at(-1)!;
  const lastFinished = Math.max(
    ...batch.runUuids.map((u) => emu.model.runs.get(u)!.finishedAt ?? 0),
  );
  const decisionAt = emu.requests.at(-1)!.at + LATENCY; // the last answer arrives one latency later
  const naive = await timed(
    emu,
    [join(ROOT, 'bench', 'baseline-sample.mjs')],
    sdkEnv(emu, { SAMPLE_SIZE: '20' }),
  );
  const share = c.requests / naive.requests;
  const afterFinish = decisionAt - lastFinished;
  results.caseC = {
    ours: { ms: c.ms, requests: c.requests, decisionAfterLastRunMs: afterFinish },
    naive: { ms: naive.ms, requests: naive.requests },
    targets: { withinOnePoll: afterFinish <= 2_000 + LATENCY * 2, calls: share <= 0.25 },
  };
  rows.push([
    'C sample of 20 (ours: one batch)',
    `${c.ms} ms`,
    `${c.requests} requests`,
    `decision ${afterFinish} ms after the last run ended (≤ one poll: ${afterFinish <= 2_000 + LATENCY * 2 ? 'holds' : 'MISSED'})`,
  ]);
  rows.push([
    'C sample of 20 (naive: 20 runs polled)',
    `${naive.ms} ms`,
    `${naive.requests} requests`,
    `ours is ${(share * 100).toFixed(0)}% of the calls (target ≤ 25%: ${share <= 0.25 ? 'holds' : 'MISSED'})`,
  ]);
} finally {
  await emu.close();
}

// Case D — cap tightness.
const capRuns: CapRun[] = [];
for (const rate of CAP_RATES) capRuns.push(await capTightness(rate));
results.caseD = {
  hardCap: HARD_CAP,
  runs: capRuns,
  targets: Object.fromEntries(capRuns.map((r) => [r.rate, r.overshoot <= r.target])),
};
for (const r of capRuns) {
  const holds = r.overshoot <= r.target ? 'holds' : 'MISSED';
  rows.push([
    `D ${r.rate} credits/s, hard cap ${HARD_CAP}`,
    `${r.spent.toFixed(1)} credits`,
    `overshoot ${r.overshoot.toFixed(1)} (target ≤ ${r.target}: ${holds})`,
    `${r.polls} polls; cancel sent ${Math.round(r.cancelAfterCrossingMs)} ms after the crossing`,
  ]);
}

const table = [
  '| case | time | calls / detail | notes |',
  '| --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(
  `\nbatch-cost-gate benchmark — emulator latency ${LATENCY} ms per request, median of ${RUNS} runs, ${process.version}\n`,
);
console.log(table);
results.table = table;
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
