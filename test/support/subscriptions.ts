import { EventSource } from 'eventsource';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** What a subscription delivered, and a way to wait for the next piece of it. */
export class Received<T> {
  readonly values: T[] = [];
  readonly errors: unknown[] = [];
  completed = false;
  private read = 0;
  private wake: (() => void) | null = null;
  private closer: () => void = () => undefined;

  push(value: T): void {
    this.values.push(value);
    this.notify();
  }

  error(error: unknown): void {
    this.errors.push(error);
    this.notify();
  }

  complete(): void {
    this.completed = true;
    this.notify();
  }

  onClose(closer: () => void): void {
    this.closer = closer;
  }

  /** Stops the subscription from the client's side. */
  unsubscribe(): void {
    this.closer();
  }

  /** The next value not yet taken; fails after `timeoutMs` or if the stream ended first. */
  async next(timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.read >= this.values.length) {
      if (this.completed || this.errors.length > 0) {
        throw new Error(`stream ended (${this.completed ? 'complete' : JSON.stringify(this.errors)}) after ${this.values.length} values`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no value within ${timeoutMs} ms (have ${this.values.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.values[this.read++] as T;
  }

  /** Resolves once the stream completes (or errs); fails after `timeoutMs`. */
  async ended(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.completed && this.errors.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`stream did not end within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** A real graphql-ws client on the gateway's GraphQL path. */
export function wsClient(url: string, connectionParams?: Record<string, string>): Client {
  return createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...(connectionParams ? { connectionParams } : {}) });
}

export function subscribeWs<T>(client: Client, query: string, variables: Record<string, unknown>, field: string): Received<T> {
  const received = new Received<T>();
  const dispose = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) received.error(result.errors);
        else if (result.data) received.push(result.data[field] as T);
      },
      error: (error) => received.error(error),
      complete: () => received.complete(),
    },
  );
  received.onClose(dispose);
  return received;
}

/** A real SSE client (WHATWG EventSource) on Yoga's own SSE transport. */
export function subscribeSse<T>(url: string, query: string, variables: Record<string, unknown>, field: string, headers: Record<string, string> = {}): Received<T> {
  const received = new Received<T>();
  const target = new URL(url);
  target.searchParams.set('query', query);
  target.searchParams.set('variables', JSON.stringify(variables));
  // A GET must carry the CSRF header (a browser EventSource cannot: browsers use POST SSE).
  const source = new EventSource(target, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, 'x-graphql-yoga-csrf': '1', ...headers } }),
  });
  source.addEventListener('next', (event) => {
    const result = JSON.parse(event.data) as { data?: Record<string, T>; errors?: unknown[] };
    if (result.errors?.length) received.error(result.errors);
    else if (result.data) received.push(result.data[field] as T);
  });
  source.addEventListener('complete', () => {
    received.complete();
    source.close();
  });
  source.addEventListener('error', (event) => {
    // EventSource reconnects by default; a subscription stream that breaks is a failure here.
    if (!received.completed) received.error(event);
    source.close();
  });
  received.onClose(() => source.close());
  return received;
}
