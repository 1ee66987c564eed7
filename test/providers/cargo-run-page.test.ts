// The hand-written reading of a runs page (src/providers/cargo/run-page.ts) stands in for zod's
// `runsListAnswer` on the critical path. Pinned: whatever it accepts, zod accepts with the very
// same output; whatever zod refuses, it refuses too (and zod then names the field).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRunsPage } from '../../src/providers/cargo/run-page.js';
import { RUN_STATUSES, runsListAnswer } from '../../src/providers/cargo/schemas.js';

/** A value that is sometimes right for a field and often wrong in every way JSON allows (and more). */
const anything = fc.oneof(
  fc.string(),
  fc.constant(''),
  fc.double(),
  fc.integer({ min: -3, max: 3 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

const execution = fc.record(
  {
    nodeUuid: fc.oneof(fc.uuid(), anything),
    nodeSlug: fc.oneof(fc.constantFrom('start', 'hunter', 'ai'), anything),
    nodeKind: fc.oneof(fc.constantFrom('native', 'connector'), anything),
    creditsUsedCount: fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), anything),
    nodeActionSlug: fc.oneof(fc.string(), fc.constant(null), anything),
    nodeIntegrationSlug: fc.oneof(fc.string(), fc.constant(null), anything),
    status: fc.string(),
    title: anything,
  },
  { requiredKeys: [] },
);

const run = fc.record(
  {
    uuid: fc.oneof(fc.uuid(), anything),
    workflowUuid: fc.oneof(fc.uuid(), anything),
    batchUuid: fc.oneof(fc.uuid(), fc.constant(null), anything),
    releaseUuid: fc.oneof(fc.uuid(), fc.constant(null), anything),
    recordId: fc.oneof(fc.string(), anything),
    recordTitle: fc.oneof(fc.string(), fc.constant(null), anything),
    status: fc.oneof(fc.constantFrom(...RUN_STATUSES), anything),
    errorMessage: fc.oneof(fc.string(), fc.constant(null), anything),
    executions: fc.oneof(fc.array(execution, { maxLength: 4 }), anything),
    createdAt: fc.oneof(fc.constant('2026-12-01T00:00:00.000Z'), anything),
    updatedAt: fc.oneof(fc.constant('2026-12-01T00:00:01.000Z'), fc.constant(null), anything),
    finishedAt: fc.oneof(fc.constant('2026-12-01T00:00:02.000Z'), fc.constant(null), anything),
    nodes: anything,
  },
  { requiredKeys: [] },
);

const page = fc.oneof(
  fc.record({ runs: fc.array(run, { maxLength: 4 }), count: fc.oneof(fc.nat(), anything) }),
  fc.record(
    { runs: fc.oneof(fc.array(run, { maxLength: 2 }), anything), count: maybe(anything) },
    { requiredKeys: [] },
  ),
  anything,
);

/** A run every required field of which is right, the nullish ones random: mostly accepted. */
const validRun = fc.record(
  {
    uuid: fc.uuid(),
    workflowUuid: fc.uuid(),
    recordId: fc.string(),
    status: fc.constantFrom(...RUN_STATUSES),
    executions: fc.array(
      fc.record(
        {
          nodeUuid: fc.uuid(),
          nodeSlug: fc.string(),
          nodeKind: fc.string(),
          creditsUsedCount: fc.double({ min: 0, max: 1e6, noNaN: true }),
          nodeActionSlug: fc.option(fc.string()),
        },
        { requiredKeys: ['nodeUuid', 'nodeSlug', 'nodeKind', 'creditsUsedCount'] },
      ),
      { maxLength: 6 },
    ),
    createdAt: fc.string({ minLength: 1 }),
    batchUuid: fc.option(fc.uuid()),
    finishedAt: fc.option(fc.string({ minLength: 1 })),
  },
  { requiredKeys: ['uuid', 'workflowUuid', 'recordId', 'status', 'executions', 'createdAt'] },
);

/** Every (object, key) of a page: the places one wrong value can go. */
function fieldsOf(value: unknown): [Record<string, unknown>, string][] {
  if (typeof value !== 'object' || value === null) return [];
  const holder = value as Record<string, unknown>;
  return Object.keys(holder).flatMap((key) => [
    [holder, key] as [Record<string, unknown>, string],
    ...fieldsOf(holder[key]),
  ]);
}

function agrees(body: unknown): boolean {
  const ours = readRunsPage(body);
  const theirs = runsListAnswer().safeParse(body);
  if (ours !== undefined) {
    expect(theirs.success).toBe(true);
    expect(ours).toStrictEqual(theirs.data);
  } else {
    // Refusing a page zod accepts would not be wrong (zod would read it), only slow: none is left.
    expect(theirs.success).toBe(false);
  }
  return ours !== undefined;
}

describe('readRunsPage: the same answer as runsListAnswer', () => {
  it('accepts what zod accepts, with the same output, and refuses what zod refuses', () => {
    let accepted = 0;
    fc.assert(
      fc.property(page, (body) => {
        if (agrees(body)) accepted += 1;
      }),
      { numRuns: 5_000 },
    );
    // The mix above is mostly wrong on purpose; valid pages are checked below.
    expect(accepted).toBeGreaterThan(0);
  });

  it('accepts valid pages of any shape the schema allows', () => {
    fc.assert(
      fc.property(fc.array(validRun, { maxLength: 8 }), fc.nat(), (runs, count) => {
        expect(agrees({ runs, count })).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees on a valid page with any one field replaced by anything', () => {
    fc.assert(
      fc.property(
        fc.array(validRun, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        anything,
        (runs, count, pick, value) => {
          const body = { runs, count } as Record<string, unknown>;
          const slots = fieldsOf(body);
          const [holder, key] = slots[pick % slots.length]!;
          if (value === undefined) delete holder[key];
          else holder[key] = value;
          agrees(body);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('reads a page as the emulator (the SDK-typed wire format) writes it', () => {
    const body = JSON.parse(
      readFileSync(new URL('../golden/cargo-runs-page.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(agrees(body)).toBe(true);
  });

  it('refuses one wrong field anywhere, so zod names it', () => {
    const good = {
      runs: [
        {
          uuid: 'r',
          workflowUuid: 'w',
          recordId: 'x',
          status: 'success',
          executions: [{ nodeUuid: 'n', nodeSlug: 's', nodeKind: 'native', creditsUsedCount: 1 }],
          createdAt: 't',
        },
      ],
      count: 1,
    };
    expect(agrees(good)).toBe(true);
    const bad: [string, (b: typeof good) => void][] = [
      ['negative credits', (b) => (b.runs[0]!.executions[0]!.creditsUsedCount = -1)],
      ['infinite credits', (b) => (b.runs[0]!.executions[0]!.creditsUsedCount = Infinity)],
      ['unknown status', (b) => (b.runs[0]!.status = 'done')],
      ['empty createdAt', (b) => (b.runs[0]!.createdAt = '')],
      ['fractional count', (b) => (b.count = 1.5)],
      ['count as text', (b) => ((b as { count: unknown }).count = '1')],
      ['no executions', (b) => delete (b.runs[0] as Partial<(typeof good.runs)[0]>).executions],
      ['empty updatedAt', (b) => ((b.runs[0] as Record<string, unknown>).updatedAt = '')],
    ];
    for (const [what, spoil] of bad) {
      const body = structuredClone(good);
      spoil(body);
      expect(readRunsPage(body), what).toBeUndefined();
      expect(runsListAnswer().safeParse(body).success, what).toBe(false);
    }
  });
});
