// Clients of a cluster run, in a process of their own: with thousands of connections the clients'
// event loop would otherwise be what is measured. Real graphql-ws clients over `ws`; every value
// is timestamped on arrival and reported to the parent in one message per turn.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { openFileLimit } from '../../lib/proc.js';
import { now, sleep } from '../../lib/time.js';
import { changeKey, JOB_UPDATED } from '../subscribers.js';
import { childOptions, emit, serve, type Handlers } from './ipc.js';
import type { ClientEvent, ClientMethods, ClientReady, ConnectionPlan, Received } from './protocol.js';

childOptions<Record<string, never>>('bench/subscriptions/cluster/client-child.ts');

interface JobPayload {
  state: string;
  providerState: string;
}

const clients: Client[] = [];
const disposers: (() => void)[] = [];

const received: Received[] = [];
function receive(value: Received): void {
  received.push(value);
  if (received.length === 1) setImmediate(() => emit({ kind: 'received', values: received.splice(0) } satisfies ClientEvent));
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, reason } = error as { code: unknown; reason?: unknown };
    return `connection closed (${String(code)}${reason ? `: ${String(reason)}` : ''})`;
  }
  return String(error);
}

/** Opens one batch of connections; resolves once each subscriber has its first value or failed. */
function openBatch(plans: readonly ConnectionPlan[], state: { withFirstValue: number; failed: number }): Promise<void> {
  let waiting = plans.reduce((sum, plan) => sum + plan.subscribers.length, 0);
  if (waiting === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const settled = (): void => {
      if (--waiting === 0) resolve();
    };
    for (const plan of plans) {
      // No retries: a dropped connection is a finding, not something to paper over.
      const client = createClient({ url: plan.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      clients.push(client);
      for (const { index, globalId } of plan.subscribers) {
        let first = true;
        let done = false;
        const end = (): void => {
          if (first && !done) settled();
          done = true;
        };
        disposers.push(
          client.subscribe<{ jobUpdated: JobPayload }>(
            { query: JOB_UPDATED, variables: { id: globalId } },
            {
              next: (result) => {
                // Timestamp first: the rest is bookkeeping, not delivery.
                const at = now();
                if (result.errors?.length) {
                  emit({ kind: 'failed', index, error: JSON.stringify(result.errors) } satisfies ClientEvent);
                  if (first) state.failed++;
                  end();
                  return;
                }
                if (!result.data) return;
                receive([index, changeKey(result.data.jobUpdated), at]);
                if (first) {
                  first = false;
                  state.withFirstValue++;
                  if (!done) settled();
                }
              },
              error: (error: unknown) => {
                emit({ kind: 'failed', index, error: describe(error) } satisfies ClientEvent);
                if (first) state.failed++;
                end();
              },
              complete: () => {
                emit({ kind: 'completed', index } satisfies ClientEvent);
                end();
              },
            },
          ),
        );
      }
    }
  });
}

let closing: Promise<number> | null = null;
function shutdown(): Promise<number> {
  closing ??= (async () => {
    const started = now();
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    return now() - started;
  })();
  return closing;
}

const handlers: Handlers<ClientMethods> = {
  subscribe: async ({ connections, batch, timeoutMs }) => {
    const started = now();
    const state = { withFirstValue: 0, failed: 0 };
    const deadline = started + timeoutMs;
    for (let i = 0; i < connections.length; i += batch) {
      const left = deadline - now();
      if (left <= 0) break;
      // A batch that never completes (a subscriber that hears nothing) must not hold up the rest forever.
      await Promise.race([openBatch(connections.slice(i, i + batch), state), sleep(left)]);
    }
    return { ms: now() - started, ...state };
  },
  unsubscribe: async () => {
    for (const dispose of disposers.splice(0)) dispose();
    return {};
  },
  close: async () => {
    await shutdown();
    return {};
  },
  memory: async () => {
    const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
    return { heapUsed, heapTotal, rss, external, arrayBuffers };
  },
  ping: async () => ({ at: now() }),
  shutdown: async () => ({ closeMs: await shutdown() }),
};

const ready: ClientReady = { openFiles: openFileLimit() };
serve<ClientMethods>(handlers, ready, () => void shutdown());
