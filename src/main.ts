import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, INPUT_NAMES, parseConfig, type RawInputs } from './inputs/config.js';
import { describeError } from './shared/errors.js';
import { type ReportFiles, writeReportFiles } from './export/report-files.js';
import { writeTextfileAtomically } from './export/textfile.js';
import { postWebhook } from './export/webhook.js';
import { uploadReportArtifact } from './github/artifact.js';
import { isPullRequestEvent } from './github/pull-request.js';
import { setOutputs } from './github/outputs.js';
import { readRunMetadata } from './github/run-metadata.js';
import { writeSummary } from './github/summary.js';
import type { Log } from './providers/provider.js';
import { renderComment } from './report/comment-body.js';
import { renderJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { type Report, reportOutputs } from './report/report.js';
import { createProvider, prepareInputs, runGate } from './pipeline/run-gate.js';

/** Reads every action input once, masking the secret ones before anything can print them. */
export function readActionInputs(): RawInputs {
  const inputs: Record<string, string> = {};
  for (const name of INPUT_NAMES) inputs[name] = core.getInput(name);
  for (const secret of ['api-token', 'github-token']) {
    const value = inputs[secret];
    if (value) core.setSecret(value);
  }
  const webhook = inputs['webhook-url'] ?? '';
  if (webhook.length > 0) core.setSecret(webhook);
  for (const part of (inputs['webhook-headers'] ?? '').split(',')) {
    const value = part.slice(part.indexOf(':') + 1).trim();
    if (part.includes(':') && value.length >= 4) core.setSecret(value);
  }
  return inputs;
}

const actionLog: Log = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  debug: (m) => core.debug(m),
};

/** A cancelled workflow run sends SIGINT then SIGTERM: turn both into an abort the sample obeys. */
function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: string) => () => {
    core.warning(`Received ${name}: stopping (a running sample batch is cancelled).`);
    controller.abort();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/** Says the decision where people look: annotations, and the step's failure. */
function announce(report: Report): void {
  const first = report.reasons[0] ?? '';
  const why = report.error ? `${first} ${report.error.message}` : report.reasons.join(' ');
  if (report.outcome === 'fail') {
    core.setFailed(
      report.error
        ? `Batch cost gate could not check: ${report.error.message}`
        : `Batch cost gate: fail — ${why}`,
    );
  } else if (report.outcome === 'warning') {
    core.warning(why, {
      title:
        report.decision === 'unknown'
          ? 'Batch cost gate could not check'
          : `Batch cost gate — ${report.decision}`,
    });
  } else if (report.outcome === 'notice') {
    core.notice(why, { title: 'Batch cost gate could not check' });
  } else {
    core.info(`Batch cost gate: pass — ${why}`);
  }
}

/** Feeds dashboards: the Prometheus textfile and the webhook. Neither can fail the gate. */
async function exportReport(config: Config, report: Report, files: ReportFiles): Promise<void> {
  if (config.prometheusFile) {
    try {
      await writeTextfileAtomically(
        config.prometheusFile,
        await readFile(files.prometheus, 'utf8'),
      );
      core.info(`Metrics written to ${config.prometheusFile}.`);
    } catch (error) {
      core.warning(`Could not write prometheus-file: ${describeError(error)}`);
    }
  }
  if (config.webhookUrl) {
    await postWebhook(config.webhookUrl, config.webhookHeaders, renderJson(report), actionLog);
  }
}

/** Keeps the gate's comment on the pull request up to date; returns its URL ('' when none). */
async function commentOnPullRequest(
  config: Config,
  report: Report,
  artifactUrl: string | undefined,
): Promise<string> {
  const [owner, repo] = (report.run.repository ?? '').split('/');
  if (config.comment === 'never' || !isPullRequestEvent(report.run.eventName)) return '';
  if (report.run.prNumber === null || !owner || !repo) return '';
  if (!config.githubToken) {
    core.warning(
      'No github-token: the PR comment was skipped. The job summary has the full report.',
    );
    return '';
  }
  // Octokit is loaded only on pull-request events, off the path of every other run.
  const { createOctokit, upsertComment } = await import('./github/comment.js');
  const result = await upsertComment({
    octokit: createOctokit(config.githubToken, actionLog),
    target: { owner, repo, issue: report.run.prNumber },
    config,
    tag: config.commentTag,
    decision: report.decision,
    time: report.run.time,
    render: (previous) => renderComment(report, { tag: config.commentTag, previous, artifactUrl }),
    log: actionLog,
  });
  core.info(`PR comment: ${result.action}${'reason' in result ? ` (${result.reason})` : ''}.`);
  return 'url' in result ? result.url : '';
}

/** The action's entry: never throws; every failure ends in one `core.setFailed` line. */
export async function run(): Promise<void> {
  const interrupt = interruptSignal();
  try {
    const config = parseConfig(readActionInputs());
    const prepared = await prepareInputs(config);
    const provider = createProvider(config, { log: actionLog });
    const report = await runGate(config, prepared, {
      provider,
      signal: interrupt.signal,
      run: readRunMetadata(process.env, new Date()),
    });
    const dir = config.reportDir ?? join(process.env.RUNNER_TEMP ?? tmpdir(), 'cost-gate');
    // Files first: nothing is lost even when what follows fails.
    const files = await writeReportFiles(report, dir);
    const artifact = config.uploadArtifact
      ? await uploadReportArtifact({
          name: config.artifactName,
          files: files.all,
          rootDirectory: files.dir,
          retentionDays: config.retentionDays,
          runAttempt: report.run.runAttempt,
          runUrl: report.run.runUrl,
          log: actionLog,
        })
      : null;
    const comment = await commentOnPullRequest(config, report, artifact?.url ?? undefined);
    await exportReport(config, report, files);
    setOutputs({
      ...reportOutputs(report, { reportJson: files.json }),
      'comment-url': comment,
      'artifact-id': artifact ? String(artifact.id) : '',
    });
    await writeSummary(renderMarkdown(report), actionLog);
    announce(report);
  } catch (error) {
    // Outputs are set on every path, so a later step reads `unknown` rather than nothing.
    setOutputs({ decision: 'unknown' });
    core.setFailed(describeError(error));
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  } finally {
    interrupt.dispose();
  }
}
