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

/** The index an array property key names (`"12"`, not `"012"`), when it is one below `length`. */
function indexOf(key: string | symbol, length: number): number | undefined {
  if (typeof key !== 'string' || !/^(?:0|[1-9]\d*)$/.test(key)) return undefined;
  const index = Number(key);
  return index < length ? index : undefined;
}

/**
 * A read-only list whose element `i` is `itemAt(i)`, made when read and dropped once used: how a
 * provider lends out 250k observations it keeps in columns, and how a report lists their rows,
 * without 250k objects held at once. Held, they outlive V8's young collections and grow its
 * young generation to its largest (README "Performance", case F). Everything that reads an array
 * works (`length`, indices, iteration, `map`, `slice`, `JSON.stringify`, `Object.keys`); an
 * element is a new object at each read, and a write throws (a `TypeError` in strict code).
 */
export function viewList<T>(length: number, itemAt: (index: number) => T): T[] {
  return new Proxy<T[]>([], {
    get(target, key, receiver) {
      if (key === 'length') return length;
      const index = indexOf(key, length);
      return index === undefined ? (Reflect.get(target, key, receiver) as unknown) : itemAt(index);
    },
    has: (target, key) => indexOf(key, length) !== undefined || Reflect.has(target, key),
    ownKeys: (target) => [
      ...Array.from({ length }, (_, i) => String(i)),
      ...Reflect.ownKeys(target),
    ],
    getOwnPropertyDescriptor(target, key) {
      const index = indexOf(key, length);
      if (index !== undefined) {
        return { value: itemAt(index), writable: false, enumerable: true, configurable: true };
      }
      const own = Reflect.getOwnPropertyDescriptor(target, key);
      return key === 'length' && own ? { ...own, value: length } : own;
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
