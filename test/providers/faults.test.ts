// Every fault knob against every backend, through the provider contract and the shared HttpClient:
// the same failure must get the same treatment whichever backend it comes from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/providers/contract.js';
import { upstreamAnomalies } from '../../src/providers/anomalies.js';
import { createProviders } from '../../src/providers/registry.js';
import type { JobProvider } from '../../src/providers/job.js';
import { startDemoBackends, type DemoBackends } from '../../src/demo.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { failure } from '../support/failure.js';
import type { SimServer } from '../../src/simulators/common/server.js';
import { testConfig } from '../support/config.js';

interface Case {
  provider: JobProvider;
  /** The list call's route key in the simulator. */
  listRoute: string;
  /** The cancel call's route key. */
  cancelRoute: string;
  /** A field of every listed job, as the backend spells it: part of its identity (creation time). */
  field: string;
  /** The list answer's own key holding the jobs. */
  listKey: string;
  /** The wire type's name in anomaly paths. */
  itemName: string;
  server: (demo: DemoBackends) => SimServer;
  anyId: (demo: DemoBackends) => string;
}

const CASES: Case[] = [
  {
    provider: 'UCLOUD',
    listRoute: 'GET /api/jobs/browse',
    cancelRoute: 'POST /api/jobs/terminate',
    field: 'createdAt',
    listKey: 'items',
    itemName: 'Job',
    server: (d) => d.ucloud.server,
    anyId: (d) => d.ucloud.inventory()[0]!.id,
  },
  {
    provider: 'RIME',
    listRoute: 'GET /v1-beta/jobs',
    cancelRoute: 'POST /v1-beta/jobs/cancel/:jobId',
    field: 'creationTime',
    listKey: 'jobs',
    itemName: 'JobMetadata',
    server: (d) => d.rime.server,
    anyId: (d) => d.rime.inventory()[0]!.id,
  },
  {
    provider: 'DATA_MANAGER',
    listRoute: 'GET /instance',
    cancelRoute: 'DELETE /instance/:id',
    field: 'launched',
    listKey: 'instances',
    itemName: 'InstanceSummary',
    server: (d) => d.dataManager.server,
    anyId: (d) => d.dataManager.inventory()[0]!.id,
  },
  {
    provider: 'GPU',
    listRoute: 'GET /v1/jobs',
    cancelRoute: 'PUT /v1/jobs/:uuid/cancel',
    field: 'created_at',
    listKey: 'data',
    itemName: 'Job',
    server: (d) => d.gpu.server,
    anyId: (d) => d.gpu.inventory()[0]!.id,
  },
];

const TIMEOUT_MS = 600;

let demo: DemoBackends;
/** A short deadline, for the tests about the deadline. */
let providers: ReadonlyMap<JobProvider, Provider>;
/** A deadline long enough that every retry happens, so request counts are exact. */
let patient: ReadonlyMap<JobProvider, Provider>;

beforeAll(async () => {
  demo = await startDemoBackends({ clock: new ManualClock(), seed: 7 });
  providers = createProviders(testConfig(demo, { upstreamTimeoutMs: TIMEOUT_MS }));
  patient = createProviders(testConfig(demo, { upstreamTimeoutMs: 10_000 }));
});

afterAll(async () => {
  await Promise.all([...(providers?.values() ?? []), ...(patient?.values() ?? [])].map((p) => p.close()));
  await demo?.close();
});


describe.each(CASES)('$provider under faults', (c) => {
  const provider = () => providers.get(c.provider)!;
  const list = () => provider().list({ filter: {}, pageSize: 10 });
  const patientList = () => patient.get(c.provider)!.list({ filter: {}, pageSize: 10 });
  let server: SimServer;

  beforeAll(() => {
    server = c.server(demo);
  });

  it('gives up at the deadline on a request that never answers (TIMEOUT)', async () => {
    server.faults.reset();
    server.faults.next('hang', { route: c.listRoute });
    const error = await failure(list());
    // The request never answers: only the deadline can end the call, and it names itself.
    expect(error.code).toBe('TIMEOUT');
    expect(error.provider).toBe(c.provider);
    expect(error.message).toContain(`no answer within ${TIMEOUT_MS} ms`);
  });

  it('waits out Retry-After on 429 and then succeeds', async () => {
    server.faults.reset();
    server.resetCounts();
    // The simulator answers 429 again to anyone back before Retry-After is up, so a client that
    // did not wait would spend every attempt on 429s: two requests mean it waited.
    server.faults.next('rateLimit', { route: c.listRoute, retryAfterSeconds: 1 });
    const page = await patientList();
    expect(page.jobs.length).toBeGreaterThan(0);
    expect(server.count(c.listRoute)).toBe(2);
  });

  it('does not wait for a Retry-After past the deadline (UNAVAILABLE, one request)', async () => {
    server.faults.reset();
    server.resetCounts();
    server.faults.next('rateLimit', { route: c.listRoute, retryAfterSeconds: 30 });
    const error = await failure(list());
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.status).toBe(429);
    expect(server.count(c.listRoute)).toBe(1);
  });

  it('retries a GET on 5xx and succeeds (the counter shows every attempt)', async () => {
    server.faults.reset();
    server.resetCounts();
    server.faults.next('error', { route: c.listRoute, count: 2, status: 502 });
    const page = await patientList();
    expect(page.jobs.length).toBeGreaterThan(0);
    expect(server.count(c.listRoute)).toBe(3);
  });

  it('stops retrying a GET after a bounded number of attempts (UNAVAILABLE)', async () => {
    server.faults.reset();
    server.resetCounts();
    server.faults.next('error', { route: c.listRoute, count: 10, status: 503 });
    const error = await failure(patientList());
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(server.count(c.listRoute)).toBe(4);
  });

  it('never retries a mutation on 5xx, and says its outcome is unknown', async () => {
    server.faults.reset();
    server.resetCounts();
    server.faults.next('error', { route: c.cancelRoute, count: 3, status: 503 });
    const error = await failure(patient.get(c.provider)!.cancel(c.anyId(demo)));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.outcomeUnknown).toBe(true);
    expect(server.count(c.cancelRoute)).toBe(1);
  });

  it('never retries a mutation that times out, and says its outcome is unknown', async () => {
    server.faults.reset();
    server.resetCounts();
    server.faults.next('hang', { route: c.cancelRoute });
    const error = await failure(provider().cancel(c.anyId(demo)));
    expect(error.code).toBe('TIMEOUT');
    expect(error.outcomeUnknown).toBe(true);
    expect(server.count(c.cancelRoute)).toBe(1);
  });

  it('reports cut-off JSON as BAD_RESPONSE', async () => {
    server.faults.reset();
    server.faults.next('malformed', { route: c.listRoute });
    const error = await failure(list());
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toMatch(/invalid JSON/);
  });

  it('leaves out items whose identity cannot be read, counting them and naming the field', async () => {
    server.faults.reset();
    const before = upstreamAnomalies.total(c.provider, 'dropped');
    server.faults.next('corrupt', { route: c.listRoute, field: c.field });
    const page = await list();
    expect(page.jobs).toEqual([]);
    expect(page.skipped?.count).toBeGreaterThan(0);
    expect(page.skipped?.paths).toEqual([`${c.itemName}.${c.field}`]);
    expect(upstreamAnomalies.total(c.provider, 'dropped') - before).toBe(page.skipped?.count);
  });

  it('reports an answer without its list as BAD_RESPONSE naming the field', async () => {
    server.faults.reset();
    server.faults.next('corrupt', { route: c.listRoute, field: c.listKey });
    const error = await failure(list());
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toContain(c.listKey);
    // The shape is named, the payload is not.
    expect(error.message).not.toContain('corrupted');
  });

  it('reports a backend that is not listening as UNAVAILABLE', async () => {
    const config = testConfig(demo, { upstreamTimeoutMs: 2_000 });
    const key = { UCLOUD: 'ucloud', RIME: 'rime', DATA_MANAGER: 'dataManager', GPU: 'gpu' } as const;
    const settings = config[key[c.provider]]!;
    // Port 9 (discard) is closed on loopback: connection refused, immediately.
    const dead = createProviders({ ...config, [key[c.provider]]: { ...settings, url: settings.url.replace(/:\d+/, ':9') } }).get(c.provider)!;
    try {
      const error = await failure(dead.list({ filter: {}, pageSize: 10 }));
      expect(['UNAVAILABLE', 'TIMEOUT']).toContain(error.code);
      expect(error.message).not.toMatch(/demo|secret|key-|token/i);
    } finally {
      await dead.close();
    }
  });
});
