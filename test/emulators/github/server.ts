// A loopback stand-in for the GitHub REST and GraphQL APIs, as much as the PR comment uses:
// issue comments (list with Link paging, create, update, delete), the minimizeComment mutation,
// GET /user, token checks, and a fork mode in which the token is read-only.
import { type Exchange, type Fault, type LoggedRequest, startLoopback } from '../loopback.js';
import { type ActionsRoute, actionsRouteOf, ActionsStore } from './actions.js';

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

type Who = { login: string; type: 'Bot' | 'User'; readOnly?: boolean; noActions?: boolean };

export interface GitHubEmulatorOptions {
  /** Tokens and who they are. `ghs_` tokens are installation tokens (GITHUB_TOKEN): /user answers 403. */
  tokens?: Record<string, Who>;
}

export type GitHubRoute =
  | 'user'
  | 'comments-list'
  | 'comments-create'
  | 'comment-update'
  | 'comment-delete'
  | 'graphql'
  | ActionsRoute;

export interface GitHubEmulator {
  url: string;
  comments: EmulatedComment[];
  /** Workflow runs, their artifacts, and pull requests (base comparison, `mode: comment`). */
  actions: ActionsStore;
  requests: LoggedRequest<GitHubRoute>[];
  /** Adds comments as another user would have written them. */
  seed(issue: number, bodies: string[], user?: EmulatedComment['user']): void;
  inject(route: GitHubRoute | '*', fault: Fault, times?: number): void;
  close(): Promise<void>;
}

export const GITHUB_TOKEN = 'ghs_emulatedInstallationToken0001';
export const FORK_TOKEN = 'ghs_emulatedForkReadOnlyToken0002';
export const PAT = 'ghp_emulatedPersonalToken0003';
/** A GITHUB_TOKEN of a job without `actions: read`: the Actions endpoints answer 403. */
export const NO_ACTIONS_TOKEN = 'ghs_emulatedNoActionsToken0004';

const BODY_LIMIT = 65_536;
const ISSUE_COMMENTS = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/;
const ONE_COMMENT = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/;
const DOCS = 'https://docs.github.com/rest';
const TOO_LONG = {
  message: 'Validation Failed',
  errors: [{ message: 'Body is too long (maximum is 65536 characters)' }],
};
const FORBIDDEN = { message: 'Resource not accessible by integration', documentation_url: DOCS };

/** Names a request's endpoint, for the log and for aiming faults. */
function routeOf(method: string, url: URL): GitHubRoute | undefined {
  const path = url.pathname;
  const actions = actionsRouteOf(method, url);
  if (actions) return actions;
  if (method === 'GET' && path === '/user') return 'user';
  if (method === 'POST' && path === '/graphql') return 'graphql';
  if (ISSUE_COMMENTS.test(path)) {
    if (method === 'GET') return 'comments-list';
    if (method === 'POST') return 'comments-create';
  }
  if (ONE_COMMENT.test(path)) {
    if (method === 'PATCH') return 'comment-update';
    if (method === 'DELETE') return 'comment-delete';
  }
  return undefined;
}

/** The comments of the emulated repository, and how they look on the wire. */
class CommentStore {
  readonly comments: EmulatedComment[] = [];
  baseUrl = '';
  private nextId = 1000;

  add(issue: number, body: string, user: EmulatedComment['user']): EmulatedComment {
    const now = new Date().toISOString();
    const id = this.nextId++;
    const comment: EmulatedComment = {
      id,
      node_id: `IC_kwDO${id}`,
      issue,
      body,
      user,
      created_at: now,
      updated_at: now,
      minimized: null,
    };
    this.comments.push(comment);
    return comment;
  }

  wire(c: EmulatedComment): Record<string, unknown> {
    return {
      id: c.id,
      node_id: c.node_id,
      url: `${this.baseUrl}/repos/acme/leads/issues/comments/${c.id}`,
      html_url: `https://github.com/acme/leads/pull/${c.issue}#issuecomment-${c.id}`,
      body: c.body,
      user: { login: c.user.login, type: c.user.type, id: 1 },
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: 'NONE',
    };
  }
}

interface Call {
  store: CommentStore;
  who: Who;
  token: string;
  body: Record<string, unknown>;
  exchange: Exchange<GitHubRoute>;
}

/** Starts the emulator on 127.0.0.1 and a free port. */
export async function startGitHubEmulator(
  options: GitHubEmulatorOptions = {},
): Promise<GitHubEmulator> {
  const tokens = options.tokens ?? {
    [GITHUB_TOKEN]: { login: 'github-actions[bot]', type: 'Bot' },
    [FORK_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', readOnly: true },
    [PAT]: { login: 'release-bot', type: 'User' },
    [NO_ACTIONS_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', noActions: true },
  };
  const store = new CommentStore();
  const actions = new ActionsStore();
  const server = await startLoopback<GitHubRoute>(
    (exchange) => answer(store, actions, tokens, exchange),
    { route: routeOf },
  );
  store.baseUrl = server.url;
  actions.baseUrl = server.url;
  return {
    url: server.url,
    comments: store.comments,
    actions,
    requests: server.requests,
    seed(issue, bodies, user = { login: 'octocat', type: 'User' }) {
      for (const b of bodies) store.add(issue, b, user);
    },
    inject: server.inject,
    close: server.close,
  };
}

const ACTIONS_ROUTES = new Set<GitHubRoute>([
  'workflow-runs',
  'run-artifacts',
  'artifact-zip',
  'pulls-list',
]);

function answer(
  store: CommentStore,
  actions: ActionsStore,
  tokens: Record<string, Who>,
  exchange: Exchange<GitHubRoute>,
): void {
  const { request, json } = exchange;
  // The blob host authorises by the URL's signature, not a token.
  if (request.route === 'artifact-blob') return actions.answer('artifact-blob', exchange);
  const token = (request.headers.authorization ?? '').replace(/^(token|bearer) /i, '');
  const who = tokens[token];
  if (!who) return json(401, { message: 'Bad credentials', documentation_url: DOCS });
  let body: Record<string, unknown>;
  try {
    body = request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {};
  } catch {
    return json(400, { message: 'Problems parsing JSON', documentation_url: DOCS });
  }
  if (ACTIONS_ROUTES.has(request.route as GitHubRoute)) {
    const route = request.route as ActionsRoute;
    if (who.noActions && route !== 'pulls-list') return json(403, FORBIDDEN);
    return actions.answer(route, exchange);
  }
  const call: Call = { store, who, token, body, exchange };
  const handlers: Record<Exclude<GitHubRoute, ActionsRoute>, (call: Call) => void> = {
    user: currentUser,
    'comments-list': listComments,
    'comments-create': createComment,
    'comment-update': updateComment,
    'comment-delete': deleteComment,
    graphql,
  };
  const route = request.route;
  if (route === 'unknown') return json(404, { message: 'Not Found', documentation_url: DOCS });
  handlers[route as Exclude<GitHubRoute, ActionsRoute>](call);
}

function currentUser({ who, token, exchange }: Call): void {
  // An installation token (GITHUB_TOKEN) is not a user: GitHub answers 403 here.
  if (token.startsWith('ghs_')) return exchange.json(403, FORBIDDEN);
  exchange.json(200, { login: who.login, type: who.type, id: 1 });
}

function listComments({ store, exchange }: Call): void {
  const { url, json } = exchange;
  const issue = Number(ISSUE_COMMENTS.exec(url.pathname)![1]);
  const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
  const page = Number(url.searchParams.get('page') ?? 1);
  const all = store.comments.filter((c) => c.issue === issue);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const link = (p: number, rel: string) =>
    `<${store.baseUrl}${url.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  json(
    200,
    all.slice((page - 1) * perPage, page * perPage).map((c) => store.wire(c)),
    links.length ? { link: links.join(', ') } : {},
  );
}

function createComment({ store, who, body, exchange }: Call): void {
  if (who.readOnly) return exchange.json(403, FORBIDDEN);
  const text = typeof body.body === 'string' ? body.body : '';
  if (text.length > BODY_LIMIT) return exchange.json(422, TOO_LONG);
  const issue = Number(ISSUE_COMMENTS.exec(exchange.url.pathname)![1]);
  exchange.json(201, store.wire(store.add(issue, text, who)));
}

/** The comment a `/issues/comments/{id}` path names, or a 404 answered. */
function commentOf({ store, exchange }: Call): EmulatedComment | undefined {
  const id = Number(ONE_COMMENT.exec(exchange.url.pathname)![1]);
  const comment = store.comments.find((c) => c.id === id);
  if (!comment) exchange.json(404, { message: 'Not Found', documentation_url: DOCS });
  return comment;
}

function updateComment(call: Call): void {
  const comment = commentOf(call);
  if (!comment) return;
  if (call.who.readOnly) return call.exchange.json(403, FORBIDDEN);
  const text = typeof call.body.body === 'string' ? call.body.body : '';
  if (text.length > BODY_LIMIT) return call.exchange.json(422, TOO_LONG);
  comment.body = text;
  comment.updated_at = new Date().toISOString();
  call.exchange.json(200, call.store.wire(comment));
}

function deleteComment(call: Call): void {
  const comment = commentOf(call);
  if (!comment) return;
  if (call.who.readOnly) return call.exchange.json(403, FORBIDDEN);
  call.store.comments.splice(call.store.comments.indexOf(comment), 1);
  call.exchange.json(204);
}

/** GraphQL answers 200 with `errors`, never an HTTP error, as GitHub's does. */
function graphql({ store, who, body, exchange }: Call): void {
  const query = typeof body.query === 'string' ? body.query : '';
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  if (!/minimizeComment/.test(query))
    return exchange.json(200, { data: null, errors: [{ message: 'Unsupported query' }] });
  if (who.readOnly) {
    return exchange.json(200, {
      data: { minimizeComment: null },
      errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }],
    });
  }
  const comment = store.comments.find((c) => c.node_id === variables.subjectId);
  if (!comment) {
    return exchange.json(200, {
      data: null,
      errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to a node' }],
    });
  }
  const classifier = String(variables.classifier);
  comment.minimized = { classifier };
  exchange.json(200, {
    data: {
      minimizeComment: {
        minimizedComment: { isMinimized: true, minimizedReason: classifier.toLowerCase() },
      },
    },
  });
}
