// One execution per change for every alike subscription: real graphql-ws and SSE clients on one
// job, the gateway's own counters read from GET /metrics over HTTP. Alike subscribers share the
// execution and all get the same payload; a different selection or different variables is
// executed apart.
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../support/gateway.js';
import { newGpuJob } from '../support/jobs.js';
import { globalId, simState, until } from '../support/live.js';
import { subscribeSse, subscribeWs, wsClient, type Received } from '../support/subscriptions.js';

const FULL = `subscription Full($id: ID!) { jobUpdated(id: $id) { id providerJobId state providerState terminal startedAt } }`;
const SHORT = `subscription Short($id: ID!) { jobUpdated(id: $id) { id providerState } }`;

interface Snapshot {
  id: string;
  providerState: string;
}

const EXECUTIONS = 'jobgateway_subscription_event_executions_total';
const RESULTS = 'jobgateway_subscription_event_results_total';

let world: World;
const clients: Client[] = [];

beforeAll(async () => {
  world = await startWorld({ seed: 41, config: { pollIntervalMs: 50, upstreamTimeoutMs: 2_000 } });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await world?.close();
});

async function counter(name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', world.url))).text();
  const line = text.split('\n').find((each) => each.startsWith(`${name} `));
  if (!line) throw new Error(`${name} is not exported`);
  return Number(line.slice(name.length + 1));
}

async function counters(): Promise<{ executions: number; results: number }> {
  return { executions: await counter(EXECUTIONS), results: await counter(RESULTS) };
}

/** Moves the clock until the job's backend state changes; resolves to the new state. */
function advanceUntilChange(id: string): string {
  const before = simState(world, 'GPU', id);
  for (let step = 0; step < 10_000; step++) {
    world.clock.advance(5_000);
    const now = simState(world, 'GPU', id);
    if (now !== before && now !== null) return now;
  }
  throw new Error(`job ${id} never left ${before}`);
}

async function nextWith(stream: Received<Snapshot>, state: string): Promise<Snapshot> {
  for (;;) {
    const value = await stream.next();
    if (value.providerState === state) return value;
  }
}

describe('subscription events', () => {
  it('are executed once for many alike subscribers, over graphql-ws and SSE, and reach every one of them alike', async () => {
    const job = await newGpuJob(world, { title: 'shared execution' });
    const variables = { id: globalId('GPU', job.providerJobId) };
    const start = await counters();
    const connections = Array.from({ length: 5 }, () => wsClient(world.url));
    clients.push(...connections);
    const streams = Array.from({ length: 40 }, (_, i) => subscribeWs<Snapshot>(connections[i % connections.length]!, FULL, variables, 'jobUpdated'));
    streams.push(subscribeSse<Snapshot>(world.url, FULL, variables, 'jobUpdated'));
    const firsts = await Promise.all(streams.map((stream) => stream.next()));
    expect(new Set(firsts.map((first) => JSON.stringify(first))).size).toBe(1);

    // A few changes, each awaited by everyone: every one executed once, served to all 41.
    for (let change = 0; change < 3; change++) {
      const state = advanceUntilChange(job.providerJobId);
      const got = await Promise.all(streams.map((stream) => nextWith(stream, state)));
      expect(new Set(got.map((value) => JSON.stringify(value))).size).toBe(1);
    }
    await until(() => streams.every((stream) => stream.values.length >= 4), 5_000, 'every value');
    const end = await counters();
    const served = streams.reduce((sum, stream) => sum + stream.values.length, 0);
    expect(end.results - start.results).toBe(served);
    // Each snapshot the watcher published was executed once for all of them.
    expect(end.executions - start.executions).toBe(served / streams.length);
    expect(streams.every((stream) => stream.values.length === streams[0]!.values.length)).toBe(true);
    for (const stream of streams) stream.unsubscribe();
  });

  it('are executed apart for another selection or other variables', async () => {
    const [one, other] = [await newGpuJob(world, { title: 'apart 1' }), await newGpuJob(world, { title: 'apart 2' })];
    const client = wsClient(world.url);
    clients.push(client);
    const start = await counters();
    const full = [0, 1, 2].map(() => subscribeWs<Snapshot>(client, FULL, { id: globalId('GPU', one.providerJobId) }, 'jobUpdated'));
    const short = [0, 1, 2].map(() => subscribeWs<Snapshot>(client, SHORT, { id: globalId('GPU', one.providerJobId) }, 'jobUpdated'));
    const elsewhere = [0, 1, 2].map(() => subscribeWs<Snapshot>(client, FULL, { id: globalId('GPU', other.providerJobId) }, 'jobUpdated'));
    const all = [...full, ...short, ...elsewhere];
    await Promise.all(all.map((stream) => stream.next()));
    const subscribed = await counters();
    // The first value of each: one execution per group of three.
    expect(subscribed.results - start.results).toBe(9);
    expect(subscribed.executions - start.executions).toBe(3);
    for (const stream of full) expect(stream.values[0]).toMatchObject({ providerJobId: one.providerJobId });
    expect(Object.keys(short[0]!.values[0]!).sort()).toEqual(['id', 'providerState']);
    for (const stream of all) stream.unsubscribe();
  });
});
