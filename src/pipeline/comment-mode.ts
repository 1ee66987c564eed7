// `mode: comment`: the second half of the fork-safe pair. A `workflow_run`-triggered workflow
// (which has write permission) posts the sticky comment from the report artifact the gate's run
// uploaded. It never checks out or runs the pull request's code, and treats the artifact as
// untrusted: size-capped, schema-checked, rendered through the same escaping as the gate's own,
// with the words and links the renderer treats as ours taken from this code and the event.
import { readFileSync } from 'node:fs';
import type { Config } from '../inputs/config.js';
import { readRunReports } from '../github/base-report.js';
import { type CommentResult, createOctokit, upsertComment } from '../github/comment.js';
import { setOutputs } from '../github/outputs.js';
import { pullRequestOf, type TriggeringRun, triggeringRun } from '../github/triggering-run.js';
import { PROVIDER_IDS, providerEntry } from '../providers/registry.js';
import { renderComment } from '../report/comment-body.js';
import { type Report, reportOutputs } from '../report/report.js';
import { reportFromJson } from '../report/report-json.js';
import type { ReportJson } from '../report/schema.js';
import { ConfigError, GateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';

type CommentSettings = Pick<
  Config,
  'githubToken' | 'artifactName' | 'comment' | 'commentMode' | 'apiTimeoutMs'
>;

type Octokit = ReturnType<typeof createOctokit>;

interface Repository {
  owner: string;
  repo: string;
}

function eventPayload(env: NodeJS.ProcessEnv): unknown {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  return JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as unknown;
}

/**
 * Posts or updates the sticky comment of each report the triggering run uploaded (one per
 * `comment-tag`: matrix legs each keep their own); throws what fails the step. `interrupt`
 * aborts every request (the job was cancelled).
 */
export async function commentFromArtifact(
  config: CommentSettings,
  env: NodeJS.ProcessEnv,
  log: Log,
  interrupt?: AbortSignal,
): Promise<void> {
  const run = triggeringRun(env.GITHUB_EVENT_NAME, eventPayload(env));
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new GateError('config', 'GITHUB_REPOSITORY is not set.');
  if (!config.githubToken) throw new ConfigError('github-token', 'is required in mode comment');
  setOutputs({});
  if (!run.event.startsWith('pull_request')) {
    log.info(`The triggering run (${run.event}) was not for a pull request: nothing to comment.`);
    return;
  }
  const octokit = createOctokit(config.githubToken, log, {
    signal: interrupt,
    timeoutMs: config.apiTimeoutMs,
  });
  const repository = { owner, repo };
  const reports = await triggeringReports(octokit, repository, config, run, log, interrupt);
  if (reports.length === 0) return;
  const issue = await pullRequestOf(octokit, repository, run);
  if (issue === undefined) {
    log.warning(
      `No open pull request has head ${run.headSha} (run ${run.id}): nothing to comment.`,
    );
    return;
  }
  const results: CommentResult[] = [];
  for (const report of reports) {
    results.push(await postComment(octokit, { ...repository, issue }, config, report, log));
  }
  const first = results[0];
  setOutputs({
    ...reportOutputs(reports[0]!, { reportJson: '' }),
    'comment-url': first && 'url' in first ? first.url : '',
  });
}

/**
 * The triggering run's reports, newest per tag, made fit to render; none (with a warning) when
 * the artifact is missing or expired, a throw when it was refused.
 */
async function triggeringReports(
  octokit: Octokit,
  repository: Repository,
  config: CommentSettings,
  run: TriggeringRun,
  log: Log,
  signal: AbortSignal | undefined,
): Promise<Report[]> {
  const source = { octokit, ...repository, artifactName: config.artifactName };
  const read = await readRunReports(signal ? { ...source, signal } : source, run.id);
  if (!read.ok) {
    // A missing or expired artifact is the gate's business (it may have skipped the upload);
    // one that is too large or not a report is refused loudly: someone tampered with it.
    if (read.why === 'none' || read.why === 'expired' || read.why === 'forbidden') {
      log.warning(`No comment posted: ${read.message}`);
      return [];
    }
    throw new GateError('invalid-response', `Refused the report artifact: ${read.message}`);
  }
  const repositoryName = `${repository.owner}/${repository.repo}`;
  return newestPerTag(read.reports).map((json) =>
    trustedParts(checkedReport(reportFromJson(json)), run, repositoryName),
  );
}

/** One report per `comment-tag`: a re-run attempt's (newer) replaces the first attempt's. */
function newestPerTag(reports: readonly ReportJson[]): ReportJson[] {
  const seen = new Set<string>();
  return reports.filter((r) => !seen.has(r.tag) && seen.add(r.tag));
}

async function postComment(
  octokit: Octokit,
  target: Repository & { issue: number },
  config: CommentSettings,
  report: Report,
  log: Log,
): Promise<CommentResult> {
  const result = await upsertComment({
    octokit,
    target,
    policy: config,
    tag: report.tag,
    decision: report.decision,
    time: report.run.time,
    render: (previous) => renderComment(report, { tag: report.tag, previous }),
    log,
  });
  log.info(
    `PR comment on #${target.issue}: ${result.action}${'reason' in result ? ` (${result.reason})` : ''}.`,
  );
  return result;
}

/**
 * The report with what the renderer says as our own taken from trusted sources: the provider's
 * words from this version's registry (an unknown provider is refused), and the footer's run link
 * and commit from the event GitHub wrote, never from the artifact.
 */
function trustedParts(report: Report, run: TriggeringRun, repository: string): Report {
  let vocabulary: Report['vocabulary'];
  try {
    vocabulary = providerEntry(report.provider).vocabulary;
  } catch {
    // The provider's text is the artifact's: not repeated in the log.
    throw new GateError(
      'invalid-response',
      `Refused the report artifact: its provider is not one this version knows (${PROVIDER_IDS.join(', ')}).`,
    );
  }
  const trusted = { runUrl: run.url, sha: run.headSha, runId: String(run.id), repository };
  return { ...report, vocabulary, run: { ...report.run, ...trusted } };
}

/**
 * The fields the comment's hidden marker and its ordering read, checked beyond the schema: the
 * time orders comments (an older run never overwrites a newer one), so it must be a real time.
 */
function checkedReport(report: Report): Report {
  const time = report.run.time;
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(time) || !Number.isFinite(Date.parse(time))) {
    throw new GateError(
      'invalid-response',
      'Refused the report artifact: its run time is not a UTC time.',
    );
  }
  return report;
}
