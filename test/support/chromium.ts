// A real headless Chromium (Debian's `chromium`), driven over the DevTools protocol with undici's
// WebSocket (Node 20 has no global one): open a page, collect every console error, exception and
// log error while it loads, evaluate expressions in it, and take a full-page screenshot.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';
import { onPath } from './pushgateway.js';

/** The Debian package that ships the binary; `.ci/run` installs it when missing. */
export const CHROMIUM_PACKAGE = 'chromium';
export const CHROMIUM_BIN = onPath('chromium', 'chromium-browser');

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export interface BrowserPage {
  /** Console errors, uncaught exceptions and log errors (CSP violations, failed loads) so far. */
  errors: string[];
  /** Loads `url` and waits for its load event. */
  open(url: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  /** Saves a PNG of the whole page (beyond the window) at `path`. */
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

/** Waits for Chromium's "DevTools listening on ws://…" line on stderr. */
function devtoolsUrl(child: ChildProcess, deadlineMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`chromium did not start: ${seen}`)),
      deadlineMs,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`chromium exited with ${code}: ${seen}`)));
  });
}

/** The first page target's own WebSocket, from the browser's /json/list. */
async function pageSocketUrl(browserUrl: string): Promise<string> {
  const { host } = new URL(browserUrl);
  const targets = (await (await fetch(`http://${host}/json/list`)).json()) as {
    type: string;
    webSocketDebuggerUrl: string;
  }[];
  const page = targets.find((t) => t.type === 'page');
  if (!page) throw new Error('chromium has no page target');
  return page.webSocketDebuggerUrl;
}

/** A DevTools session on one page: numbered commands and their answers, and event listeners. */
class Session {
  private next = 1;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly listeners: ((m: Message) => void)[] = [];

  constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as Message;
      if (message.id !== undefined) this.pending.get(message.id)?.(message);
      else for (const listen of this.listeners) listen(message);
    });
  }

  static async connect(url: string): Promise<Session> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });
    return new Session(socket);
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (m) => {
        this.pending.delete(id);
        if (m.error) reject(new Error(`${method}: ${m.error.message}`));
        else resolve(m.result ?? {});
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  on(listen: (m: Message) => void): void {
    this.listeners.push(listen);
  }

  close(): void {
    this.socket.close();
  }
}

/** The error-level messages among DevTools events, as one line each. */
function errorOf(m: Message): string | undefined {
  const p = m.params ?? {};
  if (m.method === 'Runtime.exceptionThrown') {
    const details = p.exceptionDetails as { text?: string; exception?: { description?: string } };
    return `exception: ${details.text} ${details.exception?.description ?? ''}`;
  }
  if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert'))
    return `console.${String(p.type)}: ${JSON.stringify(p.args)}`;
  const entry = p.entry as { level?: string; text?: string; source?: string } | undefined;
  if (m.method === 'Log.entryAdded' && entry?.level === 'error')
    return `log (${entry.source}): ${entry.text}`;
  return undefined;
}

/** Starts headless Chromium on a blank page with a fresh profile; `close()` ends that process. */
export async function launchChromium(bin: string): Promise<BrowserPage> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox; the page is our own file.
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--remote-debugging-port=0',
    `--user-data-dir=${profile}`,
    '--window-size=1000,1200',
    'about:blank',
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    const session = await Session.connect(await pageSocketUrl(await devtoolsUrl(child, 30_000)));
    return await openSession(session, async () => {
      session.close();
      child.kill('SIGTERM');
      await exited;
      rmSync(profile, { recursive: true, force: true });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

async function openSession(session: Session, close: () => Promise<void>): Promise<BrowserPage> {
  const errors: string[] = [];
  const loads: (() => void)[] = [];
  session.on((m) => {
    const error = errorOf(m);
    if (error) errors.push(error);
    if (m.method === 'Page.loadEventFired') loads.splice(0).forEach((done) => done());
  });
  await Promise.all(['Page.enable', 'Runtime.enable', 'Log.enable'].map((m) => session.send(m)));
  return {
    errors,
    async open(url) {
      const loaded = new Promise<void>((done) => loads.push(done));
      const answer = await session.send('Page.navigate', { url });
      if (typeof answer.errorText === 'string')
        throw new Error(`could not open ${url}: ${answer.errorText}`);
      await loaded;
    },
    async evaluate<T>(expression: string) {
      const answer = await session.send('Runtime.evaluate', { expression, returnByValue: true });
      if (answer.exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(answer)}`);
      return (answer.result as { value: T }).value;
    },
    async screenshot(path) {
      const metrics = await session.send('Page.getLayoutMetrics');
      const size = metrics.cssContentSize as { width: number; height: number };
      const clip = { x: 0, y: 0, width: size.width, height: size.height, scale: 1 };
      const shot = await session.send('Page.captureScreenshot', {
        format: 'png',
        captureBeyondViewport: true,
        clip,
      });
      writeFileSync(path, Buffer.from(String(shot.data), 'base64'));
    },
    close,
  };
}
