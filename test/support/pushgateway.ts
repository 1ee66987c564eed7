import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort } from '../emulators/loopback.js';

/** The Debian package that ships the binary; `.ci/run` installs it when missing. */
export const PUSHGATEWAY_PACKAGE = 'prometheus-pushgateway';

/** The first of `names` on PATH, or null. */
export function onPath(...names: string[]): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (dir !== '' && existsSync(candidate)) return candidate;
    }
  }
  return null;
}

/** Debian names the binary after the package; upstream's tarball calls it `pushgateway`. */
export const PUSHGATEWAY_BIN = onPath('prometheus-pushgateway', 'pushgateway');
export const PROMTOOL_BIN = onPath('promtool');

export interface Pushgateway {
  url: string;
  /** The gateway's own exposition, as Prometheus would scrape it. */
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

async function waitUntilReady(url: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pushgateway exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`pushgateway did not answer at ${url} within ${deadlineMs} ms`);
}

/** Starts the real Pushgateway on a free loopback port, without persistence, and waits for it. */
export async function startPushgateway(bin: string): Promise<Pushgateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Debian's build persists to /var/lib/prometheus by default: an empty file keeps it in memory,
  // so no run sees another's groups.
  const args = [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='];
  const child = spawn(bin, args, { stdio: 'pipe' });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await waitUntilReady(url, child, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return {
    url,
    scrape: async () => (await fetch(`${url}/metrics`)).text(),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `promtool check metrics` on a text: its exit code and what it said. */
export function promtoolCheck(bin: string, text: string): { code: number | null; output: string } {
  const result = spawnSync(bin, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}
