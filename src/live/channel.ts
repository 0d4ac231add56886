import { LiveError } from './errors.js';

type Pending<T> = { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };

/**
 * A subscription's queue: producers push, the GraphQL executor pulls. `onClose` runs once, when
 * the consumer leaves (`return`) or the producer ends the stream, so the watcher can be let go.
 * A consumer that falls too far behind is cut off instead of growing memory forever.
 *
 * Written by hand because nothing at hand bounds a queue that way: graphql-yoga's `createPubSub`
 * hands each subscriber a Repeater (@repeaterjs/repeater 3), whose buffers either drop values
 * silently (Sliding, Dropping) or, when full (Fixed, or none), keep up to 1024 pending pushes and
 * then throw in the producer. Neither ends the slow subscriber's stream with an error it can see.
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  // Made on first use, and one waiter in a field: a subscription spends its life with one `next()`
  // waiting and nothing queued, and an array that has once held something keeps room for 17.
  private queue: T[] | null = null;
  private waiter: Pending<T> | null = null;
  private waiters: Pending<T>[] | null = null;
  private state: 'open' | 'ended' | 'failed' = 'open';
  private error: unknown = null;
  private closed = false;
  private describe: ((error: unknown) => unknown) | null = null;

  constructor(
    private readonly onClose: () => void,
    private readonly maxQueued = 10_000,
  ) {}

  /**
   * How a failure reaches the consumer: as `describe` makes it (the schema shows live errors as
   * clients see them). Set here rather than by wrapping the channel, which would add a promise to
   * every value waited for, and a subscription spends its life waiting for one.
   */
  describeFailures(describe: (error: unknown) => unknown): this {
    this.describe = describe;
    return this;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  push(value: T): void {
    if (this.state !== 'open') return;
    const waiter = this.takeWaiter();
    if (waiter) {
      waiter.resolve({ value, done: false });
      return;
    }
    this.queue ??= [];
    this.queue.push(value);
    if (this.queue.length > this.maxQueued) {
      this.fail(new LiveError('SUBSCRIBER_TOO_SLOW', `This subscriber fell more than ${this.maxQueued} events behind and was disconnected.`));
    }
  }

  /** No more values: the consumer gets what is queued, then the end. */
  end(): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    this.close();
    for (const waiter of this.takeWaiters()) waiter.resolve({ value: undefined, done: true });
  }

  /** Ends the stream with an error, after what is queued. */
  fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.error = error;
    this.close();
    const waiters = this.takeWaiters();
    if (waiters.length > 0) {
      this.state = 'ended';
      waiters[0]?.reject(this.failure());
      for (const waiter of waiters.slice(1)) waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue && this.queue.length > 0) {
      const value = this.queue.shift() as T;
      // Drained: let the array go (it keeps its room otherwise); most values find a waiter anyway.
      if (this.queue.length === 0) this.queue = null;
      return Promise.resolve({ value, done: false });
    }
    if (this.state === 'failed') {
      // Reported once; after that the stream is simply over.
      this.state = 'ended';
      return Promise.reject(this.failure());
    }
    if (this.state === 'ended') return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      const pending = { resolve, reject };
      if (this.waiter === null && this.waiters === null) this.waiter = pending;
      else (this.waiters ??= []).push(pending);
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.queue = null;
    this.end();
    this.state = 'ended';
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.queue = null;
    this.end();
    this.state = 'ended';
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private failure(): unknown {
    return this.describe ? this.describe(this.error) : this.error;
  }

  /** The oldest waiting `next()`, if any. */
  private takeWaiter(): Pending<T> | null {
    const first = this.waiter;
    if (first) {
      this.waiter = null;
      return first;
    }
    return this.waiters?.shift() ?? null;
  }

  /** Every waiting `next()`, oldest first. */
  private takeWaiters(): Pending<T>[] {
    const all = this.waiter ? [this.waiter] : [];
    if (this.waiters) all.push(...this.waiters);
    this.waiter = null;
    this.waiters = null;
    return all;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
