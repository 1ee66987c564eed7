import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMarker } from '../../src/report/comment-body.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import {
  FORK_TOKEN,
  GITHUB_TOKEN,
  type GitHubEmulator,
  startGitHubEmulator,
} from '../emulators/github/server.js';
import { runAction } from '../support/run-action.js';

const [ENRICH, ROUTE] = FIXTURE.workflows as [
  (typeof FIXTURE.workflows)[0],
  (typeof FIXTURE.workflows)[0],
];
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

function gate(inputs: Record<string, string>, token = GITHUB_TOKEN) {
  return runAction({
    inputs: {
      'api-url': cargo.url,
      'api-token': FIXTURE.tokens.admin,
      'workflow-uuid': ENRICH.uuid,
      'record-count': '1000',
      'github-token': token,
      'upload-artifact': 'false',
      comment: 'always',
      ...inputs,
    },
    env: { GITHUB_API_URL: gh.url },
    event: {
      name: 'pull_request',
      payload: { pull_request: { number: PR, head: { ref: 'feature' } }, number: PR },
    },
  });
}

const ours = () => gh.comments.filter((c) => parseMarker(c.body) !== undefined);

describe('PR comment (bundled action, GitHub emulator)', () => {
  it('creates one comment, then updates that same comment and shows the change', async () => {
    const first = await gate({});
    expect(first.code, first.stdout).toBe(0);
    expect(ours()).toHaveLength(1);
    expect(first.outputs['comment-url']).toMatch(/#issuecomment-\d+$/);
    expect(ours()[0]!.body).toContain('Batch cost gate');
    const id = ours()[0]!.id;
    const second = await gate({ 'record-count': '1200' });
    expect(second.code).toBe(0);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.id).toBe(id);
    expect(ours()[0]!.body).toMatch(
      /_Projected \+20% since the last run \(4,259\.\d\d → 5,111\.\d\d\)\._/,
    );
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url']);
  });

  it('leaves a comment written by a newer run alone', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    gh.seed(
      PR,
      [
        `<!-- batch-cost-gate tag="${ENRICH.uuid}" time="${future}" projected="1" limit="2" decision="pass" -->\nnewer`,
      ],
      { login: 'github-actions[bot]', type: 'Bot' },
    );
    const result = await gate({});
    expect(result.code).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('newer');
    expect(result.stdout).toContain('written by a newer run');
  });

  it.each([
    ['new', 2, 0],
    ['hide-and-new', 2, 1],
    ['delete-and-new', 1, 0],
  ])('comment-mode %s', async (mode, count, minimized) => {
    await gate({ 'comment-mode': mode });
    const firstId = ours()[0]!.id;
    await gate({ 'comment-mode': mode, 'record-count': '900' });
    expect(ours()).toHaveLength(count);
    expect(gh.comments.filter((c) => c.minimized?.classifier === 'OUTDATED')).toHaveLength(
      minimized,
    );
    expect(ours().at(-1)!.id).not.toBe(firstId);
  });

  it('keeps one comment per tag', async () => {
    await gate({ 'comment-tag': 'staging' });
    await gate({ 'comment-tag': 'production' });
    await gate({ 'comment-tag': 'staging', 'record-count': '10' });
    expect(
      ours()
        .map((c) => parseMarker(c.body)!.tag)
        .sort(),
    ).toEqual(['production', 'staging']);
  });

  it('does not take a tag that only contains ours as a substring', async () => {
    await gate({ 'comment-tag': 'prod-eu' });
    await gate({ 'comment-tag': 'prod' });
    expect(ours()).toHaveLength(2);
  });

  it('on-exceed: no comment for a pass, but a previous comment is updated when the PR now passes', async () => {
    await gate({ comment: 'on-exceed' });
    expect(ours()).toHaveLength(0);
    await gate({ comment: 'on-exceed', 'record-count': '100000' });
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toContain('**fail**');
    await gate({ comment: 'on-exceed' });
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toContain('**pass**');
  });

  it('a fork token answered 403 gives one warning and exits 0', async () => {
    const result = await gate({}, FORK_TOKEN);
    expect(result.code).toBe(0);
    expect(gh.comments).toHaveLength(0);
    const warnings = result.stdout
      .split('\n')
      .filter((l) => l.startsWith('::warning') && l.includes('PR comment'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('pull-requests: write');
    expect(result.summary).toContain('Batch cost gate');
  });

  it('pages through 150 comments to find its own', async () => {
    gh.seed(
      PR,
      Array.from({ length: 150 }, (_, i) => `comment ${i}`),
    );
    await gate({});
    await gate({ 'record-count': '999' });
    expect(ours()).toHaveLength(1);
    expect(gh.requests.some((r) => r.url.includes('page=2'))).toBe(true);
  });

  it('renders hostile node slugs inert', async () => {
    await cargo.close();
    const hostile = structuredClone(FIXTURE);
    hostile.workflows[1]!.nodes[3]!.slug = '@org/team <img src=x onerror=alert(1)> ](http://evil)';
    cargo = await startCargoEmulator({ fixture: hostile });
    await gate({ 'workflow-uuid': ROUTE.uuid });
    const body = ours()[0]!.body;
    const outside = body.replace(/`[^`]*`/g, '').replace(/```[\s\S]*?```/g, '');
    expect(body).toContain('@org/team');
    expect(outside).not.toContain('@org');
    expect(outside).not.toContain('<img');
    expect(outside).not.toContain('](http://evil)');
  });
});
