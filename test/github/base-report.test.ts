import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findBaseReport, readRunReport } from '../../src/github/base-report.js';
import { createOctokit } from '../../src/github/comment.js';
import { readZipEntry } from '../../src/github/report-zip.js';
import { renderJson } from '../../src/report/json.js';
import type { EmulatedRun } from '../emulators/github/actions.js';
import {
  GITHUB_TOKEN,
  type GitHubEmulator,
  NO_ACTIONS_TOKEN,
  startGitHubEmulator,
} from '../emulators/github/server.js';
import { zipOf } from '../emulators/github/zip.js';
import { fixedReport } from '../support/report-fixtures.js';

const log = { info: () => undefined, warning: () => undefined, debug: () => undefined };
const reportJson = renderJson(fixedReport(1000, 38_000));
let gh: GitHubEmulator;

beforeEach(async () => {
  gh = await startGitHubEmulator();
  process.env.GITHUB_API_URL = gh.url;
});
afterEach(async () => {
  delete process.env.GITHUB_API_URL;
  await gh.close();
});

function mainRun(
  id: number,
  at: string,
  files?: Record<string, string>,
  extra: Partial<EmulatedRun> = {},
) {
  return gh.actions.addRun({
    id,
    workflow: 'cost.yml',
    branch: 'main',
    event: 'push',
    conclusion: 'success',
    head_sha: `sha${id}`,
    headRepository: 'acme/leads',
    created_at: at,
    artifacts: files
      ? [{ name: 'cost-gate-report', zip: zipOf(files), expired: false, created_at: at }]
      : [],
    ...extra,
  });
}

const search = (token = GITHUB_TOKEN) => ({
  octokit: createOctokit(token, log),
  owner: 'acme',
  repo: 'leads',
  workflow: 'cost.yml',
  branch: 'main',
  artifactName: 'cost-gate-report',
});

describe('findBaseReport (real Octokit, GitHub emulator)', () => {
  it('reads the newest successful run on the branch that has the artifact, following the redirect', async () => {
    mainRun(1, '2026-11-01T00:00:00Z', { 'report.json': reportJson });
    mainRun(2, '2026-11-02T00:00:00Z'); // newer, but the gate uploaded nothing
    mainRun(3, '2026-11-03T00:00:00Z', { 'report.json': reportJson }, { conclusion: 'failure' });
    const found = await findBaseReport(search());
    expect('report' in found && found.run.id).toBe('1');
    expect('report' in found && found.report.projection?.recordCount).toBe(1000);
    const blob = gh.requests.find((r) => r.route === 'artifact-blob');
    // The signed storage URL is followed without the GitHub token.
    expect(blob?.headers.authorization).toBeUndefined();
  });

  it("ignores a fork's pull request run from a branch named like the base", async () => {
    mainRun(
      5,
      '2026-11-05T00:00:00Z',
      { 'report.json': reportJson },
      { headRepository: 'mallory/leads' },
    );
    const found = await findBaseReport(search());
    expect('note' in found && found.note).toMatch(
      /No successful run of cost.yml on main has a report artifact/,
    );
  });

  it('says so in one line for an expired artifact, a 403, and an older schema', async () => {
    const run = mainRun(1, '2026-11-01T00:00:00Z', { 'report.json': reportJson });
    run.artifacts[0]!.expired = true;
    expect(await findBaseReport(search())).toMatchObject({
      note: expect.stringMatching(/has expired/),
    });
    expect(await findBaseReport(search(NO_ACTIONS_TOKEN))).toMatchObject({
      note: expect.stringMatching(/No permission .*actions: read/),
    });
    run.artifacts[0]!.expired = false;
    run.artifacts[0]!.zip = zipOf({
      'report.json': JSON.stringify({ schemaVersion: 0, total: 5 }),
    });
    expect(await findBaseReport(search())).toMatchObject({
      note: expect.stringMatching(/incompatible version/),
    });
  });
});

describe('findBaseReport: which artifact of a run', () => {
  // `addRun` numbers the artifacts itself.
  const artifact = (name: string, report: string, at: string) => ({
    id: 0,
    name,
    zip: zipOf({ 'report.json': report }),
    expired: false,
    created_at: at,
  });
  const tagged = (tag: string, records: number) =>
    JSON.stringify({ ...(JSON.parse(renderJson(fixedReport(records, 38_000))) as object), tag });

  it("reads only the gate's own artifact names, not any that start with them", async () => {
    mainRun(1, '2026-11-01T00:00:00Z', undefined, {
      artifacts: [
        artifact('cost-gate-report', tagged('wf-golden', 1000), '2026-11-01T00:00:00Z'),
        artifact('cost-gate-report-html_view', tagged('wf-golden', 5), '2026-11-01T00:00:09Z'),
        artifact('cost-gate-reports', tagged('wf-golden', 6), '2026-11-01T00:00:08Z'),
      ],
    });
    const found = await findBaseReport(search());
    expect('report' in found && found.report.projection?.recordCount).toBe(1000);
  });

  it("prefers the report of this run's comment-tag among matrix legs", async () => {
    mainRun(1, '2026-11-01T00:00:00Z', undefined, {
      artifacts: [
        artifact('cost-gate-report', tagged('staging', 1000), '2026-11-01T00:00:00Z'),
        artifact('cost-gate-report-lx2k9', tagged('prod', 2000), '2026-11-01T00:00:05Z'),
        artifact('cost-gate-report-attempt-2', tagged('eu', 3000), '2026-11-01T00:00:09Z'),
      ],
    });
    const found = await findBaseReport({ ...search(), tag: 'staging' });
    expect('report' in found && found.report.tag).toBe('staging');
    const newest = await findBaseReport(search());
    expect('report' in newest && newest.report.tag).toBe('eu');
  });
});

describe('readRunReport: an untrusted artifact', () => {
  it('refuses a report that does not match the schema, naming where', async () => {
    const bad = { ...(JSON.parse(reportJson) as object), decision: 'approved' };
    mainRun(7, '2026-11-01T00:00:00Z', { 'report.json': JSON.stringify(bad) });
    const read = await readRunReport(search(), 7);
    expect(read).toMatchObject({
      ok: false,
      why: 'invalid',
      message: expect.stringMatching(/at decision/),
    });
  });

  it('refuses a 50 MB listing unread, and a zip bomb at the inflate cap', async () => {
    const run = mainRun(8, '2026-11-01T00:00:00Z', { 'report.json': reportJson });
    run.artifacts[0]!.sizeInBytes = 50 * 1024 * 1024;
    expect(await readRunReport(search(), 8)).toMatchObject({ ok: false, why: 'too-large' });
    expect(gh.requests.some((r) => r.route === 'artifact-zip')).toBe(false);
    const bomb = `{"schemaVersion":1,"pad":"${' '.repeat(50 * 1024 * 1024)}"}`;
    run.artifacts[0] = {
      ...run.artifacts[0]!,
      zip: zipOf({ 'report.json': bomb }, { declaredSize: 100 }),
    };
    delete run.artifacts[0].sizeInBytes;
    expect(await readRunReport(search(), 8)).toMatchObject({
      ok: false,
      why: 'too-large',
      message: expect.stringMatching(/larger than 10 MB/),
    });
  });
});

describe('readZipEntry', () => {
  it('reads stored and deflated entries and checks the CRC', () => {
    expect(
      readZipEntry(zipOf({ 'a.txt': 'x', 'report.json': '{}' }), 'report.json', 100)?.toString(),
    ).toBe('{}');
    expect(
      readZipEntry(
        zipOf({ 'report.json': '{}' }, { stored: true }),
        'report.json',
        100,
      )?.toString(),
    ).toBe('{}');
    expect(readZipEntry(zipOf({ 'a.txt': 'x' }), 'report.json', 100)).toBeUndefined();
    const zip = zipOf({ 'report.json': '{"a":1}' }, { stored: true });
    zip[30 + 'report.json'.length + 2] = 0x62; // one byte of the content changed
    expect(() => readZipEntry(zip, 'report.json', 100)).toThrow(/CRC/);
    expect(() => readZipEntry(Buffer.from('not a zip at all, not even close'), 'x', 100)).toThrow(
      /not a readable zip/,
    );
  });
});
