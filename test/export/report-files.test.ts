// Report files on odd and full disks: written whole or not at all, checked before any network
// call, and a write that fails later is a warning that leaves the decision and outputs in place.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeReportFiles } from '../../src/export/report-files.js';
import { run } from '../../src/main.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { fixedReport } from '../support/report-fixtures.js';
import { parseOutputFile } from '../support/run-action.js';

const ENRICH = FIXTURE.workflows[0]!;
const work = mkdtempSync(join(tmpdir(), 'report-files-'));
// @actions/core's summary keeps the first GITHUB_STEP_SUMMARY it sees, so every run shares one.
const summary = join(work, 'summary.md');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('writeReportFiles', () => {
  it('writes the five files whole and leaves no temporary file', async () => {
    const dir = join(work, 'ok', 'nested');
    const files = await writeReportFiles(fixedReport(10, 100), dir);
    expect(readdirSync(dir).sort()).toEqual([
      'metrics.prom',
      'observations.csv',
      'report.html',
      'report.json',
      'report.md',
    ]);
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toHaveProperty('decision');
  });

  it('a write that fails part way leaves no empty, partial or temporary file', async () => {
    const dir = join(work, 'blocked');
    // report.json taken by a directory: every temporary is written, then the first rename fails.
    mkdirSync(join(dir, 'report.json'), { recursive: true });
    const error = await writeReportFiles(fixedReport(10, 100), dir).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toMatch(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });
});

describe('report-dir through run()', () => {
  let emu: CargoEmulator;
  const saved = { ...process.env };
  let stdout: string[];
  beforeEach(async () => {
    emu = await startCargoEmulator();
    stdout = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout.push(String(chunk));
      return true;
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    process.exitCode = undefined;
    await emu.close();
  });

  function actionEnv(reportDir: string) {
    const dir = mkdtempSync(join(work, 'run-'));
    const output = join(dir, 'output');
    writeFileSync(output, '');
    writeFileSync(summary, '');
    const inputs = {
      'api-url': emu.url,
      'api-token': FIXTURE.tokens.admin,
      'upload-artifact': 'false',
      'workflow-uuid': ENRICH.uuid,
      'record-count': '100',
      'report-dir': reportDir,
    };
    Object.assign(process.env, { GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary });
    process.env.RUNNER_TEMP = dir;
    for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
    return {
      outputs: () => parseOutputFile(readFileSync(output, 'utf8')),
      summary: () => readFileSync(summary, 'utf8'),
    };
  }

  /** A passing gate whose report files could not be written: exit 0, decision and summary set. */
  function expectPassWithWarning(env: ReturnType<typeof actionEnv>) {
    expect(process.exitCode ?? 0).toBe(0);
    expect(env.outputs().decision).toBe('pass');
    expect(env.outputs()['report-json']).toBe('');
    expect(env.summary()).toContain('Stop runs early on failure');
    expect(stdout.join('')).toMatch(/::warning::Could not write the report files/);
  }

  it('a report-dir under a regular file is a config error naming it, before any network call', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const env = actionEnv(join(file, 'reports'));
    await run();
    expect(process.exitCode).toBe(1);
    expect(env.outputs().decision).toBe('unknown');
    expect(stdout.join('')).toMatch(/::error::Input 'report-dir': .*cannot be created .*ENOTDIR/);
    expect(emu.requests).toHaveLength(0);
  });

  it('a report file that cannot be written later is a warning; the pass stands', async () => {
    const dir = join(work, 'taken');
    mkdirSync(join(dir, 'report.json'), { recursive: true });
    const env = actionEnv(dir);
    await run();
    expectPassWithWarning(env);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  describe('full disk', () => {
    // Mounted in beforeAll, so a filtered run that skips this case mounts nothing it would leak.
    let tmpfs: string | undefined;
    beforeAll(() => {
      tmpfs = mountSmallTmpfs();
    });
    afterAll(() => {
      if (tmpfs) execFileSync('umount', [tmpfs]);
    });

    it('a 64 KB tmpfs (or a directory made read-only mid-run) keeps the pass', async () => {
      const dir = tmpfs ?? join(work, 'read-only');
      mkdirSync(dir, { recursive: true });
      if (tmpfs) fillUp(tmpfs);
      // Without a tmpfs: writable when report-dir is checked, read-only once the API is called.
      else emu.intercept(() => (chmodSync(dir, 0o555), undefined));
      const env = actionEnv(dir);
      await run();
      expectPassWithWarning(env);
      expect(readdirSync(dir)).toEqual(tmpfs ? ['filler'] : []);
    });
  });
});

/** A 64 KB tmpfs when running as root and mounting works; else undefined, with one line why. */
function mountSmallTmpfs(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'full-disk-'));
  if (process.getuid?.() !== 0) {
    console.log('report-files: not root, so the full disk is a directory made read-only mid-run');
    return undefined;
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch {
    // As root, a read-only mode does not stop writes, so that fallback would prove nothing.
    console.log(
      'report-files: skipping the full-disk case: mounting a tmpfs failed (no CAP_SYS_ADMIN)',
    );
    return undefined;
  }
}

/** Fills a small file system until a write fails with ENOSPC. */
function fillUp(dir: string): void {
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(1024 * 1024));
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
}
