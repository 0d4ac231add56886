// jobUpdated over real graphql-ws and SSE clients, against the gateway over the simulators, with
// the simulators' clock driven by the test: every transition in order, no duplicates, completion
// after the terminal state, and upstream load independent of the number of subscribers.
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobProvider } from '../../src/providers/job.js';
import { gql, startWorld, type World } from '../support/gateway.js';
import { newGpuJob } from '../support/jobs.js';
import { FINAL, globalId, simState, until } from '../support/live.js';
import { subscribeSse, subscribeWs, wsClient, type Received } from '../support/subscriptions.js';

const JOB_UPDATED = `subscription JobUpdated($id: ID!) {
  jobUpdated(id: $id) {
    id provider providerJobId state providerState terminal statusMessage startedAt finishedAt
    capabilities { cancel extend suspend resume logs }
    ... on UCloudJob { expiresAt updates { state status timestamp } }
    ... on GpuJob { updatedAt }
    ... on RimeJob { progressText cancellationRequested testBatches { type status } terminationReason }
    ... on DataManagerInstance { url outputs }
  }
}`;

interface Snapshot {
  providerJobId: string;
  state: string;
  providerState: string;
  terminal: boolean;
}

const INTERVAL_MS = 50;
let world: World;
let client: Client;

beforeAll(async () => {
  world = await startWorld({ seed: 31, config: { pollIntervalMs: INTERVAL_MS, upstreamTimeoutMs: 2_000 } });
  client = wsClient(world.url);
});

afterAll(async () => {
  await client?.dispose();
  await world?.close();
});

afterEach(async () => {
  for (const sim of [world.demo.ucloud, world.demo.rime, world.demo.dataManager, world.demo.gpu]) sim.server.faults.reset();
  // Every test leaves nothing behind: no watcher, no subscription.
  await until(() => world.gateway.services.live.stats().jobWatchers === 0, 5_000, 'watchers to stop');
});

/**
 * Moves the clock forward in steps; whenever the backend's state changes, waits for the gateway
 * to report exactly that state before going on. Returns the backend states seen, in order.
 */
async function followToEnd(provider: JobProvider, id: string, received: Received<Snapshot>, stepMs: number): Promise<string[]> {
  const first = await received.next();
  expect(first.providerJobId).toBe(id);
  let current = first.providerState;
  expect(current).toBe(simState(world, provider, id));
  const states = [current];
  for (let step = 0; step < 20_000 && !FINAL[provider].includes(current); step++) {
    world.clock.advance(stepMs);
    const now = simState(world, provider, id);
    if (now === null || now === current) continue;
    for (;;) {
      const event = await received.next();
      if (event.providerState === now) break;
      // Anything else that changed in between still belongs to the state we were in.
      expect(event.providerState).toBe(current);
    }
    current = now;
    states.push(now);
  }
  await received.ended();
  expect(received.errors).toEqual([]);
  expect(received.completed).toBe(true);
  return states;
}

async function createGpuJob(target: World): Promise<string> {
  return (await newGpuJob(target, { title: 'live test' })).providerJobId;
}

function expectNoDuplicates(values: readonly unknown[]): void {
  for (let i = 1; i < values.length; i++) expect(JSON.stringify(values[i])).not.toBe(JSON.stringify(values[i - 1]));
}

describe('jobUpdated', () => {
  it.each([
    ['GPU', () => world.demo.gpu.inventory().find((job) => job.state === 'PENDING')!.id, 10_000],
    ['RIME', () => world.demo.rime.inventory().find((job) => job.state === 'JOB_STATUS_PENDING')!.id, 10_000],
    [
      'DATA_MANAGER',
      () => world.demo.dataManager.inventory().find((job) => job.type === 'JOB' && (job.state === 'PENDING' || job.state === 'RUNNING'))!.id,
      10_000,
    ],
    ['UCLOUD', () => world.demo.ucloud.inventory().find((job) => job.state === 'IN_QUEUE' || job.state === 'RUNNING')!.id, 60_000],
  ] as const)('%s: the job now, then every transition in order, then complete', async (provider, pick, stepMs) => {
    const id = pick();
    const received = subscribeWs<Snapshot>(client, JOB_UPDATED, { id: globalId(provider, id) }, 'jobUpdated');
    const states = await followToEnd(provider, id, received, stepMs);
    expect(states.length).toBeGreaterThanOrEqual(2);
    expectNoDuplicates(received.values);
    expect(received.values.at(-1)?.terminal).toBe(true);
    expect(received.values.filter((value) => value.terminal)).toHaveLength(1);
  });

  it('over SSE too (Yoga\'s own transport)', async () => {
    const id = await createGpuJob(world);
    const received = subscribeSse<Snapshot>(world.url, JOB_UPDATED, { id: globalId('GPU', id) }, 'jobUpdated');
    const states = await followToEnd('GPU', id, received, 10_000);
    expect(states.at(-1)).toMatch(/COMPLETED|FAILED|CANCELLED/);
    expectNoDuplicates(received.values);
  });

  it('a job that does not exist is a GraphQL error', async () => {
    const received = subscribeWs<Snapshot>(client, JOB_UPDATED, { id: globalId('GPU', '00000000-0000-4000-8000-000000000000') }, 'jobUpdated');
    await received.ended();
    expect(JSON.stringify(received.errors)).toMatch(/does not know job/);
    const invalid = subscribeWs<Snapshot>(client, JOB_UPDATED, { id: 'nonsense!' }, 'jobUpdated');
    await invalid.ended();
    expect(JSON.stringify(invalid.errors)).toMatch(/not a global ID issued by this gateway/);
  });

  it('a broken document on one subscription does not close the socket the others share', async () => {
    const own = wsClient(world.url);
    try {
      const id = await createGpuJob(world);
      const good = subscribeWs<Snapshot>(own, JOB_UPDATED, { id: globalId('GPU', id) }, 'jobUpdated');
      expect((await good.next()).state).toBe('QUEUED');
      const broken = subscribeWs<Snapshot>(own, 'subscription { jobUpdated(id: ', {}, 'jobUpdated');
      await broken.ended();
      expect(JSON.stringify(broken.errors)).toMatch(/Syntax Error/);
      // The first subscription still lives on the same socket.
      for (let i = 0; i < 5_000 && simState(world, 'GPU', id) === 'PENDING'; i++) world.clock.advance(5_000);
      expect((await good.next()).providerState).not.toBe('PENDING');
      expect(good.errors).toEqual([]);
      good.unsubscribe();
    } finally {
      await own.dispose();
    }
  });

  it('a terminal job: the snapshot, then complete', async () => {
    const id = world.demo.gpu.inventory().find((job) => job.state === 'COMPLETED')!.id;
    const received = subscribeWs<Snapshot>(client, JOB_UPDATED, { id: globalId('GPU', id) }, 'jobUpdated');
    await received.ended();
    expect(received.values.map((value) => value.state)).toEqual(['SUCCEEDED']);
    expect(received.completed).toBe(true);
  });

  it('200 subscribers to one job cost upstream what one does', async () => {
    const gpu = world.demo.gpu;
    const [one, many] = [await createGpuJob(world), await createGpuJob(world)];
    const live = world.gateway.services.live;

    async function measure(id: string, subscribers: number): Promise<{ requests: number; rounds: number }> {
      gpu.server.resetCounts();
      const roundsBefore = live.stats().rounds.GPU!.jobs;
      const clients = Array.from({ length: Math.ceil(subscribers / 20) }, () => wsClient(world.url));
      const subscriptions = Array.from({ length: subscribers }, (_, i) =>
        subscribeWs<Snapshot>(clients[i % clients.length]!, JOB_UPDATED, { id: globalId('GPU', id) }, 'jobUpdated'),
      );
      for (const subscription of subscriptions) await subscription.next();
      expect(live.stats().jobWatchers).toBe(1);
      expect(live.stats().jobSubscriptions).toBe(subscribers);
      await until(() => live.stats().rounds.GPU!.jobs >= roundsBefore + 10, 10_000, 'ten poll rounds');
      for (const subscription of subscriptions) subscription.unsubscribe();
      await until(() => live.stats().jobWatchers === 0, 5_000, 'the watcher to stop');
      // A round already under way when the last subscriber left still finishes.
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 4));
      const rounds = live.stats().rounds.GPU!.jobs - roundsBefore;
      await Promise.all(clients.map((c) => c.dispose()));
      return { requests: gpu.server.count(), rounds };
    }

    const single = await measure(one, 1);
    const crowd = await measure(many, 200);
    // One batched read for the first snapshot, then one per round; nothing per subscriber.
    expect(single.requests).toBe(1 + single.rounds);
    expect(crowd.requests).toBe(1 + crowd.rounds);
    expect(gpu.server.count('GET /v1/jobs')).toBe(crowd.requests);
  });

  it('Data Manager instances followed together cost one list request per round, however many there are', async () => {
    const dm = world.demo.dataManager;
    const live = world.gateway.services.live;
    const ids = dm
      .inventory()
      .filter((item) => item.state === 'RUNNING' || item.state === 'PENDING')
      .slice(0, 6)
      .map((item) => item.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    dm.server.resetCounts();
    const roundsBefore = live.stats().rounds.DATA_MANAGER!.jobs;
    // One after the other, so each first snapshot is a read of its own (a fixed number to count).
    const subscriptions = [];
    for (const id of ids) {
      const subscription = subscribeWs<Snapshot>(client, JOB_UPDATED, { id: globalId('DATA_MANAGER', id) }, 'jobUpdated');
      await subscription.next();
      subscriptions.push(subscription);
    }
    const roundsSubscribed = live.stats().rounds.DATA_MANAGER!.jobs;
    await until(() => live.stats().rounds.DATA_MANAGER!.jobs >= roundsSubscribed + 5, 10_000, 'five poll rounds');
    for (const subscription of subscriptions) subscription.unsubscribe();
    await until(() => live.stats().jobWatchers === 0, 5_000, 'the watchers to stop');
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 4));
    const rounds = live.stats().rounds.DATA_MANAGER!.jobs - roundsBefore;
    // At most one listing per first snapshot and one per round, whatever the number followed (a
    // first read and a round in flight at once share one request); never a get per instance.
    expect(dm.server.count('GET /instance/:id')).toBe(0);
    expect(dm.server.count('GET /instance')).toBeLessThanOrEqual(ids.length + rounds);
    expect(dm.server.count('GET /instance')).toBeGreaterThanOrEqual(rounds);
  });

  it('unsubscribing stops polling: the watcher goes, and so do the requests', async () => {
    const gpu = world.demo.gpu;
    const id = await createGpuJob(world);
    const received = subscribeWs<Snapshot>(client, JOB_UPDATED, { id: globalId('GPU', id) }, 'jobUpdated');
    await received.next();
    await until(() => gpu.server.count() >= 3, 5_000, 'polling');
    received.unsubscribe();
    await until(() => world.gateway.services.live.stats().jobWatchers === 0, 5_000, 'the watcher to stop');
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 2));
    const after = gpu.server.count();
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 10));
    expect(gpu.server.count()).toBe(after);
    expect(world.gateway.services.live.stats()).toMatchObject({ jobWatchers: 0, jobSubscriptions: 0, follows: 0 });
  });

  it('an upstream outage mid-stream does not end the subscription: it recovers and goes on', async () => {
    const gpu = world.demo.gpu;
    const id = await createGpuJob(world);
    const received = subscribeWs<Snapshot>(client, JOB_UPDATED, { id: globalId('GPU', id) }, 'jobUpdated');
    await received.next();
    gpu.server.faults.set({ errorRate: 1 });
    const failing = gpu.server.count();
    await until(() => gpu.server.count() >= failing + 8, 10_000, 'failed polls');
    expect(received.errors).toEqual([]);
    expect(received.completed).toBe(false);
    gpu.server.faults.reset();
    // The job ends while the gateway could not see it; the end still arrives.
    for (let i = 0; i < 20_000 && !FINAL.GPU.includes(simState(world, 'GPU', id)!); i++) world.clock.advance(60_000);
    expect(FINAL.GPU).toContain(simState(world, 'GPU', id));
    await received.ended(20_000);
    expect(received.errors).toEqual([]);
    expect(received.values.at(-1)?.terminal).toBe(true);
  });
});

describe('shutdown', () => {
  it('completes every subscription cleanly, on both transports', async () => {
    const own = await startWorld({ seed: 32, config: { pollIntervalMs: INTERVAL_MS } });
    const ownClient = wsClient(own.url);
    const id = globalId('GPU', await createGpuJob(own));
    const ucloudId = globalId('UCLOUD', own.demo.ucloud.inventory().find((job) => job.state === 'RUNNING')!.id);
    const overWs = subscribeWs<Snapshot>(ownClient, JOB_UPDATED, { id }, 'jobUpdated');
    const followed = subscribeWs<Snapshot>(ownClient, JOB_UPDATED, { id: ucloudId }, 'jobUpdated');
    const overSse = subscribeSse<Snapshot>(own.url, JOB_UPDATED, { id }, 'jobUpdated');
    await Promise.all([overWs.next(), overSse.next(), followed.next()]);
    expect(own.gateway.services.live.stats().follows).toBe(1);
    await own.gateway.close();
    await Promise.all([overWs.ended(), overSse.ended(), followed.ended()]);
    expect([overWs, overSse, followed].map((r) => [r.completed, r.errors.length])).toEqual([
      [true, 0],
      [true, 0],
      [true, 0],
    ]);
    expect(own.gateway.services.live.stats()).toMatchObject({ jobWatchers: 0, follows: 0 });
    expect(own.demo.ucloud.activeFollows()).toBe(0);
    await ownClient.dispose();
    await own.demo.close();
  });

  it('lets a mutation under way finish and answer before the connections go', async () => {
    const own = await startWorld({ seed: 33, config: { pollIntervalMs: INTERVAL_MS } });
    const id = await createGpuJob(own);
    own.demo.gpu.server.faults.next('slow', { route: 'PUT /v1/jobs/:uuid/cancel', delayMs: 800 });
    const answer = gql<{ cancelJob: { __typename: string } }, { id: string }>(
      own.url,
      'mutation($id: ID!) { cancelJob(id: $id) { __typename } }',
      { id: globalId('GPU', id) },
    );
    await until(() => own.demo.gpu.server.count('PUT /v1/jobs/:uuid/cancel') === 1, 5_000, 'the cancel to reach the backend');
    await own.gateway.close();
    expect((await answer).data?.cancelJob.__typename).toBe('JobMutationSuccess');
    await own.demo.close();
  });
});
