import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import unzip from 'unzip-stream';
import { type ArtifactBackend, startArtifactBackend } from '../emulators/artifact/backend.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { runAction } from '../support/run-action.js';

let backend: ArtifactBackend;
let cargo: CargoEmulator;
beforeAll(async () => {
  [backend, cargo] = await Promise.all([startArtifactBackend(), startCargoEmulator()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([backend?.close(), cargo?.close()]);
});

/** Lists the files of a zip with their text. */
async function unzipText(zip: Buffer): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const reads: Promise<void>[] = [];
  await new Promise<void>((done, reject) => {
    Readable.from([zip])
      .pipe(unzip.Parse())
      .on('entry', (entry: NodeJS.ReadableStream & { path: string }) => {
        reads.push(
          new Promise((read) => {
            const chunks: Buffer[] = [];
            entry.on('data', (d: Buffer) => chunks.push(d));
            entry.on('end', () => {
              files[entry.path] = Buffer.concat(chunks).toString('utf8');
              read();
            });
          }),
        );
      })
      .on('close', done)
      .on('error', reject);
  });
  await Promise.all(reads);
  return files;
}

const gate = (attempt: string) =>
  runAction({
    inputs: {
      'api-url': cargo.url,
      'api-token': FIXTURE.tokens.admin,
      'workflow-uuid': FIXTURE.workflows[0]!.uuid,
      'record-count': '500',
      'retention-days': '7',
    },
    env: {
      ACTIONS_RESULTS_URL: backend.resultsUrl,
      ACTIONS_RUNTIME_TOKEN: backend.runtimeToken,
      GITHUB_RUN_ATTEMPT: attempt,
    },
  });

describe('report artifact (real @actions/artifact, Azurite, results-service emulator)', () => {
  it('uploads the report files and outputs the artifact id', async () => {
    const result = await gate('1');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const stored = backend.artifacts.find((a) => a.name === 'cost-gate-report');
    expect(stored?.finalized).toBe(true);
    expect(result.outputs['artifact-id']).toBe(String(stored!.id));
    // The job summary's footer links the artifact it was uploaded as.
    expect(result.summary).toMatch(
      new RegExp(`\\[Report artifact\\]\\(https://[^)]*/artifacts/${stored!.id}\\)`),
    );
    expect(stored!.expiresAt).not.toBeNull();
    const zip = await backend.download('cost-gate-report');
    expect(zip.length, 'zip size').toBe(Number(stored!.size));
    const files = await unzipText(zip);
    expect(Object.keys(files).sort()).toEqual([
      'metrics.prom',
      'observations.csv',
      'report.html',
      'report.json',
      'report.md',
    ]);
    expect(JSON.parse(files['report.json']!).decision).toBe(result.outputs.decision);
    expect(files['observations.csv']!.split('\r\n')[0]).toBe(
      'run_uuid,record_id,status,provider_credits,executions,execution_charge,total_credits',
    );
    expect(Object.values(files).join('')).not.toContain(FIXTURE.tokens.admin);
  }, 60_000);

  it('a re-run attempt, whose name is taken, uploads under a suffixed name', async () => {
    const result = await gate('2');
    expect(result.code).toBe(0);
    const stored = backend.artifacts.find((a) => a.name === 'cost-gate-report-attempt-2');
    expect(stored?.finalized).toBe(true);
    expect(result.outputs['artifact-id']).toBe(String(stored!.id));
  }, 60_000);

  it('without an artifact service, says so once and goes on', async () => {
    const result = await runAction({
      inputs: {
        'api-url': cargo.url,
        'api-token': FIXTURE.tokens.admin,
        'workflow-uuid': FIXTURE.workflows[0]!.uuid,
        'record-count': '5',
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout.match(/No artifact service here/g)).toHaveLength(1);
    expect(result.outputs['artifact-id']).toBe('');
  });
});
