// `npm start`: the gate on a realistic workspace without a Cargo account. Starts the Cargo
// emulator in this process, runs the CLI against it for two batches, prints both reports.
import { runCli } from '../src/cli.js';
import { FIXTURE, startCargoEmulator } from '../test/emulators/cargo/server.js';

const [enrich] = FIXTURE.workflows;
const emulator = await startCargoEmulator();
const out = (text: string) => process.stdout.write(text);
const common = ['--api-url', emulator.url, '--workspace-uuid', FIXTURE.workspace.uuid];
const env = { ...process.env, CARGO_API_TOKEN: FIXTURE.tokens.admin };
const remaining =
  FIXTURE.subscription.subscriptionAvailableCreditsCount -
  FIXTURE.subscription.subscriptionCreditsUsedCount;

const batches = [
  {
    title: `Batch 1 — "${enrich!.name}" over 500 leads, budget 3,000 credits`,
    argv: ['--workflow-uuid', enrich!.uuid, '--record-count', '500', '--budget', '3000'],
  },
  {
    title: `Batch 2 — "${enrich!.name}" over 20,000 leads, against the ${remaining.toLocaleString('en-US')} credits left`,
    argv: ['--workflow-uuid', enrich!.uuid, '--record-count', '20000'],
  },
];

let failures = 0;
try {
  out(
    `batch-cost-gate demo — a local Cargo emulator at ${emulator.url} (workspace "${FIXTURE.workspace.name}")\n`,
  );
  for (const batch of batches) {
    out(
      `\n${'━'.repeat(78)}\n${batch.title}\n$ batch-cost-gate ${batch.argv.join(' ')}\n${'━'.repeat(78)}\n\n`,
    );
    const code = await runCli([...common, ...batch.argv], {
      stdout: out,
      stderr: (t) => process.stderr.write(t),
      env,
    });
    out(
      `\n(exit code ${code}: ${code === 0 ? 'the batch may run' : code === 1 ? 'the gate stops this batch' : 'could not check'})\n`,
    );
    if (code === 2) failures += 1;
  }
} finally {
  await emulator.close();
}
process.exitCode = failures === 0 ? 0 : 1;
