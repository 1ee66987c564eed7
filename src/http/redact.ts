/** What a redacted secret is replaced with. */
export const REDACTED = '***';

/**
 * Removes every occurrence of each secret from a text, including its URL- and
 * JSON-escaped forms, so a token echoed back by an API or a proxy never reaches a log.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; real tokens are long.
    if (secret.length < 4) continue;
    const forms = new Set([
      secret,
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
    ]);
    for (const form of forms) out = out.split(form).join(REDACTED);
  }
  return out;
}
