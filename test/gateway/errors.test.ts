// Bad client input gets a clear GraphQL error (never a 500); a backend that is down, slow past the
// deadline or answers garbage leaves its jobs out and is named in providerErrors while the others
// still answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/client/index.js';
import { gql, gqlData, startWorld, type World } from '../support/gateway.js';

const Page = graphql(`
  query ErrorsPage($first: Int, $after: String) {
    jobs(first: $first, after: $after) {
      edges {
        node {
          provider
        }
      }
      providerErrors {
        provider
        code
        message
      }
    }
  }
`);

const NodeById = graphql(`
  query NodeById($id: ID!) {
    node(id: $id) {
      id
    }
  }
`);

const JobById = graphql(`
  query JobById($id: ID!) {
    job(id: $id) {
      id
      state
    }
  }
`);

const TIMEOUT_MS = 800;
let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 3, config: { upstreamTimeoutMs: TIMEOUT_MS } });
});

afterAll(async () => {
  await world?.close();
});

afterEach(() => {
  for (const sim of [world.demo.ucloud, world.demo.rime, world.demo.dataManager, world.demo.gpu]) sim.server.faults.reset();
});

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('bad input', () => {
  it('first above 100', async () => {
    const response = await gql(world.url, Page, { first: 101 });
    expect(response.status).not.toBe(500);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.message).toMatch(/first must be at most 100/);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('negative first', async () => {
    const response = await gql(world.url, Page, { first: -1 });
    expect(response.errors?.[0]?.message).toMatch(/first must not be negative/);
  });

  it.each(['garbage', b64('{"v":1}'), 'eyJ2IjoyLCJ0IjoxLCJwIjoiR1BVIiwiaSI6IngifQ', '%%%'])('a cursor that was not issued by the gateway: %s', async (after) => {
    const response = await gql(world.url, Page, { first: 5, after });
    expect(response.status).not.toBe(500);
    expect(response.errors?.[0]?.message).toMatch(/Invalid cursor/);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['not base64 at all', '!!!', /not a global ID issued by this gateway/],
    ['base64 without a type', b64('12345'), /not a global ID issued by this gateway/],
    ['a foreign type', b64('User:1'), /"User", which is not a job type/],
  ])('a malformed or foreign global ID (%s)', async (_label, id, message) => {
    for (const response of [await gql(world.url, NodeById, { id }), await gql(world.url, JobById, { id })]) {
      expect(response.status).not.toBe(500);
      expect(response.errors?.[0]?.message).toMatch(message);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('an unknown enum value is rejected by validation', async () => {
    const response = await gql(world.url, '{ jobs(filter: { states: [BOGUS] }) { edges { cursor } } }');
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toMatch(/BOGUS/);
  });

  it('a filter with an impossible window', async () => {
    const response = await gql(world.url, '{ jobs(filter: { createdAfter: "2026-02-01T00:00:00Z", createdBefore: "2026-01-01T00:00:00Z" }) { edges { cursor } } }');
    expect(response.errors?.[0]?.message).toMatch(/createdAfter must be earlier than createdBefore/);
  });

  it('a DateTime that is not a real day', async () => {
    const response = await gql(world.url, '{ jobs(filter: { createdAfter: "2026-02-30T00:00:00Z" }) { edges { cursor } } }');
    expect(response.errors?.[0]?.message).toMatch(/not a real instant/);
  });

  it('a cursor with a time no date can hold', async () => {
    const forged = Buffer.from(JSON.stringify({ v: 1, t: 9e15, p: 'GPU', i: 'x' })).toString('base64url');
    const response = await gql(world.url, Page, { first: 5, after: forged });
    expect(response.errors?.[0]?.message).toMatch(/Invalid cursor/);
  });

  it('a DateTime without a zone', async () => {
    const response = await gql(world.url, '{ jobs(filter: { createdAfter: "2026-02-01T00:00:00" }) { edges { cursor } } }');
    expect(response.errors?.[0]?.message).toMatch(/time zone/);
  });

  it('a job that does not exist is null, not an error', async () => {
    const data = await gqlData(world.url, JobById, { id: b64('GpuJob:00000000-0000-4000-8000-000000000000') });
    expect(data.job).toBeNull();
  });
});

describe('a failing backend leaves the others answering', () => {
  it.each([
    ['down (5xx on every attempt)', 'DATA_MANAGER', 'UNAVAILABLE', () => world.demo.dataManager.server.faults.set({ errorRate: 1 })],
    ['slow past the deadline', 'GPU', 'TIMEOUT', () => world.demo.gpu.server.faults.set({ latencyMs: TIMEOUT_MS * 4 })],
    ['answering garbage', 'RIME', 'BAD_RESPONSE', () => world.demo.rime.server.faults.next('malformed', { count: 5 })],
    ['rejecting the credentials', 'UCLOUD', 'UNAUTHENTICATED', () => world.demo.ucloud.expireAccessTokens()],
  ] as const)('%s', async (_label, provider, code, breakIt) => {
    breakIt();
    if (provider === 'UCLOUD') world.demo.ucloud.server.faults.next('error', { route: 'POST /auth/refresh', status: 401, count: 5 });
    const { jobs } = await gqlData(world.url, Page, { first: 60 });
    expect(jobs.providerErrors).toHaveLength(1);
    expect(jobs.providerErrors[0]).toMatchObject({ provider, code });
    expect(jobs.providerErrors[0]!.message).not.toMatch(/demo-|secret|refresh-[0-9a-f]/i);
    const providers = new Set(jobs.edges.map((edge) => edge.node.provider));
    expect(providers.has(provider)).toBe(false);
    expect(jobs.edges).toHaveLength(60);
    expect(providers.size).toBe(3);
  });

  it('a backend failing after its first page ends the page there, and the walk goes on without a gap', async () => {
    const gpu = world.demo.gpu;
    const expected = gpu.inventory().map((item) => item.id);
    // The first GPU page answers; the next one fails on every attempt.
    gpu.server.faults.next('slow', { route: 'GET /v1/jobs', delayMs: 0 });
    gpu.server.faults.next('error', { route: 'GET /v1/jobs', count: 4, status: 503 });
    const query = `query($after: String) { jobs(first: 80, after: $after, filter: { providers: [GPU] }) {
      edges { node { providerJobId } } pageInfo { hasNextPage endCursor } providerErrors { provider code } } }`;
    type Answer = { jobs: { edges: { node: { providerJobId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; providerErrors: { provider: string; code: string }[] } };
    const first = await gqlData<Answer, { after: string | null }>(world.url, query, { after: null });
    expect(first.jobs.providerErrors).toEqual([{ provider: 'GPU', code: 'UNAVAILABLE' }]);
    expect(first.jobs.edges.length).toBeGreaterThan(0);
    expect(first.jobs.edges.length).toBeLessThan(80);
    expect(first.jobs.pageInfo.hasNextPage).toBe(true);
    const seen = first.jobs.edges.map((edge) => edge.node.providerJobId);
    let after = first.jobs.pageInfo.endCursor;
    for (let page = 0; page < 20 && after !== null; page++) {
      const next: Answer = await gqlData<Answer, { after: string | null }>(world.url, query, { after });
      expect(next.jobs.providerErrors).toEqual([]);
      seen.push(...next.jobs.edges.map((edge) => edge.node.providerJobId));
      after = next.jobs.pageInfo.hasNextPage ? next.jobs.pageInfo.endCursor : null;
    }
    expect(seen).toEqual(expected);
  });

  it('every backend failing is still an answer, not an error', async () => {
    for (const sim of [world.demo.ucloud, world.demo.rime, world.demo.dataManager, world.demo.gpu]) sim.server.faults.set({ errorRate: 1 });
    const response = await gql(world.url, Page, { first: 10 });
    expect(response.errors).toBeUndefined();
    expect(response.data?.jobs.edges).toEqual([]);
    expect(response.data?.jobs.providerErrors.map((e) => e.provider).sort()).toEqual(['DATA_MANAGER', 'GPU', 'RIME', 'UCLOUD']);
  });

  it('a lookup on a failing backend is an error naming the backend and its code', async () => {
    world.demo.gpu.server.faults.set({ errorRate: 1 });
    const response = await gql(world.url, JobById, { id: b64(`GpuJob:${world.demo.gpu.inventory()[0]!.id}`) });
    expect(response.data?.job).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAVAILABLE', provider: 'GPU' });
  });
});
