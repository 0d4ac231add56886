// What a running instance writes as task events between its phase changes.
import type { Random } from '../common/random.js';
import type { Level } from './catalog.js';

export interface Chat {
  /** ms after the instance started */
  offset: number;
  /** Sub-millisecond digits of the event time. */
  micros: number;
  level: Level;
  message: string;
}

/**
 * An endless, seeded sequence of chatter, drawn only as far as it is read. It does not depend on
 * the instance's plan, so what has been written stays the same when a mutation rewrites the future.
 */
export class Chatter {
  private readonly items: Chat[] = [];

  constructor(
    private readonly random: Random,
    private readonly intervalMs: readonly [number, number],
    private readonly line: (index: number, random: Random) => string,
    /** An instance stops chattering after this many lines (a months-old notebook would never end). */
    private readonly cap: number,
  ) {}

  /** Every item up to `span` ms after the start, plus possibly the next one. */
  upTo(span: number): readonly Chat[] {
    while (this.items.length < this.cap && (this.items.at(-1)?.offset ?? 0) <= span) {
      const previous = this.items.at(-1)?.offset ?? 0;
      const offset = previous + this.random.int(this.intervalMs[0], this.intervalMs[1]);
      const micros = this.random.int(0, 999);
      const level = this.random.weighted<Level>([
        ['INFO', 70],
        ['DEBUG', 25],
        ['WARNING', 5],
      ]);
      this.items.push({ offset, micros, level, message: this.line(this.items.length, this.random) });
    }
    return this.items;
  }
}
