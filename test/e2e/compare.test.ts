// Cost against the base branch (issue 19), through the bundle: the gate on a pull request finds
// the base branch's newest successful run with a report artifact on the GitHub emulator, follows
// the download redirect, and shows Previous / New / Diff — or says in one line why it cannot.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../src/report/schema.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import {
  GITHUB_TOKEN,
  type GitHubEmulator,
  NO_ACTIONS_TOKEN,
  startGitHubEmulator,
} from '../emulators/github/server.js';
import { zipOf } from '../emulators/github/zip.js';
import { runAction } from '../support/run-action.js';

const [ENRICH] = FIXTURE.workflows as [(typeof FIXTURE.workflows)[0]];
const PR = 7;
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

const common = () => ({
  'api-url': cargo.url,
  'api-token': FIXTURE.tokens.admin,
  'workflow-uuid': ENRICH.uuid,
  'upload-artifact': 'false',
  comment: 'never',
});

/** The gate run on main (a push) whose report.json becomes the base artifact. */
async function mainReport(records: number): Promise<string> {
  const run = await runAction({
    inputs: { ...common(), 'record-count': String(records) },
    env: { GITHUB_API_URL: gh.url },
    event: { name: 'push', payload: {} },
  });
  expect(run.code, run.stdout).toBe(0);
  return readFileSync(join(run.workDir, 'cost-gate', 'report.json'), 'utf8');
}

function baseRun(reportJson: string, id = 301) {
  return gh.actions.addRun({
    id,
    workflow: 'cost.yml',
    branch: 'main',
    event: 'push',
    conclusion: 'success',
    head_sha: 'ba5e',
    headRepository: 'acme/leads',
    created_at: '2026-11-30T10:00:00Z',
    artifacts: [
      {
        name: 'cost-gate-report',
        zip: zipOf({ 'report.json': reportJson }),
        expired: false,
        created_at: '2026-11-30T10:00:00Z',
      },
    ],
  });
}

function prGate(inputs: Record<string, string>, token = GITHUB_TOKEN) {
  return runAction({
    inputs: { ...common(), 'record-count': '1000', 'github-token': token, ...inputs },
    env: {
      GITHUB_API_URL: gh.url,
      GITHUB_BASE_REF: 'main',
      GITHUB_HEAD_REF: 'feature',
      GITHUB_REF: `refs/pull/${PR}/merge`,
      GITHUB_WORKFLOW_REF: `acme/leads/.github/workflows/cost.yml@refs/pull/${PR}/merge`,
    },
    event: { name: 'pull_request', payload: { pull_request: { number: PR }, number: PR } },
  });
}

const reportOf = (workDir: string) =>
  JSON.parse(readFileSync(join(workDir, 'cost-gate', 'report.json'), 'utf8')) as ReportJson;

describe('compare-to base (bundled action, GitHub emulator)', () => {
  it('finds the base report and sets Previous / New / Diff', async () => {
    const base = JSON.parse(await mainReport(800)) as ReportJson;
    baseRun(JSON.stringify(base));
    const pr = await prGate({ comment: 'always' });
    expect(pr.code, pr.stdout).toBe(0);
    const projected = Number(pr.outputs['projected-credits']);
    expect(Number(pr.outputs['base-projected-credits'])).toBeCloseTo(base.projection!.projected, 3);
    expect(Number(pr.outputs['diff-credits'])).toBeCloseTo(
      projected - base.projection!.projected,
      3,
    );
    expect(pr.outputs['diff-percent']).toBe('25');
    const comparison = reportOf(pr.workDir).comparison!;
    expect(comparison.run?.id).toBe('301');
    expect(comparison.result?.moved).toBe('+200 records (+25%), cost per record unchanged');
    expect(pr.stdout).toContain('Comparing with the report of main (run 301).');
    const body = gh.comments[0]?.body ?? '';
    expect(body).toContain(
      'Against `main` (run `301`): \\+200 records \\(\\+25%\\), cost per record unchanged.',
    );
    expect(body).toMatch(/^\| Records +\| +800 \| +1,000 \| +\+200 \(\+25%\) \|$/m);
    expect(pr.summary).toContain('| credits | previous | new | diff |');
  });

  it('carries on with one line when the base has no report (first run)', async () => {
    const pr = await prGate({});
    expect(pr.code, pr.stdout).toBe(0);
    expect(pr.outputs.decision).toBe('pass');
    expect(pr.outputs['base-projected-credits']).toBe('');
    expect(pr.stdout).toMatch(/No successful run of cost.yml on main has a report artifact/);
    expect(reportOf(pr.workDir).comparison?.note).toMatch(/No successful run/);
  });

  it('ignores a base report from an incompatible version', async () => {
    const old = { ...(JSON.parse(await mainReport(800)) as object), schemaVersion: 0 };
    baseRun(JSON.stringify(old));
    const pr = await prGate({});
    expect(pr.code).toBe(0);
    expect(pr.stdout).toMatch(/is from an incompatible version \(schemaVersion 0\)/);
    expect(pr.outputs['diff-percent']).toBe('');
  });

  it('says so when the token may not read Actions (403), decision unaffected', async () => {
    baseRun(await mainReport(800));
    const pr = await prGate({}, NO_ACTIONS_TOKEN);
    expect(pr.code).toBe(0);
    expect(pr.outputs.decision).toBe('pass');
    expect(pr.stdout).toMatch(/No permission to read .*actions: read/);
  });

  it('fails on fail-on-increase past the percentage, whatever the budget, and names why', async () => {
    baseRun(await mainReport(800));
    const within = await prGate({ 'fail-on-increase': '30' });
    expect(within.code).toBe(0);
    const past = await prGate({ 'fail-on-increase': '10' });
    expect(past.code).toBe(1);
    expect(past.outputs.decision).toBe('fail');
    // The reason leads the report and the step's failure line (`%` is %25 in a workflow command).
    expect(reportOf(past.workDir).reasons[0]).toMatch(
      /^Projected [\d,.]+ credits is \+25% against the base's [\d,.]+, past fail-on-increase of 10%\.$/,
    );
    expect(past.stdout).toMatch(
      /::error::Batch cost gate: fail — Projected [\d,.]+ credits is \+25%25/,
    );
  });

  it('does not compare with (nor fail on) a base report of another workflow', async () => {
    const other = { ...(JSON.parse(await mainReport(800)) as ReportJson), subject: 'wf-other' };
    baseRun(JSON.stringify(other));
    const pr = await prGate({ 'fail-on-increase': '10' });
    expect(pr.code, pr.stdout).toBe(0);
    expect(pr.outputs['diff-percent']).toBe('');
    expect(reportOf(pr.workDir).comparison?.note).toBe(
      'No base comparison: the base report (main) prices another batch (its subject differs).',
    );
  });

  it('compares with nothing when compare-to is none', async () => {
    baseRun(await mainReport(800));
    const pr = await prGate({ 'compare-to': 'none' });
    expect(pr.code).toBe(0);
    expect(reportOf(pr.workDir).comparison).toBeNull();
    expect(gh.requests.some((r) => r.route === 'workflow-runs')).toBe(false);
  });
});
