// Baseline for case A: the seed's procedure written with the official SDK the way a user would —
// the subscription, then the runs pages, then the usage metrics, one after another — deciding
// a batch of RECORD_COUNT records.
import { buildApi } from '@cargo-ai/api';

const api = buildApi({
  baseUrl: process.env.CARGO_URL,
  accessToken: process.env.CARGO_TOKEN,
  workspaceUuid: process.env.CARGO_WORKSPACE,
});
const workflowUuid = process.env.WORKFLOW_UUID;
const records = Number(process.env.RECORD_COUNT);
const { subscription } = await api.billing.subscription.get();
const remaining =
  subscription.subscriptionAvailableCreditsCount - subscription.subscriptionCreditsUsedCount;
const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
const runs = [];
for (let offset = 0; offset < 200; offset += 100) {
  const page = await api.orchestration.run.list({
    workflowUuid,
    statuses: ['success', 'error'],
    createdAfter: since,
    limit: 100,
    offset,
  });
  runs.push(...page.runs);
  if (page.runs.length < 100) break;
}
const today = new Date().toISOString().slice(0, 10);
const from = since.slice(0, 10);
await api.billing.usage.getMetrics({ from, to: today, workflowUuid, unit: 'billing.credits' });
const cost = (r) =>
  r.executions.reduce((s, e) => s + e.creditsUsedCount, 0) + r.executions.length / 100;
const perRecord = runs.reduce((s, r) => s + cost(r), 0) / runs.length;
const projected = perRecord * records;
console.log(
  JSON.stringify({ projected, remaining, decision: projected > remaining ? 'fail' : 'pass' }),
);
