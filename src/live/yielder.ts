import { setImmediate as nextTurn } from 'node:timers/promises';

/** Deliveries handed to subscribers before the event loop gets a turn. */
const SLICE = 256;

/**
 * Spreads a large fan-out over several event-loop turns. Pushing a change to thousands of
 * subscribers runs their GraphQL executions and socket writes back to back; without a pause now
 * and then, nothing else (a query, a ping) is served until the whole burst is out.
 */
export class Yielder {
  private count = 0;

  async delivered(deliveries: number): Promise<void> {
    this.count += deliveries;
    if (this.count < SLICE) return;
    this.count = 0;
    await nextTurn();
  }
}
