// A client that goes away takes its upstream calls with it, on every transport: a graphql-ws
// operation the client completes, a graphql-ws socket that closes, an HTTP request that is
// aborted. The backend's list route hangs, so only the client's going away can end the call
// before the (long) upstream deadline.
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { gqlData, startWorld, type World } from '../support/gateway.js';

const LIST = 'GET /v1-beta/jobs';
const JOBS = '{ jobs(first: 5) { edges { node { id provider } } providerErrors { provider code } } }';
/** Far longer than any wait below: an upstream call that ends sooner was aborted by the gateway. */
const UPSTREAM_TIMEOUT_MS = 60_000;

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a client that goes away', () => {
  let world: World;
  const clients: Client[] = [];
  beforeAll(async () => {
    world = await startWorld({ seed: 4, config: { upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS } });
  });
  let logged: string[] = [];
  beforeEach(() => {
    logged = [];
    // Kept, not printed: the assertion after each test shows what matters.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    world.demo.rime.server.faults.reset();
    vi.restoreAllMocks();
    // A client going away is an everyday event, not a defect to log as one.
    expect(logged.filter((line) => /"level":"(error|warn)"/.test(line))).toEqual([]);
  });
  afterAll(async () => {
    await world?.close();
  });

  const rime = () => world.demo.rime.server;

  /** The next RIME list request hangs; resolves the counts to compare with once the caller has left. */
  function hangNextList(): { aborted: number; sent: number } {
    rime().faults.next('hang', { route: LIST });
    return { aborted: rime().aborted(LIST), sent: rime().count(LIST) };
  }

  function client(lazy: boolean): Client {
    const created = createClient({ url: world.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy });
    clients.push(created);
    return created;
  }

  /** Starts `JOBS` over graphql-ws; the function it returns completes the operation from the client's side. */
  function startJobs(on: Client): { unsubscribe: () => void; results: unknown[] } {
    const results: unknown[] = [];
    const unsubscribe = on.subscribe(
      { query: JOBS },
      { next: (result) => results.push(result), error: (error) => results.push(error), complete: () => undefined },
    );
    return { unsubscribe, results };
  }

  it('aborts the upstream calls of a graphql-ws operation the client completes, and only those', async () => {
    // Not lazy: the socket stays open after the operation, so only the `complete` message can end it.
    const ws = client(false);
    const before = hangNextList();
    const { unsubscribe, results } = startJobs(ws);
    await until('the gateway calls RIME', () => rime().count(LIST) > before.sent);

    unsubscribe();
    await until('RIME sees its caller go away', () => rime().aborted(LIST) > before.aborted);
    expect(results).toEqual([]);

    // The socket and its other operations are unaffected, and an operation that runs to its end
    // aborts nothing.
    const next = await new Promise<unknown>((resolve, reject) => {
      ws.subscribe<{ jobs: { edges: unknown[]; providerErrors: unknown[] } }>(
        { query: JOBS },
        { next: (result) => resolve(result), error: reject, complete: () => undefined },
      );
    });
    expect(next).toMatchObject({ data: { jobs: { providerErrors: [] } } });
    expect((next as { data: { jobs: { edges: unknown[] } } }).data.jobs.edges).toHaveLength(5);
    expect(rime().aborted(LIST)).toBe(before.aborted + 1);
  });

  it('aborts the upstream calls of every operation under way when the graphql-ws client goes away', async () => {
    const ws = client(true);
    const before = hangNextList();
    startJobs(ws);
    await until('the gateway calls RIME', () => rime().count(LIST) > before.sent);

    await ws.dispose();
    await until('RIME sees its caller go away', () => rime().aborted(LIST) > before.aborted);
  });

  it('aborts the upstream calls of an HTTP request the client aborts', async () => {
    const before = hangNextList();
    const controller = new AbortController();
    const request = fetch(world.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: JOBS }),
      signal: controller.signal,
    }).then(
      () => 'answered',
      () => 'aborted',
    );
    await until('the gateway calls RIME', () => rime().count(LIST) > before.sent);

    controller.abort();
    expect(await request).toBe('aborted');
    await until('RIME sees its caller go away', () => rime().aborted(LIST) > before.aborted);

    // The gateway goes on serving.
    const { jobs } = await gqlData<{ jobs: { edges: unknown[] } }, Record<string, never>>(world.url, JOBS);
    expect(jobs.edges).toHaveLength(5);
  });
});
