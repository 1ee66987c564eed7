// Baseline for case C: the naive sample — one run per record, each polled every 2 s until it
// ends (as the seed's step 2 does for one record), then the cost read from the runs.
import { buildApi } from '@cargo-ai/api';

const api = buildApi({
  baseUrl: process.env.CARGO_URL,
  accessToken: process.env.CARGO_TOKEN,
  workspaceUuid: process.env.CARGO_WORKSPACE,
});
const workflowUuid = process.env.WORKFLOW_UUID;
const size = Number(process.env.SAMPLE_SIZE);
const created = [];
for (let i = 0; i < size; i += 1)
  created.push(
    (await api.orchestration.run.create({ workflowUuid, data: { id: `naive-${i}` } })).run.uuid,
  );
const done = new Map();
while (done.size < size) {
  await new Promise((r) => setTimeout(r, 2000));
  for (const uuid of created) {
    if (done.has(uuid)) continue;
    const { run } = await api.orchestration.run.get(uuid);
    if (['success', 'error', 'cancelled', 'skipped'].includes(run.status)) done.set(uuid, run);
  }
}
const cost = (r) =>
  r.executions.reduce((s, e) => s + e.creditsUsedCount, 0) + r.executions.length / 100;
console.log(
  JSON.stringify({ perRecord: [...done.values()].reduce((s, r) => s + cost(r), 0) / size }),
);
