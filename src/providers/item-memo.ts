// Readings of list items by their exact JSON text. A kept listing of an unordered backend is read
// whole on every refresh (RIME, Data Manager: thousands of items that mostly did not change since
// the last reading); reading an unchanged item again through its zod schema costs ten times more
// than writing it back out as text, and a fresh copy of every item each second is what fills the
// old generation and makes garbage collection the biggest cost of a big listing. The same text
// always reads the same (the schemas are pure), so the last reading is handed out again.

/** Two generations: a reading unused for a whole generation is dropped, so memory stays bounded. */
export class ItemMemo<T> {
  private current = new Map<string, T>();
  private previous = new Map<string, T>();

  /** `capacity`: readings per generation (at most twice that are kept). */
  constructor(private readonly capacity: number) {}

  get(text: string): T | undefined {
    const kept = this.current.get(text);
    if (kept !== undefined) return kept;
    const older = this.previous.get(text);
    if (older !== undefined) {
      this.previous.delete(text);
      this.set(text, older);
    }
    return older;
  }

  set(text: string, value: T): void {
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(text, value);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}

/** Readings kept per generation for one item schema: a listing of this many jobs is read in full from the memo. */
export const ITEM_MEMO_CAPACITY = 25_000;
