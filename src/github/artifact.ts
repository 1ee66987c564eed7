import type { Log } from '../shared/log.js';

export interface ArtifactResult {
  id: number;
  name: string;
  url: string | null;
}

function isConflict(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /409|conflict|already exists/i.test(text);
}

/**
 * Uploads the report files as one artifact. Artifact names are unique within a workflow run, so
 * a re-run attempt (whose name would collide) gets `-attempt-N`. Without an artifact service
 * (a local run) it says so once and goes on. Never throws.
 */
export async function uploadReportArtifact(args: {
  name: string;
  files: string[];
  rootDirectory: string;
  retentionDays: number | undefined;
  runAttempt: string | null;
  runUrl: string | null;
  log: Log;
  env?: NodeJS.ProcessEnv;
}): Promise<ArtifactResult | null> {
  const env = args.env ?? process.env;
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    args.log.info(
      'No artifact service here (ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL unset): the report stays in report-dir.',
    );
    return null;
  }
  // Loaded only when an upload happens: the artifact client and the Azure SDK behind it are most
  // of the bundle, and the gate's decision should not wait for them to load.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const options =
    args.retentionDays === undefined || args.retentionDays === 0
      ? {}
      : { retentionDays: args.retentionDays };
  // Names are unique within a workflow run: a re-run attempt, or a second gate in the run,
  // finds the plain name taken and gets a suffixed one instead of a failed upload.
  const suffix =
    args.runAttempt && args.runAttempt !== '1'
      ? `-attempt-${args.runAttempt}`
      : `-${Date.now().toString(36)}`;
  const names = [args.name, `${args.name}${suffix}`];
  for (const name of names) {
    try {
      const result = await client.uploadArtifact(name, args.files, args.rootDirectory, options);
      if (result.id === undefined) throw new Error('the artifact service returned no id');
      const url = args.runUrl ? `${args.runUrl}/artifacts/${result.id}` : null;
      args.log.info(`Report uploaded as artifact '${name}' (id ${result.id}).`);
      return { id: result.id, name, url };
    } catch (error) {
      if (isConflict(error) && name !== names.at(-1)) {
        args.log.info(
          `An artifact named '${name}' already exists in this run; trying another name.`,
        );
        continue;
      }
      args.log.warning(
        `Could not upload the report artifact: ${error instanceof Error ? error.message : String(error)}. The files are in ${args.rootDirectory}.`,
      );
      return null;
    }
  }
  return null;
}
