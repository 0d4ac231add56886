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
  private readonly queue: T[] = [];
  private readonly pending: Pending<T>[] = [];
  private state: 'open' | 'ended' | 'failed' = 'open';
  private error: unknown = null;
  private closed = false;

  constructor(
    private readonly onClose: () => void,
    private readonly maxQueued = 10_000,
  ) {}

  get isOpen(): boolean {
    return this.state === 'open';
  }

  push(value: T): void {
    if (this.state !== 'open') return;
    const waiter = this.pending.shift();
    if (waiter) {
      waiter.resolve({ value, done: false });
      return;
    }
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
    for (const waiter of this.pending.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  /** Ends the stream with an error, after what is queued. */
  fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.error = error;
    this.close();
    const waiters = this.pending.splice(0);
    if (waiters.length > 0) {
      this.state = 'ended';
      waiters[0]?.reject(error);
      for (const waiter of waiters.slice(1)) waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift() as T, done: false });
    if (this.state === 'failed') {
      // Reported once; after that the stream is simply over.
      this.state = 'ended';
      return Promise.reject(this.error);
    }
    if (this.state === 'ended') return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.end();
    this.state = 'ended';
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.end();
    this.state = 'ended';
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
