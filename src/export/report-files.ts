import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderObservationsCsv } from '../report/csv.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderPrometheus } from '../report/prometheus.js';
import type { Report } from '../report/report.js';

export interface ReportFiles {
  dir: string;
  json: string;
  markdown: string;
  csv: string;
  prometheus: string;
  /** Every file, for the artifact. */
  all: string[];
}

/** Writes report.json, report.md, observations.csv and metrics.prom into `dir` (created when missing). */
export async function writeReportFiles(report: Report, dir: string): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const markdown = join(dir, 'report.md');
  const csv = join(dir, 'observations.csv');
  const prometheus = join(dir, 'metrics.prom');
  await Promise.all([
    writeFile(json, renderJson(report)),
    writeFile(markdown, renderMarkdown(report)),
    writeFile(csv, renderObservationsCsv(report)),
    renderPrometheus(report).then((text) => writeFile(prometheus, text)),
  ]);
  return { dir, json, markdown, csv, prometheus, all: [json, markdown, csv, prometheus] };
}
