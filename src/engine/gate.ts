import type { Projection } from './project.js';

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

const fmt = (n: number) =>
  n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 });

/**
 * The only place a decision is made: `fail` when projected > limit; else `warn` when
 * upper > limit or projected > warnThreshold × limit; else `pass`.
 */
export function decide(projection: Projection, balance: Balance, policy: Policy): Decision {
  const fromBalance = balance.remaining - policy.reserve;
  const limitSource =
    policy.budget !== undefined && policy.budget <= fromBalance ? 'budget' : 'balance';
  const limit = limitSource === 'budget' ? (policy.budget as number) : fromBalance;
  const { projected, upper } = projection;
  const headroom = limit - projected;
  const utilization = limit > 0 ? projected / limit : projected > 0 ? Infinity : 0;
  const unit = balance.unit;
  const reasons: string[] = [];
  const limitText =
    limitSource === 'budget'
      ? `the budget of ${fmt(limit)} ${unit}`
      : policy.reserve > 0
        ? `the ${fmt(balance.remaining)} ${unit} remaining less the reserve of ${fmt(policy.reserve)} (${fmt(limit)})`
        : `the ${fmt(limit)} ${unit} remaining`;

  let decision: Verdict;
  if (projected > limit) {
    decision = 'fail';
    reasons.push(
      `Projected ${fmt(projected)} ${unit} exceeds ${limitText} by ${fmt(projected - limit)}.`,
    );
  } else if (upper > limit) {
    decision = 'warn';
    reasons.push(
      `Projected ${fmt(projected)} ${unit} fits ${limitText}, but the ${Math.round(projection.confidence * 100)}% upper bound of ${fmt(upper)} does not.`,
    );
  } else if (projected > policy.warnThreshold * limit) {
    decision = 'warn';
    reasons.push(
      `Projected ${fmt(projected)} ${unit} is ${pct(utilization)} of ${limitText}, above the warn threshold of ${pct(policy.warnThreshold)}.`,
    );
  } else {
    decision = 'pass';
    reasons.push(
      `Projected ${fmt(projected)} ${unit} (upper bound ${fmt(upper)}) fits ${limitText} with ${fmt(headroom)} to spare.`,
    );
  }

  if (balance.remaining <= 0) {
    reasons.push(`The account has no credits left (${fmt(balance.remaining)} ${unit}).`);
  } else if (policy.reserve > balance.remaining) {
    reasons.push(
      `The reserve of ${fmt(policy.reserve)} is more than the ${fmt(balance.remaining)} ${unit} remaining.`,
    );
  }

  let overage = 0;
  let recordsAffordable: number | null = null;
  if (projected > balance.remaining) {
    const short = projected - Math.max(0, balance.remaining);
    if (balance.overageAllowed) {
      overage = short;
      reasons.push(
        `Overage is allowed on this account: the batch would bill an overage of about ${fmt(short)} ${unit} rather than stop.`,
      );
    } else if (projection.perRecord > 0) {
      recordsAffordable = Math.max(
        0,
        Math.floor(Math.max(0, balance.remaining) / projection.perRecord),
      );
      reasons.push(
        `Overage is denied: the batch would stop after about ${fmt(recordsAffordable)} of ${fmt(projection.recordCount)} records when credits run out.`,
      );
    }
  }
  return {
    decision,
    limit,
    limitSource,
    headroom,
    utilization,
    overage,
    recordsAffordable,
    reasons,
  };
}

function pct(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 1000) / 10}%` : '∞%';
}

/** What the job does with a decision or an unreadable API, per `on-exceed` / `on-api-error`. */
export interface JobOutcome {
  /** `fail` sets the step failed; `warning`/`notice` annotate and let it pass. */
  action: 'fail' | 'warning' | 'notice' | 'none';
  decision: Verdict | 'unknown';
}

/** Maps a verdict (or the lack of one) and the policy inputs to what the job does. */
export function jobOutcome(
  verdict: Verdict | { error: 'api' | 'estimate' },
  policy: { onExceed: 'fail' | 'warn'; onApiError: 'fail' | 'warn' | 'pass' },
): JobOutcome {
  if (typeof verdict === 'object') {
    // An estimate that could not be made is never a pass: the gate fails closed.
    if (verdict.error === 'estimate' || policy.onApiError === 'fail')
      return { action: 'fail', decision: 'unknown' };
    return { action: policy.onApiError === 'warn' ? 'warning' : 'notice', decision: 'unknown' };
  }
  if (verdict === 'fail')
    return { action: policy.onExceed === 'fail' ? 'fail' : 'warning', decision: 'fail' };
  if (verdict === 'warn') return { action: 'warning', decision: 'warn' };
  return { action: 'none', decision: 'pass' };
}
