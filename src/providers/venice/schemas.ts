import * as z from 'zod';
import { schema } from '../../shared/lazy-schema.js';

// Answers of Venice's billing API (shared/reference/venice-billing-api.md). Unknown fields are
// ignored (the newer guide adds balances the spec forbids); null means "none".

// Finite, but not non-negative: token-priced requests are charged after they run, so Venice
// may report a balance slightly negative (reference, "debit order"); the gate reads that as
// nothing left to spend. A non-finite number (`1e999` parses as Infinity) is drift.
const amount = schema(() => z.number().finite().nullish());

export const balanceAnswer = schema(() =>
  z.object({
    canConsume: z.boolean(),
    consumptionCurrency: z.string().nullable(),
    balances: z.object({
      diem: amount(),
      usd: amount(),
      bundledCredits: amount(),
      earnedCredits: amount(),
    }),
    diemEpochAllocation: z.number().nullish(),
  }),
);
export type VeniceBalance = z.output<ReturnType<typeof balanceAnswer>>;

export const ledgerEntry = schema(() =>
  z.object({
    timestamp: z.string().min(1),
    sku: z.string(),
    pricePerUnitUsd: z.number().finite().nullish(),
    units: z.number().finite().nullish(),
    /** Negative for a debit. */
    amount: z.number().finite(),
    currency: z.string(),
    notes: z.string().nullish(),
    inferenceDetails: z
      .object({
        requestId: z.string().nullish(),
        promptTokens: z.number().nullish(),
        completionTokens: z.number().nullish(),
        inferenceExecutionTime: z.number().nullish(),
      })
      .nullish(),
  }),
);
export type LedgerEntry = z.output<ReturnType<typeof ledgerEntry>>;

export const usageHistoryAnswer = schema(() =>
  z.object({
    data: z.array(ledgerEntry()),
    nextCursor: z.string().nullable(),
  }),
);

export const legacyUsageAnswer = schema(() =>
  z.object({
    data: z.array(ledgerEntry()),
    pagination: z.object({
      limit: z.number(),
      page: z.number(),
      total: z.number(),
      totalPages: z.number(),
    }),
  }),
);

/** `{"error": "..."}`, sometimes with `details`. */
export const errorBody = schema(() =>
  z.object({
    error: z.string().optional(),
    details: z.unknown().optional(),
  }),
);
