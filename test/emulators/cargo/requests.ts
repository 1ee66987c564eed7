// What the Cargo emulator accepts: request bodies and query strings as the official SDK's types
// (`@cargo-ai/api` 1.0.57 `Orchestration.Api.*` / `Billing.Api.*`, built on `@cargo-ai/types`)
// describe them. A request outside them gets the 400 the service gives a client that does not
// follow its own SDK, so a wrong request fails a test instead of passing against a lenient
// emulator. The type checks at the bottom fail to compile when the SDK's types move.
import type { Billing, Orchestration } from '@cargo-ai/api';
import { z } from 'zod';
import { refuse } from './refusal.js';

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
export const USAGE_UNITS = [
  'billing.credits',
  'orchestration.executions',
  'storage.records',
] as const;
export const GROUP_BYS = [
  'integration_slug',
  'connector_uuid',
  'model_uuid',
  'workflow_uuid',
  'agent_uuid',
] as const;
const CHANGE_KINDS = ['added', 'updated', 'removed', 'unchanged'] as const;
const BATCH_DATA_KINDS = [
  'segment',
  'change',
  'file',
  'filter',
  'runs',
  'recordIds',
  'records',
  'schedule',
  'form',
] as const;

const id = z.string().min(1);
/** A `Date` of the SDK's types goes over the wire as an ISO-8601 string (`DateToString`). */
const date = z.iso.datetime();
const count = z.number().int().nonnegative();
const records = z.array(z.record(z.string(), z.unknown()));
const changeKinds = z.array(z.enum(CHANGE_KINDS));

const conjonction = z.enum(['or', 'and']);
const executionsFilter = z.strictObject({
  conjonction,
  groups: z.array(
    z.strictObject({
      conjonction,
      conditions: z.array(
        z.strictObject({
          kind: z.literal('node'),
          nodeSlug: z.string(),
          status: z.enum(['absent', 'pending', 'success', 'error']),
          value: z.string().optional(),
        }),
      ),
    }),
  ),
});

/** The filters `runs/cancel` takes besides `uuids` (no statuses, no isFinished). */
const cancelFilters = {
  recordId: z.string().optional(),
  recordTitle: z.string().optional(),
  recordTitleOrId: z.string().optional(),
  releaseUuid: id.optional(),
  batchUuid: id.optional(),
  parentBatchUuid: id.optional(),
  parentUuid: id.optional(),
  parentNodeUuid: id.optional(),
  isGroupParent: z.boolean().optional(),
  executionsFilter: executionsFilter.optional(),
  createdAfter: date.optional(),
  createdBefore: date.optional(),
};

export const countRunsBody = z.strictObject({
  ...cancelFilters,
  workflowUuid: id.optional(),
  userUuid: id.optional(),
  statuses: z.array(z.enum(RUN_STATUSES)).optional(),
  isFinished: z.boolean().optional(),
  updatedAfter: date.optional(),
  updatedBefore: date.optional(),
});

export const listRunsBody = countRunsBody.extend({
  limit: count.optional(),
  offset: count.optional(),
});

export const cancelRunsBody = z
  .strictObject({ workflowUuid: id, uuids: z.array(id).optional(), ...cancelFilters })
  .refine(
    (body) => body.uuids === undefined || !Object.keys(body).some((key) => key in cancelFilters),
    { message: 'Cancel runs either by uuids or by filters, not both.' },
  );

export const runMetricsBody = z.strictObject({
  workflowUuid: id,
  releaseUuid: id.optional(),
  batchUuid: id.optional(),
  createdAfter: date.optional(),
  createdBefore: date.optional(),
});

export const createRunBody = z.strictObject({
  workflowUuid: id.optional(),
  releaseUuid: id.optional(),
  nodes: z.array(z.unknown()).optional(),
  data: z.unknown(),
});

const segmentData = z.strictObject({ kind: z.literal('segment'), segmentUuid: id });
const changeData = z.strictObject({ kind: z.literal('change'), changeUuid: id, changeKinds });
const filterData = z.strictObject({
  kind: z.literal('filter'),
  modelUuid: id,
  filter: z.unknown().optional(),
  sort: z.unknown().optional(),
  limit: count.optional(),
});
const recordIdsData = z.strictObject({
  kind: z.literal('recordIds'),
  modelUuid: id,
  ids: z.array(z.string()),
});
const recordsData = z.strictObject({ kind: z.literal('records'), records });
const scheduleData = z.strictObject({
  kind: z.literal('schedule'),
  modelUuid: id,
  segmentUuid: id,
  changeKinds,
});

export const createBatchBody = z.strictObject({
  workflowUuid: id.optional(),
  releaseUuid: id.optional(),
  nodes: z.array(z.unknown()).optional(),
  data: z.discriminatedUnion('kind', [
    segmentData,
    changeData,
    z.strictObject({
      kind: z.literal('file'),
      s3Filename: z.string(),
      mappings: z.record(z.string(), z.string()).optional(),
    }),
    filterData,
    z.strictObject({
      kind: z.literal('runs'),
      filter: z.record(z.string(), z.unknown()),
      reset: z.record(z.string(), z.unknown()),
    }),
    recordIdsData,
    recordsData,
    scheduleData.extend({ skip: z.boolean().optional() }),
    z.strictObject({
      kind: z.literal('form'),
      records,
      parentBatchUuid: id.optional(),
      parentRunUuid: id.optional(),
      parentNodeUuid: id.optional(),
    }),
  ]),
});

export const previewBatchBody = z.strictObject({
  workflowUuid: id,
  data: z.discriminatedUnion('kind', [
    segmentData,
    changeData,
    z.strictObject({ kind: z.literal('file'), s3Filename: z.unknown() }),
    filterData,
    z.strictObject({
      kind: z.literal('runs'),
      runUuids: z.array(id),
      reset: z.record(z.string(), z.unknown()),
    }),
    recordIdsData,
    z.strictObject({
      kind: z.literal('group'),
      items: z.array(z.unknown()),
      parentBatchUuid: id.optional(),
      parentRunUuid: id,
      parentNodeUuid: id,
    }),
    recordsData,
    scheduleData,
  ]),
});

// Query values arrive as text: numbers and booleans are read the way the service reads them.
const intText = z
  .string()
  .regex(/^\d+$/, 'expected a whole number')
  .transform((v) => Number(v));
const boolText = z.enum(['true', 'false']).transform((v) => v === 'true');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const listBatchesQuery = z.strictObject({
  workflowUuids: z.array(id).optional(),
  releaseUuid: id.optional(),
  parentBatchUuid: id.optional(),
  parentRunUuid: id.optional(),
  parentNodeUuid: id.optional(),
  statuses: z.array(z.enum(BATCH_STATUSES)).optional(),
  hasRuns: boolText.optional(),
  isSkipped: boolText.optional(),
  isFinished: boolText.optional(),
  includedDataKinds: z.array(z.enum(BATCH_DATA_KINDS)).optional(),
  excludedDataKinds: z.array(z.enum(BATCH_DATA_KINDS)).optional(),
  limit: intText.optional(),
  offset: intText.optional(),
});

const PLAY_SCHEDULE_TYPES = ['cron', 'dbt', 'realtime', 'dependency', 'watch'] as const;

/** GET /orchestration/plays/list's filters (the tools list takes none). */
export const listPlaysQuery = z.strictObject({
  isEnabled: boolText.optional(),
  modelUuid: id.optional(),
  segmentUuid: id.optional(),
  scheduleType: z.enum(PLAY_SCHEDULE_TYPES).optional(),
});

export const usageMetricsQuery = z.strictObject({
  from: day,
  to: day,
  workflowUuid: id.optional(),
  modelUuid: id.optional(),
  connectorUuid: id.optional(),
  integrationSlug: z.string().optional(),
  slug: z.string().optional(),
  agentUuid: id.optional(),
  groupBy: z.enum(GROUP_BYS).optional(),
  unit: z.enum(USAGE_UNITS).optional(),
});

/** No query at all (the GET endpoints that take none). */
export const noQuery = z.strictObject({});

/**
 * Reads a query string the way the service's parser (qs, Axios' counterpart) does for the flat
 * parameters these endpoints take: `key=v` is a string, `key[]=a&key[]=b` an array, a repeated
 * `key` an array. Other bracket forms keep their literal name and so meet "unrecognized key".
 */
export function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [rawKey, value] of new URLSearchParams(search)) {
    const isArray = rawKey.endsWith('[]');
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    const prior = out[key];
    if (prior === undefined) out[key] = isArray ? [value] : value;
    else out[key] = [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  return out;
}

/** Parses `value` with `schema`, or refuses with 400 and Cargo's error body naming each field. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  reason = 'invalidData',
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const where = (path: PropertyKey[]) => (path.length ? `${path.map(String).join('.')}: ` : '');
  const message = issues.map((i) => `${where(i.path)}${i.message}`).join('; ');
  // The batch endpoints name an unknown `data.kind` with their own reason.
  const kind = issues.some((i) => i.path.join('.') === 'data.kind');
  return refuse(400, `Invalid request: ${message}`, kind ? 'invalidDataKind' : reason);
}

// ---- Compile-time checks against the SDK's types -------------------------------------------

type AllKeys<T> = T extends unknown ? keyof T : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Every request the SDK's type allows passes the schema, and both name the same fields. */
type Mirrors<S extends z.ZodType, P> = [P] extends [z.input<S>]
  ? Same<AllKeys<z.input<S>>, AllKeys<P>>
  : false;
/** Query strings carry text: only the field names can be compared. */
type SameKeys<S extends z.ZodType, P> = Same<keyof z.input<S>, keyof P>;
type Assert<T extends true> = T;

export type _SdkChecks = [
  Assert<Same<(typeof RUN_STATUSES)[number], Orchestration.RunStatus>>,
  Assert<Same<(typeof BATCH_STATUSES)[number], Orchestration.BatchStatus>>,
  Assert<
    Same<(typeof BATCH_DATA_KINDS)[number], Orchestration.Api.CreateBatchPayload['data']['kind']>
  >,
  Assert<Same<(typeof USAGE_UNITS)[number], NonNullable<Billing.Api.UsageMetricsPayload['unit']>>>,
  Assert<Same<(typeof GROUP_BYS)[number], NonNullable<Billing.Api.UsageMetricsPayload['groupBy']>>>,
  Assert<Mirrors<typeof listRunsBody, Orchestration.Api.ListRunsPayload>>,
  Assert<Mirrors<typeof countRunsBody, Orchestration.Api.CountRunsPayload>>,
  Assert<Mirrors<typeof cancelRunsBody, Orchestration.Api.CancelRunsPayload>>,
  Assert<Mirrors<typeof runMetricsBody, Orchestration.Api.GetRunMetricsPayload>>,
  Assert<Mirrors<typeof createRunBody, Orchestration.Api.CreateRunPayload>>,
  Assert<Mirrors<typeof createBatchBody, Orchestration.Api.CreateBatchPayload>>,
  Assert<Mirrors<typeof previewBatchBody, Orchestration.Api.PreviewBatchPayload>>,
  Assert<SameKeys<typeof listBatchesQuery, Orchestration.Api.ListBatchesPayload>>,
  Assert<SameKeys<typeof usageMetricsQuery, Billing.Api.UsageMetricsPayload>>,
  Assert<SameKeys<typeof listPlaysQuery, Orchestration.Api.ListPlaysPayload>>,
  Assert<
    Same<
      (typeof PLAY_SCHEDULE_TYPES)[number],
      NonNullable<Orchestration.Api.ListPlaysPayload['scheduleType']>
    >
  >,
];
