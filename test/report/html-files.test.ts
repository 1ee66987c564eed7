// report.html is written beside report.md: in report-dir (and so in the artifact, which uploads
// every report file) and in the CLI's --out-dir.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { writeReportFiles } from '../../src/export/report-files.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import { fixedReport } from '../support/report-fixtures.js';

describe('report.html among the report files', () => {
  it('is written by writeReportFiles and listed for the artifact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
    const files = await writeReportFiles(fixedReport(100, 10_000), dir);
    expect(files.html).toBe(join(dir, 'report.html'));
    expect(files.all).toContain(files.html);
    const html = readFileSync(files.html, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg id="histogram"');
  });

  describe('the CLI', () => {
    let emu: CargoEmulator;
    beforeEach(async () => {
      emu = await startCargoEmulator();
    });
    afterEach(async () => emu.close());

    it('writes report.html to --out-dir, with a bar per node the report lists', async () => {
      const outDir = mkdtempSync(join(tmpdir(), 'cli-html-'));
      const workflow = FIXTURE.workflows[0]!.uuid;
      const argv = ['--api-url', emu.url, '--workflow-uuid', workflow, '--record-count', '100'];
      let stderr = '';
      const code = await runCli([...argv, '--out-dir', outDir, '--format', 'json'], {
        stdout: () => undefined,
        stderr: (t) => (stderr += t),
        env: { CARGO_API_TOKEN: FIXTURE.tokens.admin },
      });
      expect(code, stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8'));
      const html = readFileSync(join(outDir, 'report.html'), 'utf8');
      const nodes = html.match(/<rect class="node-bar"/g) ?? [];
      expect(report.estimate.byNode.length).toBeGreaterThan(0);
      expect(nodes).toHaveLength(Math.min(25, report.estimate.byNode.length));
      expect(html).not.toContain(FIXTURE.tokens.admin);
    });
  });
});
