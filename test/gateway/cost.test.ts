// What a query costs upstream, read off the simulators' request counters: a page costs about one
// list request per backend page it needs, and resolving fields never costs a request per job.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/client/index.js';
import { designOrder, truth } from '../support/expected.js';
import { gql, gqlData, startWorld, type World } from '../support/gateway.js';

const EveryCommonField = graphql(`
  query EveryCommonField($first: Int) {
    jobs(first: $first) {
      edges {
        cursor
        node {
          id
          provider
          providerJobId
          name
          state
          providerState
          terminal
          owner
          project
          createdAt
          startedAt
          finishedAt
          runningTimeSeconds
          statusMessage
          capabilities {
            cancel
            extend
            suspend
            resume
            logs
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      providerErrors {
        provider
      }
    }
  }
`);

const NodesById = graphql(`
  query NodesById($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
      ... on Job {
        provider
        providerJobId
        state
      }
    }
  }
`);

const SameJobTwice = graphql(`
  query SameJobTwice($id: ID!) {
    a: job(id: $id) {
      id
      state
    }
    b: job(id: $id) {
      providerJobId
    }
    c: node(id: $id) {
      id
    }
    d: nodes(ids: [$id, $id]) {
      id
    }
  }
`);

let world: World;
const servers = () => ({
  UCLOUD: world.demo.ucloud.server,
  RIME: world.demo.rime.server,
  DATA_MANAGER: world.demo.dataManager.server,
  GPU: world.demo.gpu.server,
});

beforeAll(async () => {
  world = await startWorld({ seed: 5 });
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => {
  for (const server of Object.values(servers())) server.resetCounts();
});

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

describe('upstream cost', () => {
  it('a 100-job page with every common field costs one list request per backend page it needs', async () => {
    const { jobs } = await gqlData(world.url, EveryCommonField, { first: 100 });
    expect(jobs.edges).toHaveLength(100);
    const s = servers();

    // How many jobs of each backend the merge had to look at: the 100 returned plus the one that
    // decided hasNextPage.
    const head = truth(world.demo).sort(designOrder).slice(0, 101);
    const gpuSeen = head.filter((job) => job.provider === 'GPU').length;
    const ucloudSeen = head.filter((job) => job.provider === 'UCLOUD').length;
    // Newest-first backends are read a page at a time, only as far as needed (GPU pages hold 50;
    // one page of UCloud holds all 101).
    expect(ucloudSeen).toBeLessThan(250);
    expect(s.UCLOUD.count('GET /api/jobs/browse')).toBe(1);
    expect(s.GPU.count('GET /v1/jobs')).toBe(Math.floor(gpuSeen / 50) + 1);
    // Unordered backends must be read whole: one big page each.
    expect(s.RIME.count('GET /v1-beta/jobs')).toBe(1);
    expect(s.DATA_MANAGER.count('GET /instance')).toBe(1);
    // Nothing per job.
    for (const server of Object.values(s)) expect(server.count()).toBeLessThanOrEqual(3);
    expect(s.UCLOUD.count('GET /api/jobs/retrieve')).toBe(0);
    expect(s.RIME.count('GET /v1-beta/jobs/:jobId')).toBe(0);
    expect(s.DATA_MANAGER.count('GET /instance/:id')).toBe(0);
    expect(s.GPU.count('GET /v1/jobs/:uuid')).toBe(0);
  });

  it('nodes on 40 ids across the four backends: one batch request where the backend can batch, one get per id elsewhere', async () => {
    const pick = (items: { id: string }[]) => items.slice(3, 13).map((item) => item.id);
    const ids = {
      UCLOUD: pick(world.demo.ucloud.inventory()),
      RIME: pick(world.demo.rime.inventory()),
      DATA_MANAGER: pick(world.demo.dataManager.inventory()),
      GPU: pick(world.demo.gpu.inventory()),
    };
    const types = { UCLOUD: 'UCloudJob', RIME: 'RimeJob', DATA_MANAGER: 'DataManagerInstance', GPU: 'GpuJob' } as const;
    // Interleaved, so the order of the answer is not the order of the backends.
    const requested = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((i) =>
      (Object.keys(ids) as (keyof typeof ids)[]).map((provider) => ({ provider, id: ids[provider][i]! })),
    );
    const { nodes } = await gqlData(world.url, NodesById, { ids: requested.map((r) => globalId(types[r.provider], r.id)) });

    expect(nodes.map((node) => node && 'provider' in node && `${node.provider}:${node.providerJobId}`)).toEqual(
      requested.map((r) => `${r.provider}:${r.id}`),
    );
    const s = servers();
    expect(s.UCLOUD.count()).toBe(1);
    expect(s.UCLOUD.count('GET /api/jobs/browse')).toBe(1);
    expect(s.GPU.count()).toBe(1);
    expect(s.GPU.count('GET /v1/jobs')).toBe(1);
    expect(s.RIME.count('GET /v1-beta/jobs/:jobId')).toBe(10);
    expect(s.DATA_MANAGER.count('GET /instance/:id')).toBe(10);
  });

  it('the same id asked for four ways in one operation is fetched once', async () => {
    for (const [provider, type, route, id] of [
      ['UCLOUD', 'UCloudJob', 'GET /api/jobs/browse', world.demo.ucloud.inventory()[20]!.id],
      ['RIME', 'RimeJob', 'GET /v1-beta/jobs/:jobId', world.demo.rime.inventory()[20]!.id],
      ['DATA_MANAGER', 'DataManagerInstance', 'GET /instance/:id', world.demo.dataManager.inventory()[20]!.id],
      ['GPU', 'GpuJob', 'GET /v1/jobs', world.demo.gpu.inventory()[20]!.id],
    ] as const) {
      const server = servers()[provider];
      server.resetCounts();
      const data = await gqlData(world.url, SameJobTwice, { id: globalId(type, id) });
      expect(data.b?.providerJobId).toBe(id);
      expect(data.d).toHaveLength(2);
      expect(server.count()).toBe(1);
      expect(server.count(route)).toBe(1);
    }
  });
});

describe('upstream cost of filters the gateway applies itself', () => {
  it('a search that matches nothing reads each backend in growing pages, not in pages of first+1', async () => {
    const response = await gql(world.url, '{ jobs(first: 7, filter: { search: "no job is called this" }) { edges { cursor } providerErrors { provider } } }');
    expect(response.data).toEqual({ jobs: { edges: [], providerErrors: [] } });
    const s = servers();
    // 320 jobs each: pages of 8, 16, 32, ... (UCloud up to 250, GPU up to 50 per page).
    expect(s.UCLOUD.count('GET /api/jobs/browse')).toBeLessThanOrEqual(7);
    expect(s.GPU.count('GET /v1/jobs')).toBeLessThanOrEqual(10);
    expect(s.RIME.count()).toBe(1);
    expect(s.DATA_MANAGER.count()).toBe(1);
  });
});
