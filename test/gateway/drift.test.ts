// The gateway over simulators that serve a share of their jobs in drifted shapes (ids wrapped or
// unwrapped, numbers as strings, every date spelling, unknown values, fields of the wrong type) and
// a few with an unreadable identity, in every dialect the wire notes allow. Walks, filters, `nodes`,
// mutations and subscriptions must stay complete and correct: every readable job exactly once, in
// order, and the unreadable ones reported in `providerErrors` instead of costing their backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/client/index.js';
import type { DriftJobsQuery, DriftJobsQueryVariables, JobFilter } from '../../schema/client/graphql.js';
import type { JobProvider } from '../../src/providers/job.js';
import type { DriftKind } from '../../src/simulators/common/drift.js';
import { designOrder, key, truth, type Truth } from '../support/expected.js';
import { gql, gqlData, startWorld, type World } from '../support/gateway.js';
import { FINAL, simState, until } from '../support/live.js';
import { as, CancelJob, globalId } from '../support/mutations.js';
import { subscribeWs, wsClient } from '../support/subscriptions.js';

const DriftJobs = graphql(`
  query DriftJobs($first: Int, $after: String, $filter: JobFilter) {
    jobs(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          id
          provider
          providerJobId
          providerState
          createdAt
        }
      }
      pageInfo {
        hasNextPage
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

const DriftNodes = graphql(`
  query DriftNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
      ... on Job {
        provider
        providerJobId
        providerState
        createdAt
      }
    }
  }
`);

const DRIFT = { share: 0.4, brokenShare: 0.04 };

const WORLDS = [
  { name: 'drifted payloads (Kotlin UCloud, lenient GPU ranges)', options: { drift: DRIFT } },
  {
    name: 'drifted payloads (Go UCloud, GPU reading ranges strictly, grpc-gateway emitting defaults, Data Manager outputs as objects)',
    options: {
      drift: DRIFT,
      simulators: {
        ucloud: { dialect: 'go' as const },
        gpu: { rangeReading: 'strict' as const },
        rime: { emitUnpopulated: true },
        dataManager: { outputs: 'object' as const },
      },
    },
  },
];

function kindOf(world: World, provider: JobProvider, id: string): DriftKind {
  const { ucloud, rime, dataManager, gpu } = world.demo;
  const sim = { UCLOUD: ucloud, RIME: rime, DATA_MANAGER: dataManager, GPU: gpu }[provider];
  return sim.drift.kindOf(id);
}

interface Walked {
  jobs: DriftJobsQuery['jobs']['edges'][number]['node'][];
  errors: DriftJobsQuery['jobs']['providerErrors'];
}

async function walk(world: World, first: number, filter?: JobFilter): Promise<Walked> {
  const walked: Walked = { jobs: [], errors: [] };
  let after: string | null = null;
  for (let page = 0; page < 2_000; page++) {
    const variables: DriftJobsQueryVariables = { first, after, ...(filter ? { filter } : {}) };
    const { jobs }: DriftJobsQuery = await gqlData(world.url, DriftJobs, variables);
    walked.jobs.push(...jobs.edges.map((edge) => edge.node));
    walked.errors.push(...jobs.providerErrors);
    if (!jobs.pageInfo.hasNextPage) return walked;
    after = jobs.pageInfo.endCursor ?? null;
    expect(after).not.toBeNull();
  }
  throw new Error('the walk did not end');
}

describe.each(WORLDS)('$name', ({ options }) => {
  let world: World;
  /** What the simulators hold that a reader of their payloads can identify: the expected answer. */
  let readable: Truth[];
  let broken: Truth[];

  beforeAll(async () => {
    world = await startWorld({ seed: 23, ...options });
    const all = truth(world.demo);
    readable = all.filter((job) => kindOf(world, job.provider, job.id) !== 'broken').sort(designOrder);
    broken = all.filter((job) => kindOf(world, job.provider, job.id) === 'broken');
    // The setting must really exercise every backend, drifted and broken alike.
    for (const provider of ['UCLOUD', 'RIME', 'DATA_MANAGER', 'GPU'] as const) {
      expect(broken.filter((job) => job.provider === provider).length).toBeGreaterThan(0);
      expect(all.filter((job) => job.provider === provider && kindOf(world, provider, job.id) === 'drifted').length).toBeGreaterThan(50);
    }
  });

  afterAll(async () => {
    await world?.close();
  });

  it.each([7, 50])('walks with first=%i: every readable job once, in order, with its state; the unreadable ones reported', async (first) => {
    const walked = await walk(world, first);
    expect(walked.jobs.map(key)).toEqual(readable.map(key));
    const state = new Map(readable.map((job) => [key(job), job.state]));
    for (const job of walked.jobs) expect(job.providerState).toBe(state.get(key(job)));
    const createdAt = new Map(readable.map((job) => [key(job), new Date(job.createdAtMs).toISOString()]));
    for (const job of walked.jobs) expect(job.createdAt).toBe(createdAt.get(key(job)));

    // Only items left out are reported, by the backends that had them, naming no value.
    expect(walked.errors.length).toBeGreaterThan(0);
    for (const error of walked.errors) {
      expect(error.code).toBe('BAD_RESPONSE');
      expect(error.message).toMatch(/^\w+: \d+ items? left out of the answer because [\w.[\]]+( , [\w.[\]]+)*/);
      expect(error.message).not.toContain('yesterday');
    }
    expect(new Set(walked.errors.map((error) => error.provider))).toEqual(new Set(broken.map((job) => job.provider)));
  });

  it('filters by a creation window pushed down to every backend, both ends', async () => {
    const from = readable[Math.floor(readable.length * 0.7)]!.createdAtMs;
    const to = readable[Math.floor(readable.length * 0.2)]!.createdAtMs;
    const filter: JobFilter = { createdAfter: new Date(from).toISOString(), createdBefore: new Date(to).toISOString() };
    const walked = await walk(world, 9, filter);
    // The window is half-open (schema: at or after `createdAfter`, strictly before `createdBefore`).
    const expected = readable.filter((job) => job.createdAtMs >= from && job.createdAtMs < to);
    expect(expected.length).toBeGreaterThan(100);
    expect(walked.jobs.map(key)).toEqual(expected.map(key));
  });

  it('serves nodes for every id a walk yields, and none for an unreadable job', async () => {
    const walked = await walk(world, 100);
    for (let i = 0; i < walked.jobs.length; i += 100) {
      const slice = walked.jobs.slice(i, i + 100);
      const { nodes } = await gqlData(world.url, DriftNodes, { ids: slice.map((job) => job.id) });
      expect(nodes.map((node) => (node && 'providerJobId' in node ? key({ provider: node.provider, providerJobId: node.providerJobId }) : null))).toEqual(
        slice.map(key),
      );
    }
    const unreadable = broken.slice(0, 8);
    const answer = await gql(world.url, DriftNodes, { ids: unreadable.map((job) => globalId(job.provider, job.id)) });
    for (const node of answer.data?.nodes ?? []) expect(node).toBeNull();
  });

  it('cancels a drifted job on every backend and reads it back', async () => {
    for (const provider of ['UCLOUD', 'RIME', 'DATA_MANAGER', 'GPU'] as const) {
      const target = readable.find(
        (job) => job.provider === provider && kindOf(world, provider, job.id) === 'drifted' && /RUNNING/.test(job.state) && cancellable(world, provider, job.id),
      );
      expect(target, `a running drifted ${provider} job`).toBeDefined();
      const { cancelJob } = await gqlData(world.url, CancelJob, { id: globalId(provider, target!.id) });
      const success = as(cancelJob, 'JobMutationSuccess');
      expect(success.job.providerJobId).toBe(target!.id);
    }
  });

  it('keeps delivering followed drifted jobs to their end while their backends also serve unreadable ones', async () => {
    const client = wsClient(world.url);
    try {
      const followed = (['UCLOUD', 'RIME', 'DATA_MANAGER', 'GPU'] as const).map((provider) => {
        const target = readable.find(
          // By its state now (earlier tests act on jobs); a suspended UCloud job waits for a person.
          (job) =>
            job.provider === provider &&
            kindOf(world, provider, job.id) === 'drifted' &&
            !['SUSPENDED', 'CANCELING', 'CANCELLING', ...FINAL[provider]].includes(simState(world, provider, job.id) ?? 'GONE'),
        );
        expect(target, `a live drifted ${provider} job`).toBeDefined();
        const received = subscribeWs<{ providerJobId: string; providerState: string; terminal: boolean }>(
          client,
          'subscription ($id: ID!) { jobUpdated(id: $id) { providerJobId providerState terminal } }',
          { id: globalId(provider, target!.id) },
          'jobUpdated',
        );
        return { provider, id: target!.id, received };
      });
      for (const { id, received } of followed) {
        const first = await received.next();
        expect(first).toMatchObject({ providerJobId: id, terminal: false });
      }
      // Run the backends' clock until every followed job has ended, then wait for the gateway to say so.
      const ended = () => followed.every(({ provider, id }) => FINAL[provider].includes(simState(world, provider, id) ?? ''));
      for (let step = 0; step < 20_000 && !ended(); step++) world.clock.advance(60_000);
      expect(ended()).toBe(true);
      for (const { provider, id, received } of followed) {
        await received.ended(15_000);
        expect(received.errors).toEqual([]);
        expect(received.values.at(-1)).toMatchObject({ providerState: simState(world, provider, id), terminal: true });
      }
    } finally {
      await client.dispose();
    }
    await until(() => world.gateway.services.live.stats().jobWatchers === 0, 5_000, 'watchers to stop');
  });
});

/** RIME cancels only some job types; the Data Manager only the caller's own instances. */
function cancellable(world: World, provider: JobProvider, id: string): boolean {
  if (provider === 'DATA_MANAGER') return world.demo.dataManager.inventory().find((item) => item.id === id)?.owner === world.demo.dataManager.user;
  if (provider !== 'RIME') return true;
  const type = world.demo.rime.describe(id)?.jobType;
  return type === 'JOB_TYPE_MODEL_STRESS_TEST' || type === 'JOB_TYPE_FIREWALL_BATCH_TEST' || type === 'JOB_TYPE_FILE_SCAN';
}
