// The action's publish targets on GitHub: artifact, sticky PR comment, step outputs, summary.
import type { Config } from '../inputs/config.js';
import { uploadReportArtifact } from '../github/artifact.js';
import { setOutputs } from '../github/outputs.js';
import { isPullRequestEvent } from '../github/pull-request.js';
import { writeSummary } from '../github/summary.js';
import { renderComment } from '../report/comment-body.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../report/report.js';
import type { Log } from '../shared/log.js';
import type { GithubSinks } from './publish.js';

/** The GitHub side of `publish` for the action. */
export function githubTargets(config: Config, log: Log): GithubSinks {
  return {
    uploadArtifact: (files, report) =>
      config.uploadArtifact
        ? uploadReportArtifact({
            name: config.artifactName,
            files: files.all,
            rootDirectory: files.dir,
            retentionDays: config.retentionDays,
            runAttempt: report.run.runAttempt,
            runUrl: report.run.runUrl,
            log,
          })
        : Promise.resolve(null),
    comment: (report, artifactUrl) => commentOnPullRequest(config, report, artifactUrl, log),
    setOutputs: (values) => setOutputs(values),
    writeSummary: (report, artifactUrl) =>
      writeSummary(renderMarkdown(report, { artifactUrl }), log),
  };
}

/** Keeps the gate's comment on the pull request up to date; returns its URL ('' when none). */
async function commentOnPullRequest(
  config: Config,
  report: Report,
  artifactUrl: string | undefined,
  log: Log,
): Promise<string> {
  const [owner, repo] = (report.run.repository ?? '').split('/');
  if (config.comment === 'never' || !isPullRequestEvent(report.run.eventName)) return '';
  if (report.run.prNumber === null || !owner || !repo) return '';
  if (!config.githubToken) {
    log.warning(
      'No github-token: the PR comment was skipped. The job summary has the full report.',
    );
    return '';
  }
  // Octokit is loaded only on pull-request events, off the path of every other run.
  const { createOctokit, upsertComment } = await import('../github/comment.js');
  const result = await upsertComment({
    octokit: createOctokit(config.githubToken, log),
    target: { owner, repo, issue: report.run.prNumber },
    policy: config,
    tag: config.commentTag,
    decision: report.decision,
    time: report.run.time,
    render: (previous) => renderComment(report, { tag: config.commentTag, previous, artifactUrl }),
    log,
  });
  log.info(`PR comment: ${result.action}${'reason' in result ? ` (${result.reason})` : ''}.`);
  return 'url' in result ? result.url : '';
}
