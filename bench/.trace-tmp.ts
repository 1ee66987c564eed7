// temp trace (perf2) — deleted after use
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE, startCargoEmulator } from '../test/emulators/cargo/server.js';
const NODE = '/root/.npm/_npx/387698761821791d/node_modules/node/bin/node';
const fixture = structuredClone(FIXTURE);
const wf = fixture.workflows[0]!;
wf.history = { runs: 250, days: 25 };
const lat = Number(process.argv[2] ?? 100);
const emu = await startCargoEmulator({ fixture, latencyMs: lat });
const script = process.argv[3] ?? '/tmp/perf2/dist/index.js';
for (let i = 0; i < 4; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'tr-'));
  writeFileSync(join(dir, 'out'), '');
  const env: Record<string, string> = { PATH: process.env.PATH!, GITHUB_OUTPUT: join(dir, 'out'), RUNNER_TEMP: dir,
    CARGO_URL: emu.url, CARGO_TOKEN: fixture.tokens.admin, CARGO_WORKSPACE: fixture.workspace.uuid, WORKFLOW_UUID: wf.uuid, RECORD_COUNT: '1000', ...(process.env.EXTRA ? JSON.parse(process.env.EXTRA) : {}) };
  const inputs = { 'api-url': emu.url, 'api-token': fixture.tokens.admin, 'workspace-uuid': fixture.workspace.uuid, 'workflow-uuid': wf.uuid, 'upload-artifact': 'false', 'record-count': '1000', 'estimate-from': 'history' };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const before = emu.requests.length;
  const start = Date.now();
  let out = '';
  await new Promise((done) => { const c = spawn(NODE, [...(process.env.NODEARGS ? process.env.NODEARGS.split(' ') : []), script], { env, stdio: ['ignore', 'pipe', 'pipe'] }); c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d)); c.on('close', done); });
  const end = Date.now() - start;
  const reqs = emu.requests.slice(before).map((r) => `${r.at - start}:${r.route}`);
  console.log(`total ${end} ms; reqs ${reqs.join(' ')}`);
  if (process.env.SHOW) console.log(out);
}
await emu.close();
