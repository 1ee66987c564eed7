// The pipeline the action and the CLI share: settings → provider answers → estimate →
// projection → decision → report. Everything it touches from outside is handed in.
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BatchDataSetting, Config } from '../inputs/config.js';
import { adviseLevers } from '../providers/cargo/advice.js';
import { decide, jobOutcome } from '../engine/gate.js';
import { project } from '../engine/project.js';
import { ConfigError, GateError, isApiError } from '../shared/errors.js';
import { CargoClient } from '../providers/cargo/client.js';
import { CargoSource } from '../providers/cargo/source.js';
import { VeniceClient } from '../providers/venice/client.js';
import { VeniceSource } from '../providers/venice/source.js';
import type { EstimateOutcome, Log, Provider } from '../providers/provider.js';
import { readRecordsFile, type BatchRecord } from '../inputs/records-file.js';
import { buildReport, type Report, type ReportParts, type RunMetadata } from '../report/report.js';
import type { Observation } from '../engine/observation.js';
import { type BatchOutcome, buildReceipt, type Receipt } from '../engine/receipt.js';

/** What is read from local files before any network call. */
export interface PreparedInputs {
  /** Records in the batch; undefined when a segment or filter must be sized by a preview. */
  recordCount: number | undefined;
  /** The records a sample would run, cut to `sample-size`. */
  sampleRecords: BatchRecord[];
  /** The batch `run-batch` launches. */
  batchData: BatchDataSetting | undefined;
}

/** Reads `records-file`, `sample-records` and checks local paths, so bad files fail before anything is sent. */
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
  // A batch launched from records-file sends every record, so then the whole file is kept.
  const launchesFile = config.runBatch && config.batchData === undefined;
  const file =
    config.recordsFile === undefined
      ? undefined
      : await readRecordsFile(
          config.recordsFile,
          launchesFile ? Number.POSITIVE_INFINITY : config.sampleSize,
        );
  let sampleRecords: BatchRecord[] = file?.firstRecords ?? [];
  if (config.sampleRecords?.kind === 'inline') sampleRecords = config.sampleRecords.records;
  if (config.sampleRecords?.kind === 'file') {
    sampleRecords = (
      await readRecordsFile(config.sampleRecords.path, config.sampleSize, 'sample-records')
    ).firstRecords;
  }
  const batchData =
    config.batchData ??
    (launchesFile && file ? { kind: 'records', records: file.firstRecords } : undefined);
  const recordCount = config.recordCount ?? file?.count ?? countOfBatchData(config.batchData);
  return { recordCount, sampleRecords: sampleRecords.slice(0, config.sampleSize), batchData };
}

/** Records in batch data that lists them; undefined for a segment or filter (a preview counts those). */
function countOfBatchData(data: BatchDataSetting | undefined): number | undefined {
  if (data?.kind === 'records' && Array.isArray(data.records)) return data.records.length;
  if (data?.kind === 'recordIds' && Array.isArray(data.ids)) return data.ids.length;
  return undefined;
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
  /** Poll interval of a batch launched by run-batch. */
  batchPollIntervalMs?: (elapsedMs: number) => number;
}

/** The billing backend the settings name. */
export function createProvider(config: Config, options: ProviderOptions): Provider {
  if (config.provider === 'venice') {
    const client = new VeniceClient({
      apiUrl: config.apiUrl,
      token: config.apiToken,
      log: options.log,
      timeoutMs: config.apiTimeoutMs,
      ...options.http,
    });
    return new VeniceSource({
      client,
      log: options.log,
      skuFilter: config.skuFilter,
      requestsPerRecord: config.requestsPerRecord,
      sampleCommand: config.sampleCommand,
      recordsFile: config.recordsFile,
      sampleSize: config.sampleSize,
      ledgerSettleMs: config.ledgerSettleSeconds * 1000,
    });
  }
  const client = new CargoClient({
    apiUrl: config.apiUrl,
    token: config.apiToken,
    workspaceUuid: config.workspaceUuid,
    timeoutMs: config.apiTimeoutMs,
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
    ...(options.batchPollIntervalMs ? { batchPollIntervalMs: options.batchPollIntervalMs } : {}),
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
  const countPromise = recordCountOf(config, prepared, provider);
  const [balanceResult, estimateResult, countResult] = await Promise.allSettled([
    balancePromise,
    estimatePromise,
    countPromise,
  ]);
  const recordCount = countResult.status === 'fulfilled' ? countResult.value : null;
  const base = { config, run: deps.run, subject: provider.subject, recordCount };
  const balance = balanceResult.status === 'fulfilled' ? balanceResult.value : null;
  const estimated: EstimateOutcome | null =
    estimateResult.status === 'fulfilled' ? estimateResult.value : null;
  const projection =
    estimated && recordCount !== null
      ? project(estimated.estimate, recordCount, config.confidence)
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

  const failures = [balanceResult, estimateResult, countResult].flatMap((r) =>
    r.status === 'rejected' ? [r.reason as unknown] : [],
  );
  if (failures.length > 0) return failedReport(config, provider, { ...base, ...found }, failures);

  const gate = decide(projection!, balance!, {
    budget: config.budget,
    reserve: config.reserve,
    warnThreshold: config.warnThreshold,
  });
  let outcome = jobOutcome(gate.decision, config);
  const reasons = [...gate.reasons];
  if (projection!.lowConfidence) reasons.push(`Low confidence: ${projection!.lowConfidence}.`);
  const decided = { ...base, ...found, outcome, reasons, gate };
  if (!config.runBatch) return buildReport(decided);

  // The guard: launch only what the gate let through, then watch it.
  const launch =
    gate.decision === 'pass' || (gate.decision === 'warn' && config.onExceed === 'warn');
  if (!launch) {
    reasons.push(`run-batch: the batch was not launched (decision ${gate.decision}).`);
    return buildReport(decided);
  }
  if (!provider.guard || !prepared.batchData) {
    throw new ConfigError('run-batch', 'needs batch-data or records-file and provider cargo');
  }
  const hardCap = config.hardCap ?? gate.limit;
  let receipt: Receipt;
  try {
    const result = await provider.guard.run(prepared.batchData, {
      hardCap,
      detach: config.detach,
      signal: deps.signal,
    });
    receipt = buildReceipt(
      namedNodes(result, found.observations),
      estimated!.estimate,
      projection!,
    );
  } catch (error) {
    if (!(error instanceof GateError)) throw error;
    outcome = { action: 'fail', decision: outcome.decision };
    reasons.push(`run-batch: the batch could not be launched or watched: ${error.message}`);
    return buildReport({
      ...decided,
      outcome,
      error: { kind: error.kind, message: error.message },
    });
  }
  reasons.push(...receiptReasons(receipt));
  if (receipt.stopped !== null) outcome = { action: 'fail', decision: outcome.decision };
  else if (receipt.status === 'error' && outcome.action === 'none')
    outcome = { action: 'warning', decision: outcome.decision };
  return buildReport({ ...decided, outcome, receipt });
}

/** The batch's size: given, or counted by a free preview of the segment or filter. */
async function recordCountOf(
  config: Config,
  prepared: PreparedInputs,
  provider: Provider,
): Promise<number> {
  if (prepared.recordCount !== undefined) return prepared.recordCount;
  if (!prepared.batchData || !provider.guard) {
    throw new ConfigError('record-count', 'is required unless records-file or batch-data is given');
  }
  const count = await provider.guard.sizePool(prepared.batchData);
  if (count < 1)
    throw new GateError(
      'estimate',
      `The batch-data ${prepared.batchData.kind} holds no records (preview counted 0).`,
    );
  return count;
}

/** Names the watched nodes by slug, from the observed runs (the API reports node UUIDs). */
function namedNodes(outcome: BatchOutcome, observations: Observation[]): BatchOutcome {
  const slugs = new Map<string, string>();
  for (const o of observations) for (const p of o.parts) if (p.id) slugs.set(p.id, p.key);
  return {
    ...outcome,
    byNode: outcome.byNode.map((n) => ({ ...n, key: slugs.get(n.key) ?? n.key })),
  };
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

function receiptReasons(r: Receipt): string[] {
  if (r.detached) return [`run-batch: launched batch ${r.batchUuid} and left it running (detach).`];
  const lines = [
    `run-batch: batch ${r.batchUuid} ${r.stopped === 'hard-cap' ? `was cancelled at the hard cap of ${fmt(r.hardCap)} credits` : r.stopped === 'interrupted' ? 'was cancelled because the job was cancelled' : `ended ${r.status}`} after ${r.executedRuns} of ${r.runsCount} records: ${fmt(r.actual)} credits spent against ${fmt(r.estimated)} estimated for those records.`,
  ];
  if (r.diverged)
    lines.push(
      `The actual cost per record (${fmt(r.actualPerRecord ?? 0)}) is above the estimate's upper bound. ${r.explanations.join(' ')}`,
    );
  return lines;
}

/** The report when an API could not be read or no estimate could be made. */
function failedReport(
  config: Config,
  provider: Provider,
  parts: Omit<ReportParts, 'outcome' | 'reasons'>,
  failures: unknown[],
): Report {
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
      : ['The gate could not estimate the cost of the batch.'];
  return buildReport({
    ...parts,
    outcome,
    reasons,
    error: { kind: error.kind, message: error.message },
  });
}
