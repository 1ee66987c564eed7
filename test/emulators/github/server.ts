// A loopback stand-in for the GitHub REST and GraphQL APIs, as much as the PR comment uses:
// issue comments (list with Link paging, create, update, delete), the minimizeComment mutation,
// GET /user, token checks, and a fork mode in which the token is read-only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface EmulatedComment {
  id: number;
  node_id: string;
  issue: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
  minimized: { classifier: string } | null;
}

export interface GitHubEmulatorOptions {
  /** Tokens and who they are. `ghs_` tokens are installation tokens (GITHUB_TOKEN): /user answers 403. */
  tokens?: Record<string, { login: string; type: 'Bot' | 'User'; readOnly?: boolean }>;
}

export interface GitHubEmulator {
  url: string;
  comments: EmulatedComment[];
  requests: { method: string; path: string; body: string }[];
  /** Adds comments as another user would have written them. */
  seed(issue: number, bodies: string[], user?: EmulatedComment['user']): void;
  close(): Promise<void>;
}

export const GITHUB_TOKEN = 'ghs_emulatedInstallationToken0001';
export const FORK_TOKEN = 'ghs_emulatedForkReadOnlyToken0002';
export const PAT = 'ghp_emulatedPersonalToken0003';

const BODY_LIMIT = 65_536;

export async function startGitHubEmulator(
  options: GitHubEmulatorOptions = {},
): Promise<GitHubEmulator> {
  const tokens = options.tokens ?? {
    [GITHUB_TOKEN]: { login: 'github-actions[bot]', type: 'Bot' },
    [FORK_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', readOnly: true },
    [PAT]: { login: 'release-bot', type: 'User' },
  };
  const comments: EmulatedComment[] = [];
  const requests: GitHubEmulator['requests'] = [];
  let nextId = 1000;
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const send = (
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const wire = (c: EmulatedComment) => ({
    id: c.id,
    node_id: c.node_id,
    url: `${baseUrl}/repos/acme/leads/issues/comments/${c.id}`,
    html_url: `https://github.com/acme/leads/pull/${c.issue}#issuecomment-${c.id}`,
    body: c.body,
    user: { login: c.user.login, type: c.user.type, id: 1 },
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'NONE',
  });
  const add = (issue: number, body: string, user: EmulatedComment['user']) => {
    const now = new Date().toISOString();
    const c: EmulatedComment = {
      id: nextId,
      node_id: `IC_kwDO${nextId}`,
      issue,
      body,
      user,
      created_at: now,
      updated_at: now,
      minimized: null,
    };
    nextId += 1;
    comments.push(c);
    return c;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://github');
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, body: text });
      const auth = req.headers.authorization ?? '';
      const token = auth.replace(/^(token|bearer) /i, '');
      const who = tokens[token];
      if (!who)
        return send(res, 401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
        });
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const forbidden = () =>
        send(res, 403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest',
        });
      const path = url.pathname;
      let m: RegExpExecArray | null;

      if (req.method === 'GET' && path === '/user') {
        if (token.startsWith('ghs_')) return forbidden();
        return send(res, 200, { login: who.login, type: who.type, id: 1 });
      }
      if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path))) {
        const issue = Number(m[1]);
        if (req.method === 'GET') {
          const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
          const page = Number(url.searchParams.get('page') ?? 1);
          const all = comments.filter((c) => c.issue === issue);
          const last = Math.max(1, Math.ceil(all.length / perPage));
          const links: string[] = [];
          const link = (p: number, rel: string) =>
            `<${baseUrl}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
          if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
          if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
          return send(
            res,
            200,
            all.slice((page - 1) * perPage, page * perPage).map(wire),
            links.length ? { link: links.join(', ') } : {},
          );
        }
        if (req.method === 'POST') {
          if (who.readOnly) return forbidden();
          const b = typeof body.body === 'string' ? body.body : '';
          if (b.length > BODY_LIMIT)
            return send(res, 422, {
              message: 'Validation Failed',
              errors: [{ message: 'Body is too long (maximum is 65536 characters)' }],
            });
          return send(res, 201, wire(add(issue, b, who)));
        }
      }
      if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path))) {
        const comment = comments.find((c) => c.id === Number(m![1]));
        if (!comment) return send(res, 404, { message: 'Not Found' });
        if (req.method === 'PATCH') {
          if (who.readOnly) return forbidden();
          const b = typeof body.body === 'string' ? body.body : '';
          if (b.length > BODY_LIMIT)
            return send(res, 422, {
              message: 'Validation Failed',
              errors: [{ message: 'Body is too long (maximum is 65536 characters)' }],
            });
          comment.body = b;
          comment.updated_at = new Date().toISOString();
          return send(res, 200, wire(comment));
        }
        if (req.method === 'DELETE') {
          if (who.readOnly) return forbidden();
          comments.splice(comments.indexOf(comment), 1);
          res.writeHead(204);
          return res.end();
        }
      }
      if (req.method === 'POST' && path === '/graphql') {
        const query = typeof body.query === 'string' ? body.query : '';
        const variables = (body.variables ?? {}) as Record<string, unknown>;
        if (/minimizeComment/.test(query)) {
          if (who.readOnly)
            return send(res, 200, {
              data: { minimizeComment: null },
              errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }],
            });
          const comment = comments.find((c) => c.node_id === variables.subjectId);
          if (!comment)
            return send(res, 200, {
              data: null,
              errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to a node' }],
            });
          comment.minimized = { classifier: String(variables.classifier) };
          return send(res, 200, {
            data: {
              minimizeComment: {
                minimizedComment: {
                  isMinimized: true,
                  minimizedReason: String(variables.classifier).toLowerCase(),
                },
              },
            },
          });
        }
        return send(res, 200, { data: null, errors: [{ message: 'Unsupported query' }] });
      }
      send(res, 404, { message: 'Not Found' });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    comments,
    requests,
    seed(issue, bodies, user = { login: 'octocat', type: 'User' }) {
      for (const b of bodies) add(issue, b, user);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
