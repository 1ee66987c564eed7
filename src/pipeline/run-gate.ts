// The pipeline the action and the CLI share: settings → provider answers → estimate →
// projection → decision → (launch) → report. Everything it touches from outside is handed in.
import type { Basis, EstimateOutcome } from '../engine/evidence.js';
import { decide, type Decision, limitIncrease } from '../engine/gate.js';
import type { Projection } from '../engine/project.js';
import { whileWaitingOnNetwork } from '../http/idle.js';
import type { Config } from '../inputs/config.js';
import { phraserFor, type Surface } from '../inputs/phrase.js';
import { LaunchError, type Provider, type ProviderContext } from '../providers/provider.js';
import {
  checkProviderSettings,
  createProvider as createFromRegistry,
  type ProviderEntry,
} from '../providers/registry.js';
import { type BaseLookup, compareWithBase, figuresOf } from '../report/comparison.js';
import { buildReport, type Report, type ReportParts, type RunMetadata } from '../report/report.js';
import { ConfigError, GateError, isApiError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import { sleepUnlessAborted } from '../shared/sleep.js';
import { estimateCost } from './choose-source.js';
import { launchBatch, lookForUnfinished } from './launch.js';
import type { PreparedInputs, SampleSelection } from './prepare.js';
import { type NameLookUp, startNameLookUp, subjectNameNow } from './subject-name.js';
import { groupedNumber } from '../shared/grouped-number.js';

export { prepareInputs, type PreparedInputs } from './prepare.js';

/** What the shells (and tests) may set of a provider's context; the rest has defaults. */
export type ProviderOptions = Partial<ProviderContext> & { log: Log };

/** The provider the settings name, with the real clock and sleep unless told otherwise. */
export function createProvider(config: Config, options: ProviderOptions): Provider {
  return createFromRegistry(config, {
    signal: new AbortController().signal,
    now: Date.now,
    sleep: sleepUnlessAborted,
    ...options,
  });
}

export interface GateRunDeps {
  provider: Provider;
  run: RunMetadata;
  log: Log;
  /** The report to compare with (`compare-to`), looked up alongside the provider's answers. */
  base?: Promise<BaseLookup | undefined>;
  /** How messages write inputs: `estimate-from: metrics` (the action, the default) or `--estimate-from metrics`. */
  surface?: Surface;
}

/** The three answers the gate waits for, read concurrently, and the projection that follows. */
interface Answers {
  balance: PromiseSettledResult<Awaited<ReturnType<Provider['readBalance']>>>;
  estimate: PromiseSettledResult<EstimateOutcome>;
  count: PromiseSettledResult<number>;
  /** The projection's module, loaded (once) when there is something to project. */
  projection: () => Promise<ProjectionModule>;
}

type ProjectionModule = typeof import('../engine/project.js');

/**
 * Reads the balance, the estimate and the record count concurrently, projects, decides,
 * launches when asked, and returns the report. An API that cannot be read becomes a report with
 * decision `unknown` (what the job does with it is `outcomeOf`'s); errors that are bugs are thrown.
 */
export async function runGate(
  config: Config,
  prepared: PreparedInputs,
  deps: GateRunDeps,
): Promise<Report> {
  const entry = checkProviderSettings(config);
  // The subject's name only labels the report: looked up beside the reads, never waited for,
  // and given up once the report is built.
  const name = startNameLookUp(deps.provider);
  try {
    return await gateWith(config, prepared, deps, entry, name);
  } finally {
    name.stop();
  }
}

const loadProjection = () => import('../engine/project.js');

async function gateWith(
  config: Config,
  prepared: PreparedInputs,
  deps: GateRunDeps,
  entry: ProviderEntry,
  name: NameLookUp,
): Promise<Report> {
  // Alongside the other reads, never holding up the decision by more than a moment.
  const unfinished = lookForUnfinished(deps.provider, deps.log);
  const answers = await readAnswers(config, prepared, deps, entry);
  const notices = await unfinished.take(entry.vocabulary);
  const recordCount = answers.count.status === 'fulfilled' ? answers.count.value : null;
  const balance = answers.balance.status === 'fulfilled' ? answers.balance.value : null;
  const estimated = answers.estimate.status === 'fulfilled' ? answers.estimate.value : null;
  const picked = estimated ? samplePicked(estimated, prepared, entry) : undefined;
  const projection =
    estimated && recordCount !== null
      ? (await answers.projection()).project({
          estimate: estimated.estimate,
          observations: estimated.observations,
          recordCount,
          confidence: config.confidence,
          // The finite-population correction holds only for a random sample of the batch's records.
          sampleOfBatch: picked !== undefined && prepared.sampleIsFromBatch,
        })
      : null;
  const parts = {
    settings: config,
    provider: entry.id,
    vocabulary: entry.vocabulary,
    run: deps.run,
    subject: deps.provider.subject,
    subjectName: subjectNameNow(name, entry, estimated?.estimate),
    tag: config.commentTag,
    recordCount,
    balance,
    basis: estimated ? withSelection(estimated.basis, picked) : null,
    estimate: estimated?.estimate ?? null,
    projection,
    sample: estimated?.sample ?? null,
    advice: estimated ? entry.advise(estimated.estimate) : [],
    observations: estimated?.observations ?? [],
  };
  const failures = [answers.balance, answers.estimate, answers.count].flatMap((r) =>
    r.status === 'rejected' ? [r.reason as unknown] : [],
  );
  if (failures.length > 0) return failedReport(entry, parts, failures, notices);
  return decidedReport(
    config,
    prepared,
    deps.provider,
    { ...parts, balance: balance!, estimated: estimated!, projection: projection! },
    notices,
    await deps.base,
  );
}

/** How the records of a sample estimate were picked from records-file; undefined otherwise. */
function samplePicked(
  estimated: EstimateOutcome,
  prepared: PreparedInputs,
  entry: ProviderEntry,
): SampleSelection | undefined {
  if (estimated.basis.source !== 'sample' || !entry.runsSampleRecords) return undefined;
  return prepared.sampleSelection;
}

/** The basis with a note saying how the sample was picked, so a run can be reproduced. */
function withSelection(basis: Basis, picked: SampleSelection | undefined): Basis {
  if (picked === undefined) return basis;
  const from = groupedNumber(picked.from);
  const said =
    picked.selection === 'random'
      ? `sample: ${picked.size} records drawn at random from the ${from} of records-file (seed ${String(picked.seed)}; sample-seed reproduces it)`
      : `sample: the first ${picked.size} of the ${from} records of records-file (sample-selection: first, not a random sample)`;
  return { ...basis, note: basis.note ? `${basis.note}; ${said}` : said };
}

async function readAnswers(
  config: Config,
  prepared: PreparedInputs,
  deps: GateRunDeps,
  entry: ProviderEntry,
): Promise<Answers> {
  const { provider } = deps;
  const balance = provider.readBalance();
  const plan = {
    estimateFrom: config.estimateFrom,
    windowDays: config.historyWindowDays,
    minHistoryRuns: config.minHistoryRuns,
    sample: {
      records: prepared.sampleRecords,
      maxCredits: config.maxSampleCredits,
      timeoutMs: config.sampleTimeoutMinutes * 60_000,
    },
    say: phraserFor(deps.surface ?? 'action'),
  };
  // The bound's statistics (jstat: ~11 ms to load) load while the answers are on the way, not
  // before the first request goes out (README "Performance").
  let projecting: Promise<ProjectionModule> | undefined;
  whileWaitingOnNetwork(() => (projecting ??= loadProjection()));
  const [b, e, c] = await Promise.allSettled([
    balance,
    estimateCost(provider, entry, plan, balance, deps.log),
    recordCountOf(prepared, provider),
  ]);
  return { balance: b, estimate: e, count: c, projection: () => (projecting ??= loadProjection()) };
}

type DecidedParts = Omit<ReportParts, 'decision' | 'reasons'> & {
  balance: NonNullable<ReportParts['balance']>;
  estimated: EstimateOutcome;
  projection: Projection;
};

/**
 * Decides, and launches the batch when `run-batch` asks and the decision allows it; `notices`
 * (unfinished batches seen at the start) follow the decision's own reasons.
 */
async function decidedReport(
  config: Config,
  prepared: PreparedInputs,
  provider: Provider,
  parts: DecidedParts,
  notices: string[],
  base: BaseLookup | undefined,
): Promise<Report> {
  const comparison = base
    ? compareWithBase(base, figuresOf(parts.projection, parts.estimated.estimate)!, parts)
    : null;
  const gate: Decision = limitIncrease(
    decide(parts.projection, parts.balance, {
      budget: config.budget,
      reserve: config.reserve,
      warnThreshold: config.warnThreshold,
    }),
    comparison?.result ?? null,
    config.failOnIncrease,
    parts.balance.unit,
  );
  // `decide` already names a low-confidence bound among its reasons.
  const reasons = [...gate.reasons, ...notices];
  const decided = { ...parts, gate, decision: gate.decision, reasons, comparison };
  if (!config.runBatch) return buildReport(decided);
  const launch = await launchBatch(provider, {
    config,
    gate,
    estimate: parts.estimated.estimate,
    projection: parts.projection,
    observations: parts.estimated.observations,
    batchData: prepared.batchData,
    unit: parts.vocabulary.unit,
  });
  // A stopped or unwatched batch is the news: it leads, before "fits the budget".
  const first = launch.receipt?.stopped || launch.error;
  return buildReport({
    ...decided,
    reasons: first ? [...launch.reasons, ...reasons] : [...reasons, ...launch.reasons],
    receipt: launch.receipt,
    error: launch.error,
  });
}

/** The batch's size: given, or counted by a free preview of the segment or filter. */
async function recordCountOf(prepared: PreparedInputs, provider: Provider): Promise<number> {
  if (prepared.recordCount !== undefined) return prepared.recordCount;
  if (!prepared.batchData || !provider.guard) {
    throw new ConfigError('record-count', 'is required unless records-file or batch-data is given');
  }
  const count = await provider.guard.sizePool(prepared.batchData);
  if (count < 1) {
    throw new GateError(
      'estimate',
      `The batch-data ${prepared.batchData.kind} holds no records (preview counted 0).`,
    );
  }
  return count;
}

/** The report when an API could not be read or no estimate could be made. */
function failedReport(
  entry: ProviderEntry,
  parts: Omit<ReportParts, 'decision' | 'reasons'>,
  failures: unknown[],
  notices: string[],
): Report {
  // A sample that could not be stopped outranks any other failure: it may still be spending.
  const unstopped = failures.find((f) => f instanceof LaunchError && !f.stopped);
  if (unstopped instanceof LaunchError)
    return unstoppedSampleReport(entry, parts, unstopped, notices);
  const apiError = failures.find(isApiError);
  const error = apiError ?? failures[0];
  if (!(error instanceof GateError)) throw error;
  // A config error found late (a preview that needs batch-data) is still the user's to fix.
  if (error instanceof ConfigError) throw error;
  const reasons = apiError
    ? [
        `The gate could not read the ${entry.vocabulary.provider} API (${error.kind}), so it could not check the batch.`,
      ]
    : ['The gate could not estimate the cost of the batch.'];
  return buildReport({
    ...parts,
    decision: 'unknown',
    reasons: [...reasons, ...notices],
    error: { kind: error.kind, message: error.message },
  });
}

/** A sample batch the gate started and could not cancel: the step fails, naming the batch. */
function unstoppedSampleReport(
  entry: ProviderEntry,
  parts: Omit<ReportParts, 'decision' | 'reasons'>,
  error: LaunchError,
  notices: string[],
): Report {
  const { provider } = entry.vocabulary;
  return buildReport({
    ...parts,
    decision: 'unknown',
    reasons: [
      `The sample batch ${error.outcome.batchUuid} could not be stopped and may still be spending: cancel it in ${provider} now. No estimate was made.`,
      ...notices,
    ],
    // Not an unreadable API that on-api-error may let through: `estimate` failures always fail
    // the step (outcomeOf), which is what a sample still spending calls for.
    error: { kind: 'estimate', message: error.message },
  });
}
