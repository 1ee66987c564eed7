import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { observationsCsvPieces } from '../report/csv.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderPrometheus } from '../report/prometheus.js';
import type { Report } from '../report/report.js';
import { writeFilesAtomically } from './textfile.js';

export interface ReportFiles {
  dir: string;
  json: string;
  markdown: string;
  /** report.html: the same facts as report.md, with charts, as one self-contained page. */
  html: string;
  csv: string;
  prometheus: string;
  /** Every file, for the artifact. */
  all: string[];
}

/**
 * Loads the renderer that lives in a chunk of its own (the HTML page), so that a caller with time
 * to spare (waiting on the network) can pay for it before the report exists.
 */
export async function loadReportRenderers(): Promise<void> {
  await import('../report/html.js');
}

/**
 * Writes report.json, report.md, report.html, observations.csv and metrics.prom into `dir`
 * (created when missing). All five are written to temporary names and renamed together, so a
 * full disk leaves no empty or partial report file behind; the error is thrown for the caller
 * to warn about.
 */
export async function writeReportFiles(report: Report, dir: string): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const markdown = join(dir, 'report.md');
  const html = join(dir, 'report.html');
  const csv = join(dir, 'observations.csv');
  const prometheus = join(dir, 'metrics.prom');
  // Loaded here, not at start-up: the bundler splits the HTML renderer into its own chunk.
  const { renderHtml } = await import('../report/html.js');
  await writeFilesAtomically([
    { path: json, content: renderJson(report) },
    { path: markdown, content: renderMarkdown(report) },
    { path: html, content: renderHtml(report) },
    // Written piece by piece: one row per observation, 500k of them for a busy Venice ledger.
    { path: csv, content: observationsCsvPieces(report) },
    { path: prometheus, content: renderPrometheus(report) },
  ]);
  const all = [json, markdown, html, csv, prometheus];
  return { dir, json, markdown, html, csv, prometheus, all };
}
