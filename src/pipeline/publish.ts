// One publish stage for the action and the CLI: report files, artifact, PR comment, Prometheus,
// webhook, step outputs, summary. One error policy: an export that fails is a warning, and
// everything after it (the decision, the outputs, the summary) is still written.
import type { Config } from '../inputs/config.js';
import { type ReportFiles, writeReportFiles } from '../export/report-files.js';
import { pushMetrics } from '../export/pushgateway.js';
import { writeTextfileAtomically } from '../export/textfile.js';
import { postWebhook } from '../export/webhook.js';
import { renderJson } from '../report/json.js';
import { renderPrometheus } from '../report/prometheus.js';
import { type Report, reportOutputs } from '../report/report.js';
import { describeError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';

/** Where the action publishes beyond files and exports; the CLI has none of these. */
export interface GithubSinks {
  uploadArtifact(
    files: ReportFiles,
    report: Report,
  ): Promise<{ id: number; url: string | null } | null>;
  comment(report: Report, artifactUrl: string | undefined): Promise<string>;
  setOutputs(values: Record<string, string>): void;
  writeSummary(report: Report, artifactUrl: string | undefined): Promise<void>;
}

export interface PublishTargets {
  /** Where report.json, .md, .html, observations.csv and metrics.prom go; none when undefined. */
  reportDir: string | undefined;
  config: Pick<
    Config,
    'prometheusFile' | 'webhookUrl' | 'webhookHeaders' | 'pushgatewayUrl' | 'pushgatewayHeaders'
  >;
  github?: GithubSinks;
  log: Log;
}

export interface Published {
  files: ReportFiles | null;
  commentUrl: string;
  artifactId: string;
}

type Attempt = <T>(what: string, work: () => Promise<T>) => Promise<T | null>;

/** The metrics: to node_exporter's textfile (self-hosted) and to a Pushgateway (hosted runners). */
async function exportMetrics(
  report: Report,
  config: PublishTargets['config'],
  attempt: Attempt,
  log: Log,
): Promise<void> {
  if (config.prometheusFile) {
    const path = config.prometheusFile;
    const written = await attempt('write prometheus-file', async () => {
      await writeTextfileAtomically(path, renderPrometheus(report));
      return true;
    });
    if (written) log.info(`Metrics written to ${path}.`);
  }
  if (config.pushgatewayUrl) {
    const url = config.pushgatewayUrl;
    const group = {
      repository: report.run.repository ?? '',
      workflow: report.subject,
      tag: report.tag,
    };
    await attempt('push the metrics to the Pushgateway', async () =>
      pushMetrics(url, config.pushgatewayHeaders, group, renderPrometheus(report), log),
    );
  }
}

/** Publishes the report everywhere it is asked to go; never throws for an export that fails. */
export async function publish(report: Report, targets: PublishTargets): Promise<Published> {
  const { log, github, config } = targets;
  const attempt: Attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (error) {
      log.warning(`Could not ${what}: ${describeError(error)}`);
      return null;
    }
  };
  const dir = targets.reportDir;
  // Files first: nothing is lost even when what follows fails.
  const files = dir
    ? await attempt('write the report files', () => writeReportFiles(report, dir))
    : null;
  if (files) log.info(`Report files written to ${files.dir}.`);
  const artifact =
    github && files
      ? await attempt('upload the report artifact', () => github.uploadArtifact(files, report))
      : null;
  const commentUrl = github
    ? await attempt('update the PR comment', () =>
        github.comment(report, artifact?.url ?? undefined),
      )
    : null;
  await exportMetrics(report, config, attempt, log);
  if (config.webhookUrl) {
    const url = config.webhookUrl;
    await attempt('post the webhook', () =>
      postWebhook(url, config.webhookHeaders, renderJson(report), log),
    );
  }
  const published = {
    files,
    commentUrl: commentUrl ?? '',
    artifactId: artifact ? String(artifact.id) : '',
  };
  if (github) {
    github.setOutputs({
      ...reportOutputs(report, { reportJson: files?.json ?? '' }),
      'comment-url': published.commentUrl,
      'artifact-id': published.artifactId,
    });
    await attempt('write the job summary', () =>
      github.writeSummary(report, artifact?.url ?? undefined),
    );
  }
  return published;
}
