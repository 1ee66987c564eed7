import { type CostComparison, increasedPast, signedPercent } from './compare.js';
import type { Projection } from './project.js';
import { groupedNumber } from '../shared/grouped-number.js';

/** What the billing account can pay, in the provider's credit unit. */
export interface Balance {
  /** Spendable credits left now (may be negative after an overage). */
  remaining: number;
  /** True when running past zero bills an overage instead of stopping runs. */
  overageAllowed: boolean;
  /** The unit credits are counted in: `credits` (Cargo), `USD` (Venice). */
  unit: string;
}

export interface Policy {
  budget: number | undefined;
  reserve: number;
  warnThreshold: number;
}

export type Verdict = 'pass' | 'warn' | 'fail';

/** The gate's answer with the reasons a person reads. */
export interface Decision {
  decision: Verdict;
  /** `min(budget, remaining − reserve)`. */
  limit: number;
  /** Which side set the limit. */
  limitSource: 'budget' | 'balance';
  /** `limit − projected`. */
  headroom: number;
  /** `projected / limit` (Infinity when the limit is 0 or less and something is projected). */
  utilization: number;
  /** Credits the batch would bill past the balance when overage is allowed (0 otherwise). */
  overage: number;
  /** About how many records run before credits run out, when the balance cannot pay for all. */
  recordsAffordable: number | null;
  reasons: string[];
}

const fmt = (n: number) => groupedNumber(n, 0, 2);

/**
 * The only place a decision is made: `fail` when projected > limit; else `warn` when
 * upper > limit, projected > warnThreshold × limit, or the bound has low confidence; else `pass`.
 */
export function decide(projection: Projection, balance: Balance, policy: Policy): Decision {
  const { limit, limitSource, limitText } = limitOf(balance, policy);
  const { projected } = projection;
  const headroom = limit - projected;
  const utilization = limit > 0 ? projected / limit : projected > 0 ? Infinity : 0;
  const verdict = verdictOf(
    projection,
    { limit, limitText, utilization, headroom },
    balance,
    policy,
  );
  const short = shortfallOf(projection, balance);
  return {
    decision: verdict.decision,
    limit,
    limitSource,
    headroom,
    utilization,
    overage: short.overage,
    recordsAffordable: short.recordsAffordable,
    reasons: [
      verdict.reason,
      ...lowConfidenceNotes(projection),
      ...balanceNotes(balance, policy),
      ...short.reasons,
    ],
  };
}

/** `min(budget, remaining − reserve)`, which side set it, and how a person reads it. */
function limitOf(balance: Balance, policy: Policy) {
  const fromBalance = balance.remaining - policy.reserve;
  const limitSource: Decision['limitSource'] =
    policy.budget !== undefined && policy.budget <= fromBalance ? 'budget' : 'balance';
  const limit = limitSource === 'budget' ? (policy.budget as number) : fromBalance;
  const unit = balance.unit;
  const limitText =
    limitSource === 'budget'
      ? `the budget of ${fmt(limit)} ${unit}`
      : policy.reserve > 0
        ? `the ${fmt(balance.remaining)} ${unit} remaining less the reserve of ${fmt(policy.reserve)} (${fmt(limit)})`
        : `the ${fmt(limit)} ${unit} remaining`;
  return { limit, limitSource, limitText };
}

function verdictOf(
  projection: Projection,
  against: { limit: number; limitText: string; utilization: number; headroom: number },
  balance: Balance,
  policy: Policy,
): { decision: Verdict; reason: string } {
  const { projected, upper } = projection;
  const { limit, limitText } = against;
  const head = `Projected ${fmt(projected)} ${balance.unit}`;
  if (projected > limit) {
    return {
      decision: 'fail',
      reason: `${head} exceeds ${limitText} by ${fmt(projected - limit)}.`,
    };
  }
  if (upper > limit) {
    return {
      decision: 'warn',
      reason: `${head} fits ${limitText}, but the ${Math.round(projection.confidence * 100)}% upper bound of ${fmt(upper)} does not.`,
    };
  }
  if (projected > policy.warnThreshold * limit) {
    return {
      decision: 'warn',
      reason: `${head} is ${pct(against.utilization)} of ${limitText}, above the warn threshold of ${pct(policy.warnThreshold)}.`,
    };
  }
  // A bound the observations cannot support is never a silent pass.
  if (projection.lowConfidence) {
    return {
      decision: 'warn',
      reason: `${head} (upper bound ${fmt(upper)}) fits ${limitText}, but the bound has low confidence, so the gate warns rather than pass.`,
    };
  }
  return {
    decision: 'pass',
    reason: `${head} (upper bound ${fmt(upper)}) fits ${limitText} with ${fmt(against.headroom)} to spare.`,
  };
}

function lowConfidenceNotes(projection: Projection): string[] {
  return projection.lowConfidence ? [`Low confidence: ${projection.lowConfidence}.`] : [];
}

function balanceNotes(balance: Balance, policy: Policy): string[] {
  const unit = balance.unit;
  if (balance.remaining <= 0) {
    return [`The account has no credits left (${fmt(balance.remaining)} ${unit}).`];
  }
  if (policy.reserve > balance.remaining) {
    return [
      `The reserve of ${fmt(policy.reserve)} is more than the ${fmt(balance.remaining)} ${unit} remaining.`,
    ];
  }
  return [];
}

/** What happens when the balance cannot pay for the batch: an overage, or a batch cut short. */
function shortfallOf(projection: Projection, balance: Balance) {
  const none = { overage: 0, recordsAffordable: null as number | null, reasons: [] as string[] };
  if (projection.projected <= balance.remaining) return none;
  const short = projection.projected - Math.max(0, balance.remaining);
  if (balance.overageAllowed) {
    return {
      ...none,
      overage: short,
      reasons: [
        `Overage is allowed on this account: the batch would bill an overage of about ${fmt(short)} ${balance.unit} rather than stop.`,
      ],
    };
  }
  if (!(projection.perRecord > 0)) return none;
  const recordsAffordable = Math.max(
    0,
    Math.floor(Math.max(0, balance.remaining) / projection.perRecord),
  );
  return {
    ...none,
    recordsAffordable,
    reasons: [
      `Overage is denied: the batch would stop after about ${fmt(recordsAffordable)} of ${fmt(projection.recordCount)} records when credits run out.`,
    ],
  };
}

function pct(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 1000) / 10}%` : '∞%';
}

/**
 * `fail-on-increase`: a relative limit, independent of the budget. The decision fails when the
 * projected cost rose by more than `percent` against the compared report; the reason leads.
 */
export function limitIncrease(
  gate: Decision,
  comparison: CostComparison | null,
  percent: number | undefined,
  unit: string,
): Decision {
  if (percent === undefined || comparison === null || !increasedPast(comparison, percent)) {
    return gate;
  }
  const { previous, current } = comparison.projected;
  const reason = `Projected ${fmt(current)} ${unit} is ${signedPercent(comparison.projected.percent)} against the base's ${fmt(previous)}, past fail-on-increase of ${fmt(percent)}%.`;
  return { ...gate, decision: 'fail', reasons: [reason, ...gate.reasons] };
}
