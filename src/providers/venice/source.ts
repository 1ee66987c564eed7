import { emptyEstimate, estimateFromObservations } from '../../engine/estimate.js';
import type { CostPart, Observation } from '../../engine/observation.js';
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
import type { LedgerEntry } from './schemas.js';

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

/** What one request cost, aggregated from its ledger entries. */
interface RequestCost {
  cost: number;
  tokens: number;
  /** Per SKU; an array, not a Map: a request has one to three SKUs, and a ledger 500k entries. */
  parts: { sku: string; credits: number; units: number }[];
}

/** The billed requests of a ledger read, and one copy of each SKU name they share. */
interface Requests {
  byId: Map<string, RequestCost>;
  /** Every entry's `sku` is a string of its own once parsed: kept once, a large ledger holds far less. */
  skus: Map<string, string>;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 4 });

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
  private async readRequests(window: LedgerWindow): Promise<Map<string, RequestCost>> {
    const requests: Requests = { byId: new Map(), skus: new Map() };
    const pages = this.useLegacy
      ? this.deps.client.legacyLedger(window)
      : this.deps.client.ledger(window);
    try {
      for await (const page of pages) this.aggregate(page, requests);
    } catch (error) {
      // An older deployment without usage-history: read the page-based endpoint instead.
      if (error instanceof ApiError && error.status === 404 && !this.useLegacy) {
        this.useLegacy = true;
        this.log.info('GET /billing/usage-history is not served here; trying GET /billing/usage.');
        return this.readRequests(window);
      }
      throw error;
    }
    return requests.byId;
  }

  private useLegacy = false;

  private aggregate(page: LedgerEntry[], { byId, skus }: Requests): void {
    for (const entry of page) {
      if (entry.amount >= 0) continue; // credits and refunds are not the batch's cost
      if (this.deps.skuFilter && !this.deps.skuFilter.test(entry.sku)) continue;
      const id = entry.inferenceDetails?.requestId ?? `${entry.timestamp}/${entry.sku}`;
      let request = byId.get(id);
      if (!request) {
        request = { cost: 0, tokens: 0, parts: [] };
        byId.set(id, request);
      }
      const debit = -entry.amount;
      request.cost += debit;
      // Every ledger row of one request (input SKU, output SKU) repeats the request's token
      // details: count them once, not once per row.
      request.tokens = Math.max(
        request.tokens,
        (entry.inferenceDetails?.promptTokens ?? 0) +
          (entry.inferenceDetails?.completionTokens ?? 0),
      );
      let part = request.parts.find((p) => p.sku === entry.sku);
      if (!part) {
        const sku = skus.get(entry.sku) ?? entry.sku;
        skus.set(sku, sku);
        part = { sku, credits: 0, units: 0 };
        request.parts.push(part);
      }
      part.credits += debit;
      part.units += entry.units ?? 0;
    }
  }

  /** One observation per request, scaled to a record by `scale` requests per record. */
  private observations(requests: Map<string, RequestCost>, scale: number): Observation[] {
    return Array.from(requests, ([id, r]) => {
      const parts: CostPart[] = r.parts.map((p) => ({
        key: p.sku,
        kind: 'sku',
        credits: p.credits * scale,
        executions: 0,
      }));
      return {
        id,
        recordId: id,
        status: 'success' as const,
        providerCredits: r.cost * scale,
        executions: 0,
        executionCredits: 0,
        parts,
      };
    });
  }

  /** The window's billed requests, one observation each (scaled by requests-per-record); may be none. */
  async history(plan: WindowPlan): Promise<EstimateOutcome> {
    const end = this.deps.context.now();
    const window = { start: new Date(end - plan.windowDays * DAY_MS), end: new Date(end) };
    const requests = await this.readRequests(window);
    let tokenSum = 0;
    for (const r of requests.values()) tokenSum += r.tokens;
    const tokens = tokenSum / Math.max(1, requests.size);
    const observations = this.observations(requests, this.deps.requestsPerRecord);
    // The observations hold all the estimate needs: the per-request sums go before it runs.
    requests.clear();
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
      note: `about ${Math.round(tokens).toLocaleString('en-US')} tokens per request${perRecord}`,
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
    const total = [...requests.values()].reduce((a, r) => a + r.cost, 0);
    // Per record = what the sample debited / sample size; spread over the requests it made.
    const observations = this.observations(requests, requests.size / sampleSize);
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
