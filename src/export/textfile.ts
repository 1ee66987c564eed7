import { randomBytes } from 'node:crypto';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../shared/errors.js';

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
  // The collector only reads *.prom, so the temporary name must not end in .prom.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { mode: 0o644 });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
