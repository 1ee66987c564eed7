// A uniform random draw of records from a stream whose length is unknown until it ends.
import type { BatchRecord } from './records-file.js';

/** A seeded draw: `size` records picked uniformly from the file with the PRNG seeded by `seed`. */
export interface SampleDraw {
  size: number;
  seed: number;
}

/**
 * mulberry32: a 32-bit seeded PRNG, uniform in [0, 1). Not cryptographic; it only has to make the
 * same draw from the same seed, so a run can be reproduced with `sample-seed`.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Reservoir sampling (Vitter's algorithm R): after `n` records each one is in the reservoir with
 * probability size/n. The decision for a record is drawn before it is read, so a scanner only
 * builds the records it will keep, and asking again for the same record gives the same answer.
 */
export class Reservoir {
  readonly records: BatchRecord[] = [];
  private readonly random: () => number;
  /** The record last asked about, and the slot drawn for it. */
  private asked = -1;
  private slot = -1;

  constructor(private readonly draw: SampleDraw) {
    this.random = mulberry32(draw.seed);
  }

  /** Whether record `index` (0-based, in file order) goes into the reservoir. */
  wants(index: number): boolean {
    if (index < this.draw.size) return true;
    if (index !== this.asked) {
      this.asked = index;
      this.slot = Math.floor(this.random() * (index + 1));
    }
    return this.slot < this.draw.size;
  }

  /** Offers record `index`; it replaces the drawn slot when `wants(index)` is true. */
  take(index: number, record: BatchRecord): void {
    if (index < this.draw.size) this.records.push(record);
    else if (this.wants(index)) this.records[this.slot] = record;
  }
}

/** Which records a scan keeps: the first `keep` of them, and a random draw when one is asked for. */
export class Keeper {
  readonly first: BatchRecord[] = [];
  private readonly reservoir: Reservoir | undefined;

  constructor(
    private readonly keep: number,
    draw: SampleDraw | undefined,
  ) {
    this.reservoir = draw === undefined ? undefined : new Reservoir(draw);
  }

  /** Whether record `index` must be built (asked before it is read; the same answer on repeat). */
  wants(index: number): boolean {
    const drawn = this.reservoir?.wants(index) ?? false;
    return index < this.keep || drawn;
  }

  take(index: number, record: BatchRecord): void {
    if (index < this.keep) this.first.push(record);
    this.reservoir?.take(index, record);
  }

  /** The drawn records, when a draw was asked for. */
  drawn(): BatchRecord[] | undefined {
    return this.reservoir?.records;
  }
}
