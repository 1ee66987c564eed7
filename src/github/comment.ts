import * as github from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { type CommentMarker, parseMarker, sameContent } from '../report/comment-body.js';
import type { Log } from '../shared/log.js';

type Octokit = ReturnType<typeof github.getOctokit>;

/** What happened to the comment, for logs and tests. */
export type CommentResult =
  | { action: 'created' | 'updated' | 'unchanged'; url: string }
  | { action: 'skipped'; reason: string }
  | { action: 'forbidden' | 'failed'; reason: string };

export interface CommentTarget {
  owner: string;
  repo: string;
  issue: number;
}

/** When to comment (`comment` input) and what to do with an earlier comment (`comment-mode`). */
export interface CommentPolicy {
  comment: 'always' | 'on-exceed' | 'never';
  commentMode: 'update' | 'new' | 'hide-and-new' | 'delete-and-new';
}

export interface UpsertArgs {
  octokit: Octokit;
  target: CommentTarget;
  policy: CommentPolicy;
  tag: string;
  decision: string;
  /** This run's start time; a comment written by a later run is left alone. */
  time: string;
  /** Renders the body, given the previous comment's marker (for the change line). */
  render: (previous: CommentMarker | undefined) => string;
  log: Log;
}

/** Bounds on every request of an Octokit: Octokit itself sets no deadline. */
export interface RequestLimits {
  /** Aborts every request (the job was cancelled); an aborted request is not retried. */
  signal?: AbortSignal | undefined;
  /** One request's deadline (`api-timeout-seconds`); a request past it fails and is retried. */
  timeoutMs?: number | undefined;
}

/** `fetch` with the limits' signal and a fresh deadline for each attempt, or undefined for none. */
function limitedFetch(limits: RequestLimits): { fetch: typeof fetch } | undefined {
  const { signal, timeoutMs } = limits;
  if (!signal && timeoutMs === undefined) return undefined;
  const limited: typeof fetch = (input, init) => {
    const signals = [init?.signal, signal, timeoutMs && AbortSignal.timeout(timeoutMs)];
    const any = AbortSignal.any(signals.filter((s): s is AbortSignal => s instanceof AbortSignal));
    return fetch(input, { ...init, signal: any });
  };
  return { fetch: limited };
}

/** The Octokit of `@actions/github`, retrying server errors and waiting out secondary rate limits. */
export function createOctokit(token: string, log: Log, limits: RequestLimits = {}): Octokit {
  const request = limitedFetch(limits);
  return github.getOctokit(
    token,
    {
      ...(process.env.GITHUB_API_URL ? { baseUrl: process.env.GITHUB_API_URL } : {}),
      ...(request ? { request } : {}),
      throttle: {
        onRateLimit: (
          after: number,
          options: { method: string; url: string },
          _o: unknown,
          count: number,
        ) => {
          log.warning(
            `GitHub rate limit on ${options.method} ${options.url}; retrying in ${after} s.`,
          );
          return count < 2;
        },
        onSecondaryRateLimit: (
          after: number,
          options: { method: string; url: string },
          _o: unknown,
          count: number,
        ) => {
          log.warning(
            `GitHub secondary rate limit on ${options.method} ${options.url}; retrying in ${after} s.`,
          );
          return count < 2;
        },
      },
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
    },
    throttling,
    retry,
  );
}

/** The login the token comments as; installation tokens (GITHUB_TOKEN) may not read /user. */
async function ownLogin(octokit: Octokit): Promise<string> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch {
    return 'github-actions[bot]';
  }
}

interface Found {
  id: number;
  nodeId: string;
  body: string;
  url: string;
  marker: CommentMarker;
}

/** Every comment of ours with exactly this tag, oldest first (all pages are read). */
async function findOwn(
  octokit: Octokit,
  target: CommentTarget,
  tag: string,
  login: string,
): Promise<Found[]> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issue,
    per_page: 100,
  });
  const found: Found[] = [];
  for (const c of comments) {
    const marker = parseMarker(c.body ?? '');
    if (!marker || marker.tag !== tag || c.user?.login !== login) continue;
    found.push({ id: c.id, nodeId: c.node_id, body: c.body ?? '', url: c.html_url, marker });
  }
  return found;
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error
    ? Number(error.status)
    : undefined;
}

/** Why no comment is written this time, or undefined when one may be. */
function skipReason(args: UpsertArgs, previous: Found | undefined): string | undefined {
  if (args.policy.comment === 'on-exceed' && args.decision === 'pass' && !previous)
    return 'the batch passes and there is no earlier comment to update';
  // As instants: `…:00Z` and `…:00.500Z` sort the wrong way round as text.
  if (previous && Date.parse(previous.marker.time) > Date.parse(args.time)) {
    args.log.info(
      `Left the PR comment alone: it was written by a newer run (${previous.marker.time}).`,
    );
    return 'a newer run wrote the comment';
  }
  return undefined;
}

/** Updates the previous comment in place, or hides / deletes it and writes a new one. */
async function write(
  args: UpsertArgs,
  previous: Found | undefined,
  body: string,
): Promise<CommentResult> {
  const { octokit, target } = args;
  const mode = args.policy.commentMode;
  const base = { owner: target.owner, repo: target.repo };
  if (previous && mode === 'update') {
    // Same numbers as the comment already shows: a PATCH would only move its timestamp.
    if (sameContent(previous.body, body)) return { action: 'unchanged', url: previous.url };
    const updated = await octokit.rest.issues.updateComment({
      ...base,
      comment_id: previous.id,
      body,
    });
    return { action: 'updated', url: updated.data.html_url };
  }
  // The new verdict goes up first: a hide or delete that fails must never leave the PR showing
  // the old one (a stale "✅ pass" while this run fails).
  const created = await octokit.rest.issues.createComment({
    ...base,
    issue_number: target.issue,
    body,
  });
  if (previous && (mode === 'hide-and-new' || mode === 'delete-and-new')) {
    await retireOld(args, previous, mode);
  }
  return { action: 'created', url: created.data.html_url };
}

/** Hides or deletes the earlier comment; a failure is a warning, the new comment stands. */
async function retireOld(
  args: UpsertArgs,
  previous: Found,
  mode: 'hide-and-new' | 'delete-and-new',
): Promise<void> {
  const { octokit, target } = args;
  try {
    if (mode === 'hide-and-new') {
      await octokit.graphql(
        'mutation($subjectId: ID!, $classifier: ReportedContentClassifiers!) { minimizeComment(input: { subjectId: $subjectId, classifier: $classifier }) { minimizedComment { isMinimized } } }',
        { subjectId: previous.nodeId, classifier: 'OUTDATED' },
      );
    } else {
      await octokit.rest.issues.deleteComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: previous.id,
      });
    }
  } catch (error) {
    const what = mode === 'hide-and-new' ? 'hide' : 'delete';
    const message = error instanceof Error ? error.message : String(error);
    args.log.warning(
      `Posted the new PR comment, but could not ${what} the earlier one (${previous.url}): ${message}`,
    );
  }
}

/** A comment that could not be written: a warning that says what to do, never a throw. */
function failure(error: unknown, log: Log): CommentResult {
  const message = error instanceof Error ? error.message : String(error);
  // REST errors carry the status; GraphQL answers a refused mutation with 200 and the reason in
  // `errors` (GraphqlResponseError has no status), so for minimizeComment only the text tells.
  if (statusOf(error) === 403 || /not accessible by integration/i.test(message)) {
    log.warning(
      'Could not write the PR comment: the token may not write to pull requests (a fork PR gets a read-only GITHUB_TOKEN). ' +
        'Add `permissions: pull-requests: write` to the job, or for fork PRs use the two-workflow pattern in the README ' +
        '(gate on pull_request and upload the report; post it from a workflow_run workflow). The job summary has the full report.',
    );
    return { action: 'forbidden', reason: message };
  }
  log.warning(`Could not write the PR comment: ${message}. The job summary has the full report.`);
  return { action: 'failed', reason: message };
}

/**
 * Writes, updates, replaces or leaves the gate's PR comment, per `comment` and `comment-mode`.
 * Never throws: a comment that cannot be written is a warning, not a failed gate.
 */
export async function upsertComment(args: UpsertArgs): Promise<CommentResult> {
  if (args.policy.comment === 'never') return { action: 'skipped', reason: 'comment is never' };
  try {
    const login = await ownLogin(args.octokit);
    const previous = (await findOwn(args.octokit, args.target, args.tag, login)).at(-1);
    const reason = skipReason(args, previous);
    if (reason !== undefined) return { action: 'skipped', reason };
    return await write(args, previous, args.render(previous?.marker));
  } catch (error) {
    return failure(error, args.log);
  }
}
