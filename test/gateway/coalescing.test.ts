// Identical upstream reads in flight at the same time, with the same credential, share one request
// (GPU requests too, though each is signed with a nonce of its own); different credentials never
// do. Counted at the simulators, never timed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobProvider } from '../../src/providers/job.js';
import { DEMO_PEOPLE, type SimPerson } from '../../src/simulators/common/people.js';
import type { SimServer } from '../../src/simulators/common/server.js';
import { gql, startWorld, type World } from '../support/gateway.js';

const [ADA, GRACE] = DEMO_PEOPLE as [SimPerson, SimPerson];
const PAGE = '{ jobs(first: 20) { edges { node { id } } providerErrors { provider code } } }';
const CALLERS = 8;
/** Long enough that every caller's read is under way before the first answer comes back. */
const LATENCY_MS = 300;

function serversOf(world: World): Record<JobProvider, SimServer> {
  return { UCLOUD: world.demo.ucloud.server, RIME: world.demo.rime.server, DATA_MANAGER: world.demo.dataManager.server, GPU: world.demo.gpu.server };
}

/** Requests each simulator received while `run` ran. */
async function requestsDuring(world: World, run: () => Promise<unknown>): Promise<Record<string, number>> {
  const servers = serversOf(world);
  const before = Object.fromEntries(Object.entries(servers).map(([id, server]) => [id, server.requests.length]));
  await run();
  return Object.fromEntries(Object.entries(servers).map(([id, server]) => [id, server.requests.length - (before[id] ?? 0)]));
}

describe('with the gateway\'s own credentials', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ seed: 5, jobCount: 40 });
    // UCloud's first call exchanges the refresh token: not part of what is counted.
    await gql(world.url, PAGE);
  });
  afterAll(() => world?.close());
  beforeEach(() => {
    for (const server of Object.values(serversOf(world))) server.faults.set({ latencyMs: LATENCY_MS });
  });

  it(`${CALLERS} identical operations at once cost each backend what one does`, async () => {
    const alone = await requestsDuring(world, () => gql(world.url, PAGE));
    const together = await requestsDuring(world, () => Promise.all(Array.from({ length: CALLERS }, () => gql(world.url, PAGE))));
    for (const id of Object.keys(alone)) expect(together[id], id).toBe(alone[id]);
    expect(Object.values(alone).every((count) => count > 0)).toBe(true);
  });

  it('operations one after another are not served from a finished request', async () => {
    const one = await requestsDuring(world, () => gql(world.url, PAGE));
    const two = await requestsDuring(world, async () => {
      await gql(world.url, PAGE);
      await gql(world.url, PAGE);
    });
    for (const id of Object.keys(one)) expect(two[id], id).toBe(2 * (one[id] ?? 0));
  });
});

describe('with forwarded credentials', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({
      seed: 5,
      jobCount: 40,
      config: (demo) => ({ auth: { mode: 'none' }, gpu: null, ucloud: null, dataManager: null, rime: { url: demo.rime.url, credentials: 'forward' } }),
    });
  });
  afterAll(() => world?.close());

  it('two people reading at once never share a request; one person twice does', async () => {
    world.demo.rime.server.faults.set({ latencyMs: LATENCY_MS });
    const rime = world.demo.rime.server;
    const as = (person: SimPerson) => gql(world.url, PAGE, undefined, { 'x-rime-api-key': person.rime.apiKey });
    const start = rime.requests.length;
    const [ada, grace] = await Promise.all([as(ADA), as(GRACE)]);
    const keys = rime.requests.slice(start).map((request) => request.headers['rime-api-key']);
    expect(keys.filter((key) => key === ADA.rime.apiKey).length).toBeGreaterThan(0);
    expect(keys.filter((key) => key === GRACE.rime.apiKey).length).toBe(keys.filter((key) => key === ADA.rime.apiKey).length);
    expect(JSON.stringify(ada.data)).not.toBe(JSON.stringify(grace.data));

    const perRead = keys.length / 2;
    const again = rime.requests.length;
    await Promise.all([as(ADA), as(ADA), as(ADA)]);
    expect(rime.requests.length - again).toBe(perRead);
  });
});
