/** One part of an observed record's cost: a node (Cargo) or a SKU (Venice). */
export interface CostPart {
  /** What the part is named by in the breakdown: a node slug, a SKU. */
  key: string;
  /** The provider's id of the part (a node UUID), when it has one. */
  id?: string | undefined;
  /** The billed action behind it (`hunter.findEmail`), when there is one. */
  action?: string | undefined;
  /** `native`, `connector`, `tool`, `agent`, or a provider's own word. */
  kind: string;
  credits: number;
  executions: number;
}

/** What one record cost when it ran: the unit every estimate is made of. */
export interface Observation {
  /** The run (Cargo) or request (Venice) observed. */
  id: string;
  recordId: string;
  status: 'success' | 'error';
  /** Credits billed by providers (`Σ executions[].creditsUsedCount` on Cargo). */
  providerCredits: number;
  /** How many billed executions the record took. */
  executions: number;
  /** Credits billed for the executions themselves (0.01 each on Cargo, 0 on Venice). */
  executionCredits: number;
  parts: CostPart[];
}

/** Total credits of one observed record. */
export function observationCost(o: Observation): number {
  return o.providerCredits + o.executionCredits;
}
