// Fuzzing: any input string, any mutated API answer, any records file → a clear error of the
// right kind or a good value; never another exception, never NaN in an output.
import { LOCAL_RUN } from '../support/run-meta.js';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/inputs/config.js';
import { estimateFromObservations } from '../../src/engine/estimate.js';
import { decide } from '../../src/engine/gate.js';
import { project } from '../../src/engine/project.js';
import { ApiError, ConfigError } from '../../src/shared/errors.js';
import { parseAnswer } from '../../src/http/client.js';
import * as cargo from '../../src/providers/cargo/schemas.js';
import { observeRun } from '../../src/providers/cargo/source.js';
import * as venice from '../../src/providers/venice/schemas.js';
import { readRecordsFile } from '../../src/inputs/records-file.js';
import { buildReport, reportOutputs } from '../../src/report/report.js';
import { CARGO } from '../../src/providers/cargo/entry.js';
import { ROOT } from '../support/run-action.js';

const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const counts: Record<string, number> = {};
const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
afterAll(() => {
  for (const [name, n] of Object.entries(counts)) console.log(`fuzz ${name}: ${n} cases: ${n} ok`);
});

const RUN = {
  uuid: 'r-1',
  workflowUuid: 'wf',
  batchUuid: null,
  recordId: 'lead-1',
  recordTitle: 'Lead',
  status: 'success',
  errorMessage: null,
  executions: [
    {
      nodeUuid: 'n1',
      nodeSlug: 'start',
      nodeKind: 'native',
      status: 'success',
      creditsUsedCount: 0,
      errorMessage: null,
      nodeActionSlug: 'start',
    },
    {
      nodeUuid: 'n2',
      nodeSlug: 'enrich',
      nodeKind: 'connector',
      status: 'success',
      creditsUsedCount: 1.5,
      nodeIntegrationSlug: 'clearbit',
      nodeActionSlug: 'enrich',
      nodeConnectorUuid: 'c',
    },
  ],
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:01.000Z',
  finishedAt: '2026-11-01T00:00:01.000Z',
};
const SUBSCRIPTION = {
  subscription: {
    uuid: 's',
    subscriptionAvailableCreditsCount: 1000,
    subscriptionCreditsUsedCount: 100,
    creditsOverageBehaviors: [{ unit: 'billing.credits', action: 'deny' }],
  },
};
const BALANCE = { canConsume: true, consumptionCurrency: 'DIEM', balances: { diem: 10, usd: 5 } };
const LEDGER = {
  data: [
    {
      timestamp: '2026-11-01T00:00:00.000Z',
      sku: 'llama-input',
      pricePerUnitUsd: 0.7,
      units: 0.001,
      amount: -0.0007,
      currency: 'DIEM',
      notes: 'API',
      inferenceDetails: {
        requestId: 'q',
        promptTokens: 1000,
        completionTokens: null,
        inferenceExecutionTime: 20,
      },
    },
  ],
  nextCursor: null,
};

/** Every path (array of keys) to a value inside a JSON value. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v] as const)
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

const MUTATIONS = [
  'drop',
  'string',
  'null',
  'huge',
  'negative',
  'nan-string',
  'bool',
  'object',
  'extra',
] as const;

function mutate(
  value: unknown,
  path: (string | number)[],
  how: (typeof MUTATIONS)[number],
): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  if (path.length === 0)
    return how === 'extra' ? { ...(copy as object), extra: 1 } : how === 'null' ? null : 'garbage';
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const replacement: Record<string, unknown> = {
    string: 'x',
    null: null,
    huge: 1e308,
    negative: -5,
    'nan-string': 'NaN',
    bool: true,
    object: { a: 1 },
  };
  if (how === 'drop') delete node[last];
  else if (how === 'extra') node[`${String(last)}_extra`] = 'surprise';
  else node[last] = replacement[how];
  return copy;
}

const anyMutation = (base: unknown) =>
  fc.tuple(fc.constantFrom(...paths(base)), fc.constantFrom(...MUTATIONS));

function parsedOrInvalid<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).kind).toBe('invalid-response');
    return undefined;
  }
}

const config = parseConfig({
  'api-token': 'tok-fuzz',
  'workflow-uuid': 'wf',
  'record-count': '1000',
});
const meta = LOCAL_RUN;

describe('mutated API answers', () => {
  it('a run: parses or is invalid-response; a parsed one never puts NaN in an output', () => {
    fc.assert(
      fc.property(anyMutation({ runs: [RUN], count: 1 }), ([path, how]) => {
        count('cargo runs answers');
        const answer = parsedOrInvalid(() =>
          parseAnswer(
            cargo.runsListAnswer(),
            { body: mutate({ runs: [RUN], count: 1 }, path, how), status: 200 },
            'POST /v1/orchestration/runs/list',
            'Cargo API',
          ),
        );
        if (!answer || answer.runs.length === 0) return;
        const observations = answer.runs.map(observeRun);
        const estimate = estimateFromObservations('history', observations);
        const projection = project({
          estimate,
          observations,
          recordCount: 1000,
          confidence: 0.9,
          sampleOfBatch: false,
        });
        const gate = decide(
          projection,
          { remaining: 900, overageAllowed: false, unit: 'credits' },
          { budget: undefined, reserve: 0, warnThreshold: 0.8 },
        );
        const report = buildReport({
          settings: config,
          provider: 'cargo',
          vocabulary: CARGO.vocabulary,
          run: meta,
          subject: 'wf',
          tag: 'wf',
          recordCount: 1000,
          decision: gate.decision,
          reasons: gate.reasons,
          estimate,
          projection,
          gate,
        });
        expect(JSON.stringify(reportOutputs(report, { reportJson: 'r' }))).not.toMatch(
          /NaN|Infinity/,
        );
      }),
      { numRuns: 400 },
    );
  });

  it('a subscription, a Venice balance and a ledger page: parse or invalid-response', () => {
    for (const [name, schema, base] of [
      ['cargo subscription', cargo.subscriptionAnswer(), SUBSCRIPTION],
      ['venice balance', venice.balanceAnswer(), BALANCE],
      ['venice ledger', venice.usageHistoryAnswer(), LEDGER],
    ] as const) {
      fc.assert(
        fc.property(anyMutation(base), ([path, how]) => {
          count(`${name} answers`);
          const parsed = parsedOrInvalid(() =>
            parseAnswer(
              schema as never,
              { body: mutate(base, path, how), status: 200 },
              'GET /x',
              'API',
            ),
          ) as unknown;
          if (parsed && name === 'cargo subscription') {
            const s = (
              parsed as {
                subscription: {
                  subscriptionAvailableCreditsCount: number;
                  subscriptionCreditsUsedCount: number;
                };
              }
            ).subscription;
            expect(
              Number.isNaN(s.subscriptionAvailableCreditsCount - s.subscriptionCreditsUsedCount),
            ).toBe(false);
          }
        }),
        { numRuns: 200 },
      );
    }
  });
});

describe('records files', () => {
  const ext = fc.constantFrom('.json', '.ndjson', '.csv', '.txt');
  it('random bytes: counted, or one ConfigError naming records-file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        ext,
        fc.boolean(),
        async (bytes, extension, bom) => {
          count('random records files');
          const path = join(dir, `r${extension}`);
          writeFileSync(
            path,
            Buffer.concat([
              bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
              Buffer.from(bytes),
            ]),
          );
          try {
            const summary = await readRecordsFile(path, 3);
            expect(summary.count).toBeGreaterThan(0);
            expect(summary.firstRecords.length).toBeLessThanOrEqual(3);
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigError);
            expect((error as ConfigError).input).toBe('records-file');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  const field = fc.string({ maxLength: 12 }).map((s) => s.replace(/\uFEFF/g, ''));
  const records = fc.array(fc.record({ a: field, b: field }), { minLength: 1, maxLength: 20 });
  const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;

  it('CSV with quoted commas, quotes, CRLF and line breaks counts and reads back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(records, fc.constantFrom('\n', '\r\n'), async (rows, eol) => {
        count('generated CSV files');
        const path = join(dir, 'g.csv');
        writeFileSync(
          path,
          `\uFEFFa,b${eol}${rows.map((r) => `${csvCell(r.a)},${csvCell(r.b)}`).join(eol)}${eol}`,
        );
        const summary = await readRecordsFile(path, 5);
        expect(summary.count).toBe(rows.length);
        expect(summary.firstRecords).toEqual(
          rows.slice(0, 5).map((r) => ({ a: r.a.replace(/\r\n/g, '\r\n'), b: r.b })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('JSON arrays and NDJSON of any strings count exactly', async () => {
    await fc.assert(
      fc.asyncProperty(records, async (rows) => {
        count('generated JSON files');
        writeFileSync(
          join(dir, 'g.json'),
          JSON.stringify(rows, null, rows.length % 2 === 0 ? 2 : 0),
        );
        writeFileSync(join(dir, 'g.ndjson'), rows.map((r) => JSON.stringify(r)).join('\r\n'));
        expect((await readRecordsFile(join(dir, 'g.json'), 3)).firstRecords).toEqual(
          rows.slice(0, 3),
        );
        expect((await readRecordsFile(join(dir, 'g.ndjson'), 30)).count).toBe(rows.length);
      }),
      { numRuns: 200 },
    );
  });

  it('a 1 GB file is counted in a small, constant amount of memory', async () => {
    const path = join(dir, 'huge.json');
    const record = '{"id":1234567,"email":"someone@example.com","company":"Acme, \\"Inc\\""},\n';
    const chunk = record.repeat(Math.floor((1 << 20) / record.length));
    const chunks = Math.ceil(1024 ** 3 / chunk.length);
    const out = createWriteStream(path);
    out.write('[');
    for (let i = 0; i < chunks; i += 1)
      if (!out.write(chunk)) await new Promise<void>((done) => out.once('drain', () => done()));
    await new Promise<void>((done) => out.end('{"id":0}]', () => done()));
    const expected = chunks * Math.floor((1 << 20) / record.length) + 1;
    // A separate process, so its peak memory is the reader's alone.
    const script = `import { readRecordsFile } from ${JSON.stringify(join(ROOT, 'src', 'inputs', 'records-file.ts'))};
const s = await readRecordsFile(${JSON.stringify(path)}, 10);
console.log(JSON.stringify({ count: s.count, maxRssMb: process.resourceUsage().maxRSS / 1024 }));`;
    writeFileSync(join(dir, 'count.mts'), script);
    const child = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(dir, 'count.mts')],
      { encoding: 'utf8', timeout: 240_000 },
    );
    rmSync(path);
    expect(child.status, child.stderr).toBe(0);
    const { count: counted, maxRssMb } = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      count: number;
      maxRssMb: number;
    };
    console.log(
      `fuzz 1 GB records file: ${counted} records, peak memory ${Math.round(maxRssMb)} MB`,
    );
    expect(counted).toBe(expected);
    expect(maxRssMb).toBeLessThan(250);
  }, 300_000);
});
