import { randomBytes } from 'node:crypto';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../shared/errors.js';

/** One file to write whole: its path and its full content (or its pieces, written as they come). */
export interface TextFile {
  path: string;
  content: string | Iterable<string>;
}

/**
 * Writes a file atomically: a temporary file in the same directory, then a rename, so
 * node_exporter's textfile collector never reads half a file. The directory must exist.
 */
export async function writeTextfileAtomically(
  path: string,
  content: string,
  input = 'prometheus-file',
): Promise<void> {
  const dir = dirname(path);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ConfigError(
      input,
      `the directory '${dir}' does not exist; create it (the textfile collector's directory) first`,
    );
  }
  await writeFilesAtomically([{ path, content }]);
}

/**
 * Writes every file to a temporary name first and renames them only once all are written, so a
 * full disk leaves neither a 0-byte nor a half-written file: on failure the temporaries are removed.
 */
export async function writeFilesAtomically(files: TextFile[]): Promise<void> {
  const temps = files.map((file) => temporaryNameOf(file.path));
  try {
    // Written all at once: each write is trips through libuv's thread pool, and a decision
    // waits for its five report files before it exits (README "Performance"). Renamed one by
    // one once all are written, so a rename that fails leaves the later files unreplaced.
    await settledOrThrow(
      files.map((file, i) => writeFile(temps[i]!, file.content, { mode: 0o644 })),
    );
    for (const [i, file] of files.entries()) await rename(temps[i]!, file.path);
  } catch (error) {
    await Promise.all(temps.map((temp) => unlink(temp).catch(() => undefined)));
    throw error;
  }
}

/** Waits for every one (none left writing when the temporaries are removed), then throws the first error. */
async function settledOrThrow(work: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A hidden name beside `path`; the collector only reads *.prom, so it must not end in .prom. */
function temporaryNameOf(path: string): string {
  const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  return join(dirname(path), `.${basename(path)}.${suffix}`);
}
