import { HttpClient } from '../http/client.js';
import type { Log } from '../shared/log.js';
import { CLIENT_NAME, VERSION } from '../shared/version.js';

/**
 * POSTs the JSON report to `url` with the extra headers, retrying transient failures through the
 * HTTP layer. A webhook that cannot be reached is a warning, never a failed gate. Resolves true
 * when it was delivered.
 */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  json: string,
  log: Log,
  options: { retries?: number; timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<boolean> {
  const target = new URL(url);
  const client = new HttpClient({
    service: 'Webhook',
    baseUrl: target.origin,
    headers: { 'user-agent': `${CLIENT_NAME}/${VERSION}`, ...headers },
    // Header values often carry tokens; none may reach a log line.
    // Webhook URLs often carry their secret in the path (Slack, Teams), so the path is one too.
    secrets: [...Object.values(headers), `${target.pathname}${target.search}`].filter(
      (v) => v.length >= 8,
    ),
    retries: options.retries ?? 3,
    timeoutMs: options.timeoutMs ?? 10_000,
    totalTimeoutMs: 60_000,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    onRetry: (info) =>
      log.info(`Webhook: retrying in ${Math.round(info.delayMs)} ms (${info.reason}).`),
  });
  try {
    await client.send({
      method: 'POST',
      path: `${target.pathname}${target.search}`,
      body: JSON.parse(json) as unknown,
    });
    log.info(`Webhook: report delivered to ${target.origin}.`);
    return true;
  } catch (error) {
    log.warning(
      `Webhook: could not deliver the report: ${error instanceof Error ? error.message : String(error)}`,
    );
    return false;
  }
}
