import { HttpClient } from '../http/client.js';
import type { Log } from '../shared/log.js';
import { CLIENT_NAME, VERSION } from '../shared/version.js';

/**
 * `https://user:pass@host/…`: fetch-style clients drop the credentials of a URL silently, so they
 * are sent as Basic auth (RFC 7617), and both the password and the header value count as secrets.
 * A `webhook-headers` Authorization still wins, as the more explicit setting.
 */
export function basicAuth(target: URL): { headers: Record<string, string>; secrets: string[] } {
  if (target.username === '' && target.password === '') return { headers: {}, secrets: [] };
  const pair = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
  const value = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  const secrets = [value, decodeURIComponent(target.password), target.password];
  return { headers: { authorization: value }, secrets: secrets.filter((v) => v !== '') };
}

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
  const basic = basicAuth(target);
  const client = new HttpClient({
    service: 'Webhook',
    baseUrl: target.origin,
    headers: {
      'user-agent': `${CLIENT_NAME}/${VERSION}`,
      ...(Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')
        ? {}
        : basic.headers),
      ...headers,
    },
    // Header values often carry tokens; none may reach a log line.
    // Webhook URLs often carry their secret in the path (Slack, Teams), so the path is one too.
    secrets: [
      ...Object.values(headers),
      ...basic.secrets,
      `${target.pathname}${target.search}`,
    ].filter((v) => v.length >= 8),
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
