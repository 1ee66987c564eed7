// The Actions side of the GitHub emulator: workflow runs (filtered by branch and status), a run's
// artifacts, the artifact download (302 to a signed, short-lived blob URL, 410 once expired, as
// GitHub answers), the blob itself, and the pull request list a fork's run is matched against.
import type { Exchange } from '../loopback.js';

export interface EmulatedArtifact {
  id: number;
  name: string;
  zip: Buffer;
  expired: boolean;
  created_at: string;
  /** What the listing says; the zip's length unless set. */
  sizeInBytes?: number;
}

export interface EmulatedRun {
  id: number;
  /** The workflow file, e.g. `cost.yml`. */
  workflow: string;
  branch: string;
  event: string;
  conclusion: 'success' | 'failure';
  head_sha: string;
  /** `owner/repo` the head commit lives in (a fork's for a fork pull request). */
  headRepository: string;
  created_at: string;
  artifacts: EmulatedArtifact[];
}

export interface EmulatedPull {
  number: number;
  state: 'open' | 'closed';
  head: { ref: string; sha: string; owner: string };
}

export type ActionsRoute =
  'workflow-runs' | 'run-artifacts' | 'artifact-zip' | 'artifact-blob' | 'pulls-list';

const RUNS = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/;
const RUN_ARTIFACTS = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/artifacts$/;
const ARTIFACT_ZIP = /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts\/(\d+)\/zip$/;
const BLOB = /^\/_blob\/artifacts\/(\d+)\.zip$/;
const PULLS = /^\/repos\/[^/]+\/[^/]+\/pulls$/;
const DOCS = 'https://docs.github.com/rest/actions';

/** Names an Actions request's endpoint. */
export function actionsRouteOf(method: string, url: URL): ActionsRoute | undefined {
  if (method !== 'GET') return undefined;
  const path = url.pathname;
  if (RUNS.test(path)) return 'workflow-runs';
  if (RUN_ARTIFACTS.test(path)) return 'run-artifacts';
  if (ARTIFACT_ZIP.test(path)) return 'artifact-zip';
  if (BLOB.test(path)) return 'artifact-blob';
  if (PULLS.test(path)) return 'pulls-list';
  return undefined;
}

/** The runs, artifacts and pull requests of the emulated repository. */
export class ActionsStore {
  readonly runs: EmulatedRun[] = [];
  readonly pulls: EmulatedPull[] = [];
  baseUrl = '';
  private nextArtifact = 9000;

  addRun(
    run: Omit<EmulatedRun, 'artifacts'> & { artifacts?: Omit<EmulatedArtifact, 'id'>[] },
  ): EmulatedRun {
    const artifacts = (run.artifacts ?? []).map((a) => ({ ...a, id: this.nextArtifact++ }));
    const stored = { ...run, artifacts };
    this.runs.push(stored);
    return stored;
  }

  private artifact(id: number): EmulatedArtifact | undefined {
    return this.runs.flatMap((r) => r.artifacts).find((a) => a.id === id);
  }

  answer(route: ActionsRoute, exchange: Exchange<string>, repo = 'acme/leads'): void {
    const { url, json } = exchange;
    if (route === 'workflow-runs') return this.listRuns(exchange, repo);
    if (route === 'run-artifacts') {
      const run = this.runs.find((r) => r.id === Number(RUN_ARTIFACTS.exec(url.pathname)![1]));
      if (!run) return json(404, { message: 'Not Found', documentation_url: DOCS });
      const artifacts = run.artifacts.map((a) => this.wireArtifact(a, run));
      return json(200, { total_count: artifacts.length, artifacts });
    }
    if (route === 'artifact-zip') {
      const artifact = this.artifact(Number(ARTIFACT_ZIP.exec(url.pathname)![1]));
      if (!artifact) return json(404, { message: 'Not Found', documentation_url: DOCS });
      if (artifact.expired)
        return json(410, { message: 'Artifact has expired', documentation_url: DOCS });
      // A signed URL on the storage host; the client must follow it without the GitHub token.
      const location = `${this.baseUrl}/_blob/artifacts/${artifact.id}.zip?sv=2025-01-05&se=soon&sig=emulated`;
      return json(302, undefined, { location });
    }
    if (route === 'artifact-blob') return this.blob(exchange);
    return this.listPulls(exchange);
  }

  private listRuns({ url, json }: Exchange<string>, repo: string): void {
    const workflow = decodeURIComponent(RUNS.exec(url.pathname)![3]!);
    const branch = url.searchParams.get('branch');
    const status = url.searchParams.get('status');
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const runs = this.runs
      .filter((r) => r.workflow === workflow || String(r.id) === workflow)
      .filter((r) => branch === null || r.branch === branch)
      .filter((r) => status === null || r.conclusion === status)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    json(200, {
      total_count: runs.length,
      workflow_runs: runs.slice(0, perPage).map((r) => ({
        id: r.id,
        name: r.workflow,
        event: r.event,
        status: 'completed',
        conclusion: r.conclusion,
        head_branch: r.branch,
        head_sha: r.head_sha,
        path: `.github/workflows/${r.workflow}`,
        html_url: `https://github.com/${repo}/actions/runs/${r.id}`,
        created_at: r.created_at,
        repository: { full_name: repo },
        head_repository: {
          full_name: r.headRepository,
          owner: { login: r.headRepository.split('/')[0] },
        },
      })),
    });
  }

  private wireArtifact(a: EmulatedArtifact, run: EmulatedRun): Record<string, unknown> {
    return {
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.sizeInBytes ?? a.zip.length,
      url: `${this.baseUrl}/repos/acme/leads/actions/artifacts/${a.id}`,
      archive_download_url: `${this.baseUrl}/repos/acme/leads/actions/artifacts/${a.id}/zip`,
      expired: a.expired,
      created_at: a.created_at,
      updated_at: a.created_at,
      expires_at: a.created_at,
      workflow_run: { id: run.id, head_branch: run.branch, head_sha: run.head_sha },
    };
  }

  private blob({ url, res }: Exchange<string>): void {
    const artifact = this.artifact(Number(BLOB.exec(url.pathname)![1]));
    if (!artifact || url.searchParams.get('sig') !== 'emulated') {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AuthenticationFailed</Code></Error>');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/zip',
      'content-length': String(artifact.zip.length),
    });
    res.end(artifact.zip);
  }

  private listPulls({ url, json }: Exchange<string>): void {
    const state = url.searchParams.get('state') ?? 'open';
    const head = url.searchParams.get('head');
    const pulls = this.pulls
      .filter((p) => state === 'all' || p.state === state)
      .filter((p) => head === null || `${p.head.owner}:${p.head.ref}` === head);
    json(
      200,
      pulls.map((p) => ({
        number: p.number,
        state: p.state,
        html_url: `https://github.com/acme/leads/pull/${p.number}`,
        head: {
          ref: p.head.ref,
          sha: p.head.sha,
          label: `${p.head.owner}:${p.head.ref}`,
          user: { login: p.head.owner },
        },
      })),
    );
  }
}
