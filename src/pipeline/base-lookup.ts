// When and against what the gate compares (`compare-to`): the pull request's base branch by
// default on pull requests, a named branch when asked, nothing otherwise. The lookup runs
// alongside the billing API reads and never fails the gate: what it cannot find, it says in a line.
import type { Config } from '../inputs/config.js';
import { isPullRequestEvent } from '../github/pull-request.js';
import type { BaseLookup } from '../report/comparison.js';
import type { RunMetadata } from '../report/report.js';
import { describeError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';

/** The branch to compare with, or a note saying why there is none; undefined when not asked. */
function baseBranch(
  config: Pick<Config, 'compareTo'>,
  run: RunMetadata,
  env: NodeJS.ProcessEnv,
): { branch: string } | { note: string; ref: string } | undefined {
  const asked = config.compareTo ?? (isPullRequestEvent(run.eventName) ? { kind: 'base' } : null);
  if (asked === null || asked.kind === 'none') return undefined;
  if (asked.kind === 'branch') return { branch: asked.branch };
  const base = env.GITHUB_BASE_REF;
  if (base) return { branch: base };
  return { ref: 'base', note: 'No base comparison: compare-to base needs a pull request event.' };
}

/** `owner/repo/.github/workflows/ci.yml@refs/…` → `ci.yml`, the id the runs API accepts. */
export function workflowFile(workflowRef: string | undefined): string | undefined {
  const match = /\/\.github\/workflows\/([^@/]+)@/.exec(workflowRef ?? '');
  return match?.[1];
}

// The decision waits for the lookup: a GitHub API that hangs must not hold the gate. Octokit sets
// no deadline of its own; its retries of a 5xx fit well within this.
const LOOKUP_DEADLINE_MS = 30_000;

/** A note once `ms` have passed, aborting the lookup's requests; never keeps the process alive. */
function deadline(ms: number, ref: string, controller: AbortController): Promise<BaseLookup> {
  return new Promise((resolve) => {
    const note = `No base comparison: the lookup took longer than ${ms / 1000} s.`;
    const timer = setTimeout(() => {
      controller.abort();
      resolve({ ref, note });
    }, ms);
    timer.unref();
    controller.signal.addEventListener('abort', () => clearTimeout(timer));
  });
}

/** Looks up the report to compare with; resolves to undefined when no comparison is asked. */
export async function lookForBase(
  config: Pick<Config, 'compareTo' | 'githubToken' | 'artifactName'> & { commentTag?: string },
  run: RunMetadata,
  env: NodeJS.ProcessEnv,
  log: Log,
  deadlineMs = LOOKUP_DEADLINE_MS,
  /** The gate's end or an interrupt: the lookup's requests stop with it. */
  stop?: AbortSignal,
): Promise<BaseLookup | undefined> {
  const target = baseBranch(config, run, env);
  if (!target) return undefined;
  const ref = 'branch' in target ? target.branch : target.ref;
  const controller = new AbortController();
  if (stop?.aborted) controller.abort();
  stop?.addEventListener('abort', () => controller.abort(), { once: true });
  const search = searchFor(target, config, run, env, log, controller.signal)
    .catch((error: unknown): BaseLookup => ({
      ref,
      note: `No base comparison: ${describeError(error)}`,
    }))
    .finally(() => controller.abort());
  const found = await Promise.race([search, deadline(deadlineMs, ref, controller)]);
  log.info(
    'note' in found
      ? found.note
      : `Comparing with the report of ${found.ref} (run ${found.run.id ?? '?'}).`,
  );
  return found;
}

async function searchFor(
  target: { branch: string } | { note: string; ref: string },
  config: Pick<Config, 'githubToken' | 'artifactName'> & { commentTag?: string },
  run: RunMetadata,
  env: NodeJS.ProcessEnv,
  log: Log,
  signal: AbortSignal,
): Promise<BaseLookup> {
  if ('note' in target) return target;
  const ref = target.branch;
  const [owner, repo] = (run.repository ?? '').split('/');
  const workflow = workflowFile(env.GITHUB_WORKFLOW_REF);
  if (!owner || !repo || !workflow) {
    return { ref, note: 'No base comparison: the repository or workflow is unknown here.' };
  }
  if (!config.githubToken) return { ref, note: 'No base comparison: no github-token.' };
  // Loaded only when a comparison is asked, off the path of every other run.
  const [{ createOctokit }, { findBaseReport }] = await Promise.all([
    import('../github/comment.js'),
    import('../github/base-report.js'),
  ]);
  return findBaseReport({
    octokit: createOctokit(config.githubToken, log),
    owner,
    repo,
    workflow,
    branch: ref,
    artifactName: config.artifactName,
    tag: config.commentTag,
    signal,
  });
}
