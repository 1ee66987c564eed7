import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { runAction } from '../support/run-action.js';

const [ENRICH, ROUTE] = FIXTURE.workflows as [
  (typeof FIXTURE.workflows)[0],
  (typeof FIXTURE.workflows)[0],
];
let emu: CargoEmulator;
beforeEach(async () => {
  emu = await startCargoEmulator();
});
afterEach(async () => emu.close());

function recordsFile(n: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'guard-')), 'records.ndjson');
  writeFileSync(
    path,
    Array.from({ length: n }, (_, i) => JSON.stringify({ id: `g-${i}` })).join('\n'),
  );
  return path;
}

const base = () => ({
  'api-url': emu.url,
  'api-token': FIXTURE.tokens.admin,
  'upload-artifact': 'false',
  'run-batch': 'true',
});
const used = () => emu.model.subscription.subscriptionCreditsUsedCount;
// A bound the engine calls low-confidence makes a warn; these tests are about the launch after it.
const launchOnWarn = { 'on-exceed': 'warn' };

describe('run-batch: the guard (bundled action)', () => {
  it('launches the batch on a pass, watches it to the end, and the receipt matches the debit', async () => {
    const before = used();
    const result = await runAction({
      inputs: {
        ...base(),
        ...launchOnWarn,
        'workflow-uuid': ROUTE.uuid,
        'records-file': recordsFile(24),
      },
    });
    expect(result.code, result.stdout).toBe(0);
    const batch = emu.model.batches.get(result.outputs['batch-uuid']!)!;
    expect(batch.status).toBe('success');
    expect(batch.runUuids).toHaveLength(24);
    expect(result.outputs['batch-status']).toBe('success');
    expect(Number(result.outputs['actual-credits'])).toBeCloseTo(used() - before, 4);
    expect(result.stdout).toMatch(/Batch .*: 24\/24 runs done/);
    expect(result.summary).toContain('Receipt of the launched batch');
  }, 60_000);

  it('cancels a batch that costs more than estimated within one poll interval of crossing the cap', async () => {
    // The provider raised its price after the history was recorded.
    emu.model.workflows.get(ENRICH.uuid)!.nodes[2]!.credits = 40;
    const before = used();
    const result = await runAction({
      inputs: {
        ...base(),
        ...launchOnWarn,
        'workflow-uuid': ENRICH.uuid,
        // Priced at about 85 credits from history: under the cap, so the gate launches it.
        'records-file': recordsFile(20),
        'hard-cap': '100',
      },
    });
    expect(result.code).toBe(1);
    expect(result.outputs['batch-status']).toBe('cancelled');
    const batch = emu.model.batches.get(result.outputs['batch-uuid']!)!;
    expect(batch.status).toBe('cancelled');
    // When did the batch's spend cross the cap, and when did the cancel arrive?
    let spend = 0;
    let crossedAt = Infinity;
    for (const event of emu.model.usage
      .filter(
        (e) =>
          e.at >= batch.createdAt && e.workflowUuid === ENRICH.uuid && e.unit !== 'storage.records',
      )
      .sort((a, b) => a.at - b.at)) {
      spend += event.unit === 'billing.credits' ? event.count : event.count / 100;
      if (spend >= 100) {
        crossedAt = event.at;
        break;
      }
    }
    const cancelAt = emu.requests.find((r) => r.route === 'batches-cancel')!.at;
    expect(cancelAt - crossedAt).toBeLessThanOrEqual(5_000 + 1_000);
    expect(result.stdout).toMatch(/::error::.*cancelled at the hard cap of 100 credits/);
    // The error line names the stop, never "fits the budget"; the heading never says pass.
    expect(result.stdout).not.toMatch(/::error::.*fits/);
    expect(result.summary).toContain('🛑 Batch cost gate: **stopped at hard cap**');
    expect(result.summary).not.toContain('✅');
    expect(result.summary).toMatch(
      /cost more than the estimate's upper bound allowed\. Node find\\_email cost/,
    );
    expect(result.summary).not.toMatch(/20 of 20 records run/);
    const after = used();
    emu.model.advance(120_000);
    expect(used()).toBe(after);
    expect(Number(result.outputs['actual-credits'])).toBeCloseTo(after - before, 4);
  }, 60_000);

  it('cancels the batch on SIGTERM (a cancelled workflow run)', async () => {
    emu.model.durationScale = 30;
    const result = await runAction({
      inputs: {
        ...base(),
        ...launchOnWarn,
        'workflow-uuid': ROUTE.uuid,
        'records-file': recordsFile(40),
      },
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (emu.requests.some((r) => r.route === 'batches-create')) {
            clearInterval(timer);
            setTimeout(() => child.kill('SIGTERM'), 300);
          }
        }, 50);
      },
    });
    expect(result.code).toBe(1);
    const batch = [...emu.model.batches.values()][0]!;
    expect(batch.status).toBe('cancelled');
    expect(result.stdout).toContain('Received SIGTERM');
  }, 60_000);

  it('detach: launches and leaves the batch running', async () => {
    emu.model.durationScale = 30;
    const result = await runAction({
      inputs: {
        ...base(),
        ...launchOnWarn,
        'workflow-uuid': ROUTE.uuid,
        'records-file': recordsFile(10),
        detach: 'true',
      },
    });
    expect(result.code).toBe(0);
    expect(result.outputs['batch-status']).toBe('running');
    expect(result.outputs['actual-credits']).toBe('');
    emu.model.tick();
    expect(['pending', 'running']).toContain(
      emu.model.batches.get(result.outputs['batch-uuid']!)!.status,
    );
    expect(emu.requests.some((r) => r.route === 'batches-cancel')).toBe(false);
  });

  it('sizes a segment with a free preview when record-count is not given', async () => {
    const data = JSON.stringify({ kind: 'segment', segmentUuid: 'seg-hot-leads' });
    const result = await runAction({
      inputs: { ...base(), 'run-batch': 'false', 'workflow-uuid': ROUTE.uuid, 'batch-data': data },
    });
    expect(result.code, result.stdout).toBe(0);
    const previewed = 500 + (('seg-hot-leads'.length * 97) % 4500);
    expect(result.stdout).toContain(
      `Sized the pool with a batch preview (free): ${previewed} records`,
    );
    expect(Number(result.outputs['projected-credits'])).toBeCloseTo(
      previewed * Number(result.outputs['credits-per-record']),
      3,
    );
    expect(emu.model.batches.size).toBe(0);
  });

  it('reports notEnoughCredits on creation clearly and fails', async () => {
    emu.inject('batches-create', {
      kind: 'status',
      status: 400,
      body: JSON.stringify({ errorMessage: 'Not enough credits.', reason: 'notEnoughCredits' }),
    });
    const result = await runAction({
      inputs: {
        ...base(),
        ...launchOnWarn,
        'workflow-uuid': ROUTE.uuid,
        'records-file': recordsFile(5),
      },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /::error::.*Not enough credits\. — the workspace has not enough credits to start it/,
    );
    expect(emu.model.batches.size).toBe(0);
  });

  it('does not launch a batch the gate fails', async () => {
    const result = await runAction({
      inputs: {
        ...base(),
        'workflow-uuid': ENRICH.uuid,
        'records-file': recordsFile(20),
        budget: '1',
      },
    });
    expect(result.code).toBe(1);
    expect(emu.model.batches.size).toBe(0);
    expect(result.outputs['batch-uuid']).toBe('');
  });
});

// Issue 15, "Never lose money": each row of its table that concerns the Cargo guard, through the
// bundle. Each test has its own emulator, so they run side by side.
describe.concurrent(
  'run-batch: every batch the gate starts is finished, cancelled, or named',
  () => {
    const ROUTE_UUID = ROUTE.uuid;
    async function withCargo(work: (emu: CargoEmulator) => Promise<void>): Promise<void> {
      const own = await startCargoEmulator();
      try {
        await work(own);
      } finally {
        await own.close();
      }
    }
    /** A launch the decision allows (the bound may be low-confidence, hence on-exceed: warn). */
    const launching = (own: CargoEmulator, extra: Record<string, string> = {}) => ({
      'api-url': own.url,
      'api-token': FIXTURE.tokens.admin,
      'upload-artifact': 'false',
      'run-batch': 'true',
      'on-exceed': 'warn',
      'estimate-from': 'history',
      'workflow-uuid': ROUTE_UUID,
      'records-file': recordsFile(20),
      ...extra,
    });
    const batchesOf = (own: CargoEmulator) => [...own.model.batches.values()];
    const onlyBatchOf = (own: CargoEmulator) => {
      expect(batchesOf(own)).toHaveLength(1);
      return batchesOf(own)[0]!;
    };
    const errorLine = (stdout: string) => /^::error::(.*)$/m.exec(stdout)?.[1] ?? '';

    it('row "records-file of 2,000 with record-count 10": a config error before any request', async () => {
      await withCargo(async (own) => {
        const result = await runAction({
          inputs: launching(own, { 'records-file': recordsFile(2_000), 'record-count': '10' }),
        });
        expect(result.code).toBe(1);
        expect(errorLine(result.stdout)).toMatch(
          /Input 'record-count': is 10, but run-batch would launch the 2000 records of records-file/,
        );
        expect(own.requests).toHaveLength(0);
      });
    }, 60_000);

    it('row "stuck in querying": cancelled at batch-timeout-minutes, named on every progress line', async () => {
      await withCargo(async (own) => {
        own.model.batchBehaviour = { stallInQuerying: true };
        const result = await runAction({
          inputs: launching(own, { 'batch-timeout-minutes': '0.05' }),
        });
        const batch = onlyBatchOf(own);
        expect(result.code, result.stdout).toBe(1);
        expect(batch.status).toBe('cancelled');
        expect(result.outputs['batch-uuid']).toBe(batch.uuid);
        expect(result.outputs['batch-status']).toBe('cancelled');
        const progress = result.stdout
          .split('\n')
          .filter((l) => l.startsWith(`Batch ${batch.uuid}:`));
        expect(progress.length).toBeGreaterThanOrEqual(2);
        for (const line of progress) expect(line).toContain('of 0.05 min (batch-timeout-minutes)');
        expect(result.stdout).toMatch(/past batch-timeout-minutes: cancelling batch/);
        expect(result.summary).toContain('stopped at batch timeout');
      });
    }, 60_000);

    it('row "GET batches/{uuid} fails": the batch is cancelled, and batch-uuid, batch-status, actual-credits are set', async () => {
      await withCargo(async (own) => {
        own.model.durationScale = 30;
        own.inject('batches-get', { kind: 'status', status: 500, body: '{"errorMessage":"boom"}' });
        const result = await runAction({ inputs: launching(own, { 'api-timeout-seconds': '1' }) });
        const batch = onlyBatchOf(own);
        expect(result.code).toBe(1);
        expect(batch.status).toBe('cancelled');
        expect(result.outputs['batch-uuid']).toBe(batch.uuid);
        expect(result.outputs['batch-status']).toBe('cancelling');
        expect(result.outputs['actual-credits']).toMatch(/^\d+(\.\d+)?$/);
        expect(errorLine(result.stdout)).toContain(batch.uuid);
      });
    }, 60_000);

    it('row "cancel answers 500": retried for a bounded time, then the step fails naming the batch', async () => {
      await withCargo(async (own) => {
        // Long enough (a record a second) to outlast the gate's retries.
        own.model.batchBehaviour = { creditsPerSecond: 10, refuseCancels: Infinity };
        const result = await runAction({
          inputs: launching(own, { 'hard-cap': '40', 'records-file': recordsFile(80) }),
        });
        const batch = onlyBatchOf(own);
        expect(result.code).toBe(1);
        expect(errorLine(result.stdout)).toContain(`Could not cancel batch ${batch.uuid}`);
        expect(result.outputs['batch-uuid']).toBe(batch.uuid);
        expect(result.outputs['batch-status']).toBe('running');
        expect(Number(result.outputs['actual-credits'])).toBeGreaterThanOrEqual(40);
        expect(own.requests.filter((r) => r.route === 'batches-cancel').length).toBeGreaterThan(3);
        expect(result.summary).not.toContain('✅');
      });
    }, 90_000);

    it('row "run-batch create answer lost": the orphan is found and cancelled, and batch-uuid names it', async () => {
      await withCargo(async (own) => {
        own.model.durationScale = 30;
        own.loseAnswers('batches-create', 1);
        const result = await runAction({ inputs: launching(own) });
        const batch = onlyBatchOf(own);
        expect(result.code).toBe(1);
        expect(batch.status).toBe('cancelled');
        expect(result.outputs['batch-uuid']).toBe(batch.uuid);
        expect(errorLine(result.stdout)).toContain(`Cargo had started batch ${batch.uuid}`);
      });
    }, 60_000);

    it('row "SIGINT while a poll hangs": the request is aborted and the cancel is sent within 2 s', async () => {
      await withCargo(async (own) => {
        own.model.durationScale = 30;
        own.inject('batches-get', { kind: 'hang' });
        let signalledAt = 0;
        const result = await runAction({
          inputs: launching(own),
          onSpawn: (child) => {
            const timer = setInterval(() => {
              if (own.requests.some((r) => r.route === 'batches-get')) {
                clearInterval(timer);
                signalledAt = Date.now();
                child.kill('SIGINT');
              }
            }, 20);
          },
        });
        const batch = onlyBatchOf(own);
        const cancel = own.requests.find((r) => r.route === 'batches-cancel');
        expect(result.code).toBe(1);
        expect(batch.status).toBe('cancelled');
        expect(cancel!.at - signalledAt).toBeLessThan(2_000);
        expect(result.outputs['batch-uuid']).toBe(batch.uuid);
      });
    }, 60_000);

    it('row "SIGTERM while history is read": nothing is launched', async () => {
      await withCargo(async (own) => {
        own.inject('runs-list', { kind: 'latency', ms: 2_000 });
        const result = await runAction({
          inputs: launching(own),
          onSpawn: (child) => {
            const timer = setInterval(() => {
              if (own.requests.some((r) => r.route === 'runs-list')) {
                clearInterval(timer);
                child.kill('SIGTERM');
              }
            }, 20);
          },
        });
        // Long enough for a launch that was going to come late to have come.
        await new Promise((done) => setTimeout(done, 2_500));
        expect(result.code).toBe(1);
        expect(own.model.batches.size).toBe(0);
        expect(own.requests.some((r) => r.route === 'batches-create')).toBe(false);
        expect(result.outputs['batch-uuid'] ?? '').toBe('');
      });
    }, 60_000);

    it('row "sample cap reached, cancel fails": the step fails naming the sample, whatever on-api-error says', async () => {
      await withCargo(async (own) => {
        // Long enough (a record a second) to outlast the gate's retries.
        own.model.batchBehaviour = { creditsPerSecond: 5, refuseCancels: Infinity };
        const sample = JSON.stringify(Array.from({ length: 80 }, (_, i) => ({ id: `s-${i}` })));
        const result = await runAction({
          inputs: launching(own, {
            'run-batch': 'false',
            'estimate-from': 'sample',
            'sample-records': sample,
            'sample-size': '80',
            'max-sample-credits': '3',
            'on-api-error': 'pass',
            'records-file': '',
            'record-count': '100',
          }),
        });
        const batch = onlyBatchOf(own);
        expect(result.code).toBe(1);
        expect(result.outputs.decision).toBe('unknown');
        expect(errorLine(result.stdout)).toContain(`Could not cancel batch ${batch.uuid}`);
        expect(result.summary).toContain(`The sample batch ${batch.uuid} could not be stopped`);
        expect(batch.status).toBe('running');
      });
    }, 90_000);

    it('row "projection already above hard-cap": not launched, the step fails, the decision stays', async () => {
      await withCargo(async (own) => {
        const result = await runAction({ inputs: launching(own, { 'hard-cap': '1' }) });
        expect(result.code).toBe(1);
        expect(own.model.batches.size).toBe(0);
        expect(['pass', 'warn']).toContain(result.outputs.decision);
        expect(errorLine(result.stdout)).toMatch(/is above hard-cap \(1 credits\)/);
        expect(result.summary).toContain('batch could not be launched');
        expect(result.outputs['batch-uuid']).toBe('');
      });
    }, 60_000);

    it('row "two gates at once": another unfinished batch of the workflow refuses the launch', async () => {
      await withCargo(async (own) => {
        own.model.batchBehaviour = { stallInQuerying: true };
        const other = own.model.createBatch(ROUTE, { kind: 'records' }, [{ id: 'other' }]);
        own.model.batchBehaviour = {};
        const result = await runAction({ inputs: launching(own) });
        expect(result.code).toBe(1);
        expect(own.model.batches.size).toBe(1);
        expect(errorLine(result.stdout)).toContain(
          `Another batch of workflow ${ROUTE_UUID} is unfinished: ${other.uuid} (querying`,
        );
        expect(result.outputs['batch-uuid']).toBe('');
      });
    }, 60_000);

    it('row "two gates at once": a balance re-read just before the launch that no longer covers it refuses', async () => {
      await withCargo(async (own) => {
        let reads = 0;
        // Between the decision and the launch another job spends almost everything.
        own.intercept((request) => {
          if (request.route === 'subscription' && ++reads === 2) {
            const s = own.model.subscription;
            s.subscriptionCreditsUsedCount = s.subscriptionAvailableCreditsCount - 1;
          }
          return undefined;
        });
        const result = await runAction({ inputs: launching(own) });
        expect(reads).toBe(2);
        expect(result.code).toBe(1);
        expect(own.model.batches.size).toBe(0);
        expect(errorLine(result.stdout)).toMatch(/Re-read just before launching, 1 credits remain/);
      });
    }, 60_000);

    it('row "SIGKILL mid-sample": the next run reports the orphan batch (count, age, UUID)', async () => {
      await withCargo(async (own) => {
        own.model.durationScale = 60;
        const sample = JSON.stringify(Array.from({ length: 8 }, (_, i) => ({ id: `k-${i}` })));
        const sampling = {
          ...launching(own, { 'run-batch': 'false', 'records-file': '', 'record-count': '50' }),
          'estimate-from': 'sample',
          'sample-records': sample,
        };
        const killed = await runAction({
          inputs: sampling,
          onSpawn: (child) => {
            const timer = setInterval(() => {
              if (own.requests.some((r) => r.route === 'batches-create')) {
                clearInterval(timer);
                child.kill('SIGKILL');
              }
            }, 20);
          },
        });
        expect(killed.signal).toBe('SIGKILL');
        const orphan = onlyBatchOf(own);
        const next = await runAction({ inputs: { ...sampling, 'estimate-from': 'history' } });
        expect(next.code, next.stdout).toBe(0);
        const notice = `Cargo lists 1 unfinished batch of this workflow: ${orphan.uuid} (running, started 0 min ago).`;
        expect(next.stdout).toContain(notice);
        expect(next.summary).toContain(orphan.uuid);
        expect(next.stdout).toContain('SIGKILL cannot be caught');
      });
    }, 60_000);
  },
);
