import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookForBase, workflowFile } from '../../src/pipeline/base-lookup.js';
import type { RunMetadata } from '../../src/report/report.js';
import {
  GITHUB_TOKEN,
  type GitHubEmulator,
  startGitHubEmulator,
} from '../emulators/github/server.js';

const lines: string[] = [];
const log = {
  info: (m: string) => lines.push(m),
  warning: () => undefined,
  debug: () => undefined,
};
const run = (eventName: string): RunMetadata => ({
  repository: 'acme/leads',
  ref: null,
  sha: null,
  runId: '1',
  runAttempt: '1',
  runUrl: null,
  prNumber: 7,
  eventName,
  time: '2026-12-01T00:00:00.000Z',
});
const env = {
  GITHUB_BASE_REF: 'main',
  GITHUB_WORKFLOW_REF: 'acme/leads/.github/workflows/cost.yml@refs/pull/7/merge',
};
const config = {
  compareTo: undefined,
  githubToken: GITHUB_TOKEN,
  artifactName: 'cost-gate-report',
};
let gh: GitHubEmulator;

beforeEach(async () => {
  lines.length = 0;
  gh = await startGitHubEmulator();
  process.env.GITHUB_API_URL = gh.url;
});
afterEach(async () => {
  delete process.env.GITHUB_API_URL;
  await gh.close();
});

describe('lookForBase', () => {
  it('compares by default on pull requests only, and never with compare-to none', async () => {
    expect(await lookForBase(config, run('push'), env, log)).toBeUndefined();
    expect(
      await lookForBase({ ...config, compareTo: { kind: 'none' } }, run('pull_request'), env, log),
    ).toBeUndefined();
    expect(gh.requests).toHaveLength(0);
    const found = await lookForBase(config, run('pull_request'), env, log);
    expect(found).toMatchObject({ ref: 'main', note: expect.stringMatching(/No successful run/) });
    expect(gh.requests[0]?.path).toBe('/repos/acme/leads/actions/workflows/cost.yml/runs');
    expect(gh.requests[0]?.query).toMatch(/branch=main&status=success/);
  });

  it('gives up on a GitHub API that hangs at its deadline, in one line', async () => {
    gh.inject('workflow-runs', { kind: 'hang' });
    const found = await lookForBase(config, run('pull_request'), env, log, 200);
    expect(found).toMatchObject({ note: 'No base comparison: the lookup took longer than 0.2 s.' });
    expect(lines).toEqual(['No base comparison: the lookup took longer than 0.2 s.']);
  });

  it("stops with the gate: an interrupt or the gate's end aborts a hanging lookup", async () => {
    gh.inject('workflow-runs', { kind: 'hang' });
    const stop = new AbortController();
    // The deadline is the default 30 s: only the stop signal can end this within the test's 5 s.
    const lookup = lookForBase(config, run('pull_request'), env, log, undefined, stop.signal);
    setTimeout(() => stop.abort(), 50);
    expect(await lookup).toMatchObject({ note: expect.stringMatching(/^No base comparison/) });
  });

  it('needs a pull request for compare-to base, and takes a branch anywhere', async () => {
    const base = await lookForBase(
      { ...config, compareTo: { kind: 'base' } },
      run('push'),
      {},
      log,
    );
    expect(base).toMatchObject({ note: expect.stringMatching(/needs a pull request event/) });
    const branch = { ...config, compareTo: { kind: 'branch', branch: 'release' } as const };
    expect(await lookForBase(branch, run('push'), env, log)).toMatchObject({ ref: 'release' });
  });

  it('reads the workflow file from GITHUB_WORKFLOW_REF', () => {
    expect(workflowFile(env.GITHUB_WORKFLOW_REF)).toBe('cost.yml');
    expect(workflowFile(undefined)).toBeUndefined();
  });
});
