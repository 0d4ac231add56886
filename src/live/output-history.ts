import type { LogEntry } from '../providers/contract.js';

/** Output kept for clients that join late; beyond it the oldest is dropped (and they are told). */
export const HISTORY_ENTRIES = 20_000;
const HISTORY_CHARS = 4 * 1024 * 1024;

/** A job's output so far, as a reader joining now gets it. */
export class OutputHistory {
  private readonly entries: LogEntry[] = [];
  private chars = 0;
  private truncated = false;

  get size(): number {
    return this.entries.length;
  }

  /** Characters kept per rank and stream (`0/STDOUT`): how much of each a reading from the start repeats. */
  charsByStream(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.entries) counts.set(streamOf(entry), (counts.get(streamOf(entry)) ?? 0) + entry.text.length);
    return counts;
  }

  add(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      this.entries.push(entry);
      this.chars += entry.text.length;
    }
    while (this.entries.length > HISTORY_ENTRIES || this.chars > HISTORY_CHARS) {
      const dropped = this.entries.shift();
      this.chars -= dropped?.text.length ?? 0;
      this.truncated = true;
    }
  }

  clear(): void {
    this.entries.length = 0;
    this.chars = 0;
    this.truncated = false;
  }

  /**
   * Hands over what is kept, after a note saying so if the oldest output was dropped; with `tail`,
   * only its last `tail` entries (what a reader asked to skip needs no note).
   */
  replay(push: (entry: LogEntry) => void, tail: number | null = null): void {
    if (tail !== null) {
      for (const entry of lastOf(this.entries, tail)) push(entry);
      return;
    }
    if (this.truncated) {
      push({ rank: 0, stream: 'EVENT', text: '[earlier output omitted]', timestamp: this.entries[0]?.timestamp ?? new Date() });
    }
    for (const entry of this.entries) push(entry);
  }
}

/** The rank and stream an entry continues. */
export function streamOf(entry: LogEntry): string {
  return `${entry.rank}/${entry.stream}`;
}

/** The last `count` of `entries` (none for 0). */
export function lastOf<T>(entries: readonly T[], count: number): readonly T[] {
  return count <= 0 ? [] : entries.slice(-count);
}
