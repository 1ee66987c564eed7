// The state behind the Venice emulator: balances per currency and the usage ledger, debited in
// Venice's own order (shared/reference/venice-billing-api.md, "debit order").

export interface Entry {
  id: number;
  timestamp: string;
  at: number;
  sku: string;
  pricePerUnitUsd: number;
  units: number;
  amount: number;
  currency: string;
  notes: string;
  requestId: string;
  promptTokens: number;
  completionTokens: number;
  inferenceExecutionTime: number;
}

export interface Balances {
  diem: number | null;
  usd: number | null;
  bundledCredits: number | null;
  earnedCredits: number | null;
}

/** DIEM first, then earned credits, then bundled credits, then USD (newer billing guide). */
const DEBIT_ORDER: [keyof Balances, string][] = [
  ['diem', 'DIEM'],
  ['earnedCredits', 'EARNED_CREDITS'],
  ['bundledCredits', 'BUNDLED_CREDITS'],
  ['usd', 'USD'],
];

const PRICES: Record<string, { input: number; output: number }> = {
  'llama-3.3-70b': { input: 0.7, output: 2.8 },
  'qwen3-235b': { input: 0.9, output: 4.5 },
};

const round8 = (value: number) => Math.round(value * 1e8) / 1e8;

export class VeniceLedger {
  readonly entries: Entry[] = [];
  private nextId = 1;
  private requestSeq = 0;

  constructor(readonly balances: Balances) {}

  /** The currency the next request is charged to: the first in debit order with a positive balance. */
  consumptionCurrency(): string | null {
    for (const [key, currency] of DEBIT_ORDER) {
      const value = this.balances[key];
      if (value !== null && value > 0) return currency;
    }
    return null;
  }

  /** Spendable balances together, as `canConsume` weighs them. */
  total(): number {
    return DEBIT_ORDER.reduce((sum, [key]) => sum + (this.balances[key] ?? 0), 0);
  }

  /**
   * Records one inference request's ledger entries (input and output tokens). `charge: false`
   * writes history without touching today's balances.
   */
  bill(
    model: string,
    promptTokens: number,
    completionTokens: number,
    at = Date.now(),
    charge = true,
  ): string {
    const price = PRICES[model] ?? { input: 1, output: 3 };
    this.requestSeq += 1;
    const requestId = `req_${String(this.requestSeq).padStart(8, '0')}`;
    const lines: [string, number, number][] = [
      [`${model}-llm-input-mtoken`, price.input, promptTokens / 1e6],
      [`${model}-llm-output-mtoken`, price.output, completionTokens / 1e6],
    ];
    for (const [sku, perUnit, units] of lines) {
      const amount = round8(perUnit * units);
      this.entries.push({
        id: this.nextId++,
        timestamp: new Date(at).toISOString(),
        at,
        sku,
        pricePerUnitUsd: perUnit,
        units,
        amount: -amount,
        currency: charge ? this.debit(amount) : 'USD',
        notes: 'API Inference',
        requestId,
        promptTokens,
        completionTokens,
        inferenceExecutionTime: 400 + (this.requestSeq % 7) * 50,
      });
    }
    return requestId;
  }

  /** Seeds `requests` requests of deterministic history spread over the last `days` days. */
  seedHistory(requests: number, days: number): void {
    const now = Date.now();
    for (let i = 0; i < requests; i += 1) {
      const at = now - Math.round(((requests - i) / requests) * days * 86_400_000);
      const model = i % 5 === 0 ? 'qwen3-235b' : 'llama-3.3-70b';
      this.bill(model, 800 + ((i * 37) % 600), 200 + ((i * 53) % 300), at, false);
    }
  }

  /** Charges one amount to one currency; a token-priced request may leave it slightly negative. */
  private debit(amount: number): string {
    const currency = this.consumptionCurrency() ?? 'USD';
    const [key] = DEBIT_ORDER.find(([, c]) => c === currency)!;
    this.balances[key] = round8((this.balances[key] ?? 0) - amount);
    return currency;
  }
}
