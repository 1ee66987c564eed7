// The floor for case E, the whole PR step: the floor decision (floor-history.mjs), then the
// sticky comment (list the PR's comments, update ours or create it) with `node:http` and the
// report upload with `@actions/artifact` itself, the two at once. Nothing else: no report
// rendering beyond one JSON file, no retries, no checks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

await import('./floor-history.mjs');

const require = createRequire(import.meta.url);
const http = require('node:http');
const https = require('node:https');
const MARKER = '<!-- floor-pr -->';

function github(method, path, body) {
  const url = new URL(`${process.env.GITHUB_API_URL}${path}`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = {
    authorization: `Bearer ${process.env.GITHUB_TOKEN}`,
    accept: 'application/vnd.github+json',
    'user-agent': 'floor-pr',
    ...(text === undefined ? {} : { 'content-type': 'application/json' }),
  };
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

async function comment() {
  const issue = `/repos/${process.env.GITHUB_REPOSITORY}/issues/${process.env.PR_NUMBER}/comments`;
  const comments = await github('GET', `${issue}?per_page=100`);
  const ours = comments.find((c) => c.body.includes(MARKER));
  const body = { body: `${MARKER}\nBatch cost gate: pass` };
  if (ours)
    await github(
      'PATCH',
      `/repos/${process.env.GITHUB_REPOSITORY}/issues/comments/${ours.id}`,
      body,
    );
  else await github('POST', issue, body);
}

async function upload() {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const dir = mkdtempSync(join(tmpdir(), 'floor-pr-'));
  writeFileSync(join(dir, 'report.json'), '{"decision":"pass"}\n');
  await new DefaultArtifactClient().uploadArtifact(
    `floor-${Date.now()}`,
    [join(dir, 'report.json')],
    dir,
  );
}

await Promise.all([comment(), upload()]);
