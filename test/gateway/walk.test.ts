// The one list over every backend, walked page by page over real HTTP: every job exactly once, in
// DESIGN's order, whatever the page size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/client/index.js';
import type { JobsPageQuery } from '../../schema/client/graphql.js';
import type { GpuProvider } from '../../src/providers/gpu/provider.js';
import type { UCloudProvider } from '../../src/providers/ucloud/provider.js';
import { designOrder, key, truth } from '../support/expected.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';

const JobsPage = graphql(`
  query JobsPage($first: Int, $after: String, $filter: JobFilter) {
    jobs(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          id
          provider
          providerJobId
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      providerErrors {
        provider
        code
        message
      }
    }
  }
`);

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.close();
});

async function walk(first: number): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { jobs }: JobsPageQuery = await gqlData(world.url, JobsPage, { first, after });
    pages++;
    expect(jobs.providerErrors).toEqual([]);
    expect(jobs.edges.length).toBeLessThanOrEqual(first);
    expect(jobs.pageInfo.hasPreviousPage).toBe(after !== null);
    keys.push(...jobs.edges.map((edge) => key(edge.node)));
    if (!jobs.pageInfo.hasNextPage) break;
    expect(jobs.edges).toHaveLength(first);
    expect(jobs.pageInfo.endCursor).toBe(jobs.edges[jobs.edges.length - 1]?.cursor);
    after = jobs.pageInfo.endCursor ?? null;
  }
  return { keys, pages };
}

describe('jobs: walking the whole list', () => {
  // Runs first: later tests add jobs.
  it.each([7, 25, 100])('with first=%i yields every job of every backend once, newest first', async (first) => {
    const expected = truth(world.demo).sort(designOrder).map(key);
    expect(expected.length).toBeGreaterThanOrEqual(1200);
    const { keys, pages } = await walk(first);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / first));
  });

  it('continues from any edge cursor, not only the last one', async () => {
    const { jobs } = await gqlData(world.url, JobsPage, { first: 30 });
    const middle = jobs.edges[11]!;
    const next = await gqlData(world.url, JobsPage, { first: 5, after: middle.cursor });
    expect(next.jobs.edges.map((edge) => edge.node.id)).toEqual(jobs.edges.slice(12, 17).map((edge) => edge.node.id));
  });

  it('keeps later pages stable when a new job appears meanwhile (keyset cursors)', async () => {
    const first = await gqlData(world.url, JobsPage, { first: 10 });
    const before = await gqlData(world.url, JobsPage, { first: 10, after: first.jobs.pageInfo.endCursor });
    world.clock.advance(1_000);
    const gpu = world.gateway.services.providers.get('GPU') as GpuProvider;
    const created = await gpu.create({
      title: 'keyset probe',
      task: 'BATCH',
      max_timeout_run_ms: 600_000,
      parameters: { type: 'docker', parameters: { image: 'busybox', tag: 'latest' } },
    });
    const head = await gqlData(world.url, JobsPage, { first: 1 });
    expect(head.jobs.edges[0]?.node.providerJobId).toBe(created.providerJobId);
    const again = await gqlData(world.url, JobsPage, { first: 10, after: first.jobs.pageInfo.endCursor });
    expect(again.jobs.edges.map((e) => e.node.id)).toEqual(before.jobs.edges.map((e) => e.node.id));
  });

  it('returns an empty first page with first=0, telling whether jobs exist', async () => {
    const { jobs } = await gqlData(world.url, JobsPage, { first: 0 });
    expect(jobs.edges).toEqual([]);
    expect(jobs.pageInfo.hasNextPage).toBe(true);
    expect(jobs.pageInfo.endCursor).toBeNull();
  });

  it('orders jobs created in the same millisecond by provider, then id, across page boundaries', async () => {
    world.clock.advance(60_000);
    const createdAt = new Date(world.clock.now()).toISOString();
    const gpu = world.gateway.services.providers.get('GPU') as GpuProvider;
    const ucloud = world.gateway.services.providers.get('UCLOUD') as UCloudProvider;
    const gpuIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const job = await gpu.create({
        title: `tie ${i}`,
        task: 'BATCH',
        max_timeout_run_ms: 600_000,
        parameters: { type: 'docker', parameters: { image: 'busybox', tag: 'latest' } },
      });
      gpuIds.push(job.providerJobId);
    }
    const ucloudIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      ucloudIds.push(
        await ucloud.create({
          application: { name: 'jupyter-lab', version: '4.2.5' },
          product: { id: 'u1-standard-8', category: 'u1-standard', provider: 'ucloud' },
          name: `tie ${i}`,
          allowDuplicateJob: true,
          timeAllocation: { hours: 1, minutes: 0, seconds: 0 },
        }),
      );
    }
    const expected = [...gpuIds.sort().map((id) => `GPU:${id}`), ...ucloudIds.sort().map((id) => `UCLOUD:${id}`)];
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < expected.length; i++) {
      const { jobs }: JobsPageQuery = await gqlData(world.url, JobsPage, { first: 1, after });
      const edge: JobsPageQuery['jobs']['edges'][number] = jobs.edges[0]!;
      expect(edge.node.createdAt).toBe(createdAt);
      seen.push(key(edge.node));
      after = edge.cursor;
    }
    expect(seen).toEqual(expected);
  });
});
