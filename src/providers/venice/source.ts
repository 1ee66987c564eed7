import { emptyEstimate, estimateFromObservations } from '../../engine/estimate.js';
import { ApiError, GateError } from '../../shared/errors.js';
import type { BalanceReport, EstimateOutcome } from '../../engine/evidence.js';
import type { Log } from '../../shared/log.js';
import type {
  ProviderContext,
  Provider,
  SampleCapability,
  SamplePlan,
  WindowPlan,
} from '../provider.js';
import type { LedgerWindow, VeniceClient } from './client.js';
import { runInProcessGroup } from './sample-command.js';
import { BilledRequests } from './billed-requests.js';
import type { LedgerEntry } from './schemas.js';
import { groupedCount, groupedNumber } from '../../shared/grouped-number.js';

const DAY_MS = 86_400_000;
// Venice debits DIEM first, then earned credits, then bundled credits, then USD.
const DEBIT_ORDER = ['DIEM', 'EARNED_CREDITS', 'BUNDLED_CREDITS', 'USD'] as const;

export interface VeniceSourceDeps {
  client: VeniceClient;
  context: ProviderContext;
  skuFilter: RegExp | undefined;
  requestsPerRecord: number;
  sampleCommand: string | undefined;
  recordsFile: string | undefined;
  sampleSize: number;
  ledgerSettleMs: number;
}

const fmt = (n: number) => groupedNumber(n, 0, 4);

/** The Venice provider: balance in USD-equivalent, cost per record from the ledger. */
export class VeniceSource implements Provider {
  readonly subject: string;
  readonly sample: SampleCapability;
  private readonly log: Log;

  constructor(private readonly deps: VeniceSourceDeps) {
    this.subject = deps.skuFilter ? `sku ~ ${deps.skuFilter.source}` : 'all inference';
    this.log = deps.context.log;
    this.sample = {
      missing: () =>
        deps.sampleCommand === undefined
          ? 'estimate-from sample for Venice needs sample-command: the command that processes the first sample-size records.'
          : undefined,
      run: (plan) => this.fromSample(plan, deps.context.signal),
    };
  }

  async readBalance(): Promise<BalanceReport> {
    const b = await this.deps.client.getBalance();
    const parts = {
      DIEM: b.balances.diem ?? 0,
      EARNED_CREDITS: b.balances.earnedCredits ?? 0,
      BUNDLED_CREDITS: b.balances.bundledCredits ?? 0,
      USD: b.balances.usd ?? 0,
    };
    // 1 DIEM spends as 1 USD of inference, so the spendable total is their sum.
    const remaining = Object.values(parts).reduce((a, c) => a + c, 0);
    const details = [
      ...DEBIT_ORDER.map((c) => ({ label: `Balance ${c}`, value: fmt(parts[c]) })),
      { label: 'Debit order', value: DEBIT_ORDER.join(' → ') },
      { label: 'Consuming now', value: b.consumptionCurrency ?? 'none' },
      { label: 'Can consume', value: b.canConsume ? 'yes' : 'no (less than $0.10 spendable)' },
    ];
    // Venice charges after a request runs, so a balance may dip below zero: no overage stop.
    return { remaining, overageAllowed: false, unit: 'USD', details };
  }

  /** Streams the ledger of a window, aggregating debits per request as each page arrives. */
  private async readRequests(window: LedgerWindow): Promise<BilledRequests> {
    const requests = new BilledRequests();
    const pages = this.useLegacy
      ? this.deps.client.legacyLedger(window)
      : this.deps.client.ledger(window);
    try {
      while (await this.aggregateNext(pages, requests));
    } catch (error) {
      // An older deployment without usage-history: read the page-based endpoint instead.
      if (error instanceof ApiError && error.status === 404 && !this.useLegacy) {
        this.useLegacy = true;
        this.log.info('GET /billing/usage-history is not served here; trying GET /billing/usage.');
        return this.readRequests(window);
      }
      throw error;
    }
    return requests.sealed();
  }

  private useLegacy = false;

  /**
   * Aggregates the next page; false once there is none. A function of its own so the page goes
   * with its frame: a `for await` loop's variable would hold each page while the next is read.
   */
  private async aggregateNext(
    pages: AsyncGenerator<LedgerEntry[]>,
    requests: BilledRequests,
  ): Promise<boolean> {
    const next = await pages.next();
    if (next.done) return false;
    this.aggregate(next.value, requests);
    return true;
  }

  private aggregate(page: LedgerEntry[], requests: BilledRequests): void {
    for (const entry of page) {
      if (entry.amount >= 0) continue; // credits and refunds are not the batch's cost
      if (this.deps.skuFilter && !this.deps.skuFilter.test(entry.sku)) continue;
      const details = entry.inferenceDetails;
      const id = details?.requestId ?? `${entry.timestamp}/${entry.sku}`;
      const tokens = (details?.promptTokens ?? 0) + (details?.completionTokens ?? 0);
      requests.debit(id, entry.sku, -entry.amount, tokens);
    }
  }

  /** The window's billed requests, one observation each (scaled by requests-per-record); may be none. */
  async history(plan: WindowPlan): Promise<EstimateOutcome> {
    const end = this.deps.context.now();
    const window = { start: new Date(end - plan.windowDays * DAY_MS), end: new Date(end) };
    const requests = await this.readRequests(window);
    let tokenSum = 0;
    for (let slot = 0; slot < requests.size; slot += 1) tokenSum += requests.tokensOf(slot);
    const tokens = tokenSum / Math.max(1, requests.size);
    const observations = requests.observations(this.deps.requestsPerRecord);
    const perRecord =
      this.deps.requestsPerRecord !== 1
        ? `; ${this.deps.requestsPerRecord} requests per record`
        : '';
    const basis = {
      source: 'history' as const,
      n: observations.length,
      windowDays: plan.windowDays,
      from: window.start.toISOString(),
      to: window.end.toISOString(),
      note: `about ${groupedCount(tokens)} tokens per request${perRecord}`,
    };
    const estimate =
      observations.length === 0
        ? emptyEstimate('history')
        : estimateFromObservations('history', observations);
    return { estimate, observations, basis };
  }

  /** Runs sample-command, waits for the ledger to settle, and reads what the sample debited. */
  private async fromSample(plan: SamplePlan, signal: AbortSignal): Promise<EstimateOutcome> {
    const { sampleSize } = this.deps;
    const { log, now } = this.deps.context;
    const started = now();
    await this.runSampleCommand(plan, signal);
    const finished = now();
    await this.waitForLedger(signal);
    // The window covers the command's run; entries are stamped when the request ran.
    const requests = await this.readRequests({
      start: new Date(started - 1000),
      end: new Date(finished + 1000),
    });
    if (requests.size === 0) {
      throw new GateError(
        'estimate',
        `The sample command ran, but the Venice ledger shows no debit for it${this.deps.skuFilter ? ' matching sku-filter' : ''}. Raise ledger-settle-seconds, or check that the command uses this account.`,
      );
    }
    let total = 0;
    for (let slot = 0; slot < requests.size; slot += 1) total += requests.costOf(slot);
    // Per record = what the sample debited / sample size; spread over the requests it made.
    const observations = requests.observations(requests.size / sampleSize);
    log.info(
      `Sample: ${requests.size} requests debited $${fmt(total)}: $${fmt(total / sampleSize)} per record.`,
    );
    return {
      estimate: estimateFromObservations('sample', observations),
      observations,
      basis: {
        source: 'sample',
        n: observations.length,
        note: `${requests.size} requests for ${sampleSize} records`,
      },
      sample: {
        batchUuid: 'sample-command',
        records: sampleSize,
        finished: sampleSize,
        cancelled: null,
        cost: total,
        durationMs: finished - started,
      },
    };
  }

  /** Runs sample-command in a process group of its own, bounded by sample-timeout-minutes. */
  private async runSampleCommand(plan: SamplePlan, signal: AbortSignal): Promise<void> {
    const { sampleCommand, sampleSize, recordsFile } = this.deps;
    if (!sampleCommand) throw new GateError('estimate', this.sample.missing(plan) ?? '');
    this.log.info(
      `Sample: running sample-command for ${sampleSize} records (at most ${fmt(plan.timeoutMs / 60_000)} min: sample-timeout-minutes).`,
    );
    await runInProcessGroup({
      command: sampleCommand,
      env: {
        SAMPLE_SIZE: String(sampleSize),
        ...(recordsFile ? { RECORDS_FILE: recordsFile } : {}),
      },
      timeoutMs: plan.timeoutMs,
      signal,
      log: this.log,
      now: this.deps.context.now,
      sleep: this.deps.context.sleep,
    });
  }

  /** Venice writes ledger entries a little after a request; give them time to appear. */
  private async waitForLedger(signal: AbortSignal): Promise<void> {
    const settleMs = this.deps.ledgerSettleMs;
    if (settleMs > 0) {
      this.log.info(`Sample: waiting ${Math.round(settleMs / 1000)} s for the ledger to catch up.`);
      await this.deps.context.sleep(settleMs, signal);
    }
    if (signal.aborted) {
      throw new GateError('cancelled', 'Interrupted while waiting for the Venice ledger.');
    }
  }
}
