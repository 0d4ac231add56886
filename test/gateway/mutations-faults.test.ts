// When a backend refuses, fails, hangs or answers garbage: a typed result that says whether the
// change may have happened, and never a second attempt.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobProvider } from '../../src/providers/job.js';
import type { SimServer } from '../../src/simulators/common/server.js';
import { createGateway } from '../../src/server.js';
import { testConfig } from '../support/config.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';
import {
  allRequests,
  as,
  CancelJob,
  CreateGpuJob,
  CreateUCloudJob,
  ExtendJob,
  globalId,
  resetSims,
  ResumeJob,
  SuspendJob,
  writes,
  type Result,
} from '../support/mutations.js';

const TIMEOUT_MS = 1_000;
let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 57, config: { upstreamTimeoutMs: TIMEOUT_MS } });
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => resetSims(world));

/** A job of `provider` in one of `states` (the backend's words). Faulted calls change nothing, so jobs are reused. */
function pick(provider: JobProvider, states: string[], extra: (id: string) => boolean = () => true): string {
  const { ucloud, rime, dataManager, gpu } = world.demo;
  const items =
    provider === 'UCLOUD'
      ? ucloud.inventory()
      : provider === 'RIME'
        ? rime.inventory().filter((item) => rime.describe(item.id)?.cancellable)
        : provider === 'DATA_MANAGER'
          ? dataManager.inventory().filter((item) => item.owner === dataManager.user)
          : gpu.inventory();
  const item = items.find((candidate) => states.includes(candidate.state) && extra(candidate.id));
  if (!item) throw new Error(`no ${provider} job in ${states.join('/')}`);
  return item.id;
}

const allocated = (id: string) => (world.demo.ucloud.job(id) as { specification?: { timeAllocation?: unknown } } | null)?.specification?.timeAllocation != null;

interface MutationCase {
  label: string;
  server: () => SimServer;
  route: string;
  run: () => Promise<Result | undefined>;
}

const cancel = (provider: JobProvider, states: string[]) => async () =>
  (await gqlData(world.url, CancelJob, { id: globalId(provider, pick(provider, states)) })).cancelJob;

const CASES: MutationCase[] = [
  { label: 'UCloud terminate', server: () => world.demo.ucloud.server, route: 'POST /api/jobs/terminate', run: cancel('UCLOUD', ['RUNNING']) },
  { label: 'RIME CancelJob', server: () => world.demo.rime.server, route: 'POST /v1-beta/jobs/cancel/:jobId', run: cancel('RIME', ['JOB_STATUS_RUNNING', 'JOB_STATUS_PENDING']) },
  { label: 'Data Manager DELETE', server: () => world.demo.dataManager.server, route: 'DELETE /instance/:id', run: cancel('DATA_MANAGER', ['RUNNING']) },
  { label: 'GPU cancel', server: () => world.demo.gpu.server, route: 'PUT /v1/jobs/:uuid/cancel', run: cancel('GPU', ['RUNNING', 'PENDING', 'ASSIGNED']) },
  {
    label: 'UCloud extend',
    server: () => world.demo.ucloud.server,
    route: 'POST /api/jobs/extend',
    run: async () => (await gqlData(world.url, ExtendJob, { id: globalId('UCLOUD', pick('UCLOUD', ['RUNNING'], allocated)), duration: { hours: 1 } })).extendJob,
  },
  {
    label: 'UCloud suspend',
    server: () => world.demo.ucloud.server,
    route: 'POST /api/jobs/suspend',
    run: async () => (await gqlData(world.url, SuspendJob, { id: globalId('UCLOUD', pick('UCLOUD', ['RUNNING'])) })).suspendJob,
  },
  {
    label: 'UCloud unsuspend',
    server: () => world.demo.ucloud.server,
    route: 'POST /api/jobs/unsuspend',
    run: async () => (await gqlData(world.url, ResumeJob, { id: globalId('UCLOUD', pick('UCLOUD', ['SUSPENDED'])) })).resumeJob,
  },
  {
    label: 'GPU create',
    server: () => world.demo.gpu.server,
    route: 'POST /v1/jobs',
    run: async () => (await gqlData(world.url, CreateGpuJob, { input: { title: 'fault', maxTimeoutRunMs: 60_000, docker: { image: 'alpine' } } })).createGpuJob,
  },
  {
    label: 'UCloud create',
    server: () => world.demo.ucloud.server,
    route: 'POST /api/jobs',
    run: async () =>
      (
        await gqlData(world.url, CreateUCloudJob, {
          input: { application: { name: 'terminal-ubuntu', version: '0.22.0' }, product: { id: 'u1-standard-1', category: 'u1-standard', provider: 'ucloud' }, allowDuplicateJob: true },
        })
      ).createUCloudJob,
  },
];

describe('the backend refuses (4xx)', () => {
  it.each(CASES)('$label: RejectedError with the backend\'s own message and status, one call', async ({ server, route, run }) => {
    server().faults.next('error', { route, status: 409 });
    const error = as(await run(), 'RejectedError');
    // Each backend puts it in its own error body (why / message / error): the gateway read each,
    // and passes on the backend's words (RIME's with its gRPC status name), not its own request line.
    expect(error).toMatchObject({ code: 'REJECTED', status: 409 });
    expect(error.message).toMatch(/^(ABORTED: )?simulated upstream failure$/);
    expect(server().count(route)).toBe(1);
  });

  it('a real refusal: deleting someone else\'s Data Manager instance is forbidden', async () => {
    const { dataManager } = world.demo;
    const foreign = dataManager.inventory().find((item) => item.owner !== dataManager.user && item.state === 'RUNNING');
    if (!foreign) throw new Error('no running foreign instance');
    const { cancelJob } = await gqlData(world.url, CancelJob, { id: globalId('DATA_MANAGER', foreign.id) });
    expect(as(cancelJob, 'RejectedError')).toMatchObject({ provider: 'DATA_MANAGER', status: 403, message: `You are not the owner of Instance ${foreign.id}` });
    expect(dataManager.server.count('DELETE /instance/:id')).toBe(1);
    expect(dataManager.taskIds(foreign.id)).toHaveLength(1);
  });

  it('a job gone between the read and the cancel: NotFoundError', async () => {
    const id = pick('GPU', ['RUNNING']);
    world.demo.gpu.server.faults.next('error', { route: 'PUT /v1/jobs/:uuid/cancel', status: 404 });
    const { cancelJob } = await gqlData(world.url, CancelJob, { id: globalId('GPU', id) });
    expect(as(cancelJob, 'NotFoundError')).toMatchObject({ code: 'NOT_FOUND', id: globalId('GPU', id) });
  });
});

describe('the backend fails: UnavailableError, never retried', () => {
  it.each(CASES)('$label answering 503: the outcome is unknown, one call', async ({ server, route, run }) => {
    server().faults.next('error', { route, status: 503, count: 3 });
    const error = as(await run(), 'UnavailableError');
    expect(error).toMatchObject({ code: 'UNAVAILABLE', outcomeUnknown: true });
    expect(error.message).toContain('may have been applied');
    expect(server().count(route)).toBe(1);
  });

  it.each(CASES)('$label hanging past the deadline: the outcome is unknown, one call', async ({ server, route, run }) => {
    server().faults.next('hang', { route });
    const error = as(await run(), 'UnavailableError');
    expect(error).toMatchObject({ outcomeUnknown: true });
    expect(error.message).toMatch(/no answer within 1000 ms.*may have been applied/);
    expect(server().count(route)).toBe(1);
  });

  it('rate limited (429): nothing was applied, and it is not retried', async () => {
    const server = world.demo.gpu.server;
    server.faults.next('rateLimit', { route: 'PUT /v1/jobs/:uuid/cancel', retryAfterSeconds: 0, count: 3 });
    const error = as(await cancel('GPU', ['RUNNING'])(), 'UnavailableError');
    expect(error).toMatchObject({ provider: 'GPU', outcomeUnknown: false });
    expect(error.message).toContain('Nothing was changed');
    expect(server.count('PUT /v1/jobs/:uuid/cancel')).toBe(1);
  });

  it('an unreadable success answer to a create: the job may exist, so the outcome is unknown', async () => {
    const server = world.demo.gpu.server;
    const before = world.demo.gpu.inventory().length;
    server.faults.next('malformed', { route: 'POST /v1/jobs' });
    const result = (await gqlData(world.url, CreateGpuJob, { input: { title: 'garbled', maxTimeoutRunMs: 60_000, docker: { image: 'alpine' } } })).createGpuJob;
    expect(as(result, 'UnavailableError')).toMatchObject({ provider: 'GPU', outcomeUnknown: true });
    expect(server.count('POST /v1/jobs')).toBe(1);
    // It did happen: which is why the client must look before creating again.
    expect(world.demo.gpu.inventory()).toHaveLength(before + 1);
  });

  it('the read before the change fails: nothing was sent, and the answer says nothing changed', async () => {
    const server = world.demo.gpu.server;
    server.faults.set({ errorRate: 1, routes: ['GET /v1/jobs'] });
    const error = as(await cancel('GPU', ['RUNNING'])(), 'UnavailableError');
    expect(error).toMatchObject({ provider: 'GPU', outcomeUnknown: false });
    expect(server.count('PUT /v1/jobs/:uuid/cancel')).toBe(0);
  });
});

describe('a backend that is not enabled', () => {
  it('answers UnavailableError for its jobs and its creates, without any request', async () => {
    const gateway = createGateway(testConfig(world.demo, { rime: null, gpu: null }));
    const url = await gateway.listen();
    try {
      const id = globalId('RIME', pick('RIME', ['JOB_STATUS_RUNNING']));
      const cancelled = (await gqlData(url, CancelJob, { id })).cancelJob;
      expect(as(cancelled, 'UnavailableError')).toMatchObject({ provider: 'RIME', outcomeUnknown: false });
      const created = (await gqlData(url, CreateGpuJob, { input: { title: 'x', maxTimeoutRunMs: 60_000, docker: { image: 'alpine' } } })).createGpuJob;
      expect(as(created, 'UnavailableError')).toMatchObject({ provider: 'GPU', outcomeUnknown: false });
      expect(allRequests(world)).toEqual([]);
      expect(writes(world)).toEqual([]);
    } finally {
      await gateway.close();
    }
  });
});
