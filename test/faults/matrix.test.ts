// The fault matrix: every endpoint the gate calls on each estimate source × every fault the
// emulators inject, through the bundled action. Each case must end in the right decision after
// retries (transient faults that clear) or in a classified error whose exit code follows
// on-api-error — never a stack trace, never a leaked token, always within a bounded time.
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CargoEmulator,
  FIXTURE,
  type Fault,
  type RouteId,
  startCargoEmulator,
} from '../emulators/cargo/server.js';
import {
  ADMIN_KEY,
  startVeniceEmulator,
  type VeniceEmulator,
  type VeniceRoute,
} from '../emulators/venice/server.js';
import { runAction } from '../support/run-action.js';

interface FaultCase {
  name: string;
  /** Cleared after one answer (so retries recover) or kept for every answer. */
  transient: boolean;
  make(paths: { remove: string; retype: string }): Fault;
}

const FAULTS: FaultCase[] = [
  {
    name: 'latency beyond the timeout',
    transient: true,
    make: () => ({ kind: 'latency', ms: 1_600 }),
  },
  { name: 'dropped connection', transient: true, make: () => ({ kind: 'drop' }) },
  {
    name: '429 with Retry-After',
    transient: true,
    make: () => ({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }),
  },
  {
    name: '500',
    transient: true,
    make: () => ({
      kind: 'status',
      status: 500,
      body: '{"errorMessage":"internal error","error":"internal error"}',
    }),
  },
  { name: '502 with empty body', transient: true, make: () => ({ kind: 'status', status: 502 }) },
  { name: 'malformed JSON', transient: false, make: () => ({ kind: 'malformed' }) },
  {
    name: 'required field missing',
    transient: false,
    make: (p) => ({ kind: 'drift', path: p.remove, op: 'remove' }),
  },
  {
    name: 'field of the wrong type',
    transient: false,
    make: (p) => ({ kind: 'drift', path: p.retype, op: 'retype' }),
  },
  {
    name: '401',
    transient: false,
    make: () => ({
      kind: 'status',
      status: 401,
      body: '{"errorMessage":"Not authorized","error":"Authentication failed"}',
    }),
  },
  {
    name: '403',
    transient: false,
    make: () => ({
      kind: 'status',
      status: 403,
      body: '{"errorMessage":"forbidden","error":"forbidden"}',
    }),
  },
];

interface Endpoint {
  source: string;
  provider: 'cargo' | 'venice';
  route: RouteId | VeniceRoute;
  paths: { remove: string; retype: string };
  inputs: Record<string, string>;
  /** Calls that spend money are not retried on 5xx, timeouts or dropped connections. */
  spends?: boolean;
  /**
   * The decision once the fault is recovered from: usage metrics (totals only) and a six-record
   * sample cannot support a trusted bound, so the gate warns rather than pass.
   */
  recovered?: 'pass' | 'warn';
}

const ENRICH = FIXTURE.workflows[0]!.uuid;
const sample = JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ id: `m-${i}` })));
const ENDPOINTS: Endpoint[] = [
  {
    source: 'cargo history',
    provider: 'cargo',
    route: 'subscription',
    paths: {
      remove: 'subscription.subscriptionCreditsUsedCount',
      retype: 'subscription.subscriptionAvailableCreditsCount',
    },
    inputs: { 'workflow-uuid': ENRICH, 'estimate-from': 'history' },
  },
  {
    source: 'cargo history',
    provider: 'cargo',
    route: 'runs-list',
    paths: { remove: 'runs.*.executions', retype: 'count' },
    inputs: { 'workflow-uuid': ENRICH, 'estimate-from': 'history' },
  },
  {
    source: 'cargo metrics',
    provider: 'cargo',
    route: 'usage-metrics',
    paths: { remove: 'metrics.*.items', retype: 'metrics.*.date' },
    inputs: { 'workflow-uuid': ENRICH, 'estimate-from': 'metrics' },
    recovered: 'warn',
  },
  {
    source: 'cargo metrics',
    provider: 'cargo',
    route: 'runs-count',
    paths: { remove: 'count', retype: 'count' },
    inputs: { 'workflow-uuid': ENRICH, 'estimate-from': 'metrics' },
    recovered: 'warn',
  },
  {
    source: 'cargo sample',
    provider: 'cargo',
    route: 'batches-create',
    spends: true,
    paths: { remove: 'batch.uuid', retype: 'batch.runsCount' },
    inputs: { 'workflow-uuid': ENRICH, 'estimate-from': 'sample', 'sample-records': sample },
    recovered: 'warn',
  },
  {
    source: 'cargo sample',
    provider: 'cargo',
    route: 'runs-list',
    paths: { remove: 'runs.*.status', retype: 'runs.*.executions' },
    inputs: { 'workflow-uuid': ENRICH, 'estimate-from': 'sample', 'sample-records': sample },
    recovered: 'warn',
  },
  {
    source: 'venice history',
    provider: 'venice',
    route: 'balance',
    paths: { remove: 'balances', retype: 'canConsume' },
    inputs: { provider: 'venice', 'estimate-from': 'history' },
  },
  {
    source: 'venice history',
    provider: 'venice',
    route: 'usage-history',
    paths: { remove: 'data.*.amount', retype: 'nextCursor' },
    inputs: { provider: 'venice', 'estimate-from': 'history' },
  },
];

const POLICIES = ['fail', 'warn', 'pass'] as const;
const cases = ENDPOINTS.flatMap((endpoint) => FAULTS.map((fault) => ({ endpoint, fault })));
const tally = { ok: 0, run: 0 };
const STACK = /\n\s+at .+:\d+:\d+/;

afterAll(() => {
  console.log(`fault matrix: ${tally.run} cases: ${tally.ok} ok`);
});

describe.concurrent('fault matrix', () => {
  it.each(
    cases.map(
      (c, i) => [`${c.endpoint.source} · ${c.endpoint.route} · ${c.fault.name}`, c, i] as const,
    ),
  )(
    '%s',
    async (_name, { endpoint, fault }, index) => {
      tally.run += 1;
      const policy = POLICIES[index % POLICIES.length]!;
      const recovers =
        fault.transient && !(endpoint.spends && fault.name !== '429 with Retry-After');
      let cargo: CargoEmulator | undefined;
      let venice: VeniceEmulator | undefined;
      try {
        const made = fault.make(endpoint.paths);
        let url: string;
        let token: string;
        if (endpoint.provider === 'cargo') {
          cargo = await startCargoEmulator();
          cargo.inject(endpoint.route as RouteId, made, fault.transient ? 1 : Infinity);
          url = cargo.url;
          token = FIXTURE.tokens.admin;
        } else {
          venice = await startVeniceEmulator({ historyRequests: 40 });
          venice.inject(endpoint.route as VeniceRoute, made, fault.transient ? 1 : Infinity);
          url = venice.url;
          token = ADMIN_KEY;
        }
        const result = await runAction({
          inputs: {
            'api-url': url,
            'api-token': token,
            'record-count': '10',
            'upload-artifact': 'false',
            'api-timeout-seconds': '1',
            'on-api-error': policy,
            ...endpoint.inputs,
          },
          timeoutMs: 40_000,
        });
        const all = `${result.stdout.replace(/^::add-mask::.*$/gm, '')}\n${result.stderr}\n${result.summary}\n${JSON.stringify(result.outputs)}`;
        expect(all, 'no token anywhere').not.toContain(token);
        expect(`${result.stdout}\n${result.stderr}`, 'no stack trace').not.toMatch(STACK);
        expect(result.durationMs, 'bounded time').toBeLessThan(30_000);
        expect(result.signal).toBeNull();
        expect(JSON.stringify(result.outputs)).not.toContain('NaN');
        if (recovers) {
          expect(result.code, result.stdout).toBe(0);
          expect(result.outputs.decision).toBe(endpoint.recovered ?? 'pass');
        } else {
          expect(result.outputs.decision, result.stdout).toBe('unknown');
          expect(result.code).toBe(policy === 'fail' ? 1 : 0);
          const annotation =
            policy === 'fail' ? '::error::' : policy === 'warn' ? '::warning' : '::notice';
          expect(result.stdout).toContain(annotation);
        }
        if (process.env.DEBUG_MATRIX) console.log(result.stdout);
        // A sample the gate started is never left running.
        if (cargo && endpoint.source === 'cargo sample') {
          cargo.model.tick();
          expect(
            [...cargo.model.batches.values()].filter(
              (b) => b.status === 'running' || b.status === 'pending',
            ),
          ).toEqual([]);
        }
        tally.ok += 1;
      } finally {
        await cargo?.close();
        await venice?.close();
      }
    },
    45_000,
  );
});
