import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/github/comment.js';
import { pullRequestOf, triggeringRun } from '../../src/github/triggering-run.js';
import { ConfigError } from '../../src/shared/errors.js';
import {
  GITHUB_TOKEN,
  type GitHubEmulator,
  startGitHubEmulator,
} from '../emulators/github/server.js';

const log = { info: () => undefined, warning: () => undefined, debug: () => undefined };
const repository = { owner: 'acme', repo: 'leads' };
let gh: GitHubEmulator;

beforeEach(async () => {
  gh = await startGitHubEmulator();
  process.env.GITHUB_API_URL = gh.url;
});
afterEach(async () => {
  delete process.env.GITHUB_API_URL;
  await gh.close();
});

/** The repository's id as the event names it; pull requests of other repositories have others. */
const REPO_ID = 1001;
const pr = (number: number, sha = 'abc123', baseRepoId = REPO_ID) => ({
  number,
  head: { sha },
  base: { repo: { id: baseRepoId } },
});

const payload = (pullRequests: unknown[], headSha = 'abc123') => ({
  repository: { id: REPO_ID, full_name: 'acme/leads' },
  workflow_run: {
    id: 777,
    html_url: 'https://github.com/acme/leads/actions/runs/777',
    event: 'pull_request',
    head_sha: headSha,
    head_branch: 'patch-1',
    head_repository: { full_name: 'mallory/leads', owner: { login: 'mallory' } },
    pull_requests: pullRequests,
  },
});

describe('triggeringRun', () => {
  it('refuses to run outside a workflow_run event, naming the mode input', () => {
    expect(() => triggeringRun('pull_request', payload([]))).toThrow(ConfigError);
    expect(() => triggeringRun('pull_request', payload([]))).toThrow(/Input 'mode'.*workflow_run/);
  });

  it('reads the run and the pull requests the payload names', () => {
    const run = triggeringRun('workflow_run', payload([pr(4)]));
    expect(run).toMatchObject({
      id: 777,
      headOwner: 'mallory',
      url: 'https://github.com/acme/leads/actions/runs/777',
      pullRequests: [{ number: 4 }],
    });
  });
});

describe('pullRequestOf (real Octokit, GitHub emulator)', () => {
  it('takes the payload pull request without asking the API', async () => {
    const run = triggeringRun('workflow_run', payload([pr(4)]));
    expect(await pullRequestOf(createOctokit(GITHUB_TOKEN, log), repository, run)).toBe(4);
    expect(gh.requests.filter((r) => r.route === 'pulls-list')).toHaveLength(0);
  });

  it("finds a fork's pull request by head branch, only at the run's commit", async () => {
    gh.actions.pulls.push({
      number: 9,
      state: 'open',
      head: { ref: 'patch-1', sha: 'abc123', owner: 'mallory' },
    });
    const octokit = createOctokit(GITHUB_TOKEN, log);
    expect(
      await pullRequestOf(octokit, repository, triggeringRun('workflow_run', payload([]))),
    ).toBe(9);
    // The branch moved on after the run: the comment would describe code the PR no longer has.
    const moved = triggeringRun('workflow_run', payload([], 'def456'));
    expect(await pullRequestOf(octokit, repository, moved)).toBeUndefined();
  });

  it("never takes another repository's pull request, nor one at another commit", async () => {
    gh.actions.pulls.push({
      number: 9,
      state: 'open',
      head: { ref: 'patch-1', sha: 'abc123', owner: 'mallory' },
    });
    const octokit = createOctokit(GITHUB_TOKEN, log);
    // GitHub lists a fork's own pull request (base: the fork) and one at an older head commit.
    const run = triggeringRun('workflow_run', payload([pr(3, 'abc123', 2002), pr(5, 'old999')]));
    expect(await pullRequestOf(octokit, repository, run)).toBe(9);
    expect(gh.requests.filter((r) => r.route === 'pulls-list')).toHaveLength(1);
  });
});
