import type { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import { HttpClient, type HttpClientOptions, type HttpRequest } from '../../http/client.js';
import { CLIENT_NAME, VERSION } from '../../shared/version.js';
import * as s from './schemas.js';
import { readRunsPage } from './run-page.js';

export interface CargoClientOptions {
  apiUrl: string;
  token: string;
  workspaceUuid?: string | undefined;
  timeoutMs?: number;
  retries?: number;
  totalTimeoutMs?: number;
  sleep?: HttpClientOptions['sleep'];
  random?: () => number;
  now?: () => number;
  onRetry?: HttpClientOptions['onRetry'];
  onRequest?: HttpClientOptions['onRequest'];
  /** The job's abort signal: an interrupt aborts requests in flight (clean-up calls excepted). */
  signal?: AbortSignal;
}

export type UsageUnit = 'billing.credits' | 'orchestration.executions' | 'storage.records';

export interface UsageMetricsQuery {
  from: string;
  to: string;
  workflowUuid?: string;
  modelUuid?: string;
  connectorUuid?: string;
  integrationSlug?: string;
  slug?: string;
  agentUuid?: string;
  groupBy?: 'workflow_uuid' | 'connector_uuid' | 'model_uuid' | 'integration_slug' | 'agent_uuid';
  unit?: UsageUnit;
}

export interface RunsFilter {
  workflowUuid?: string;
  batchUuid?: string;
  releaseUuid?: string;
  statuses?: s.RunStatus[];
  isFinished?: boolean;
  recordId?: string;
  createdAfter?: string;
  createdBefore?: string;
  updatedAfter?: string;
  updatedBefore?: string;
}

export interface BatchesFilter {
  workflowUuids?: string[];
  statuses?: s.BatchStatus[];
  isFinished?: boolean;
  hasRuns?: boolean;
}

/** The `data` of a batch, as `POST /orchestration/batches` takes it. */
export type BatchData =
  | { kind: 'records'; records: Record<string, unknown>[] }
  | { kind: 'recordIds'; modelUuid: string; ids: string[] }
  | { kind: 'segment'; segmentUuid: string }
  | { kind: 'filter'; modelUuid: string; filter?: unknown; sort?: unknown; limit?: number }
  | { kind: string; [key: string]: unknown };

const BILLING_PREFIX = '/billing/';
/** The page asked for again when the API refuses a larger one (the SDK's examples use 100). */
const FALLBACK_RUNS_PAGE = 100;
/** Run pages read at once once the API's own page size is known. */
const PARALLEL_RUN_PAGES = 4;

/** Cargo's REST API with the wire conventions of the official SDK `@cargo-ai/api`. */
export class CargoClient {
  private readonly http: HttpClient;
  /**
   * Sends the clean-up calls (cancelling a batch, finding one whose creation answer was lost).
   * The job's abort signal does not reach it, so an interrupt still stops a batch; it makes one
   * attempt per call because the batch watcher retries with its own bounded backoff.
   */
  private readonly cleanupHttp: HttpClient;

  constructor(options: CargoClientOptions) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token}`,
      ...(options.workspaceUuid ? { 'selected-workspace-uuid': options.workspaceUuid } : {}),
      'x-cargo-origin': CLIENT_NAME,
      'x-cargo-origin-version': VERSION,
    };
    const common: HttpClientOptions = {
      service: 'Cargo API',
      baseUrl: `${options.apiUrl.replace(/\/+$/, '')}/v1`,
      headers,
      secrets: [options.token],
      readErrorBody: (body) => {
        const parsed = s.errorBody().safeParse(body);
        return parsed.success
          ? { message: parsed.data.errorMessage, reason: parsed.data.reason }
          : {};
      },
      ...pick(options, [
        'timeoutMs',
        'retries',
        'totalTimeoutMs',
        'sleep',
        'random',
        'now',
        'onRetry',
        'onRequest',
      ]),
    };
    this.http = new HttpClient({ ...common, ...pick(options, ['signal']) });
    this.cleanupHttp = new HttpClient({ ...common, retries: 0 });
  }

  private async call<S extends z.ZodType>(
    req: HttpRequest,
    schema: () => S,
    http = this.http,
    check?: (body: unknown) => z.output<S> | undefined,
  ): Promise<z.output<S>> {
    try {
      return await http.json(req, schema, check);
    } catch (error) {
      throw explain(error, req.path);
    }
  }

  /** 1. The subscription: credits available and used, overage behaviour. */
  async getSubscription(): Promise<s.Subscription> {
    return (
      await this.call({ method: 'GET', path: '/billing/subscriptions' }, s.subscriptionAnswer)
    ).subscription;
  }

  /** 2. Daily usage buckets; always pass `unit`, or credits and executions come mixed. */
  async getUsageMetrics(query: UsageMetricsQuery): Promise<s.UsageMetrics> {
    return (
      await this.call(
        { method: 'GET', path: '/billing/usage/metrics', query: { ...query } },
        s.usageMetricsAnswer,
      )
    ).metrics;
  }

  /** 6. One page of runs. */
  async listRuns(
    filter: RunsFilter & { limit?: number; offset?: number },
  ): Promise<{ runs: s.Run[]; count: number }> {
    return this.call(
      { method: 'POST', path: '/orchestration/runs/list', body: filter },
      s.runsListAnswer,
      this.http,
      readRunsPage,
    );
  }

  /** 7. How many runs match, without paging. */
  async countRuns(filter: RunsFilter): Promise<number> {
    return (
      await this.call(
        { method: 'POST', path: '/orchestration/runs/count', body: filter },
        s.runsCountAnswer,
      )
    ).count;
  }

  /** 9. Per-node execution counts and provider credits. */
  async getRunMetrics(payload: {
    workflowUuid: string;
    releaseUuid?: string;
    batchUuid?: string;
    createdAfter?: string;
    createdBefore?: string;
  }): Promise<z.output<ReturnType<typeof s.runMetricsAnswer>>['runMetrics']> {
    return (
      await this.call(
        { method: 'POST', path: '/orchestration/runs/metrics', body: payload },
        s.runMetricsAnswer,
      )
    ).runMetrics;
  }

  /** 10. Starts a batch. Not retried on 5xx: a retry could start (and bill) a second batch. */
  async createBatch(payload: {
    workflowUuid: string;
    releaseUuid?: string;
    data: BatchData;
  }): Promise<s.Batch> {
    const req: HttpRequest = {
      method: 'POST',
      path: '/orchestration/batches',
      body: payload,
      idempotent: false,
    };
    return (await this.call(req, s.batchAnswer)).batch;
  }

  /** 11. One batch, with its progress and credits used. */
  async getBatch(uuid: string): Promise<s.Batch> {
    return (
      await this.call({ method: 'GET', path: `/orchestration/batches/${enc(uuid)}` }, s.batchAnswer)
    ).batch;
  }

  /**
   * 12. One page of batches; `cleanup` sends it even after an interrupt, in one attempt; `signal`
   * gives up this request alone.
   */
  async listBatches(
    filter: BatchesFilter & { limit?: number; offset?: number },
    options: { cleanup?: boolean; signal?: AbortSignal } = {},
  ): Promise<s.Batch[]> {
    const req: HttpRequest = {
      method: 'GET',
      path: '/orchestration/batches/list',
      query: { ...filter },
      ...(options.signal ? { signal: options.signal } : {}),
    };
    return (
      await this.call(
        req,
        s.batchesListAnswer,
        options.cleanup === true ? this.cleanupHttp : this.http,
      )
    ).batches;
  }

  /**
   * 13. Cancels a batch, even after an interrupt, in one attempt; `batchAlreadyFinished` is not
   * an error for a caller that only wants it stopped.
   */
  async cancelBatch(uuid: string): Promise<'cancelled' | 'already-finished'> {
    try {
      await this.cleanupHttp.send({
        method: 'POST',
        path: `/orchestration/batches/${enc(uuid)}/cancel`,
      });
      return 'cancelled';
    } catch (error) {
      if (error instanceof ApiError && error.reason === 'batchAlreadyFinished')
        return 'already-finished';
      throw explain(error, '/orchestration/batches/cancel');
    }
  }

  /**
   * 16. The workspace's plays, each with its name and the workflow it runs, in one attempt;
   * `signal` gives it up (the job's own signal does not reach it: pass it).
   */
  async listPlays(signal?: AbortSignal): Promise<s.NamedWorkflow[]> {
    const req: HttpRequest = {
      method: 'GET',
      path: '/orchestration/plays/list',
      ...(signal ? { signal } : {}),
    };
    // One attempt on the single-attempt client: a name is not worth a retry, nor its log line.
    return (await this.call(req, s.playsListAnswer, this.cleanupHttp)).plays;
  }

  /** 16. The workspace's tools, like `listPlays`. */
  async listTools(signal?: AbortSignal): Promise<s.NamedWorkflow[]> {
    const req: HttpRequest = {
      method: 'GET',
      path: '/orchestration/tools/list',
      ...(signal ? { signal } : {}),
    };
    return (await this.call(req, s.toolsListAnswer, this.cleanupHttp)).tools;
  }

  /** 14. Counts a segment's or filter's records without running anything. */
  async previewBatch(payload: {
    workflowUuid: string;
    data: BatchData;
  }): Promise<{ count: number }> {
    return this.call(
      { method: 'POST', path: '/orchestration/batches/preview', body: payload },
      s.batchPreviewAnswer,
    );
  }

  /**
   * Every run matching `filter`, newest first, up to `cap`: one request for a page of the whole
   * `pageSize` (one round trip on the critical path). When the API answers a shorter page than
   * asked while `count` says more exist (a server-side page limit), the rest is read with pages
   * of the size it did answer, all at once since `count` gives every offset. An API that refuses
   * the page size outright (400/422) is asked again with the SDK's usual page of 100.
   */
  async listAllRuns(
    filter: RunsFilter,
    options: { cap?: number; pageSize?: number } = {},
  ): Promise<s.Run[]> {
    const cap = options.cap ?? 200;
    const limit = Math.min(options.pageSize ?? cap, cap);
    const first = await this.listRuns({ ...filter, limit, offset: 0 }).catch((error: unknown) => {
      const refused = error instanceof ApiError && (error.status === 400 || error.status === 422);
      if (!refused || limit <= FALLBACK_RUNS_PAGE) throw error;
      return this.listRuns({ ...filter, limit: FALLBACK_RUNS_PAGE, offset: 0 });
    });
    const wanted = Math.min(cap, first.count);
    const served = first.runs.length;
    if (served === 0 || served >= wanted) return first.runs.slice(0, cap);
    const offsets: number[] = [];
    for (let offset = served; offset < wanted; offset += served) offsets.push(offset);
    // At most a few pages at once: a server that pages by 10 must not get 20 requests together.
    const rest: s.Run[][] = [];
    for (let i = 0; i < offsets.length; i += PARALLEL_RUN_PAGES) {
      const pages = await Promise.all(
        offsets
          .slice(i, i + PARALLEL_RUN_PAGES)
          .map((offset) =>
            this.listRuns({ ...filter, limit: Math.min(served, wanted - offset), offset }),
          ),
      );
      rest.push(...pages.map((page) => page.runs));
    }
    // A run created or finished between pages shifts the offsets: the same run can come back on
    // two pages, and must count once.
    const seen = new Set<string>();
    return [...first.runs, ...rest.flat()]
      .filter((run) => !seen.has(run.uuid) && seen.add(run.uuid))
      .slice(0, cap);
  }

  /** Every batch matching `filter`, paging until a short page or `cap`. */
  async listAllBatches(
    filter: BatchesFilter,
    options: { cap?: number; pageSize?: number; cleanup?: boolean; signal?: AbortSignal } = {},
  ): Promise<s.Batch[]> {
    const cap = options.cap ?? 500;
    const pageSize = Math.min(options.pageSize ?? 100, cap);
    const batches: s.Batch[] = [];
    for (let offset = 0; batches.length < cap; offset += pageSize) {
      const page = await this.listBatches(
        { ...filter, limit: pageSize, offset },
        {
          cleanup: options.cleanup === true,
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
      batches.push(...page);
      if (page.length < pageSize) break;
    }
    return batches.slice(0, cap);
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** The options that are set, without the `undefined` ones (exactOptionalPropertyTypes). */
function pick<T extends object, K extends keyof T>(
  value: T,
  keys: K[],
): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys)
    if (value[key] !== undefined) out[key] = value[key] as Exclude<T[K], undefined>;
  return out;
}

/** Adds what a person should do about a Cargo error to its message. */
function explain(error: unknown, path: string): unknown {
  if (!(error instanceof ApiError)) return error;
  let hint: string | undefined;
  if (error.kind === 'auth') hint = 'check api-token: Cargo refused it (expired or mistyped?)';
  else if (error.kind === 'forbidden' && path.startsWith(BILLING_PREFIX)) {
    hint = 'billing endpoints need a token with admin access to the workspace';
  } else if (error.reason === 'notEnoughCredits')
    hint = 'the workspace has not enough credits to start it';
  else if (error.reason === 'workflowNotFound') hint = 'check workflow-uuid (and workspace-uuid)';
  if (hint === undefined) return error;
  error.message = `${error.message} — ${hint}`;
  return error;
}
