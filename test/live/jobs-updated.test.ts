// jobsUpdated over a real graphql-ws client: every change among matching jobs with the state before
// it, filters applied per subscriber, and one list poll per backend per interval however many
// subscribers there are.
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProvider } from '../../src/providers/job.js';
import { startWorld, type World } from '../support/gateway.js';
import { newGpuJob } from '../support/jobs.js';
import { FINAL, simState, until } from '../support/live.js';
import { subscribeWs, wsClient, type Received } from '../support/subscriptions.js';

const JOBS_UPDATED = `subscription JobsUpdated($filter: JobFilter) {
  jobsUpdated(filter: $filter) { previousState job { provider providerJobId state providerState } }
}`;

interface Event {
  previousState: string | null;
  job: { provider: JobProvider; providerJobId: string; state: string; providerState: string };
}

const INTERVAL_MS = 50;
let world: World;
let client: Client;

beforeAll(async () => {
  world = await startWorld({ seed: 51, config: { pollIntervalMs: INTERVAL_MS, upstreamTimeoutMs: 2_000 } });
  client = wsClient(world.url);
});

afterAll(async () => {
  await client?.dispose();
  await world?.close();
});

async function createGpuJob(): Promise<string> {
  return (await newGpuJob(world, { title: 'jobsUpdated test' })).providerJobId;
}

const listRounds = () => world.gateway.services.live.stats().rounds.GPU!.list;

/** Waits for the next event about `id`, skipping events about other jobs. */
async function nextAbout(received: Received<Event>, id: string): Promise<Event> {
  for (;;) {
    const event = await received.next();
    if (event.job.providerJobId === id) return event;
  }
}

/** Runs the clock, waiting at each change of the job's backend state until the gateway has polled. */
async function runToEnd(id: string, onChange: (state: string) => Promise<void>): Promise<void> {
  let last = simState(world, 'GPU', id);
  for (let i = 0; i < 20_000 && !FINAL.GPU.includes(last ?? ''); i++) {
    world.clock.advance(10_000);
    const now = simState(world, 'GPU', id);
    if (now !== last && now !== null) {
      last = now;
      await onChange(now);
    }
  }
}

describe('jobsUpdated', () => {
  it('every change of a new job, with the state before it, in order', async () => {
    const start = listRounds();
    const received = subscribeWs<Event>(client, JOBS_UPDATED, { filter: { providers: ['GPU'] } }, 'jobsUpdated');
    await until(() => listRounds() > start, 5_000, 'the first list round');
    const id = await createGpuJob();
    const created = await nextAbout(received, id);
    expect(created).toMatchObject({ previousState: null, job: { state: 'QUEUED', providerState: 'PENDING' } });
    let previous = created.job.state;
    await runToEnd(id, async (state) => {
      for (;;) {
        const event = await nextAbout(received, id);
        expect(event.previousState).toBe(previous);
        previous = event.job.state;
        if (event.job.providerState === state) break;
      }
    });
    expect(['SUCCEEDED', 'FAILED', 'CANCELLED']).toContain(previous);
    received.unsubscribe();
    await until(() => world.gateway.services.live.stats().listSubscriptions === 0, 5_000, 'unsubscribed');
  });

  it('a state filter: the job entering it, and leaving it (showing where it went)', async () => {
    const start = listRounds();
    const running = subscribeWs<Event>(client, JOBS_UPDATED, { filter: { providers: ['GPU'], states: ['RUNNING'] } }, 'jobsUpdated');
    const everything = subscribeWs<Event>(client, JOBS_UPDATED, { filter: { providers: ['GPU'] } }, 'jobsUpdated');
    const states: string[] = [];
    let id: string;
    try {
      await until(() => listRounds() > start, 5_000, 'the first list round');
      id = await createGpuJob();
      await runToEnd(id, async (state) => {
        states.push(state);
        for (;;) if ((await nextAbout(everything, id)).job.providerState === state) break;
      });
    } finally {
      running.unsubscribe();
      everything.unsubscribe();
    }
    const mine = running.values.filter((event) => event.job.providerJobId === id);
    expect(states).toContain('RUNNING');
    expect(mine[0]).toMatchObject({ job: { state: 'RUNNING' } });
    expect(mine.at(-1)?.previousState).toBe('RUNNING');
    expect(mine.at(-1)?.job.state).not.toBe('RUNNING');
    // Never an event that neither was nor became RUNNING.
    expect(mine.every((event) => event.job.state === 'RUNNING' || event.previousState === 'RUNNING')).toBe(true);
    await until(() => world.gateway.services.live.stats().listSubscriptions === 0, 5_000, 'unsubscribed');
  });

  it('costs one list request per backend per interval, however many subscribe', async () => {
    const gpu = world.demo.gpu.server;
    async function measure(subscribers: number): Promise<{ lists: number; batches: number; rounds: number }> {
      const start = listRounds();
      const subscriptions = Array.from({ length: subscribers }, (_, i) =>
        subscribeWs<Event>(client, JOBS_UPDATED, { filter: i % 2 === 0 ? { providers: ['GPU'] } : { providers: ['GPU'], states: ['FAILED'] } }, 'jobsUpdated'),
      );
      await until(() => listRounds() > start && world.gateway.services.live.stats().listSubscriptions === subscribers, 5_000, 'the first list round');
      const requestsBefore = gpu.requests.length;
      gpu.resetCounts();
      const before = listRounds();
      await until(() => listRounds() >= before + 10, 10_000, 'ten list rounds');
      for (const subscription of subscriptions) subscription.unsubscribe();
      await until(() => world.gateway.services.live.stats().listSubscriptions === 0, 5_000, 'unsubscribed');
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 4));
      const rounds = listRounds() - before;
      const seen = gpu.requests.filter((request) => request.route === 'GET /v1/jobs');
      expect(requestsBefore).toBeGreaterThan(0);
      return {
        lists: seen.filter((request) => !request.rawQuery.includes('filter%5Buuid%5D')).length,
        batches: seen.filter((request) => request.rawQuery.includes('filter%5Buuid%5D')).length,
        rounds,
      };
    }
    const one = await measure(1);
    const fifty = await measure(50);
    // The clock stands still: no live job leaves the page, so no batched reads either.
    expect(one).toEqual({ lists: one.rounds, batches: 0, rounds: one.rounds });
    expect(fifty).toEqual({ lists: fifty.rounds, batches: 0, rounds: fifty.rounds });
  });

  it('a deleted Data Manager instance ends as CANCELLED', async () => {
    const dm = world.demo.dataManager;
    const instance = dm.inventory().find((item) => item.owner === dm.user && (item.state === 'RUNNING' || item.state === 'PENDING'));
    expect(instance).toBeDefined();
    const rounds = () => world.gateway.services.live.stats().rounds.DATA_MANAGER!.list;
    const start = rounds();
    const received = subscribeWs<Event>(client, JOBS_UPDATED, { filter: { providers: ['DATA_MANAGER'] } }, 'jobsUpdated');
    await until(() => rounds() > start, 5_000, 'the first list round');
    await world.gateway.services.providers.get('DATA_MANAGER')!.cancel(instance!.id);
    world.clock.advance(60_000);
    const event = await nextAbout(received, instance!.id);
    expect(event.job.state).toBe('CANCELLED');
    expect(event.previousState).toBe(instance!.state === 'PENDING' ? 'QUEUED' : 'RUNNING');
    received.unsubscribe();
  });
});

describe('jobsUpdated on a gateway without some backends', () => {
  it('a filter naming only disabled backends is an error, not a subscription that never speaks', async () => {
    const { createGateway } = await import('../../src/server.js');
    const { testConfig } = await import('../support/config.js');
    const gateway = createGateway({ ...testConfig(world.demo), rime: null, dataManager: null });
    const url = await gateway.listen();
    const own = wsClient(url);
    try {
      const received = subscribeWs<Event>(own, JOBS_UPDATED, { filter: { providers: ['RIME', 'DATA_MANAGER'] } }, 'jobsUpdated');
      await received.ended();
      expect(JSON.stringify(received.errors)).toMatch(/None of RIME, DATA_MANAGER is enabled/);
    } finally {
      await own.dispose();
      await gateway.close();
    }
  });
});
