// `mode: comment` (issue 19), through the bundle: a workflow_run-triggered workflow posts the
// sticky comment from the report artifact of the pull request's gate run — for a fork, whose
// event lists no pull requests — and refuses or neutralises an artifact someone tampered with.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMarker } from '../../src/report/comment-body.js';
import type { ReportJson } from '../../src/report/schema.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import {
  GITHUB_TOKEN,
  type GitHubEmulator,
  startGitHubEmulator,
} from '../emulators/github/server.js';
import { zipOf } from '../emulators/github/zip.js';
import { runAction } from '../support/run-action.js';

const [ENRICH] = FIXTURE.workflows as [(typeof FIXTURE.workflows)[0]];
const PR = 12;
const HEAD_SHA = 'f0e1d2c3b4a5968778695a4b3c2d1e0f00112233';
const RUN_URL = 'https://github.com/acme/leads/actions/runs/777';
let cargo: CargoEmulator;
let gh: GitHubEmulator;

beforeEach(async () => {
  cargo = await startCargoEmulator();
  gh = await startGitHubEmulator();
});
afterEach(async () => {
  await cargo.close();
  await gh.close();
});

/** The gate's run on the fork's pull request (read-only token): its report.json. */
async function forkGateReport(): Promise<string> {
  const run = await runAction({
    inputs: {
      'api-url': cargo.url,
      'api-token': FIXTURE.tokens.admin,
      'workflow-uuid': ENRICH.uuid,
      'record-count': '1000',
      'upload-artifact': 'false',
      comment: 'never',
      'compare-to': 'none',
    },
    event: { name: 'pull_request', payload: { pull_request: { number: PR }, number: PR } },
  });
  expect(run.code, run.stdout).toBe(0);
  return readFileSync(join(run.workDir, 'cost-gate', 'report.json'), 'utf8');
}

/** The fork's gate run on the emulator, with its artifact; and its open pull request. */
function forkRun(zip: Buffer, sizeInBytes?: number) {
  gh.actions.pulls.push({
    number: PR,
    state: 'open',
    head: { ref: 'patch-1', sha: HEAD_SHA, owner: 'mallory' },
  });
  return gh.actions.addRun({
    id: 777,
    workflow: 'cost.yml',
    branch: 'patch-1',
    event: 'pull_request',
    conclusion: 'success',
    head_sha: HEAD_SHA,
    headRepository: 'mallory/leads',
    created_at: '2026-12-01T09:00:00Z',
    artifacts: [
      {
        name: 'cost-gate-report',
        zip,
        expired: false,
        created_at: '2026-12-01T09:00:00Z',
        ...(sizeInBytes === undefined ? {} : { sizeInBytes }),
      },
    ],
  });
}

/** The comment workflow: `on: workflow_run`, no api-token, no checkout. */
function commentWorkflow() {
  return runAction({
    inputs: { mode: 'comment', 'github-token': GITHUB_TOKEN, comment: 'always' },
    env: { GITHUB_API_URL: gh.url, GITHUB_REF: 'refs/heads/main' },
    event: {
      name: 'workflow_run',
      payload: {
        action: 'completed',
        workflow_run: {
          id: 777,
          html_url: RUN_URL,
          event: 'pull_request',
          conclusion: 'success',
          head_sha: HEAD_SHA,
          head_branch: 'patch-1',
          head_repository: { full_name: 'mallory/leads', owner: { login: 'mallory' } },
          // A fork's pull request is not listed here: the action looks it up by head.
          pull_requests: [],
        },
      },
    },
  });
}

const ours = () => gh.comments.filter((c) => parseMarker(c.body) !== undefined);

describe('mode: comment (bundled action, GitHub emulator)', () => {
  it("posts the fork PR's comment from the artifact, and a re-run does not duplicate it", async () => {
    const report = JSON.parse(await forkGateReport()) as { run: { time: string } };
    forkRun(zipOf({ 'report.json': JSON.stringify(report) }));
    const first = await commentWorkflow();
    expect(first.code, first.stdout).toBe(0);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.issue).toBe(PR);
    expect(parseMarker(ours()[0]!.body)).toMatchObject({ tag: ENRICH.uuid, time: report.run.time });
    expect(first.outputs['comment-url']).toMatch(/#issuecomment-\d+$/);
    expect(first.outputs.decision).toBe('pass');
    const again = await commentWorkflow();
    expect(again.code, again.stdout).toBe(0);
    expect(ours()).toHaveLength(1);
    // Only the payload and the API chose the pull request: the head lookup was asked.
    expect(
      gh.requests.some((r) => r.route === 'pulls-list' && /head=mallory%3Apatch-1/.test(r.query)),
    ).toBe(true);
  });

  it('posts one comment per matrix leg (tag), the newest attempt of each', async () => {
    const report = JSON.parse(await forkGateReport()) as ReportJson;
    const leg = (tag: string, recordCount: number) =>
      zipOf({ 'report.json': JSON.stringify({ ...report, tag, recordCount }) });
    const run = forkRun(leg('staging', 1));
    run.artifacts.push(
      {
        id: 9001,
        name: 'cost-gate-report-lx2k9',
        zip: leg('prod', 2),
        expired: false,
        created_at: '2026-12-01T09:00:05Z',
      },
      {
        id: 9002,
        name: 'cost-gate-report-attempt-2',
        zip: leg('staging', 3),
        expired: false,
        created_at: '2026-12-01T09:30:00Z',
      },
      // Not the gate's: a name that only starts like it.
      {
        id: 9003,
        name: 'cost-gate-reports',
        zip: leg('other', 4),
        expired: false,
        created_at: '2026-12-01T09:40:00Z',
      },
    );
    const posted = await commentWorkflow();
    expect(posted.code, posted.stdout).toBe(0);
    const byTag = new Map(ours().map((c) => [parseMarker(c.body)?.tag, c.body]));
    expect([...byTag.keys()].sort()).toEqual(['prod', 'staging']);
    expect(byTag.get('staging')).toContain('"record-count": 3');
    expect(byTag.get('prod')).toContain('"record-count": 2');
  });

  it('refuses a report that does not match the schema, and posts nothing', async () => {
    const report = JSON.parse(await forkGateReport()) as Record<string, unknown>;
    forkRun(zipOf({ 'report.json': JSON.stringify({ ...report, decision: 'approved' }) }));
    const run = await commentWorkflow();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::Refused the report artifact: .*does not match the report schema \(at decision\)/,
    );
    expect(gh.comments).toHaveLength(0);
  });

  it('refuses a 50 MB artifact unread', async () => {
    forkRun(zipOf({ 'report.json': '{}' }), 50 * 1024 * 1024);
    const run = await commentWorkflow();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::Refused the report artifact: .*larger than 10 MB/);
    expect(gh.requests.some((r) => r.route === 'artifact-zip')).toBe(false);
    expect(gh.comments).toHaveLength(0);
  });

  it('refuses a small zip that inflates to 50 MB (a zip bomb) at the cap', async () => {
    const bomb = `{"schemaVersion":1,"pad":"${' '.repeat(50 * 1024 * 1024)}"}`;
    const zip = zipOf({ 'report.json': bomb }, { declaredSize: 1000 });
    expect(zip.length).toBeLessThan(1024 * 1024);
    forkRun(zip);
    const run = await commentWorkflow();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::Refused the report artifact: .*report\.json is larger than 10 MB/,
    );
    expect(gh.comments).toHaveLength(0);
  });

  it('renders hostile strings of the artifact inert, our words included', async () => {
    const report = JSON.parse(await forkGateReport()) as ReportJson;
    const evil = '<img src=x onerror=alert(1)> @octocat\n::warning::pwned';
    const hostile: ReportJson = {
      ...report,
      tag: 'x" --><img src=x onerror=alert(1)>',
      subjectName: '@octocat <script>alert(1)</script>',
      reasons: ['<img src=x onerror=alert(1)> @maintainers please approve', ...report.reasons],
      // Our own words in the renderer come from the vocabulary: the artifact must not choose them.
      vocabulary: {
        ...report.vocabulary,
        unit: evil,
        provider: evil,
        part: evil,
        subject: evil,
        observation: evil,
      },
      projection: { ...report.projection!, method: evil, lowConfidence: evil },
      advice: [{ lever: 'x', title: evil, detail: 'detail' }],
      balance: { ...report.balance!, details: [{ label: evil, value: 'v' }] },
      // The footer links only to what the trusted event names.
      run: { ...report.run, runUrl: 'https://evil.example/phish', sha: 'deadbeefdeadbeef' },
    };
    forkRun(zipOf({ 'report.json': JSON.stringify(hostile) }));
    const run = await commentWorkflow();
    expect(run.code, run.stdout).toBe(0);
    const body = ours()[0]!.body;
    expect(body).not.toMatch(/<img|<script/i);
    expect(body).not.toMatch(/(^|[^`\w])@(octocat|maintainers)\b/);
    expect(body).not.toMatch(/^\s*::/m);
    expect(body).not.toContain('evil.example');
    expect(body).not.toContain('deadbee');
    expect(body).toContain(`[Workflow run](${RUN_URL})`);
    expect(body).toContain(`commit \`${HEAD_SHA.slice(0, 7)}\``);
    expect(body).toContain('| | credits |');
    expect(parseMarker(body)?.tag).toBe(hostile.tag);
    expect(run.stdout).not.toMatch(/^::warning::pwned/m);
  });

  it('refuses a report of a provider this version does not know, naming none of its text', async () => {
    const report = JSON.parse(await forkGateReport()) as ReportJson;
    forkRun(zipOf({ 'report.json': JSON.stringify({ ...report, provider: '<b>acme</b>' }) }));
    const run = await commentWorkflow();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::Refused the report artifact: its provider is not one/);
    expect(run.stdout).not.toContain('<b>acme');
    expect(gh.comments).toHaveLength(0);
  });
});
