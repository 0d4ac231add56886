// Parent side: the clients. Real graphql-ws clients over `ws`, as any application would connect,
// each subscriber remembering what it received and when.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { now } from '../lib/time.js';
import type { PickedJob } from './protocol.js';

/** What a typical client asks for on every change. */
export const JOB_UPDATED = `subscription JobUpdated($id: ID!) {
  jobUpdated(id: $id) { id provider providerJobId state providerState terminal statusMessage startedAt finishedAt }
}`;

interface JobPayload {
  providerJobId: string;
  state: string;
  providerState: string;
}

/** One value as received: enough to tell which observed change it is, and when it arrived (parent clock). */
export interface Delivery {
  key: string;
  at: number;
}

/** The same key for a change as observed in the gateway and as received by a client. */
export function changeKey(change: { state: string; providerState: string }): string {
  return `${change.state}|${change.providerState}`;
}

export function jobKey(job: { provider: string; providerJobId: string }): string {
  return `${job.provider}:${job.providerJobId}`;
}

export class Subscriber {
  readonly deliveries: Delivery[] = [];
  /** Deliveries before the measured phase began. */
  baseline = 0;
  completed = false;
  error: string | null = null;
  private dispose: (() => void) | null = null;

  constructor(readonly job: PickedJob) {}

  get open(): boolean {
    return !this.completed && this.error === null;
  }

  start(client: Client): void {
    this.dispose = client.subscribe<{ jobUpdated: JobPayload }>(
      { query: JOB_UPDATED, variables: { id: this.job.globalId } },
      {
        next: (result) => {
          // Timestamp first: the rest is bookkeeping, not delivery.
          const at = now();
          if (result.errors?.length) this.error = JSON.stringify(result.errors);
          else if (result.data) this.deliveries.push({ key: changeKey(result.data.jobUpdated), at });
        },
        error: (error: unknown) => {
          this.error = error instanceof Error ? error.message : describeClose(error);
        },
        complete: () => {
          this.completed = true;
        },
      },
    );
  }

  /** Stops the subscription from the client's side (graphql-ws `complete`). */
  unsubscribe(): void {
    this.dispose?.();
    this.dispose = null;
  }
}

function describeClose(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, reason } = error as { code: unknown; reason?: unknown };
    return `connection closed (${String(code)}${reason ? `: ${String(reason)}` : ''})`;
  }
  return String(error);
}

/** `connections` graphql-ws clients over one gateway; subscribers are spread over them in blocks. */
export class ClientPool {
  private readonly clients: Client[];

  constructor(url: string, connections: number) {
    const wsUrl = url.replace(/^http/, 'ws');
    this.clients = Array.from({ length: connections }, () =>
      // No retries: a dropped connection is a finding, not something to paper over.
      createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true }),
    );
  }

  get size(): number {
    return this.clients.length;
  }

  /**
   * `count` subscribers; subscriber i follows job i mod M and uses connection ⌊i·C/count⌋, so every
   * connection carries subscribers of every job (a change fans out over all connections, as it
   * would for many independent clients).
   */
  subscribe(jobs: readonly PickedJob[], count: number): Subscriber[] {
    return Array.from({ length: count }, (_, i) => {
      const job = jobs[i % jobs.length];
      const client = this.clients[Math.floor((i * this.clients.length) / count)];
      if (!job || !client) throw new Error('subscribing needs at least one job and one connection');
      const subscriber = new Subscriber(job);
      subscriber.start(client);
      return subscriber;
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.dispose()));
  }
}
