// The report of another workflow run, read from its report artifact: the base branch's newest
// successful run (Previous / New / Diff) or the run that triggered a `workflow_run` workflow
// (`mode: comment`). Needs only `actions: read`. The artifact is untrusted, whoever wrote it: the
// zip is size-capped, report.json inflated under a cap and checked against the report schema.
//
// Not `@actions/artifact`'s downloadArtifact: it streams any size to disk and retries a failed
// download five times, five seconds apart; here a refusal must be quick and memory bounded.
import type * as github from '@actions/github';
import type { BaseLookup, BaseRun } from '../report/comparison.js';
import { reportSchema, type ReportJson } from '../report/schema.js';
import { GateError } from '../shared/errors.js';
import { ArtifactTooLargeError, readZipEntry } from './report-zip.js';

type Octokit = ReturnType<typeof github.getOctokit>;

/** report.json, and the zip that carries it, are refused past this. */
export const MAX_REPORT_BYTES = 10 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 60_000;
/** How many of the branch's newest successful runs are searched for a report artifact. */
const RUNS_SEARCHED = 10;
/** Report artifacts read from one run (matrix legs, re-run attempts): each may be 10 MB. */
export const MAX_REPORTS_PER_RUN = 8;

export interface ArtifactSource {
  octokit: Octokit;
  owner: string;
  repo: string;
  /**
   * The `artifact-name`; the names `uploadReportArtifact` falls back to in the same run count
   * too (`<name>-attempt-N` for a re-run attempt, `<name>-<base 36 time>` for a second gate).
   */
  artifactName: string;
  maxBytes?: number;
  /** Aborts every request of the lookup (its deadline passed). */
  signal?: AbortSignal;
}

/** Why no report could be read, and the one line that says so. */
export interface Unread {
  ok: false;
  why: 'none' | 'expired' | 'forbidden' | 'too-large' | 'incompatible' | 'invalid';
  message: string;
}

export type ArtifactRead = { ok: true; report: ReportJson } | Unread;

/** The reports of a run's report artifacts, newest first; or why none could be read. */
export type ArtifactReads = { ok: true; reports: ReportJson[] } | Unread;

interface WireArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at?: string | null;
}

/** Octokit's request option for the lookup's abort signal, when it has one. */
function signalOf(source: ArtifactSource): { signal?: AbortSignal } {
  return source.signal ? { signal: source.signal } : {};
}

/** The HTTP status of an Octokit `RequestError`; undefined for anything else. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function unread(why: Unread['why'], message: string): Unread {
  return { ok: false, why, message };
}

/** A failed API call as a reason, or rethrown when it is not one a person can act on. */
function unreadFrom(error: unknown, what: string): Unread {
  const status = statusOf(error);
  if (status === 403) {
    return unread('forbidden', `No permission to read ${what} (the job needs actions: read).`);
  }
  if (status === 404) return unread('none', `${what} was not found.`);
  if (status === 410) return unread('expired', `The report artifact of ${what} has expired.`);
  if (error instanceof ArtifactTooLargeError) return unread('too-large', error.message);
  if (error instanceof GateError && error.kind === 'invalid-response') {
    return unread('invalid', error.message);
  }
  throw error;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True for `name` and the names `uploadReportArtifact` falls back to; nothing else that starts so. */
export function isReportArtifactName(artifact: string, name: string): boolean {
  return new RegExp(`^${escapeRegExp(name)}(-attempt-\\d+|-[0-9a-z]+)?$`).test(artifact);
}

/** The run's report artifacts, newest first: live ones, or else the expired ones (to say so). */
function reportArtifacts(artifacts: WireArtifact[], name: string): WireArtifact[] {
  const ours = artifacts.filter((a) => isReportArtifactName(a.name, name));
  const live = ours.filter((a) => !a.expired);
  const byNewest = (a: WireArtifact, b: WireArtifact) =>
    Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? '') || b.id - a.id;
  return (live.length > 0 ? live : ours).sort(byNewest);
}

/** Reads the report artifact of one workflow run (its newest); never throws for a reason a person can act on. */
export async function readRunReport(source: ArtifactSource, runId: number): Promise<ArtifactRead> {
  const read = await readRunReports(source, runId, 1);
  return read.ok ? { ok: true, report: read.reports[0]! } : read;
}

/**
 * Reads every report artifact of one workflow run (matrix legs each upload one), newest first,
 * at most `max`; one that cannot be read refuses the lot, since someone may have tampered with it.
 */
export async function readRunReports(
  source: ArtifactSource,
  runId: number,
  max = MAX_REPORTS_PER_RUN,
): Promise<ArtifactReads> {
  const what = `workflow run ${runId}`;
  try {
    const { data } = await source.octokit.rest.actions.listWorkflowRunArtifacts({
      owner: source.owner,
      repo: source.repo,
      run_id: runId,
      per_page: 100,
      request: signalOf(source),
    });
    const artifacts = reportArtifacts(data.artifacts, source.artifactName).slice(0, max);
    if (artifacts.length === 0) {
      return unread('none', `${what} has no artifact named ${source.artifactName}.`);
    }
    const reports: ReportJson[] = [];
    for (const artifact of artifacts) {
      const read = await readArtifact(source, artifact, what);
      if (!read.ok) return read;
      reports.push(read.report);
    }
    return { ok: true, reports };
  } catch (error) {
    return unreadFrom(error, what);
  }
}

async function readArtifact(
  source: ArtifactSource,
  artifact: WireArtifact,
  what: string,
): Promise<ArtifactRead> {
  if (artifact.expired) return unread('expired', `The report artifact of ${what} has expired.`);
  const max = source.maxBytes ?? MAX_REPORT_BYTES;
  if (artifact.size_in_bytes > max) {
    return unread('too-large', `The report artifact of ${what} is larger than ${mb(max)} MB.`);
  }
  const zip = await downloadZip(source, artifact.id, max);
  const bytes = readZipEntry(zip, 'report.json', max);
  if (!bytes) return unread('invalid', `The report artifact of ${what} has no report.json.`);
  return parseReport(bytes, what);
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** GitHub answers the download with a redirect to a short-lived signed blob URL. */
async function downloadZip(source: ArtifactSource, id: number, max: number): Promise<Buffer> {
  const { headers } = await source.octokit.rest.actions.downloadArtifact({
    owner: source.owner,
    repo: source.repo,
    artifact_id: id,
    archive_format: 'zip',
    request: { redirect: 'manual', ...signalOf(source) },
  });
  const location = headers.location;
  if (!location) {
    throw new GateError('invalid-response', 'The artifact download gave no redirect location.');
  }
  // The signed URL carries its own authorisation: the GitHub token is not sent along.
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  const signal = source.signal ? AbortSignal.any([source.signal, timeout]) : timeout;
  const response = await fetch(location, { signal });
  if (response.status === 410 || response.status === 404) {
    throw Object.assign(new Error('gone'), { status: 410 });
  }
  if (!response.ok || !response.body) {
    throw new GateError('server', `The artifact storage answered HTTP ${response.status}.`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += (chunk as Uint8Array).length;
    if (total > max) {
      await response.body.cancel().catch(() => undefined);
      throw new ArtifactTooLargeError(`The report artifact is larger than ${mb(max)} MB.`);
    }
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** report.json's bytes → a schema-valid report, or why not (another version, or not a report). */
export function parseReport(bytes: Buffer, what: string): ArtifactRead {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return unread('invalid', `The report.json of ${what} is not JSON; it was ignored.`);
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== 1) {
    return unread(
      'incompatible',
      `The report of ${what} is from an incompatible version (schemaVersion ${JSON.stringify(version ?? null)}); it was ignored.`,
    );
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.map(String).join('.') || 'report';
    return unread(
      'invalid',
      `The report.json of ${what} does not match the report schema (at ${at}); it was ignored.`,
    );
  }
  return { ok: true, report: parsed.data };
}

interface WireRun {
  id: number;
  event: string;
  head_sha: string;
  html_url: string;
  created_at: string;
  head_repository?: { full_name?: string } | null;
}

export interface BaseSearch extends ArtifactSource {
  /** The workflow file (`ci.yml`) or id whose runs are searched. */
  workflow: string;
  branch: string;
  /** This run's `comment-tag`: of a run's several reports (matrix legs), the one to compare with. */
  tag?: string | undefined;
}

/**
 * The base branch's report: the newest successful run of the workflow on `branch`, pushed to this
 * repository (a fork's pull request from its own `main` is not the base), that has the artifact.
 */
export async function findBaseReport(search: BaseSearch): Promise<BaseLookup> {
  const ref = search.branch;
  let runs: WireRun[];
  try {
    const { data } = await search.octokit.rest.actions.listWorkflowRuns({
      owner: search.owner,
      repo: search.repo,
      workflow_id: search.workflow,
      branch: search.branch,
      status: 'success',
      per_page: RUNS_SEARCHED * 2,
      request: signalOf(search),
    });
    const home = `${search.owner}/${search.repo}`;
    runs = (data.workflow_runs as WireRun[]).filter(
      (r) => !r.event.startsWith('pull_request') && (r.head_repository?.full_name ?? home) === home,
    );
  } catch (error) {
    return { ref, note: noteOf(unreadFrom(error, `the runs of ${search.workflow} on ${ref}`)) };
  }
  for (const run of runs.slice(0, RUNS_SEARCHED)) {
    const read = await readRunReports(search, run.id);
    if (read.ok) return { ref, report: sameTag(read.reports, search.tag), run: baseRun(run) };
    // A run without the artifact (the gate skipped) sends the search to the next older run.
    if (read.why !== 'none') return { ref, note: noteOf(read) };
  }
  return {
    ref,
    note: `No successful run of ${search.workflow} on ${ref} has a report artifact to compare with.`,
  };
}

/** The report of the same `comment-tag` (the same matrix leg), else the newest. */
function sameTag(reports: ReportJson[], tag: string | undefined): ReportJson {
  return reports.find((r) => r.tag === tag) ?? reports[0]!;
}

function baseRun(run: WireRun): BaseRun {
  return { id: String(run.id), url: run.html_url, sha: run.head_sha, time: run.created_at };
}

/** The one line a lookup that found nothing leaves in the report. */
function noteOf(read: Unread): string {
  return `No base comparison: ${read.message}`;
}
