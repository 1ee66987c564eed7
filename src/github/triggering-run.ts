// The run that triggered a `workflow_run` workflow, and the pull request it ran for. Read from the
// event payload GitHub wrote (trusted), never from the run's artifact (untrusted). For a pull
// request from a fork the payload's `pull_requests` is empty, so the pull request is looked up
// by the head branch and confirmed by the head SHA.
import type * as github from '@actions/github';
import * as z from 'zod';
import { ConfigError, GateError } from '../shared/errors.js';

type Octokit = ReturnType<typeof github.getOctokit>;

// `pull_requests` items are GitHub's "pull-request-minimal": the base repository by id only.
const listedPullRequest = z.object({
  number: z.number().int(),
  head: z.object({ sha: z.string() }),
  base: z.object({ repo: z.object({ id: z.number().int() }) }).optional(),
});

const workflowRunEvent = z.object({
  /** This repository: the one the `workflow_run` workflow runs in. */
  repository: z.object({ id: z.number().int() }).optional(),
  workflow_run: z.object({
    id: z.number().int(),
    html_url: z.string().optional(),
    event: z.string(),
    head_sha: z.string(),
    head_branch: z.string().nullable(),
    head_repository: z
      .object({ full_name: z.string(), owner: z.object({ login: z.string() }) })
      .nullable()
      .optional(),
    pull_requests: z.array(listedPullRequest).default([]),
  }),
});

/** What the comment needs of the triggering run. */
export interface TriggeringRun {
  id: number;
  /** The run's page, as the event gives it; null when it gives none. */
  url: string | null;
  event: string;
  headSha: string;
  headBranch: string | null;
  /** `owner` of the head repository (the fork's, for a fork pull request). */
  headOwner: string | null;
  /**
   * Pull requests the payload names into this repository at the run's head commit. GitHub also
   * lists pull requests of other repositories (a fork's own) and ones whose head moved on.
   */
  pullRequests: { number: number; headSha: string }[];
}

/** The triggering run, from a `workflow_run` event's payload. */
export function triggeringRun(eventName: string | undefined, payload: unknown): TriggeringRun {
  if (eventName !== 'workflow_run') {
    throw new ConfigError(
      'mode',
      `comment runs in a workflow triggered by workflow_run (this run's event is ${eventName ?? 'unknown'}); use mode gate here`,
    );
  }
  const parsed = workflowRunEvent.safeParse(payload);
  if (!parsed.success) {
    throw new GateError('invalid-response', 'The workflow_run event payload has no usable run.');
  }
  const run = parsed.data.workflow_run;
  const home = parsed.data.repository?.id;
  const ours = run.pull_requests.filter(
    (p) => home !== undefined && p.base?.repo.id === home && p.head.sha === run.head_sha,
  );
  return {
    id: run.id,
    url: run.html_url ?? null,
    event: run.event,
    headSha: run.head_sha,
    headBranch: run.head_branch,
    headOwner: run.head_repository?.owner.login ?? null,
    pullRequests: ours.map((p) => ({ number: p.number, headSha: p.head.sha })),
  };
}

/**
 * The open pull request the run was for: the payload's (into this repository, at the run's
 * commit), else the one of this repository whose head is the run's branch in the head
 * repository and whose head SHA is the run's (forks). Never any other: a comment on the wrong
 * pull request would put one contributor's report on another's change.
 */
export async function pullRequestOf(
  octokit: Octokit,
  repository: { owner: string; repo: string },
  run: TriggeringRun,
): Promise<number | undefined> {
  const named = run.pullRequests[0];
  if (named) return named.number;
  if (!run.headBranch || !run.headOwner) return undefined;
  const { data } = await octokit.rest.pulls.list({
    ...repository,
    state: 'open',
    head: `${run.headOwner}:${run.headBranch}`,
    per_page: 10,
  });
  // A branch may have moved on since the run: only the pull request at the run's commit counts.
  return data.find((p) => p.head.sha === run.headSha)?.number;
}
