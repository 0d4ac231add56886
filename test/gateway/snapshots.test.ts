// RIME and the Data Manager are read whole for every page of `jobs` (they promise no order): one
// reading serves the operations of the same credential for LIST_SNAPSHOT_MS, this gateway's own
// mutations make it stale at once, and another credential never gets it. Counted at the simulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, type SimPerson } from '../../src/simulators/common/people.js';
import type { SimServer } from '../../src/simulators/common/server.js';
import { gql, startWorld, type World } from '../support/gateway.js';
import { until } from '../support/live.js';
import { subscribeWs, wsClient } from '../support/subscriptions.js';
import { globalId } from '../support/mutations.js';
import { PACE_MS_PER_JOB } from '../../src/providers/snapshots.js';

const [ADA, GRACE] = DEMO_PEOPLE as [SimPerson, SimPerson];
const STALE_MS = 400;
const PAGE = '{ jobs(first: 20) { edges { node { id provider providerJobId state } } providerErrors { provider code } } }';
type Page = { jobs: { edges: { node: { id: string; provider: string; providerJobId: string; state: string } }[]; providerErrors: unknown[] } };

const lists = (server: SimServer, path: RegExp) => server.requests.filter((request) => request.method === 'GET' && path.test(request.path)).length;
const rimeLists = (world: World) => lists(world.demo.rime.server, /\/jobs$/);
const dmLists = (world: World) => lists(world.demo.dataManager.server, /\/instance$/);

describe('a big listing', () => {
  const JOBS = 4_000;
  const SHORT_MS = 100;
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ seed: 5, jobCount: JOBS, config: { listSnapshotMs: SHORT_MS, ucloud: null, gpu: null, rime: null } });
  });
  afterAll(() => world?.close());

  it('is served for its size past LIST_SNAPSHOT_MS, then read again behind the page that found it old', async () => {
    const held = world.demo.dataManager.inventory().length;
    const pacedMs = held * PACE_MS_PER_JOB;
    expect(pacedMs).toBeGreaterThan(SHORT_MS * 3);
    const before = dmLists(world);
    await gql<Page, Record<string, never>>(world.url, PAGE);
    expect(dmLists(world)).toBe(before + 1);
    // Well past LIST_SNAPSHOT_MS, well within the time its size buys it: no read.
    await new Promise((resolve) => setTimeout(resolve, pacedMs / 2));
    await gql<Page, Record<string, never>>(world.url, PAGE);
    expect(dmLists(world)).toBe(before + 1);
    // Past that too: the page is answered from it, and one read goes out behind it.
    await new Promise((resolve) => setTimeout(resolve, pacedMs / 2 + 100));
    expect((await gql<Page, Record<string, never>>(world.url, PAGE)).errors).toBeUndefined();
    await until(() => dmLists(world) === before + 2, 5_000, 'the read in the background');
  });
});

describe("with the gateway's own credentials", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ seed: 4, jobCount: 80, config: { listSnapshotMs: STALE_MS, ucloud: null, gpu: null } });
  });
  afterAll(() => world?.close());

  it('a second page request within the staleness reads neither backend again; after it, both are read', async () => {
    await new Promise((resolve) => setTimeout(resolve, STALE_MS + 50));
    const [rime, dm] = [rimeLists(world), dmLists(world)];
    const first = await gql<Page, Record<string, never>>(world.url, PAGE);
    expect(first.data?.jobs.providerErrors).toEqual([]);
    const [rimeRead, dmRead] = [rimeLists(world) - rime, dmLists(world) - dm];
    expect(rimeRead).toBeGreaterThan(0);
    expect(dmRead).toBe(1);
    const second = await gql<Page, Record<string, never>>(world.url, PAGE);
    expect(second.data).toEqual(first.data);
    expect([rimeLists(world) - rime, dmLists(world) - dm]).toEqual([rimeRead, dmRead]);
    // Past the staleness: the old reading still answers at once, and one fresh read goes out behind it.
    await new Promise((resolve) => setTimeout(resolve, STALE_MS + 50));
    expect((await gql<Page, Record<string, never>>(world.url, PAGE)).data).toEqual(first.data);
    await until(() => rimeLists(world) - rime === 2 * rimeRead && dmLists(world) - dm === 2 * dmRead, 5_000, 'the read in the background');
    await gql<Page, Record<string, never>>(world.url, PAGE);
    await gql<Page, Record<string, never>>(world.url, PAGE);
    expect([rimeLists(world) - rime, dmLists(world) - dm]).toEqual([2 * rimeRead, 2 * dmRead]);
  });

  it('a reading far past its staleness is not served: the page waits for a fresh one', async () => {
    await gql<Page, Record<string, never>>(world.url, PAGE);
    await new Promise((resolve) => setTimeout(resolve, STALE_MS * 10 + 100));
    const before = dmLists(world);
    await gql<Page, Record<string, never>>(world.url, PAGE);
    // Counted when the answer is in: the read was made for this very page.
    expect(dmLists(world)).toBe(before + 1);
  });

  it("this gateway's own cancel makes the listing stale at once: the next page shows the change", async () => {
    await gql<Page, Record<string, never>>(world.url, PAGE);
    // One of the service account's own: only an instance's owner may stop it.
    const running = world.demo.dataManager.inventory().find((item) => item.state === 'RUNNING' && item.owner === world.demo.dataManager.user);
    expect(running).toBeDefined();
    const cancelled = await gql<{ cancelJob: { __typename: string } }, { id: string }>(
      world.url,
      'mutation C($id: ID!) { cancelJob(id: $id) { __typename } }',
      { id: globalId('DATA_MANAGER', running!.id) },
    );
    expect(cancelled.data?.cancelJob.__typename).toBe('JobMutationSuccess');
    const before = dmLists(world);
    const page = await gql<{ jobs: { edges: { node: { providerJobId: string; state: string } }[] } }, Record<string, never>>(
      world.url,
      '{ jobs(first: 100, filter: { providers: [DATA_MANAGER] }) { edges { node { providerJobId state } } } }',
    );
    expect(page.errors).toBeUndefined();
    expect(dmLists(world)).toBe(before + 1);
    const after = page.data?.jobs.edges.find((edge) => edge.node.providerJobId === running!.id);
    expect(after).toBeDefined();
    expect(after?.node.state).not.toBe('RUNNING');
  });
});

describe('newest-first backends (UCloud, GPU)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ seed: 4, jobCount: 80, config: { listSnapshotMs: 60_000, rime: null, dataManager: null } });
    // UCloud's first call exchanges the refresh token: not part of what is counted.
    await gql<Page, Record<string, never>>(world.url, PAGE);
  });
  afterAll(() => world?.close());

  const ucloudPages = () => lists(world.demo.ucloud.server, /\/api\/jobs\/browse$/);
  const gpuPages = () => lists(world.demo.gpu.server, /\/v1\/jobs$/);

  it('the same page asked again is served from the first reading; a cancel through the gateway reads afresh', async () => {
    const [ucloud, gpu] = [ucloudPages(), gpuPages()];
    const first = await gql<Page, Record<string, never>>(world.url, PAGE);
    expect([ucloudPages() - ucloud, gpuPages() - gpu]).toEqual([0, 0]);
    const running = first.data?.jobs.edges.find((edge) => edge.node.provider === 'GPU' && edge.node.state === 'RUNNING');
    expect(running).toBeDefined();
    const cancelled = await gql<{ cancelJob: { __typename: string } }, { id: string }>(
      world.url,
      'mutation C($id: ID!) { cancelJob(id: $id) { __typename } }',
      { id: running!.node.id },
    );
    expect(cancelled.data?.cancelJob.__typename).toBe('JobMutationSuccess');
    const before = gpuPages();
    const after = await gql<Page, Record<string, never>>(world.url, PAGE);
    expect(gpuPages()).toBe(before + 1);
    expect(after.data?.jobs.edges.find((edge) => edge.node.id === running!.node.id)?.node.state).not.toBe('RUNNING');
  });
});

describe('live updates with pages kept', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ seed: 4, jobCount: 40, config: { listSnapshotMs: 60_000, pollIntervalMs: 100, rime: null, dataManager: null, ucloud: null } });
  });
  afterAll(() => world?.close());

  it('jobsUpdated reads the backend every round, never a kept page', async () => {
    await gql<Page, Record<string, never>>(world.url, PAGE);
    const client = wsClient(world.url);
    try {
      const events = subscribeWs(client, 'subscription { jobsUpdated { job { id } } }', {}, 'jobsUpdated');
      const rounds = () => world.gateway.services.live.stats().rounds.GPU!.list;
      await until(() => rounds() >= 2, 5_000, 'the first list rounds');
      const [start, pages] = [rounds(), lists(world.demo.gpu.server, /\/v1\/jobs$/)];
      await until(() => rounds() >= start + 3, 5_000, 'three more list rounds');
      expect(lists(world.demo.gpu.server, /\/v1\/jobs$/) - pages).toBeGreaterThanOrEqual(3);
      events.unsubscribe();
    } finally {
      await client.dispose();
    }
  });
});

describe('with forwarded credentials', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({
      seed: 4,
      jobCount: 80,
      config: (demo) => ({ auth: { mode: 'none' }, listSnapshotMs: 60_000, ucloud: null, gpu: null, dataManager: null, rime: { url: demo.rime.url, credentials: 'forward' } }),
    });
  });
  afterAll(() => world?.close());

  it("one person's listing is never served to another, however fresh", async () => {
    const as = (person: SimPerson) => gql<Page, Record<string, never>>(world.url, PAGE, undefined, { 'x-rime-api-key': person.rime.apiKey });
    const start = rimeLists(world);
    const ada = await as(ADA);
    const adaReads = rimeLists(world) - start;
    const grace = await as(GRACE);
    expect(rimeLists(world) - start).toBe(2 * adaReads);
    expect(grace.data?.jobs.edges.map((edge) => edge.node.id)).not.toEqual(ada.data?.jobs.edges.map((edge) => edge.node.id));
    // ADA again: her own snapshot, no request.
    expect((await as(ADA)).data).toEqual(ada.data);
    expect(rimeLists(world) - start).toBe(2 * adaReads);
  });
});
