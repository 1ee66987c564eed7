// One recognisable token through every path — pass, warn, fail, API error, comment, webhook,
// Prometheus — and a search of everything the gate wrote or sent for it, encoded or not.
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { type GitHubEmulator, startGitHubEmulator } from '../emulators/github/server.js';
import { runAction } from '../support/run-action.js';

const CARGO_TOKEN = 'cargoCanaryToken_7f3a9c2e5b1d4f60';
const GITHUB_TOKEN = 'ghp_githubCanaryToken_1e2d3c4b5a69';
const HOOK_SECRET = 'hookCanarySecret_a1b2c3d4e5f6';
const CANARIES = [CARGO_TOKEN, GITHUB_TOKEN, HOOK_SECRET];
const forms = (secret: string) => [
  secret,
  encodeURIComponent(secret),
  Buffer.from(secret).toString('base64'),
  Buffer.from(secret).toString('base64url'),
  JSON.stringify(secret).slice(1, -1),
];

let cargo: CargoEmulator;
let gh: GitHubEmulator;
const hooks: string[] = [];
let hookUrl = '';
let closeHook: () => Promise<void>;

beforeAll(async () => {
  const fixture = structuredClone(FIXTURE);
  fixture.tokens.admin = CARGO_TOKEN;
  cargo = await startCargoEmulator({ fixture });
  gh = await startGitHubEmulator({
    tokens: { [GITHUB_TOKEN]: { login: 'release-bot', type: 'User' } },
  });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hooks.push(JSON.stringify(req.headers) + body);
      res.end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  closeHook = () => new Promise<void>((done) => server.close(() => done()));
});
afterAll(async () => {
  await cargo.close();
  await gh.close();
  await closeHook();
});

const PATHS: [string, Record<string, string>, (() => void)?][] = [
  ['pass', { 'record-count': '100' }],
  ['warn', { 'record-count': '1000', budget: '4300' }],
  ['fail', { 'record-count': '100000' }],
  [
    'api error',
    { 'record-count': '10', 'on-api-error': 'warn' },
    () =>
      cargo.inject(
        'subscription',
        { kind: 'status', status: 503, body: `{"errorMessage":"token ${CARGO_TOKEN} rejected"}` },
        4,
      ),
  ],
  [
    'forbidden',
    { 'record-count': '10' },
    () =>
      cargo.inject(
        'runs-list',
        {
          kind: 'status',
          status: 403,
          body: `{"errorMessage":"forbidden for Bearer ${CARGO_TOKEN}"}`,
        },
        1,
      ),
  ],
];

describe('no secret anywhere', () => {
  it.each(PATHS)(
    '%s: stdout, stderr, outputs, summary, report files, comment and webhook are clean',
    async (_name, inputs, arm) => {
      arm?.();
      const promDir = mkdtempSync(join(tmpdir(), 'secret-prom-'));
      const result = await runAction({
        inputs: {
          'api-url': cargo.url,
          'api-token': CARGO_TOKEN,
          'workflow-uuid': FIXTURE.workflows[0]!.uuid,
          'github-token': GITHUB_TOKEN,
          comment: 'always',
          'upload-artifact': 'false',
          'webhook-url': hookUrl,
          'webhook-headers': `Authorization: Bearer ${HOOK_SECRET}`,
          'prometheus-file': join(promDir, 'gate.prom'),
          ...inputs,
        },
        env: { GITHUB_API_URL: gh.url },
        event: { name: 'pull_request', payload: { pull_request: { number: 3 } } },
      });
      const reportDir = join(result.workDir, 'cost-gate');
      const files = readdirSync(reportDir).map((f) => readFileSync(join(reportDir, f), 'utf8'));
      const haystack = [
        result.stdout.replace(/^::add-mask::.*$/gm, ''),
        result.stderr,
        JSON.stringify(result.outputs),
        result.summary,
        ...files,
        readFileSync(join(promDir, 'gate.prom'), 'utf8'),
        ...gh.comments.map((c) => c.body),
        // Webhook payloads carry the hook's own header by design; search their bodies.
        ...hooks.map((h) => h.slice(h.indexOf('}{') + 1)),
      ].join('\n');
      for (const canary of CANARIES)
        for (const form of forms(canary)) expect(haystack).not.toContain(form);
      expect(result.stdout).toContain(`::add-mask::${CARGO_TOKEN}`);
      expect(result.stdout).toContain(`::add-mask::${GITHUB_TOKEN}`);
    },
  );

  it('went through the comment and the webhook, so their search meant something', () => {
    expect(gh.comments.length).toBeGreaterThan(0);
    expect(hooks.length).toBeGreaterThanOrEqual(PATHS.length);
  });
});
