import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LoggedRequest, startLoopback } from '../emulators/loopback.js';

export type Step = (req: IncomingMessage, res: ServerResponse) => void;

export interface ScriptedServer {
  url: string;
  /** Every request in arrival order (method, url, headers, body, time). */
  hits: LoggedRequest[];
  close(): Promise<void>;
}

/** A loopback server that answers each request with the next scripted step (the last one repeats). */
export async function scriptedServer(steps: Step[]): Promise<ScriptedServer> {
  let answered = 0;
  const server = await startLoopback(({ req, res }) => {
    const step = steps[Math.min(answered, steps.length - 1)];
    answered += 1;
    step?.(req, res);
  });
  return { url: server.url, hits: server.requests, close: server.close };
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

/** Never answers: the client's timeout must cut it. */
export const hang: Step = () => {};
