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

describe('run-batch: the guard (bundled action)', () => {
  it('launches the batch on a pass, watches it to the end, and the receipt matches the debit', async () => {
    const before = used();
    const result = await runAction({
      inputs: { ...base(), 'workflow-uuid': ROUTE.uuid, 'records-file': recordsFile(24) },
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
        'workflow-uuid': ENRICH.uuid,
        'records-file': recordsFile(200),
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
    expect(result.summary).not.toMatch(/200 of 200 records run/);
    const after = used();
    emu.model.advance(120_000);
    expect(used()).toBe(after);
    expect(Number(result.outputs['actual-credits'])).toBeCloseTo(after - before, 4);
  }, 60_000);

  it('cancels the batch on SIGTERM (a cancelled workflow run)', async () => {
    emu.model.durationScale = 30;
    const result = await runAction({
      inputs: { ...base(), 'workflow-uuid': ROUTE.uuid, 'records-file': recordsFile(40) },
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
      inputs: { ...base(), 'workflow-uuid': ROUTE.uuid, 'records-file': recordsFile(5) },
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
