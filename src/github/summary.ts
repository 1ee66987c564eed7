import * as core from '@actions/core';

/** GitHub drops a step summary over 1 MiB whole; stay well under it. */
export const SUMMARY_LIMIT = 512 * 1024;

/** Appends the report's Markdown to the job summary (when the runner gives one). */
export async function writeSummary(
  markdown: string,
  log: { warning(message: string): void },
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  let text = markdown;
  if (Buffer.byteLength(text) > SUMMARY_LIMIT) {
    text = `${text.slice(0, SUMMARY_LIMIT - 200)}\n\n_The summary was cut to stay under GitHub's size limit; the report artifact has everything._\n`;
  }
  try {
    await core.summary.addRaw(text, true).write();
  } catch (error) {
    log.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
