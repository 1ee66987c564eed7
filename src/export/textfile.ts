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
  const temps: string[] = [];
  try {
    for (const file of files) {
      const temp = temporaryNameOf(file.path);
      temps.push(temp);
      await writeFile(temp, file.content, { mode: 0o644 });
    }
    for (const [i, file] of files.entries()) await rename(temps[i]!, file.path);
  } catch (error) {
    await Promise.all(temps.map((temp) => unlink(temp).catch(() => undefined)));
    throw error;
  }
}

/** A hidden name beside `path`; the collector only reads *.prom, so it must not end in .prom. */
function temporaryNameOf(path: string): string {
  const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  return join(dirname(path), `.${basename(path)}.${suffix}`);
}
