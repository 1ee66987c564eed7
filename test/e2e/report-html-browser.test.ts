// report.html in a real headless Chromium (Debian's `chromium`): the page written by the bundled
// action loads with no console error (a CSP violation or a blocked load would be one), its charts
// have the bars the report calls for, hostile strings stay text, and a screenshot of each page is
// kept under test/output/ (git-ignored) for a person to look at.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReportFiles } from '../../src/export/report-files.js';
import { histogramBins } from '../../src/report/html.js';
import type { Report } from '../../src/report/report.js';
import { type CargoEmulator, FIXTURE, startCargoEmulator } from '../emulators/cargo/server.js';
import {
  type BrowserPage,
  CHROMIUM_BIN,
  CHROMIUM_PACKAGE,
  launchChromium,
} from '../support/chromium.js';
import { fixedReport } from '../support/report-fixtures.js';
import { ROOT, runAction } from '../support/run-action.js';

if (!CHROMIUM_BIN) {
  console.log(
    `install Debian package ${CHROMIUM_PACKAGE} (apt-get install ${CHROMIUM_PACKAGE}) ` +
      'to run the report.html browser test',
  );
}

const OUTPUT = join(ROOT, 'test', 'output');

interface Charts {
  bins: number;
  nodes: number;
  /** Projected bars, upper-bound bars and limit lines in the budget chart. */
  budget: number[];
  scripts: number;
  links: string[];
  title: string;
}

/** What the page shows, read from its DOM in the browser. */
const READ_CHARTS = `(() => ({
  bins: document.querySelectorAll('svg#histogram rect.bin').length,
  nodes: document.querySelectorAll('svg#nodes rect.node-bar').length,
  budget: ['rect.projected', 'rect.bound', 'line.limit'].map(
    (s) => document.querySelectorAll('svg#budget ' + s + ':not(.key)').length,
  ),
  scripts: document.querySelectorAll('script, img, iframe, object, embed').length,
  links: [...document.querySelectorAll('a')].map((a) => a.href),
  title: document.title,
}))()`;

describe.skipIf(!CHROMIUM_BIN)('report.html in headless Chromium', () => {
  let browser: BrowserPage;
  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    browser = await launchChromium(CHROMIUM_BIN!);
  }, 60_000);
  afterAll(async () => browser?.close());

  /** Opens a page, reads its charts, keeps a screenshot; fails on any console error. */
  async function visit(path: string, screenshot: string): Promise<Charts> {
    browser.errors.length = 0;
    await browser.open(pathToFileURL(path).href);
    const charts = await browser.evaluate<Charts>(READ_CHARTS);
    await browser.screenshot(join(OUTPUT, screenshot));
    const png = readFileSync(join(OUTPUT, screenshot));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(browser.errors).toEqual([]);
    return charts;
  }

  it('loads the bundled action’s page: no console error, bars per bin and per node', async () => {
    const emu: CargoEmulator = await startCargoEmulator();
    try {
      const reportDir = mkdtempSync(join(tmpdir(), 'html-e2e-'));
      const result = await runAction({
        inputs: {
          'api-url': emu.url,
          'api-token': FIXTURE.tokens.admin,
          'workspace-uuid': FIXTURE.workspace.uuid,
          'workflow-uuid': FIXTURE.workflows[0]!.uuid,
          'record-count': '1000',
          'upload-artifact': 'false',
          'report-dir': reportDir,
        },
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as Report;
      const charts = await visit(join(reportDir, 'report.html'), 'report-html-action.png');
      const bins = histogramBins(report.observations.map((o) => o.total)).length;
      expect(bins).toBeGreaterThan(1);
      expect(charts.bins).toBe(bins);
      expect(charts.nodes).toBe(Math.min(25, report.estimate!.byNode.length));
      expect(charts.budget).toEqual([1, 1, 1]);
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('shows the fixture with its 5 bins and 4 nodes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'html-fixture-'));
    const files = await writeReportFiles(fixedReport(100, 10_000), dir);
    const charts = await visit(files.html, 'report-html-fixture.png');
    expect([charts.bins, charts.nodes, charts.budget]).toEqual([5, 4, [1, 1, 1]]);
  }, 60_000);

  it('keeps hostile strings as text: no script runs, no element or link is made', async () => {
    // Any of these that ran would log a console error, which fails `visit`.
    const hostile =
      `<script>console.error("ran")</script><img src=x onerror="console.error('img')"> ` +
      `"onload="console.error('attr')" [x](javascript:alert(1))`;
    const base = fixedReport(100, 10_000);
    const report: Report = {
      ...base,
      subjectName: hostile,
      reasons: [hostile],
      run: { ...base.run, runUrl: 'javascript:console.error("link")' },
      estimate: {
        ...base.estimate!,
        byNode: base.estimate!.byNode.map((l) => ({ ...l, key: hostile })),
      },
    };
    const { renderHtml } = await import('../../src/report/html.js');
    const path = join(mkdtempSync(join(tmpdir(), 'html-hostile-')), 'report.html');
    writeFileSync(path, renderHtml(report));
    const charts = await visit(path, 'report-html-hostile.png');
    expect(charts.scripts).toBe(0);
    expect(charts.links).toEqual([]);
    expect(charts.nodes).toBe(4);
    expect(charts.title).toContain('<script>');
  }, 60_000);
});
