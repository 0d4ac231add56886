import { cacheExchange, Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type ClientOptions } from 'graphql-ws';

export const GATEWAY_URL = 'http://127.0.0.1:4000/graphql';

/**
 * Queries and mutations over HTTP, subscriptions over graphql-ws on the same path. `webSocketImpl`
 * only outside browsers (Node 20 has no global WebSocket: pass `ws`'s).
 */
export function createGatewayClient(url = GATEWAY_URL, options: Pick<ClientOptions, 'webSocketImpl'> = {}) {
  const ws = createWsClient({ url: url.replace(/^http/, 'ws'), ...options });
  const client = new Client({
    url,
    // POST with a JSON body even for small queries: such a request never trips CSRF prevention.
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return { client, close: () => ws.dispose() };
}

/** The alternative without WebSockets: subscriptions as SSE responses to a POST on the same path. */
export function createSseGatewayClient(url = GATEWAY_URL) {
  return new Client({ url, preferGetMethod: false, fetchSubscriptions: true, exchanges: [cacheExchange, fetchExchange] });
}

export interface JobSummary {
  id: string;
  provider: 'UCLOUD' | 'RIME' | 'DATA_MANAGER' | 'GPU';
  name: string | null;
  state: string;
}

// Plain strings: with GraphQL Code Generator's client preset, graphql(`...`) gives the same
// documents typed, and these interfaces are generated.
const RUNNING_JOBS = `
  query RunningJobs {
    jobs(first: 10, filter: { states: [RUNNING] }) {
      edges { node { id provider name state } }
      providerErrors { provider code message }
    }
  }`;

const JOB_UPDATED = `
  subscription JobUpdated($id: ID!) {
    jobUpdated(id: $id) { id provider name state }
  }`;

interface RunningJobsData {
  jobs: { edges: { node: JobSummary }[]; providerErrors: { provider: string; code: string; message: string }[] };
}

/** Lists the running jobs, follows the newest one, and answers a function that stops following it. */
export async function followNewestRunningJob(client: Client, onUpdate: (job: JobSummary) => void): Promise<() => void> {
  const { data, error } = await client.query<RunningJobsData>(RUNNING_JOBS, {}).toPromise();
  if (error) throw error;
  // A backend that is down leaves its jobs out; the others still answer.
  for (const failed of data?.jobs.providerErrors ?? []) console.warn(`${failed.provider}: ${failed.message}`);
  const newest = data?.jobs.edges[0]?.node;
  if (!newest) return () => undefined;
  const { unsubscribe } = client
    .subscription<{ jobUpdated: JobSummary }>(JOB_UPDATED, { id: newest.id })
    .subscribe(({ data: update, error: failure }) => {
      if (failure) console.warn(failure.message);
      else if (update) onUpdate(update.jobUpdated);
    });
  return unsubscribe;
}
