// What is read from local files before any network call, so a bad file fails first.
import { randomInt } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BatchDataSetting, Config } from '../inputs/config.js';
import {
  type BatchRecord,
  readRecordsFile,
  type RecordsFileSummary,
} from '../inputs/records-file.js';
import { ConfigError } from '../shared/errors.js';

/** What is read from local files before any network call. */
export interface PreparedInputs {
  /** Records in the batch; undefined when a segment or filter must be sized by a preview. */
  recordCount: number | undefined;
  /** The records a sample would run, cut to `sample-size`. */
  sampleRecords: BatchRecord[];
  /**
   * True when the sample records are a uniform random draw from the batch's own records
   * (`records-file` with `sample-selection: random`): only then may the bound treat them as such.
   */
  sampleIsFromBatch: boolean;
  /** How the sample records were picked from `records-file`; undefined when they were not. */
  sampleSelection: SampleSelection | undefined;
  /** The batch `run-batch` launches. */
  batchData: BatchDataSetting | undefined;
}

/** How the sample records were picked from `records-file`, for the report. */
export interface SampleSelection {
  selection: 'random' | 'first';
  /** The seed of the random draw; `sample-seed` reproduces it. */
  seed?: number;
  /** Records the sample holds, and records in the file they were picked from. */
  size: number;
  from: number;
}

/** Reads `records-file`, `sample-records` and checks local paths; throws a `ConfigError` naming the input. */
export async function prepareInputs(config: Config): Promise<PreparedInputs> {
  await checkPrometheusDir(config.prometheusFile);
  await checkReportDir(config.reportDir);
  // A batch launched from records-file sends every record, so then the whole file is kept.
  const launchesFile = config.runBatch && config.batchData === undefined;
  const seed = config.sampleSeed ?? randomInt(0, 2 ** 32);
  const file = await readFile(config, launchesFile, seed);
  if (
    launchesFile &&
    file &&
    config.recordCount !== undefined &&
    config.recordCount !== file.count
  ) {
    // The priced count must be the launched count: pricing 10 and launching 2,000 is how money is lost.
    throw new ConfigError(
      'record-count',
      `is ${config.recordCount}, but run-batch would launch the ${file.count} records of records-file; remove record-count or make them agree`,
    );
  }
  const batchData =
    config.batchData ??
    (launchesFile && file ? { kind: 'records', records: file.firstRecords } : undefined);
  const recordCount = config.recordCount ?? file?.count ?? countOfBatchData(config.batchData);
  const fromFile = file?.drawnRecords ?? file?.firstRecords.slice(0, config.sampleSize) ?? [];
  const sampleRecords = await sampleRecordsOf(config, fromFile);
  const selection =
    config.sampleRecords === undefined && file !== undefined
      ? {
          selection: config.sampleSelection,
          ...(file.drawnRecords === undefined ? {} : { seed }),
          size: fromFile.length,
          from: file.count,
        }
      : undefined;
  return {
    recordCount,
    sampleRecords: sampleRecords.slice(0, config.sampleSize),
    sampleIsFromBatch: selection?.selection === 'random',
    sampleSelection: selection,
    batchData,
  };
}

/**
 * Reads `records-file`: every record when run-batch launches them, else the first `sample-size`,
 * and with `sample-selection: random` a seeded uniform draw of `sample-size` in the same pass.
 */
async function readFile(
  config: Config,
  launchesFile: boolean,
  seed: number,
): Promise<RecordsFileSummary | undefined> {
  if (config.recordsFile === undefined) return undefined;
  const random = config.sampleSelection === 'random' && config.sampleRecords === undefined;
  // A random draw needs no first records unless the batch launches them all.
  const keep = launchesFile ? Number.POSITIVE_INFINITY : random ? 0 : config.sampleSize;
  const draw = random ? { size: config.sampleSize, seed } : undefined;
  return readRecordsFile(config.recordsFile, keep, 'records-file', draw);
}

async function checkPrometheusDir(path: string | undefined): Promise<void> {
  if (path === undefined) return;
  const dir = dirname(path);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ConfigError(
      'prometheus-file',
      `the directory '${dir}' does not exist; point it at node_exporter's textfile directory`,
    );
  }
}

/**
 * Creates the given `report-dir` now, so a path that cannot hold the report (under a regular file,
 * read-only) fails before any network call rather than after a batch ran. The default is not checked.
 */
async function checkReportDir(dir: string | undefined): Promise<void> {
  if (dir === undefined) return;
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(
      'report-dir',
      `the directory '${dir}' cannot be created or written (${code}); point it at a writable directory`,
    );
  }
}

/** `sample-records` when given (inline or a file), else the first records of `records-file`. */
async function sampleRecordsOf(config: Config, fromFile: BatchRecord[]): Promise<BatchRecord[]> {
  const setting = config.sampleRecords;
  if (setting?.kind === 'inline') return setting.records;
  if (setting?.kind === 'file') {
    return (await readRecordsFile(setting.path, config.sampleSize, 'sample-records')).firstRecords;
  }
  return fromFile;
}

/** Records in batch data that lists them; undefined for a segment or filter (a preview counts those). */
function countOfBatchData(data: BatchDataSetting | undefined): number | undefined {
  if (data?.kind === 'records' && Array.isArray(data.records)) return data.records.length;
  if (data?.kind === 'recordIds' && Array.isArray(data.ids)) return data.ids.length;
  return undefined;
}
