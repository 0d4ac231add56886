// The one list over every backend, walked page by page over real HTTP: every job exactly once, in
// DESIGN's order, whatever the page size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/client/index.js';
import type { JobsPageQuery } from '../../schema/client/graphql.js';
import { designOrder, key, truth } from '../support/expected.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';
import { newGpuJob, newUCloudJob } from '../support/jobs.js';

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

async function walk(first: number, on: World = world): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { jobs }: JobsPageQuery = await gqlData(on.url, JobsPage, { first, after });
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
    const created = await newGpuJob(world, { title: 'keyset probe' });
    const head = await gqlData(world.url, JobsPage, { first: 1 });
    expect(head.jobs.edges[0]?.node.providerJobId).toBe(created.providerJobId);
    const again = await gqlData(world.url, JobsPage, { first: 10, after: first.jobs.pageInfo.endCursor });
    expect(again.jobs.edges.map((e) => e.node.id)).toEqual(before.jobs.edges.map((e) => e.node.id));
  });

  it('returns a consistent empty page with first=0: no next page without a cursor to continue from', async () => {
    const { jobs } = await gqlData(world.url, JobsPage, { first: 0 });
    expect(jobs.edges).toEqual([]);
    expect(jobs.pageInfo.hasNextPage).toBe(false);
    expect(jobs.pageInfo.endCursor).toBeNull();
  });

  it('orders jobs created in the same millisecond by provider, then id, across page boundaries', async () => {
    world.clock.advance(60_000);
    const createdAt = new Date(world.clock.now()).toISOString();
    const gpuIds: string[] = [];
    for (let i = 0; i < 3; i++) gpuIds.push((await newGpuJob(world, { title: `tie ${i}` })).providerJobId);
    const ucloudIds: string[] = [];
    for (let i = 0; i < 2; i++) ucloudIds.push(await newUCloudJob(world, { name: `tie ${i}` }));
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

// A kept listing (RIME's and the Data Manager's whole, sorted once) is read in place from the
// cursor's position on (a binary search), not copied and filtered whole: the walk must not notice.
describe('jobs: walking the whole list from kept listings', () => {
  let kept: World;
  beforeAll(async () => {
    kept = await startWorld({ config: { listSnapshotMs: 600_000 } });
  });
  afterAll(async () => {
    await kept?.close();
  });

  it.each([7, 100])('with first=%i yields every job once, newest first, as without keeping', async (first) => {
    const expected = truth(kept.demo).sort(designOrder).map(key);
    const { keys, pages } = await walk(first, kept);
    expect(keys).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / first));
  });

  it('continues from any edge cursor, wherever it falls in the kept listings', async () => {
    const edges: { key: string; cursor: string }[] = [];
    let after: string | null = null;
    do {
      const { jobs }: JobsPageQuery = await gqlData(kept.url, JobsPage, { first: 100, after });
      edges.push(...jobs.edges.map((edge) => ({ key: key(edge.node), cursor: edge.cursor })));
      after = jobs.pageInfo.hasNextPage ? (jobs.pageInfo.endCursor ?? null) : null;
    } while (after !== null);
    for (const index of [0, 1, 99, 250, 777, edges.length - 2]) {
      const next = await gqlData(kept.url, JobsPage, { first: 3, after: edges[index]!.cursor });
      expect(next.jobs.edges.map((edge) => key(edge.node))).toEqual(edges.slice(index + 1, index + 4).map((edge) => edge.key));
    }
  });
});
