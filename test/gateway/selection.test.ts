// A list read asks each backend for its heavy parts (UCloud's updates and parameters, RIME's full
// view) only when the operation selects a field that needs them: read off the exact requests the
// simulators received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest, SimServer } from '../../src/simulators/common/server.js';
import { gql, startWorld, type World } from '../support/gateway.js';

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 8, jobCount: 60 });
  // UCloud's first call exchanges the refresh token: not part of what is looked at.
  await gql(world.url, '{ jobs(first: 1) { edges { node { id } } } }');
});
afterAll(() => world?.close());

/** The list requests `server` received while `query` ran. */
async function listRequests(server: SimServer, route: RegExp, query: string): Promise<RecordedRequest[]> {
  const start = server.requests.length;
  const response = await gql<{ jobs: { providerErrors: unknown[] } }, Record<string, never>>(world.url, query);
  expect(response.errors).toBeUndefined();
  expect(response.data?.jobs.providerErrors).toEqual([]);
  const made = server.requests.slice(start).filter((request) => route.test(request.path));
  expect(made.length).toBeGreaterThan(0);
  return made;
}

const ucloudBrowse = (query: string) => listRequests(world.demo.ucloud.server, /\/api\/jobs\/browse$/, query);
const rimeList = (query: string) => listRequests(world.demo.rime.server, /\/jobs$/, query);
const flags = (request: RecordedRequest) => new URLSearchParams(request.rawQuery);

const COMMON = 'id provider providerJobId name state providerState createdAt owner';

describe('UCloud', () => {
  it('a page of the common fields asks for neither updates nor parameters', async () => {
    for (const request of await ucloudBrowse(`{ jobs(first: 20) { edges { node { ${COMMON} } } providerErrors { code } } }`)) {
      expect(flags(request).get('includeUpdates')).toBeNull();
      expect(flags(request).get('includeParameters')).toBeNull();
    }
  });

  it('a field read off the updates asks for the updates only', async () => {
    for (const request of await ucloudBrowse(`{ jobs(first: 20) { edges { node { ${COMMON} finishedAt } } providerErrors { code } } }`)) {
      expect(flags(request).get('includeUpdates')).toBe('true');
      expect(flags(request).get('includeParameters')).toBeNull();
    }
  });

  it('the parameters, asked for in a named fragment on UCloudJob, ask for the parameters only', async () => {
    const query = `query { jobs(first: 20) { edges { node { ...Params } } providerErrors { code } } }
      fragment Params on Job { id ... on UCloudJob { parameters } }`;
    for (const request of await ucloudBrowse(query)) {
      expect(flags(request).get('includeParameters')).toBe('true');
      expect(flags(request).get('includeUpdates')).toBeNull();
    }
  });

  it('the light page shows the same jobs in the same states as the heavy one', async () => {
    const light = await gql<{ jobs: { edges: { node: Record<string, unknown> }[] } }, Record<string, never>>(
      world.url,
      `{ jobs(first: 50) { edges { node { ${COMMON} } } } }`,
    );
    const heavy = await gql<{ jobs: { edges: { node: Record<string, unknown> }[] } }, Record<string, never>>(
      world.url,
      `{ jobs(first: 50) { edges { node { ${COMMON} finishedAt ... on UCloudJob { parameters updates { state } } ... on RimeJob { progressText } } } } }`,
    );
    const pick = (node: Record<string, unknown>) => Object.fromEntries(COMMON.split(' ').map((field) => [field, node[field]]));
    expect(light.data?.jobs.edges.map((edge) => pick(edge.node))).toEqual(heavy.data?.jobs.edges.map((edge) => pick(edge.node)));
  });
});

describe('RIME', () => {
  it('a page of the common fields reads the basic view', async () => {
    for (const request of await rimeList(`{ jobs(first: 20) { edges { node { ${COMMON} } } providerErrors { code } } }`)) {
      expect(flags(request).get('view')).toBe('JOB_VIEW_BASIC');
    }
  });

  it('progress, asked for inline, reads the full view', async () => {
    for (const request of await rimeList(`{ jobs(first: 20) { edges { node { id ... on RimeJob { testBatches { status } } } } providerErrors { code } } }`)) {
      expect(flags(request).get('view')).toBe('JOB_VIEW_FULL');
    }
  });
});
