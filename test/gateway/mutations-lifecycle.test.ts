// extendJob, suspendJob and resumeJob: UCloud's calls exactly once, the job read back changed;
// every other backend an UnsupportedError without any request; UCloud's own refusals passed on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobProvider } from '../../src/providers/job.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';
import { allRequests, as, ExtendJob, globalId, header, jobAs, onlyRequest, resetSims, ResumeJob, SuspendJob, writes } from '../support/mutations.js';

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 33 });
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => resetSims(world));

interface WireSpec {
  specification: { timeAllocation: { hours: number; minutes: number; seconds: number } | null };
  status: { expiresAt: number | null };
}

/** The job as UCloud holds it (the simulator's own serialisation). */
function wireJob(id: string): WireSpec {
  return world.demo.ucloud.job(id) as unknown as WireSpec;
}

const taken = new Set<string>();
function ucloudJob(state: string, allocated: boolean | null = null): string {
  const item = world.demo.ucloud.inventory().find((candidate) => {
    if (candidate.state !== state || taken.has(candidate.id)) return false;
    return allocated === null || (wireJob(candidate.id).specification.timeAllocation !== null) === allocated;
  });
  if (!item) throw new Error(`no ${state} UCloud job (allocated: ${String(allocated)})`);
  taken.add(item.id);
  return item.id;
}

const seconds = (d: { hours: number; minutes: number; seconds: number }) => d.hours * 3_600 + d.minutes * 60 + d.seconds;

describe('extendJob', () => {
  it('sends one UCloud extend with the duration in whole hours, minutes and seconds; the job comes back with the longer allocation', async () => {
    const id = ucloudJob('RUNNING', true);
    const before = wireJob(id);
    const { extendJob } = await gqlData(world.url, ExtendJob, { id: globalId('UCLOUD', id), duration: { minutes: 90, seconds: 5 } });
    const job = jobAs(as(extendJob, 'JobMutationSuccess').job, 'UCloudJob');

    const request = onlyRequest(world.demo.ucloud.server, 'POST /api/jobs/extend');
    expect([request.method, request.path]).toEqual(['POST', '/api/jobs/extend']);
    expect(header(request, 'authorization')).toMatch(/^Bearer \S+$/);
    expect(header(request, 'content-type')).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ items: [{ jobId: id, requestedTime: { hours: 1, minutes: 30, seconds: 5 } }] });
    expect(writes(world)).toHaveLength(1);

    const after = wireJob(id);
    const allocation = after.specification.timeAllocation;
    if (!allocation || !before.specification.timeAllocation) throw new Error('the job lost its time allocation');
    expect(seconds(allocation)).toBe(seconds(before.specification.timeAllocation) + 5_405);
    expect(job.timeAllocationSeconds).toBe(seconds(allocation));
    expect(job.state).toBe('RUNNING');
    expect(new Date(job.expiresAt ?? 0).getTime()).toBe(after.status.expiresAt);
    expect(after.status.expiresAt).toBe((before.status.expiresAt ?? 0) + 5_405_000);
  });

  it('a job without a time allocation: UCloud\'s refusal, with its reason and status, after one call', async () => {
    const id = ucloudJob('RUNNING', false);
    const { extendJob } = await gqlData(world.url, ExtendJob, { id: globalId('UCLOUD', id), duration: { hours: 1 } });
    const error = as(extendJob, 'RejectedError');
    expect(error).toMatchObject({ code: 'REJECTED', provider: 'UCLOUD', status: 400 });
    expect(error.message).toBe(`Job ${id} has no time allocation to extend`);
    expect(world.demo.ucloud.server.count('POST /api/jobs/extend')).toBe(1);
    expect(wireJob(id).specification.timeAllocation).toBeNull();
  });

  it('a job that has ended: RejectedError without a call', async () => {
    const id = ucloudJob('EXPIRED');
    const { extendJob } = await gqlData(world.url, ExtendJob, { id: globalId('UCLOUD', id), duration: { hours: 1 } });
    expect(as(extendJob, 'RejectedError').message).toContain('has already ended (EXPIRED)');
    expect(writes(world)).toEqual([]);
  });

  it.each([
    ['nothing at all', {}, 'duration', 'must be longer than zero'],
    ['all zero', { hours: 0, minutes: 0, seconds: 0 }, 'duration', 'must be longer than zero'],
    ['a negative part', { hours: 2, minutes: -1 }, 'duration.minutes', 'must not be negative'],
    ['more than 10 000 hours', { hours: 10_000, seconds: 1 }, 'duration', 'must be at most 10000 hours'],
  ])('an invalid duration (%s): InvalidInputError, no request', async (_label, duration, path, message) => {
    const id = ucloudJob('RUNNING', true);
    taken.delete(id);
    const { extendJob } = await gqlData(world.url, ExtendJob, { id: globalId('UCLOUD', id), duration });
    expect(as(extendJob, 'InvalidInputError').issues).toEqual([{ path, message }]);
    expect(allRequests(world)).toEqual([]);
  });
});

describe('suspendJob and resumeJob', () => {
  it('suspends a running job and resumes it: one call each, as the wire notes say', async () => {
    const id = ucloudJob('RUNNING');
    const suspended = await gqlData(world.url, SuspendJob, { id: globalId('UCLOUD', id) });
    expect(as(suspended.suspendJob, 'JobMutationSuccess').job).toMatchObject({ state: 'SUSPENDED', providerState: 'SUSPENDED' });
    const suspend = onlyRequest(world.demo.ucloud.server, 'POST /api/jobs/suspend');
    expect([suspend.method, suspend.path, header(suspend, 'content-type')]).toEqual(['POST', '/api/jobs/suspend', 'application/json']);
    expect(JSON.parse(suspend.body)).toEqual({ items: [{ id }] });
    expect(world.demo.ucloud.inventory().find((item) => item.id === id)?.state).toBe('SUSPENDED');

    world.clock.advance(60_000);
    const resumed = await gqlData(world.url, ResumeJob, { id: globalId('UCLOUD', id) });
    expect(as(resumed.resumeJob, 'JobMutationSuccess').job).toMatchObject({ state: 'RUNNING', providerState: 'RUNNING' });
    const resume = onlyRequest(world.demo.ucloud.server, 'POST /api/jobs/unsuspend');
    expect([resume.method, resume.path, header(resume, 'content-type')]).toEqual(['POST', '/api/jobs/unsuspend', 'application/json']);
    expect(JSON.parse(resume.body)).toEqual({ items: [{ id }] });
    expect(writes(world)).toHaveLength(2);
    expect(world.demo.ucloud.inventory().find((item) => item.id === id)?.state).toBe('RUNNING');
  });

  it('a queued job cannot be suspended: UCloud says so, after one call', async () => {
    const id = ucloudJob('IN_QUEUE');
    const { suspendJob } = await gqlData(world.url, SuspendJob, { id: globalId('UCLOUD', id) });
    const error = as(suspendJob, 'RejectedError');
    expect(error).toMatchObject({ provider: 'UCLOUD', status: 400, message: `Job ${id} is not running and cannot be suspended` });
    expect(world.demo.ucloud.server.count('POST /api/jobs/suspend')).toBe(1);
    expect(world.demo.ucloud.inventory().find((item) => item.id === id)?.state).toBe('IN_QUEUE');
  });
});

describe('backends without the operation', () => {
  const idOf = (provider: JobProvider): string => {
    const sim = { RIME: world.demo.rime, DATA_MANAGER: world.demo.dataManager, GPU: world.demo.gpu, UCLOUD: world.demo.ucloud }[provider];
    const item = sim.inventory().find((candidate) => ['JOB_STATUS_RUNNING', 'RUNNING'].includes(candidate.state));
    if (!item) throw new Error(`no running ${provider} job`);
    return item.id;
  };

  it.each([
    ['extend', 'RIME'],
    ['suspend', 'GPU'],
    ['resume', 'DATA_MANAGER'],
    ['extend', 'GPU'],
    ['suspend', 'DATA_MANAGER'],
    ['resume', 'RIME'],
  ] as const)('%s on a %s job: UnsupportedError, and no request at all (not even a read)', async (operation, provider) => {
    const id = globalId(provider, idOf(provider));
    const result =
      operation === 'extend'
        ? (await gqlData(world.url, ExtendJob, { id, duration: { hours: 1 } })).extendJob
        : operation === 'suspend'
          ? (await gqlData(world.url, SuspendJob, { id })).suspendJob
          : (await gqlData(world.url, ResumeJob, { id })).resumeJob;
    expect(as(result, 'UnsupportedError')).toMatchObject({ code: 'UNSUPPORTED', provider, operation });
    expect(allRequests(world)).toEqual([]);
  });
});
