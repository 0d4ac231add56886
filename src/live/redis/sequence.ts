// The seq of a key's news: strictly increasing across replicas and takeovers. A new holder starts
// from the clock (microseconds) or just past the last seq it heard for the key, whichever is later,
// so that its news sort after its predecessor's even when their clocks disagree a little.

/** Past this many keys, entries the clock has overtaken are dropped (they no longer decide anything). */
const PRUNE_AT = 4096;

export class SequenceClock {
  private readonly last = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  next(topic: string): number {
    const seq = Math.max((this.last.get(topic) ?? 0) + 1, this.now() * 1000);
    this.note(topic, seq);
    return seq;
  }

  /** Remembers a seq published or heard for `topic`. */
  note(topic: string, seq: number): void {
    if (seq <= (this.last.get(topic) ?? 0)) return;
    this.last.set(topic, seq);
    if (this.last.size > PRUNE_AT) this.prune();
  }

  private prune(): void {
    const floor = this.now() * 1000;
    for (const [topic, seq] of this.last) if (seq <= floor) this.last.delete(topic);
  }
}
