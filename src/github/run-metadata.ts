import { readFileSync } from 'node:fs';
import type { RunMetadata } from '../report/report.js';

/** Where the gate runs, from the runner's environment and event payload. */
export function readRunMetadata(env: NodeJS.ProcessEnv, now: Date): RunMetadata {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repository = env.GITHUB_REPOSITORY ?? null;
  const runId = env.GITHUB_RUN_ID ?? null;
  return {
    repository,
    ref: env.GITHUB_REF ?? null,
    sha: env.GITHUB_SHA ?? null,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? null,
    runUrl: repository && runId ? `${server}/${repository}/actions/runs/${runId}` : null,
    prNumber: pullRequestNumber(env.GITHUB_EVENT_PATH),
    eventName: env.GITHUB_EVENT_NAME ?? null,
    time: now.toISOString(),
  };
}

function pullRequestNumber(eventPath: string | undefined): number | null {
  if (!eventPath) return null;
  try {
    const payload = JSON.parse(readFileSync(eventPath, 'utf8')) as {
      pull_request?: { number?: unknown };
    };
    const n = payload.pull_request?.number;
    return typeof n === 'number' ? n : null;
  } catch {
    return null;
  }
}
