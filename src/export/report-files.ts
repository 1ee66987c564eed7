import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../report/report.js';

export interface ReportFiles {
  dir: string;
  json: string;
  markdown: string;
}

/** Writes `report.json` and `report.md` into `dir` (created when missing). */
export async function writeReportFiles(report: Report, dir: string): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const files = { dir, json: join(dir, 'report.json'), markdown: join(dir, 'report.md') };
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.markdown, renderMarkdown(report));
  return files;
}
