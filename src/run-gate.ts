// The pipeline the action and the CLI share: settings → provider answers → estimate →
// projection → decision → report. Everything it touches from outside is handed in.
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from './config.js';
import { adviseLevers } from './engine/advice.js';
import { decide, jobOutcome } from './engine/gate.js';
import { project } from './engine/project.js';
import { ConfigError, GateError, isApiError } from './errors.js';
import { CargoClient } from './providers/cargo/client.js';
import { CargoSource } from './providers/cargo/source.js';
import type { EstimateOutcome, Log, Provider } from './providers/provider.js';
import { readRecordsFile, type BatchRecord } from './records-file.js';
import { buildReport, type Report, type RunMetadata } from './report/report.js';

/** What is read from local files before any network call. */
export interface PreparedInputs {
  recordCount: number;
  /** The records a sample would run, cut to `sample-size`. */
  sampleRecords: BatchRecord[];
}

/** Reads `records-file` and `sample-records`, so bad files fail before anything is sent. */
export async function prepareInputs(config: Config): Promise<PreparedInputs> {
  if (config.prometheusFile !== undefined) {
    const dir = dirname(config.prometheusFile);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new ConfigError(
        'prometheus-file',
        `the directory '${dir}' does not exist; point it at node_exporter's textfile directory`,
      );
    }
  }
  const file =
    config.recordsFile === undefined
      ? undefined
      : await readRecordsFile(config.recordsFile, config.sampleSize);
  let sampleRecords: BatchRecord[] = file?.firstRecords ?? [];
  if (config.sampleRecords?.kind === 'inline') sampleRecords = config.sampleRecords.records;
  if (config.sampleRecords?.kind === 'file') {
    sampleRecords = (
      await readRecordsFile(config.sampleRecords.path, config.sampleSize, 'sample-records')
    ).firstRecords;
  }
  const recordCount = config.recordCount ?? file?.count;
  if (recordCount === undefined)
    throw new ConfigError('record-count', 'is required unless records-file is given');
  return { recordCount, sampleRecords: sampleRecords.slice(0, config.sampleSize) };
}

export interface ProviderOptions {
  log: Log;
  /** Test and benchmark hooks: HTTP timing and retries. */
  http?: {
    timeoutMs?: number;
    retries?: number;
    totalTimeoutMs?: number;
    onRequest?: (info: { method: string; endpoint: string }) => void;
  };
  pollIntervalMs?: (elapsedMs: number, previousMs: number | undefined) => number;
}

/** The billing backend the settings name. */
export function createProvider(config: Config, options: ProviderOptions): Provider {
  if (config.provider === 'venice') {
    throw new ConfigError(
      'provider',
      'venice is not supported by this version yet; use provider: cargo',
    );
  }
  const client = new CargoClient({
    apiUrl: config.apiUrl,
    token: config.apiToken,
    workspaceUuid: config.workspaceUuid,
    ...options.http,
    onRetry: (info) =>
      options.log.info(
        `Retrying ${info.endpoint} in ${Math.round(info.delayMs)} ms (attempt ${info.attempt}): ${info.reason}`,
      ),
  });
  return new CargoSource({
    client,
    workflowUuid: config.workflowUuid ?? '',
    log: options.log,
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
}

export interface GateRunDeps {
  provider: Provider;
  signal: AbortSignal;
  run: RunMetadata;
}

/**
 * Reads the balance and the estimate concurrently, projects, decides, and returns the report.
 * An API that cannot be read becomes a report with decision `unknown` (what the job does with
 * it is `on-api-error`'s); errors that are bugs are thrown.
 */
export async function runGate(
  config: Config,
  prepared: PreparedInputs,
  deps: GateRunDeps,
): Promise<Report> {
  const { provider } = deps;
  const balancePromise = provider.readBalance();
  const estimatePromise = provider.estimate(
    {
      source: config.estimateFrom,
      windowDays: config.historyWindowDays,
      minHistoryRuns: config.minHistoryRuns,
      sampleRecords: prepared.sampleRecords,
      maxSampleCredits: config.maxSampleCredits,
      sampleTimeoutMs: config.sampleTimeoutMinutes * 60_000,
    },
    balancePromise,
    deps.signal,
  );
  const [balanceResult, estimateResult] = await Promise.allSettled([
    balancePromise,
    estimatePromise,
  ]);
  const base = {
    config,
    run: deps.run,
    subject: provider.subject,
    recordCount: prepared.recordCount,
  };
  const balance = balanceResult.status === 'fulfilled' ? balanceResult.value : null;
  const estimated: EstimateOutcome | null =
    estimateResult.status === 'fulfilled' ? estimateResult.value : null;
  const projection = estimated
    ? project(estimated.estimate, prepared.recordCount, config.confidence)
    : null;
  const found = {
    balance,
    basis: estimated?.basis ?? null,
    estimate: estimated?.estimate ?? null,
    projection,
    sample: estimated?.sample ?? null,
    advice: estimated ? adviseLevers(estimated.estimate) : [],
    observations: estimated?.observations ?? [],
  };

  const failures = [balanceResult, estimateResult].flatMap((r) =>
    r.status === 'rejected' ? [r.reason as unknown] : [],
  );
  if (failures.length > 0) {
    const apiError = failures.find(isApiError);
    const error = apiError ?? failures[0];
    if (!(error instanceof GateError)) throw error;
    const kind = apiError ? 'api' : 'estimate';
    const outcome = jobOutcome({ error: kind }, config);
    const reasons =
      kind === 'api'
        ? [
            `The gate could not read the ${provider.name === 'cargo' ? 'Cargo' : 'Venice'} API (${error.kind}), so it could not check the batch.`,
          ]
        : ['The gate could not estimate the cost per record.'];
    return buildReport({
      ...base,
      ...found,
      outcome,
      reasons,
      error: { kind: error.kind, message: error.message },
    });
  }

  const gate = decide(projection!, balance!, {
    budget: config.budget,
    reserve: config.reserve,
    warnThreshold: config.warnThreshold,
  });
  const outcome = jobOutcome(gate.decision, config);
  const reasons = [...gate.reasons];
  if (projection!.lowConfidence) reasons.push(`Low confidence: ${projection!.lowConfidence}.`);
  return buildReport({ ...base, ...found, outcome, reasons, gate });
}
