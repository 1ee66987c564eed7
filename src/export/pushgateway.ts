import { HttpClient } from '../http/client.js';
import type { Log } from '../shared/log.js';
import { CLIENT_NAME, VERSION } from '../shared/version.js';
import { basicAuth } from './webhook.js';

/** The `job` every gate pushes under; the other grouping labels tell the gates apart. */
export const PUSH_JOB = 'batch_cost_gate';

/** The grouping key of one gate: its repository, the billed workflow (or scope) and its tag. */
export interface PushGroup {
  repository: string;
  workflow: string;
  tag: string;
}

/**
 * One `/<label>/<value>` path segment. The Pushgateway reads a value holding `/`, or an empty one,
 * only base64url-encoded with the `@base64` suffix on the label name (its README, "URL").
 */
function segment(label: string, value: string): string {
  if (value === '' || value.includes('/')) {
    return `/${label}@base64/${Buffer.from(value, 'utf8').toString('base64url') || '='}`;
  }
  return `/${label}/${encodeURIComponent(value)}`;
}

/** The group's path under the gateway: `/metrics/job/batch_cost_gate/repository/…/tag/…`. */
export function groupPath(group: PushGroup): string {
  return [
    '/metrics',
    segment('job', PUSH_JOB),
    segment('repository', group.repository),
    segment('workflow', group.workflow),
    segment('tag', group.tag),
  ].join('');
}

function pushClient(target: URL, headers: Record<string, string>, log: Log): HttpClient {
  const basic = basicAuth(target);
  const hasAuth = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  return new HttpClient({
    service: 'Pushgateway',
    baseUrl: `${target.origin}${target.pathname.replace(/\/+$/, '')}`,
    headers: {
      'user-agent': `${CLIENT_NAME}/${VERSION}`,
      ...(hasAuth ? {} : basic.headers),
      ...headers,
    },
    // Header values often carry tokens (a gateway behind an authenticating proxy).
    secrets: [...Object.values(headers), ...basic.secrets].filter((v) => v.length >= 8),
    retries: 3,
    timeoutMs: 10_000,
    totalTimeoutMs: 60_000,
    onRetry: (info) =>
      log.info(`Pushgateway: retrying in ${Math.round(info.delayMs)} ms (${info.reason}).`),
  });
}

/**
 * PUTs the rendered metric families as the group's whole content: a re-run of the same gate
 * replaces its own group, and another gate's group (another tag, workflow or repository) is never
 * touched. Transient failures are retried by the HTTP layer; what is left throws, for the
 * publish stage to turn into its one warning.
 */
export async function pushMetrics(
  url: string,
  headers: Record<string, string>,
  group: PushGroup,
  metrics: string,
  log: Log,
): Promise<void> {
  const target = new URL(url);
  await pushClient(target, headers, log).send({
    method: 'PUT',
    path: groupPath(group),
    // The text exposition format, as prom-client renders it for the textfile.
    rawBody: { contentType: 'text/plain; version=0.0.4; charset=utf-8', text: metrics },
  });
  log.info(`Pushgateway: metrics pushed to ${target.origin} (tag ${group.tag}).`);
}
