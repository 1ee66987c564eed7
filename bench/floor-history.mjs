// The floor for case A: the least a history decision can cost on this machine. A minimal
// `node:http` script (loaded with `require`, as the bundle loads builtins) that reads the
// subscription and one page of 200 finished runs in parallel, parses them and decides. No
// validation, no report, no retries: what is left of ours above it is what those cost.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const http = require('node:http');
const https = require('node:https');

const base = process.env.CARGO_URL.replace(/\/+$/, '');
const headers = {
  authorization: `Bearer ${process.env.CARGO_TOKEN}`,
  'selected-workspace-uuid': process.env.CARGO_WORKSPACE,
  accept: 'application/json',
};

function call(method, path, body) {
  const url = new URL(`${base}/v1${path}`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const h = text === undefined ? headers : { ...headers, 'content-type': 'application/json' };
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(url, { method, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
const [{ subscription }, page] = await Promise.all([
  call('GET', '/billing/subscriptions'),
  call('POST', '/orchestration/runs/list', {
    workflowUuid: process.env.WORKFLOW_UUID,
    statuses: ['success', 'error'],
    createdAfter: since,
    limit: 200,
    offset: 0,
  }),
]);
const remaining =
  subscription.subscriptionAvailableCreditsCount - subscription.subscriptionCreditsUsedCount;
const cost = (r) =>
  r.executions.reduce((s, e) => s + e.creditsUsedCount, 0) + r.executions.length / 100;
const perRecord = page.runs.reduce((s, r) => s + cost(r), 0) / page.runs.length;
const projected = perRecord * Number(process.env.RECORD_COUNT);
console.log(
  JSON.stringify({ projected, remaining, decision: projected > remaining ? 'fail' : 'pass' }),
);
