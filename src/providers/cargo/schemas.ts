import * as z from 'zod';
import { schema } from '../../shared/lazy-schema.js';

// Answers of the Cargo API, as `@cargo-ai/types` 1.0.56 declares them. Only the fields the gate
// reads are checked; unknown fields are ignored, and every field typed `X | null` accepts null
// (the SDK turns null into undefined, so absent is accepted too). Each is built on first use: a
// decision reads three or four of them, and the runs page is read by hand (`run-page.ts`).

const credits = schema(() => z.number().finite().nonnegative());
const count = schema(() => z.number().int().nonnegative());
const isoDate = schema(() => z.string().min(1));

export const overageBehavior = schema(() =>
  z.object({
    unit: z.string(),
    action: z.enum(['deny', 'allow']),
  }),
);

export const subscription = schema(() =>
  z.object({
    uuid: z.string(),
    workspaceUuid: z.string().nullish(),
    plan: z.string().nullish(),
    cadence: z.string().nullish(),
    subscriptionStatus: z.string().nullish(),
    // An allocation and a count of credits used are never negative: `-1e6` used would read as a
    // million extra credits. Remaining (available − used) may go negative under overage; that is
    // computed, never sent, so rejecting negatives here is schema drift, not a strict reading.
    subscriptionAvailableCreditsCount: credits(),
    subscriptionCreditsUsedCount: credits(),
    additionalAvailableCreditsCount: credits().nullish(),
    creditsOverageBehaviors: z.array(overageBehavior()).nullish(),
    hasCredits: z.boolean().nullish(),
    startAt: isoDate().nullish(),
    resetAt: isoDate().nullish(),
    endAt: isoDate().nullish(),
    topup: z.object({ creditsCount: credits(), threshold: credits() }).nullish(),
  }),
);
export type Subscription = z.output<ReturnType<typeof subscription>>;
export const subscriptionAnswer = schema(() => z.object({ subscription: subscription() }));

export const usageMetricsAnswer = schema(() =>
  z.object({
    metrics: z.array(
      z.object({
        date: isoDate(),
        items: z.array(
          z.object({
            slug: z.string(),
            count: credits(),
            groupBy: z.string().nullish(),
          }),
        ),
      }),
    ),
  }),
);
export type UsageMetrics = z.output<ReturnType<typeof usageMetricsAnswer>>['metrics'];

// Only what a cost is computed from: a 200-run history page holds ~1,000 executions, and each
// field checked costs parse time on the decision's critical path (README "Performance").
export const execution = schema(() =>
  z.object({
    nodeUuid: z.string(),
    nodeSlug: z.string(),
    nodeKind: z.string(),
    creditsUsedCount: credits(),
    nodeActionSlug: z.string().nullish(),
    nodeIntegrationSlug: z.string().nullish(),
  }),
);
export type Execution = z.output<ReturnType<typeof execution>>;

export const RUN_STATUSES = [
  'idle',
  'pending',
  'running',
  'success',
  'error',
  'cancelling',
  'cancelled',
  'skipped',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const run = schema(() =>
  z.object({
    uuid: z.string(),
    workflowUuid: z.string(),
    batchUuid: z.string().nullish(),
    releaseUuid: z.string().nullish(),
    recordId: z.string(),
    recordTitle: z.string().nullish(),
    status: z.enum(RUN_STATUSES),
    errorMessage: z.string().nullish(),
    executions: z.array(execution()),
    createdAt: isoDate(),
    updatedAt: isoDate().nullish(),
    finishedAt: isoDate().nullish(),
  }),
);
export type Run = z.output<ReturnType<typeof run>>;

export const runsListAnswer = schema(() => z.object({ runs: z.array(run()), count: count() }));
export const runsCountAnswer = schema(() => z.object({ count: count() }));
export const runMetricsAnswer = schema(() =>
  z.object({
    runMetrics: z.array(
      z.object({
        nodeUuid: z.string(),
        totalExecutionsCount: count(),
        successExecutionsCount: count().nullish(),
        errorExecutionsCount: count().nullish(),
        creditsUsedCount: credits(),
      }),
    ),
  }),
);

export const BATCH_STATUSES = [
  'pending',
  'syncing',
  'skipped',
  'querying',
  'running',
  'success',
  'cancelling',
  'error',
  'cancelled',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const batch = schema(() =>
  z.object({
    uuid: z.string(),
    workflowUuid: z.string(),
    status: z.enum(BATCH_STATUSES),
    runsStatus: z.string().nullish(),
    runsCount: count(),
    executedRunsCount: count(),
    failedRunsCount: count(),
    creditsUsedCount: credits(),
    errorMessage: z.string().nullish(),
    createdAt: isoDate(),
    finishedAt: isoDate().nullish(),
  }),
);
export type Batch = z.output<ReturnType<typeof batch>>;
export const batchAnswer = schema(() => z.object({ batch: batch() }));
export const batchesListAnswer = schema(() => z.object({ batches: z.array(batch()) }));
export const batchPreviewAnswer = schema(() =>
  z.object({
    records: z.array(z.record(z.string(), z.unknown())),
    columns: z.array(z.unknown()).nullish(),
    count: count(),
  }),
);

/** `{"errorMessage": "...", "reason": "..."}`, Cargo's error body; either may be missing. */
// Plays and tools are the two ways a Cargo workflow is named (GET /orchestration/plays/list,
// /orchestration/tools/list); each names the workflow it runs. Only these two fields are read.
const namedWorkflow = schema(() => z.object({ workflowUuid: z.string(), name: z.string() }));
export type NamedWorkflow = z.output<ReturnType<typeof namedWorkflow>>;
export const playsListAnswer = schema(() => z.object({ plays: z.array(namedWorkflow()) }));
export const toolsListAnswer = schema(() => z.object({ tools: z.array(namedWorkflow()) }));

export const errorBody = schema(() =>
  z.object({
    errorMessage: z.string().optional(),
    reason: z.string().optional(),
  }),
);
