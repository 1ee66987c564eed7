export const id = 64;
export const ids = [64];
export const modules = {

/***/ 55064:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createOctokit: () => (/* binding */ createOctokit),
  upsertComment: () => (/* binding */ upsertComment)
});

// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js
var github = __webpack_require__(61351);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(49735);
// EXTERNAL MODULE: ./node_modules/bottleneck/light.js
var light = __webpack_require__(63251);
;// CONCATENATED MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
// pkg/dist-src/index.js


// pkg/dist-src/version.js
var VERSION = "0.0.0-development";

// pkg/dist-src/wrap-request.js
var noop = () => Promise.resolve();
function wrapRequest(state, request, options) {
  return state.retryLimiter.schedule(doRequest, state, request, options);
}
async function doRequest(state, request, options) {
  const { pathname } = new URL(options.url, "http://github.test");
  const isAuth = isAuthRequest(options.method, pathname);
  const isWrite = !isAuth && options.method !== "GET" && options.method !== "HEAD";
  const isSearch = options.method === "GET" && pathname.startsWith("/search/");
  const isGraphQL = pathname.startsWith("/graphql");
  const retryCount = ~~request.retryCount;
  const jobOptions = retryCount > 0 ? { priority: 0, weight: 0 } : {};
  if (state.clustering) {
    jobOptions.expiration = 1e3 * 60;
  }
  if (isWrite || isGraphQL) {
    await state.write.key(state.id).schedule(jobOptions, noop);
  }
  if (isWrite && state.triggersNotification(pathname)) {
    await state.notifications.key(state.id).schedule(jobOptions, noop);
  }
  if (isSearch) {
    await state.search.key(state.id).schedule(jobOptions, noop);
  }
  const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options);
  if (isGraphQL) {
    const res = await req;
    if (res.data.errors != null && res.data.errors.some((error) => error.type === "RATE_LIMITED")) {
      const error = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
        response: res,
        data: res.data
      });
      throw error;
    }
  }
  return req;
}
function isAuthRequest(method, pathname) {
  return method === "PATCH" && // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-a-scoped-access-token
  /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && // https://docs.github.com/en/rest/apps/oauth-applications?apiVersion=2022-11-28#reset-a-token
  (/^\/applications\/[^/]+\/token$/.test(pathname) || // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-an-installation-access-token-for-an-app
  /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  pathname === "/login/oauth/access_token");
}

// pkg/dist-src/generated/triggers-notification-paths.js
var triggers_notification_paths_default = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments"
];

// pkg/dist-src/route-matcher.js
function routeMatcher(paths) {
  const regexes = paths.map(
    (path) => path.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex2 = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})[^/]*$`;
  return new RegExp(regex2, "i");
}

// pkg/dist-src/index.js
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
  groups.global = new Bottleneck.Group({
    id: "octokit-global",
    maxConcurrent: 10,
    ...common
  });
  groups.auth = new Bottleneck.Group({
    id: "octokit-auth",
    maxConcurrent: 1,
    ...common
  });
  groups.search = new Bottleneck.Group({
    id: "octokit-search",
    maxConcurrent: 1,
    minTime: 2e3,
    ...common
  });
  groups.write = new Bottleneck.Group({
    id: "octokit-write",
    maxConcurrent: 1,
    minTime: 1e3,
    ...common
  });
  groups.notifications = new Bottleneck.Group({
    id: "octokit-notifications",
    maxConcurrent: 1,
    minTime: 3e3,
    ...common
  });
};
function throttling(octokit, octokitOptions) {
  const {
    enabled = true,
    Bottleneck = light,
    id = "no-id",
    timeout = 1e3 * 60 * 2,
    // Redis TTL: 2 minutes
    connection
  } = octokitOptions.throttle || {};
  if (!enabled) {
    return {};
  }
  const common = { timeout };
  if (typeof connection !== "undefined") {
    common.connection = connection;
  }
  const state = Object.assign(
    {
      clustering: connection != null,
      triggersNotification,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: 1e3,
      id
    },
    octokitOptions.throttle
  );
  if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") {
    throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
  }
  let initialized = false;
  const initializeBottleneck = () => {
    if (initialized) {
      return;
    }
    initialized = true;
    if (groups.global == null) {
      createGroups(Bottleneck, common);
    }
    state.global = state.global ?? groups.global;
    state.auth = state.auth ?? groups.auth;
    state.search = state.search ?? groups.search;
    state.write = state.write ?? groups.write;
    state.notifications = state.notifications ?? groups.notifications;
    state.retryLimiter = state.retryLimiter ?? new Bottleneck();
    const events = {};
    const emitter = new Bottleneck.Events(events);
    events.on("secondary-limit", state.onSecondaryRateLimit);
    events.on("rate-limit", state.onRateLimit);
    events.on(
      "error",
      (e) => octokit.log.warn("Error in throttling-plugin limit handler", e)
    );
    state.retryLimiter.on("failed", async function(error, info) {
      const [state2, request, options] = info.args;
      const { pathname } = new URL(options.url, "http://github.test");
      const shouldRetryGraphQL = pathname.startsWith("/graphql") && error.status !== 401;
      if (!(shouldRetryGraphQL || error.status === 403 || error.status === 429)) {
        return;
      }
      const retryCount = ~~request.retryCount;
      request.retryCount = retryCount;
      options.request.retryCount = retryCount;
      const { wantRetry, retryAfter = 0 } = await (async function() {
        if (/\bsecondary rate\b/i.test(error.message)) {
          const retryAfter2 = Number(error.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
          const wantRetry2 = await emitter.trigger(
            "secondary-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        if (error.response.headers != null && error.response.headers["x-ratelimit-remaining"] === "0" || (error.response.data?.errors ?? []).some(
          (error2) => error2.type === "RATE_LIMITED"
        )) {
          const rateLimitReset = new Date(
            ~~error.response.headers["x-ratelimit-reset"] * 1e3
          ).getTime();
          const retryAfter2 = Math.max(
            // Add one second so we retry _after_ the reset time
            // https://docs.github.com/en/rest/overview/resources-in-the-rest-api?apiVersion=2022-11-28#exceeding-the-rate-limit
            Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1,
            0
          );
          const wantRetry2 = await emitter.trigger(
            "rate-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        return {};
      })();
      if (wantRetry) {
        request.retryCount++;
        return retryAfter * state2.retryAfterBaseValue;
      }
    });
  };
  octokit.hook.wrap("request", (request, options) => {
    initializeBottleneck();
    return wrapRequest(state, request, options);
  });
  return {};
}
throttling.VERSION = VERSION;
throttling.triggersNotification = triggersNotification;


// EXTERNAL MODULE: ./src/report/comment-body.ts
var comment_body = __webpack_require__(7840);
;// CONCATENATED MODULE: ./src/github/comment.ts




/** The Octokit of `@actions/github`, retrying server errors and waiting out secondary rate limits. */
function createOctokit(token, log) {
    return github/* getOctokit */.Q(token, {
        ...(process.env.GITHUB_API_URL ? { baseUrl: process.env.GITHUB_API_URL } : {}),
        throttle: {
            onRateLimit: (after, options, _o, count) => {
                log.warning(`GitHub rate limit on ${options.method} ${options.url}; retrying in ${after} s.`);
                return count < 2;
            },
            onSecondaryRateLimit: (after, options, _o, count) => {
                log.warning(`GitHub secondary rate limit on ${options.method} ${options.url}; retrying in ${after} s.`);
                return count < 2;
            },
        },
        retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
    }, throttling, dist_bundle/* retry */.L);
}
/** The login the token comments as; installation tokens (GITHUB_TOKEN) may not read /user. */
async function ownLogin(octokit) {
    try {
        return (await octokit.rest.users.getAuthenticated()).data.login;
    }
    catch {
        return 'github-actions[bot]';
    }
}
/** Every comment of ours with exactly this tag, oldest first (all pages are read). */
async function findOwn(octokit, target, tag, login) {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner: target.owner,
        repo: target.repo,
        issue_number: target.issue,
        per_page: 100,
    });
    const found = [];
    for (const c of comments) {
        const marker = (0,comment_body/* parseMarker */.gY)(c.body ?? '');
        if (!marker || marker.tag !== tag || c.user?.login !== login)
            continue;
        found.push({ id: c.id, nodeId: c.node_id, body: c.body ?? '', url: c.html_url, marker });
    }
    return found;
}
function statusOf(error) {
    return typeof error === 'object' && error !== null && 'status' in error
        ? Number(error.status)
        : undefined;
}
/** Why no comment is written this time, or undefined when one may be. */
function skipReason(args, previous) {
    if (args.policy.comment === 'on-exceed' && args.decision === 'pass' && !previous)
        return 'the batch passes and there is no earlier comment to update';
    if (previous && previous.marker.time > args.time) {
        args.log.info(`Left the PR comment alone: it was written by a newer run (${previous.marker.time}).`);
        return 'a newer run wrote the comment';
    }
    return undefined;
}
/** Updates the previous comment in place, or hides / deletes it and writes a new one. */
async function write(args, previous, body) {
    const { octokit, target } = args;
    const mode = args.policy.commentMode;
    const base = { owner: target.owner, repo: target.repo };
    if (previous && mode === 'update') {
        // Same numbers as the comment already shows: a PATCH would only move its timestamp.
        if ((0,comment_body/* sameContent */.Cm)(previous.body, body))
            return { action: 'unchanged', url: previous.url };
        const updated = await octokit.rest.issues.updateComment({
            ...base,
            comment_id: previous.id,
            body,
        });
        return { action: 'updated', url: updated.data.html_url };
    }
    // The new verdict goes up first: a hide or delete that fails must never leave the PR showing
    // the old one (a stale "✅ pass" while this run fails).
    const created = await octokit.rest.issues.createComment({
        ...base,
        issue_number: target.issue,
        body,
    });
    if (previous && (mode === 'hide-and-new' || mode === 'delete-and-new')) {
        await retireOld(args, previous, mode);
    }
    return { action: 'created', url: created.data.html_url };
}
/** Hides or deletes the earlier comment; a failure is a warning, the new comment stands. */
async function retireOld(args, previous, mode) {
    const { octokit, target } = args;
    try {
        if (mode === 'hide-and-new') {
            await octokit.graphql('mutation($subjectId: ID!, $classifier: ReportedContentClassifiers!) { minimizeComment(input: { subjectId: $subjectId, classifier: $classifier }) { minimizedComment { isMinimized } } }', { subjectId: previous.nodeId, classifier: 'OUTDATED' });
        }
        else {
            await octokit.rest.issues.deleteComment({
                owner: target.owner,
                repo: target.repo,
                comment_id: previous.id,
            });
        }
    }
    catch (error) {
        const what = mode === 'hide-and-new' ? 'hide' : 'delete';
        const message = error instanceof Error ? error.message : String(error);
        args.log.warning(`Posted the new PR comment, but could not ${what} the earlier one (${previous.url}): ${message}`);
    }
}
/** A comment that could not be written: a warning that says what to do, never a throw. */
function failure(error, log) {
    const message = error instanceof Error ? error.message : String(error);
    // REST errors carry the status; GraphQL answers a refused mutation with 200 and the reason in
    // `errors` (GraphqlResponseError has no status), so for minimizeComment only the text tells.
    if (statusOf(error) === 403 || /not accessible by integration/i.test(message)) {
        log.warning('Could not write the PR comment: the token may not write to pull requests (a fork PR gets a read-only GITHUB_TOKEN). ' +
            'Add `permissions: pull-requests: write` to the job, or for fork PRs use the two-workflow pattern in the README ' +
            '(gate on pull_request and upload the report; post it from a workflow_run workflow). The job summary has the full report.');
        return { action: 'forbidden', reason: message };
    }
    log.warning(`Could not write the PR comment: ${message}. The job summary has the full report.`);
    return { action: 'failed', reason: message };
}
/**
 * Writes, updates, replaces or leaves the gate's PR comment, per `comment` and `comment-mode`.
 * Never throws: a comment that cannot be written is a warning, not a failed gate.
 */
async function upsertComment(args) {
    if (args.policy.comment === 'never')
        return { action: 'skipped', reason: 'comment is never' };
    try {
        const login = await ownLogin(args.octokit);
        const previous = (await findOwn(args.octokit, args.target, args.tag, login)).at(-1);
        const reason = skipReason(args, previous);
        if (reason !== undefined)
            return { action: 'skipped', reason };
        return await write(args, previous, args.render(previous?.marker));
    }
    catch (error) {
        return failure(error, args.log);
    }
}


/***/ })

};

//# sourceMappingURL=64.index.js.map