// The billed requests of a Venice ledger read, held in typed columns. A busy account's 30-day
// window is 500k ledger entries, 250k requests (README "Performance", case F). Held as objects
// (a string id, an object of sums, an array of part objects each) they were ~350 bytes a request
// on the JavaScript heap, and their steady survival grew V8's young generation to its largest,
// which alone is 128 MB resident. Here a request is a slot: its id's bytes in one pool, its sums
// in typed arrays (outside the heap), its SKU parts in a chain; nothing on the heap per request.
import { type CostPart, type Observation, viewList } from '../../engine/observation.js';

type Column = Float64Array | Int32Array | Uint8Array;

/** `column`, or a copy twice as long (at least `needed`) keeping what it held. */
function grown<T extends Column>(column: T, needed: number): T {
  if (needed <= column.length) return column;
  const next = new (column.constructor as new (length: number) => T)(
    Math.max(needed, column.length * 2),
  );
  next.set(column);
  return next;
}

/** FNV-1a over `bytes[start, end)`: a fast, well-spread hash for the id table. */
function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

/** A lone surrogate: a UTF-16 code unit UTF-8 has no bytes for. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Request ids, each kept once as UTF-8 bytes in one pool and found again through an open-
 * addressing table of slots: a Map would keep a string and an entry object per request.
 */
export class RequestIds {
  private pool = new Uint8Array(1 << 16);
  private used = 0;
  /** Where id `slot` starts in the pool. */
  private starts = new Int32Array(1024);
  /** Slot + 1 at each table position, 0 where empty; never more than half full. */
  private table = new Int32Array(1 << 12);
  private scratch = new Uint8Array(64);
  private readonly encoder = new TextEncoder();
  // A leading U+FEFF is part of an id, not a byte-order mark to drop.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Ids UTF-8 cannot hold exactly (a lone surrogate becomes U+FFFD), kept as strings by slot. */
  private readonly oddIds = new Map<number, string>();
  private readonly oddSlots = new Map<string, number>();
  size = 0;

  /** The slot of `id`: the one it was given when first seen, else the next one. */
  slotOf(id: string): number {
    if (this.table.length === 0) throw new Error('request ids are sealed: the ledger was read');
    if (LONE_SURROGATE.test(id)) return this.oddSlotOf(id);
    const length = this.encode(id);
    const mask = this.table.length - 1;
    for (let at = fnv1a(this.scratch, 0, length) & mask; ; at = (at + 1) & mask) {
      const held = this.table[at]!;
      if (held === 0) return this.add(at, length);
      if (this.holds(held - 1, length)) return held - 1;
    }
  }

  /** The id of `slot`. */
  idOf(slot: number): string {
    const odd = this.oddIds.get(slot);
    if (odd !== undefined) return odd;
    return this.decoder.decode(this.pool.subarray(this.starts[slot], this.endOf(slot)));
  }

  /** Where id `slot` ends in the pool: where the next one starts. */
  private endOf(slot: number): number {
    return slot + 1 < this.size ? this.starts[slot + 1]! : this.used;
  }

  /** Drops the lookup table once every id is in: the ids themselves stay readable. */
  sealed(): void {
    this.table = new Int32Array(0);
  }

  /**
   * The slot of an id with a lone surrogate: two such ids would encode to the same bytes and be
   * merged, so they are looked up as strings. Their slot takes no bytes of the pool and no place
   * in the table (JSON can carry `\uD800`; Venice's own ids are ASCII).
   */
  private oddSlotOf(id: string): number {
    let slot = this.oddSlots.get(id);
    if (slot === undefined) {
      slot = this.size;
      this.starts = grown(this.starts, slot + 1);
      this.starts[slot] = this.used;
      this.size += 1;
      this.oddSlots.set(id, slot);
      this.oddIds.set(slot, id);
    }
    return slot;
  }

  /** Encodes `id` into `scratch`, growing it for a long id; returns the byte length. */
  private encode(id: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.scratch.length < id.length * 3) this.scratch = new Uint8Array(id.length * 3);
    return this.encoder.encodeInto(id, this.scratch).written;
  }

  private holds(slot: number, length: number): boolean {
    const start = this.starts[slot]!;
    if (this.endOf(slot) - start !== length) return false;
    for (let i = 0; i < length; i += 1) if (this.pool[start + i] !== this.scratch[i]) return false;
    return true;
  }

  private add(at: number, length: number): number {
    const slot = this.size;
    this.pool = grown(this.pool, this.used + length);
    // Byte by byte: a `subarray` view would be one more object per request.
    for (let i = 0; i < length; i += 1) this.pool[this.used + i] = this.scratch[i]!;
    this.starts = grown(this.starts, slot + 1);
    this.starts[slot] = this.used;
    this.used += length;
    this.size += 1;
    this.table[at] = slot + 1;
    if (this.size * 2 > this.table.length) this.rehash();
    return slot;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2);
    const mask = this.table.length - 1;
    for (let slot = 0; slot < this.size; slot += 1) {
      if (this.oddIds.has(slot)) continue;
      let at = fnv1a(this.pool, this.starts[slot]!, this.endOf(slot)) & mask;
      while (this.table[at] !== 0) at = (at + 1) & mask;
      this.table[at] = slot + 1;
    }
  }
}

/**
 * The billed requests of a ledger read, aggregated as each page arrives: per request its cost,
 * its tokens and a chain of its parts (one per SKU, in the order the ledger billed them).
 */
export class BilledRequests {
  private readonly ids = new RequestIds();
  /** SKU names by index: each entry's `sku` is a string of its own once parsed, kept here once. */
  private readonly skus: string[] = [];
  private readonly skuIndex = new Map<string, number>();
  private cost = new Float64Array(1024);
  private tokens = new Float64Array(1024);
  /** First part of each request, -1 for none; parts chain through `partNext`. */
  private firstPart = new Int32Array(1024);
  private partNext = new Int32Array(2048);
  private partSku = new Int32Array(2048);
  private partCredits = new Float64Array(2048);
  private parts = 0;

  get size(): number {
    return this.ids.size;
  }

  /** Adds one debit of `sku` to request `id`; `tokens` are the entry's, repeated on every row. */
  debit(id: string, sku: string, amount: number, tokens: number): void {
    const slot = this.slotOf(id);
    this.cost[slot] = this.cost[slot]! + amount;
    // Every ledger row of one request (input SKU, output SKU) repeats the request's token
    // details: count them once, not once per row.
    this.tokens[slot] = Math.max(this.tokens[slot]!, tokens);
    const skuAt = this.skuOf(sku);
    let part = this.firstPart[slot]!;
    let last = -1;
    while (part !== -1 && this.partSku[part] !== skuAt) {
      last = part;
      part = this.partNext[part]!;
    }
    if (part === -1) part = this.newPart(slot, last, skuAt);
    this.partCredits[part] = this.partCredits[part]! + amount;
  }

  /** Ends the read: ids are looked up no more. */
  sealed(): this {
    this.ids.sealed();
    return this;
  }

  /** Total cost of request `slot`. */
  costOf(slot: number): number {
    return this.cost[slot]!;
  }

  /** The most tokens a row of request `slot` reported (its rows repeat them). */
  tokensOf(slot: number): number {
    return this.tokens[slot]!;
  }

  /** Request `slot`'s id. */
  idOf(slot: number): string {
    return this.ids.idOf(slot);
  }

  /** The request's parts per SKU, in the order the ledger billed them, each scaled by `scale`. */
  partsOf(slot: number, scale: number): CostPart[] {
    const parts: CostPart[] = [];
    for (let p = this.firstPart[slot]!; p !== -1; p = this.partNext[p]!) {
      const key = this.skus[this.partSku[p]!]!;
      parts.push({ key, kind: 'sku', credits: this.partCredits[p]! * scale, executions: 0 });
    }
    return parts;
  }

  /**
   * One observation per request, scaled to a record by `scale` requests per record: a `viewList`
   * of `RequestObservation`s, each made when read.
   */
  observations(scale: number): Observation[] {
    return viewList(this.size, (slot) => new RequestObservation(this, slot, scale));
  }

  private slotOf(id: string): number {
    const before = this.ids.size;
    const slot = this.ids.slotOf(id);
    if (slot === before) {
      // A request not seen before: room for it in every column.
      this.cost = grown(this.cost, slot + 1);
      this.tokens = grown(this.tokens, slot + 1);
      this.firstPart = grown(this.firstPart, slot + 1);
      this.firstPart[slot] = -1;
    }
    return slot;
  }

  private skuOf(sku: string): number {
    let at = this.skuIndex.get(sku);
    if (at === undefined) {
      at = this.skus.length;
      this.skus.push(sku);
      this.skuIndex.set(sku, at);
    }
    return at;
  }

  private newPart(slot: number, last: number, skuAt: number): number {
    const part = this.parts;
    this.parts += 1;
    this.partNext = grown(this.partNext, this.parts);
    this.partSku = grown(this.partSku, this.parts);
    this.partCredits = grown(this.partCredits, this.parts);
    this.partNext[part] = -1;
    this.partSku[part] = skuAt;
    if (last === -1) this.firstPart[slot] = part;
    else this.partNext[last] = part;
    return part;
  }
}

/**
 * One billed request as an `Observation`, scaled to a record, each field read from the columns
 * when asked: the histogram reads a cost without decoding an id, the CSV an id without making
 * parts. A view, so its fields are getters: `JSON.stringify` writes them (`toJSON`), a spread
 * copies none; read them by name.
 */
class RequestObservation implements Observation {
  readonly #requests: BilledRequests;
  readonly #slot: number;
  readonly #scale: number;

  constructor(requests: BilledRequests, slot: number, scale: number) {
    this.#requests = requests;
    this.#slot = slot;
    this.#scale = scale;
  }

  get id(): string {
    return this.#requests.idOf(this.#slot);
  }

  get recordId(): string {
    return this.id;
  }

  get status(): 'success' {
    return 'success';
  }

  get providerCredits(): number {
    return this.#requests.costOf(this.#slot) * this.#scale;
  }

  // Venice bills tokens per SKU, nothing per execution.
  get executions(): number {
    return 0;
  }

  get executionCredits(): number {
    return 0;
  }

  get parts(): CostPart[] {
    return this.#requests.partsOf(this.#slot, this.#scale);
  }

  toJSON(): Observation {
    const { id, recordId, status, providerCredits, executions, executionCredits, parts } = this;
    return { id, recordId, status, providerCredits, executions, executionCredits, parts };
  }
}
