// Each JobFilter condition over real HTTP, checked against the simulators' own records (mapped to
// unified states with DESIGN's table written out independently), plus what was pushed down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/client/index.js';
import type { FilteredPageQuery, JobFilter } from '../../schema/client/graphql.js';
import type { JobState, JobProvider } from '../../src/providers/job.js';
import { DESIGN_STATES, designOrder, key, truth, type Truth } from '../support/expected.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';

const FilteredPage = graphql(`
  query FilteredPage($first: Int, $after: String, $filter: JobFilter) {
    jobs(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          provider
          providerJobId
          state
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      providerErrors {
        provider
        message
      }
    }
  }
`);

interface Known extends Truth {
  unified: JobState;
  owner: string | null;
  project: string | null;
  name: string | null;
}

interface UCloudJson {
  owner: { createdBy: string; project?: string | null };
  specification: { name?: string | null; application: { name: string } };
}

// Read afresh for every page, and from kept listings (RIME's and the Data Manager's whole, read in
// place from a cursor's position): the same jobs either way.
describe.each([0, 600_000])('LIST_SNAPSHOT_MS=%i', (listSnapshotMs) => {
  let world: World;
  let known: Known[];

  beforeAll(async () => {
    world = await startWorld({ seed: 23, config: { listSnapshotMs } });
    const { ucloud, rime, dataManager, gpu } = world.demo;
    const dm = new Map(dataManager.inventory().map((item) => [item.id, item]));
    const gpuNames = new Map(gpu.inventory().map((item) => [item.id, item.name]));
    known = truth(world.demo).map((job): Known => {
      let unified = DESIGN_STATES[job.provider][job.state] ?? 'UNKNOWN';
      let owner: string | null = null;
      let project: string | null = null;
      let name: string | null = null;
      if (job.provider === 'UCLOUD') {
        const wire = ucloud.job(job.id) as unknown as UCloudJson;
        owner = wire.owner.createdBy;
        project = wire.owner.project ?? null;
        name = wire.specification.name ?? wire.specification.application.name;
      } else if (job.provider === 'RIME') {
        const facts = rime.describe(job.id)!;
        // JobMetadata carries a project only for stress tests (continuous tests carry their
        // firewall); the project of the others would take a GetProjectID call per job.
        project = facts.jobType === 'JOB_TYPE_MODEL_STRESS_TEST' ? facts.projectId : null;
        const final = ['JOB_STATUS_SUCCEEDED', 'JOB_STATUS_FAILED', 'JOB_STATUS_CANCELLED', 'JOB_STATUS_UNSPECIFIED'].includes(job.state);
        if (facts.cancellationRequested && !final) unified = 'CANCELLING';
      } else if (job.provider === 'DATA_MANAGER') {
        const item = dm.get(job.id)!;
        owner = item.owner;
        project = item.project;
        name = item.name;
      } else {
        name = gpuNames.get(job.id) ?? null;
      }
      return { ...job, unified, owner, project, name };
    });
  });

  afterAll(async () => {
    await world?.close();
  });

  async function walk(filter: JobFilter): Promise<string[]> {
    const keys: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { jobs }: FilteredPageQuery = await gqlData(world.url, FilteredPage, { first: 100, after, filter });
      expect(jobs.providerErrors).toEqual([]);
      keys.push(...jobs.edges.map((edge) => key(edge.node)));
      if (!jobs.pageInfo.hasNextPage) return keys;
      after = jobs.pageInfo.endCursor ?? null;
    }
  }

  function expected(predicate: (job: Known) => boolean): string[] {
    return known.filter(predicate).sort(designOrder).map(key);
  }

  const servers = () => ({
    UCLOUD: world.demo.ucloud.server,
    RIME: world.demo.rime.server,
    DATA_MANAGER: world.demo.dataManager.server,
    GPU: world.demo.gpu.server,
  });

  function lastQuery(provider: JobProvider, route: string): string {
    const request = [...servers()[provider].requests].reverse().find((r) => r.route === route);
    return decodeURIComponent(request?.rawQuery ?? '');
  }

  describe('jobs filters', () => {
    it('providers', async () => {
      const want = expected((job) => job.provider === 'RIME' || job.provider === 'GPU');
      expect(want.length).toBeGreaterThan(600);
      for (const server of Object.values(servers())) server.resetCounts();
      expect(await walk({ providers: ['RIME', 'GPU'] })).toEqual(want);
      expect(servers().UCLOUD.count()).toBe(0);
      expect(servers().DATA_MANAGER.count()).toBe(0);
    });

    it('states (terminal ones), pushed down to RIME and GPU', async () => {
      const states: JobState[] = ['FAILED', 'CANCELLED'];
      const want = expected((job) => states.includes(job.unified));
      expect(new Set(want.map((k) => k.split(':')[0])).size).toBe(4);
      expect(await walk({ states })).toEqual(want);
      expect(lastQuery('RIME', 'GET /v1-beta/jobs')).toContain('firstPageQuery.selectedStatuses=JOB_STATUS_FAILED');
      expect(lastQuery('GPU', 'GET /v1/jobs')).toMatch(/filter\[status\]=CANCELLED,FAILED|filter\[status\]=FAILED,CANCELLED/);
    });

    it('states (live ones): a RIME job with a cancellation pending is CANCELLING, not RUNNING', async () => {
      const states: JobState[] = ['QUEUED', 'RUNNING'];
      const want = expected((job) => states.includes(job.unified));
      expect(want.length).toBeGreaterThan(10);
      expect(await walk({ states })).toEqual(want);
      expect(await walk({ states: ['CANCELLING'] })).toEqual(expected((job) => job.unified === 'CANCELLING'));
    });

    it('a state no backend but UCloud has costs the others nothing', async () => {
      for (const server of Object.values(servers())) server.resetCounts();
      expect(await walk({ states: ['SUSPENDED'] })).toEqual(expected((job) => job.unified === 'SUSPENDED'));
      expect(lastQuery('UCLOUD', 'GET /api/jobs/browse')).toContain('filterState=SUSPENDED');
      expect(servers().RIME.count()).toBe(0);
      expect(servers().GPU.count()).toBe(0);
    });

    it('owner', async () => {
      for (const owner of [world.demo.ucloud.username, world.demo.dataManager.user]) {
        const want = expected((job) => job.owner === owner);
        expect(want.length).toBeGreaterThan(0);
        expect(await walk({ owner })).toEqual(want);
      }
      expect(lastQuery('UCLOUD', 'GET /api/jobs/browse')).toContain(`filterCreatedBy=${world.demo.dataManager.user}`);
    });

    it('project', async () => {
      const projects = [
        known.find((job) => job.provider === 'UCLOUD' && job.project)!.project!,
        known.find((job) => job.provider === 'RIME' && job.project)!.project!,
        known.find((job) => job.provider === 'DATA_MANAGER')!.project!,
      ];
      for (const project of projects) {
        const want = expected((job) => job.project === project);
        expect(want.length).toBeGreaterThan(0);
        expect(await walk({ project })).toEqual(want);
      }
      expect(lastQuery('DATA_MANAGER', 'GET /instance')).toContain(`project_id=${projects[2]}`);
    });

    it('createdAfter and createdBefore: a half-open window, pushed down where the API can', async () => {
      const ordered = known.slice().sort(designOrder);
      const after = new Date(ordered[600]!.createdAtMs);
      const before = new Date(ordered[200]!.createdAtMs);
      const want = expected((job) => job.createdAtMs >= after.getTime() && job.createdAtMs < before.getTime());
      expect(want).toHaveLength(400);
      expect(await walk({ createdAfter: after.toISOString(), createdBefore: before.toISOString() })).toEqual(want);
      expect(lastQuery('UCLOUD', 'GET /api/jobs/browse')).toContain(`filterCreatedAfter=${after.getTime()}`);
      expect(lastQuery('GPU', 'GET /v1/jobs')).toContain('filter[created_at]=');
    });

    it('search: a case-insensitive substring of the name', async () => {
      const providers: JobProvider[] = ['UCLOUD', 'DATA_MANAGER', 'GPU'];
      const term = 'AnAlYsIs';
      const want = expected((job) => providers.includes(job.provider) && (job.name ?? '').toLowerCase().includes(term.toLowerCase()));
      expect(want.length).toBeGreaterThan(0);
      expect(await walk({ providers, search: term })).toEqual(want);
    });

    it('conditions combine with AND', async () => {
      const ordered = known.slice().sort(designOrder);
      const after = new Date(ordered[900]!.createdAtMs);
      const want = expected((job) => job.provider !== 'RIME' && job.unified === 'SUCCEEDED' && job.createdAtMs >= after.getTime());
      expect(want.length).toBeGreaterThan(50);
      expect(await walk({ providers: ['UCLOUD', 'DATA_MANAGER', 'GPU'], states: ['SUCCEEDED'], createdAfter: after.toISOString() })).toEqual(want);
    });
  });
});
