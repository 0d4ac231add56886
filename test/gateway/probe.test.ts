// The `providers` probe is the lightest request each backend has: one request, no heavy views or
// flags, no listing that grows with the backend. The Data Manager has no small listing, so its probe
// asks for an instance that cannot exist: that must still tell a rejected credential apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/server.js';
import { testConfig } from '../support/config.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';

const PROVIDERS = `{ providers { provider reachable lastError { code message } } }`;
type Providers = { providers: { provider: string; reachable: boolean | null; lastError: { code: string; message: string } | null }[] };

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 5 });
});

afterAll(async () => {
  await world?.close();
});

describe('the providers probe', () => {
  it('costs each backend one light request', async () => {
    const sims = { UCLOUD: world.demo.ucloud, RIME: world.demo.rime, DATA_MANAGER: world.demo.dataManager, GPU: world.demo.gpu };
    for (const sim of Object.values(sims)) sim.server.resetCounts();
    const { providers } = await gqlData<Providers, Record<string, never>>(world.url, PROVIDERS);
    expect(providers.map((p) => [p.provider, p.reachable])).toEqual([
      ['UCLOUD', true],
      ['RIME', true],
      ['DATA_MANAGER', true],
      ['GPU', true],
    ]);
    const only = (sim: { server: { requests: { route: string; rawQuery: string }[] } }) => {
      // UCloud may refresh its access token first: that is authentication, not the probe.
      const probes = sim.server.requests.filter((request) => !request.route.includes('/auth/refresh'));
      expect(probes).toHaveLength(1);
      return { route: probes[0]!.route, query: new URLSearchParams(probes[0]!.rawQuery) };
    };
    const ucloud = only(sims.UCLOUD);
    expect(ucloud.route).toBe('GET /api/jobs/browse');
    expect(ucloud.query.get('itemsPerPage')).toBe('10');
    expect(ucloud.query.has('includeUpdates') || ucloud.query.has('includeParameters')).toBe(false);
    const rime = only(sims.RIME);
    expect(rime.route).toBe('GET /v1-beta/jobs');
    expect(rime.query.get('pageSize')).toBe('1');
    expect(rime.query.get('view')).toBe('JOB_VIEW_BASIC');
    expect(only(sims.DATA_MANAGER).route).toBe('GET /instance/:id');
    const gpu = only(sims.GPU);
    expect(gpu.route).toBe('GET /v1/jobs');
    expect(gpu.query.get('limit')).toBe('1');
  });

  it('still tells a rejected credential from a missing instance (Data Manager)', async () => {
    const config = testConfig(world.demo);
    const gateway = createGateway({ ...config, dataManager: { ...config.dataManager!, token: 'not-the-token' } });
    try {
      const url = await gateway.listen();
      const { providers } = await gqlData<Providers, Record<string, never>>(url, PROVIDERS);
      const dm = providers.find((p) => p.provider === 'DATA_MANAGER');
      expect(dm).toMatchObject({ reachable: false, lastError: { code: 'UNAUTHENTICATED' } });
      expect(dm?.lastError?.message).not.toContain('not-the-token');
    } finally {
      await gateway.close();
    }
  });
});
