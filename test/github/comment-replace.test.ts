// `hide-and-new` / `delete-and-new` when hiding or deleting the old comment fails (issue 17):
// the new verdict is posted first, and the failure is a warning, never a lost comment.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit, upsertComment } from '../../src/github/comment.js';
import { renderMarker } from '../../src/report/comment-body.js';
import type { Log } from '../../src/shared/log.js';
import {
  GITHUB_TOKEN,
  type GitHubEmulator,
  startGitHubEmulator,
} from '../emulators/github/server.js';

const lines: string[] = [];
const log: Log = {
  info: (m) => lines.push(m),
  warning: (m) => lines.push(`warning: ${m}`),
  debug: () => undefined,
};
let gh: GitHubEmulator;
beforeEach(async () => {
  gh = await startGitHubEmulator();
  process.env.GITHUB_API_URL = gh.url;
  lines.length = 0;
});
afterEach(async () => {
  delete process.env.GITHUB_API_URL;
  await gh.close();
});

const marker = (time: string, decision: string) =>
  renderMarker({ tag: 'wf', time, projected: 1, limit: 2, decision });

describe.each([
  ['hide-and-new', 'graphql'],
  ['delete-and-new', 'comment-delete'],
] as const)('comment-mode %s when %s fails', (mode, route) => {
  it('posts the new verdict first and warns about the old comment', async () => {
    gh.seed(3, [`${marker('2026-01-01T00:00:00.000Z', 'pass')}\n✅ pass`], {
      login: 'github-actions[bot]',
      type: 'Bot',
    });
    if (route === 'graphql') {
      const errors = [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }];
      gh.inject(route, {
        kind: 'status',
        status: 200,
        body: JSON.stringify({ data: null, errors }),
      });
    } else {
      gh.inject(route, { kind: 'status', status: 422, body: '{"message":"Unprocessable"}' });
    }
    const result = await upsertComment({
      octokit: createOctokit(GITHUB_TOKEN, log),
      target: { owner: 'acme', repo: 'leads', issue: 3 },
      policy: { comment: 'always', commentMode: mode },
      tag: 'wf',
      decision: 'fail',
      time: new Date().toISOString(),
      render: () => `${marker(new Date().toISOString(), 'fail')}\n❌ fail`,
      log,
    });
    expect(result.action).toBe('created');
    expect(gh.comments.map((c) => c.body.split('\n')[1])).toEqual(['✅ pass', '❌ fail']);
    expect(lines.some((l) => /^warning: Posted the new PR comment, but could not/.test(l))).toBe(
      true,
    );
  });
});
