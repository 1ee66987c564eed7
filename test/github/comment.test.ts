import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOctokit, upsertComment } from '../../src/github/comment.js';
import type { Log } from '../../src/shared/log.js';
import {
  COMMENT_LIMIT,
  changeLine,
  parseMarker,
  renderComment,
  renderMarker,
} from '../../src/report/comment-body.js';
import {
  GITHUB_TOKEN,
  type GitHubEmulator,
  PAT,
  startGitHubEmulator,
} from '../emulators/github/server.js';
import { expectGolden } from '../support/golden.js';
import type { Report } from '../../src/report/report.js';
import { fixedReport } from '../support/report-fixtures.js';

const log: Log = { info: () => undefined, warning: () => undefined, debug: () => undefined };

describe('comment body', () => {
  it.each([
    ['pass', 38_000],
    ['warn', 2_600],
    ['fail', 2_000],
  ] as const)('renders the %s comment', (decision, remaining) => {
    const report = fixedReport(1000, remaining);
    expect(report.decision).toBe(decision);
    const previous = {
      tag: 'wf-golden',
      time: '2026-11-21T00:00:00.000Z',
      projected: 1900,
      limit: 5000,
      decision: 'pass',
    };
    expectGolden(
      `comment-${decision}.md`,
      renderComment(report, {
        tag: 'wf-golden',
        previous,
        artifactUrl: 'https://github.com/acme/leads/actions/runs/4242/artifacts/99',
      }),
    );
  });

  it('round-trips the marker, with a tag that tries to break out of it', () => {
    const marker = {
      tag: 'x" time="9999 --> <b>',
      time: '2026-11-22T00:00:00.000Z',
      projected: 12.5,
      limit: null,
      decision: 'warn',
    };
    const text = renderMarker(marker);
    expect(text).not.toContain('-->\n');
    expect(text.match(/-->/g)).toHaveLength(1);
    expect(parseMarker(`hello\n${text}\nbody`)).toEqual(marker);
    expect(parseMarker('no marker here')).toBeUndefined();
  });

  it('says how the projection changed', () => {
    const report = fixedReport(1000, 38_000);
    const p = report.projection!.projected;
    expect(
      changeLine(report, {
        tag: 't',
        time: '',
        projected: p / 1.18,
        limit: null,
        decision: 'pass',
      }),
    ).toMatch(/^_Projected \+18% since the last run/);
    expect(
      changeLine(report, { tag: 't', time: '', projected: p * 2, limit: null, decision: 'pass' }),
    ).toMatch(/−50%/);
    expect(changeLine(report, undefined)).toBeUndefined();
  });

  it('keeps the time in the marker only, and a digest of what the comment says', () => {
    const report = fixedReport(1000, 38_000);
    const body = renderComment(report, { tag: 'wf-golden' });
    expect(body.split(report.run.time)).toHaveLength(2);
    const marker = parseMarker(body)!;
    expect(marker.time).toBe(report.run.time);
    expect(marker.digest).toMatch(/^[0-9a-f]{16}$/);
    const later = { ...report, run: { ...report.run, time: '2026-12-01T00:00:00.000Z' } };
    expect(parseMarker(renderComment(later, { tag: 'wf-golden' }))!.digest).toBe(marker.digest);
    const other = fixedReport(1001, 38_000);
    expect(parseMarker(renderComment(other, { tag: 'wf-golden' }))!.digest).not.toBe(marker.digest);
  });

  it("stays under GitHub's limit by shortening the breakdown, saying so, never mid-table", () => {
    const report = fixedReport(1000, 38_000);
    const line = report.estimate!.byNode[0]!;
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...line,
      key: `node_${i}_${'x'.repeat(40)}`,
    }));
    const big = { ...report, estimate: { ...report.estimate!, byNode: many, byAction: many } };
    const body = renderComment(big, { tag: 't' });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/more lines \([\d.,]+ credits per record\) are left out/);
    const rows = body.split('\n').filter((l) => l.startsWith('| `node_'));
    expect(rows.length).toBeGreaterThan(0);
  });
});

describe('upsertComment against the GitHub emulator', () => {
  let gh: GitHubEmulator;
  beforeEach(async () => {
    gh = await startGitHubEmulator();
    process.env.GITHUB_API_URL = gh.url;
  });
  afterEach(async () => {
    delete process.env.GITHUB_API_URL;
    await gh.close();
  });

  const call = (token: string, render: () => string, time = new Date().toISOString()) =>
    upsertComment({
      octokit: createOctokit(token, log),
      target: { owner: 'acme', repo: 'leads', issue: 3 },
      policy: { comment: 'always', commentMode: 'update' },
      tag: 'wf',
      decision: 'pass',
      time,
      render,
      log,
    });
  const body = (time: string, text: string) =>
    `${renderMarker({ tag: 'wf', time, projected: 1, limit: 2, decision: 'pass' })}\n${text}`;

  /** Upserts what the gate would post for `report`: the real renderer, fed the previous marker. */
  const post = (report: Report) =>
    upsertComment({
      octokit: createOctokit(GITHUB_TOKEN, log),
      target: { owner: 'acme', repo: 'leads', issue: 3 },
      policy: { comment: 'always', commentMode: 'update' },
      tag: 'wf-golden',
      decision: report.decision,
      time: report.run.time,
      render: (previous) =>
        renderComment(report, {
          tag: 'wf-golden',
          previous,
          artifactUrl: `${report.run.runUrl}/artifacts/1`,
        }),
      log,
    });
  /** The same gate, run again later as a new workflow run (new time, run id and links). */
  const rerun = (report: Report, time: string, runId: string): Report => ({
    ...report,
    run: {
      ...report.run,
      time,
      runId,
      runUrl: `https://github.com/acme/leads/actions/runs/${runId}`,
    },
  });
  const patches = () => gh.requests.filter((r) => r.method === 'PATCH').length;

  it('makes no PATCH when a later run renders the same numbers, one when a number changes', async () => {
    const first = fixedReport(1000, 38_000);
    expect((await post(first)).action).toBe('created');
    const written = gh.comments[0]!.body;
    expect(written).not.toContain(first.run.time + '</sub>');

    const same = await post(rerun(first, '2026-11-22T01:00:00.000Z', '4243'));
    expect(same.action).toBe('unchanged');
    expect(patches()).toBe(0);
    expect(gh.comments[0]!.body).toBe(written);

    const changed = rerun(fixedReport(1200, 38_000), '2026-11-22T02:00:00.000Z', '4244');
    expect((await post(changed)).action).toBe('updated');
    expect(patches()).toBe(1);
    expect(gh.comments[0]!.body).toContain('since the last run (2,248.33 → 2,698.00)');

    // And again unchanged after the change: the change line is not what is compared.
    const again = await post(rerun(fixedReport(1200, 38_000), '2026-11-22T03:00:00.000Z', '4245'));
    expect(again.action).toBe('unchanged');
    expect(patches()).toBe(1);
    expect(gh.comments).toHaveLength(1);
  });

  it('updates a comment whose marker predates the digest, once', async () => {
    const old = { tag: 'wf-golden', time: '2026-11-21T00:00:00.000Z', decision: 'pass' };
    gh.seed(3, [`${renderMarker({ ...old, projected: 1, limit: 2 })}\nold`], {
      login: 'github-actions[bot]',
      type: 'Bot',
    });
    const report = fixedReport(1000, 38_000);
    expect((await post(report)).action).toBe('updated');
    expect((await post(rerun(report, '2026-11-22T01:00:00.000Z', '4243'))).action).toBe(
      'unchanged',
    );
    expect(patches()).toBe(1);
  });

  it('only takes comments of its own author', async () => {
    gh.seed(3, [body('2026-01-01T00:00:00.000Z', 'someone else wrote our marker')], {
      login: 'mallory',
      type: 'User',
    });
    const result = await call(PAT, () => body('2026-11-22T00:00:00.000Z', 'mine'));
    expect(result.action).toBe('created');
    expect(gh.comments.map((c) => c.user.login)).toEqual(['mallory', 'release-bot']);
  });

  it('orders runs by instant, not by text (…:00Z is before …:00.500Z)', async () => {
    gh.seed(3, [body('2026-11-22T00:00:00Z', 'earlier run')], {
      login: 'github-actions[bot]',
      type: 'Bot',
    });
    const result = await call(
      GITHUB_TOKEN,
      () => body('2026-11-22T00:00:00.500Z', 'later'),
      '2026-11-22T00:00:00.500Z',
    );
    expect(result.action).toBe('updated');
    expect(gh.comments[0]!.body).toContain('later');
  });

  it('aborts at the interrupt signal without retrying, a warning not a throw', async () => {
    gh.inject('comments-list', { kind: 'hang' });
    const interrupt = new AbortController();
    const pending = upsertComment({
      octokit: createOctokit(GITHUB_TOKEN, log, { signal: interrupt.signal }),
      target: { owner: 'acme', repo: 'leads', issue: 3 },
      policy: { comment: 'always', commentMode: 'update' },
      tag: 'wf',
      decision: 'fail',
      time: new Date().toISOString(),
      render: () => 'x',
      log,
    });
    await vi.waitUntil(() => gh.requests.some((r) => r.route === 'comments-list'));
    interrupt.abort();
    expect((await pending).action).toBe('failed');
    expect(gh.requests.filter((r) => r.route === 'comments-list')).toHaveLength(1);
  });

  it('gives each request a deadline: a hung one is cut and retried', async () => {
    gh.inject('comments-list', { kind: 'hang' }, 1);
    const result = await upsertComment({
      octokit: createOctokit(GITHUB_TOKEN, log, { timeoutMs: 200 }),
      target: { owner: 'acme', repo: 'leads', issue: 3 },
      policy: { comment: 'always', commentMode: 'update' },
      tag: 'wf',
      decision: 'fail',
      time: new Date().toISOString(),
      render: () => body(new Date().toISOString(), 'after a hang'),
      log,
    });
    expect(result.action).toBe('created');
    expect(gh.requests.filter((r) => r.route === 'comments-list')).toHaveLength(2);
    // Octokit's retry waits a second before the second attempt: room on a loaded machine.
  }, 15_000);

  it('turns an unknown token into a warning, never a throw', async () => {
    const warnings: string[] = [];
    const result = await upsertComment({
      octokit: createOctokit('not-a-token', log),
      target: { owner: 'acme', repo: 'leads', issue: 3 },
      policy: { comment: 'always', commentMode: 'update' },
      tag: 'wf',
      decision: 'fail',
      time: new Date().toISOString(),
      render: () => 'x',
      log: { ...log, warning: (m) => warnings.push(m) },
    });
    expect(result.action).toBe('failed');
    expect(warnings[0]).toContain('Bad credentials');
  });
});
