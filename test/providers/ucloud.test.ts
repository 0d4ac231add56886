import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStreamEvent, ListRequest } from '../../src/providers/contract.js';
import { ProviderError } from '../../src/providers/errors.js';
import { matchesFilter } from '../../src/providers/filter.js';
import type { Job, UCloudJob } from '../../src/providers/job.js';
import { foldFrame } from '../../src/providers/ucloud/follow.js';
import { toJob, toJobState } from '../../src/providers/ucloud/map.js';
import { createProvider, type UCloudProvider } from '../../src/providers/ucloud/provider.js';
import { errorMessage, job as jobSchema, jobsFollowResponse, unitBulkResponse, type JobSpecificationInput } from '../../src/providers/ucloud/wire.js';
import type { UCloudJobSpec } from '../../src/providers/specs.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { DESIGN_STATES } from '../support/expected.js';
import { UCLOUD_RETRIEVE_EXAMPLE as SEED_EXAMPLE } from '../support/seeds.js';
import { DEMO_CREDENTIALS, startSimulator, type UCloudSimulator } from '../../src/simulators/ucloud/index.js';

// DESIGN.md's table, written out once for every test (test/support/expected.ts), not taken from the code.
const EXPECTED_STATE = DESIGN_STATES.UCLOUD;


type WireJson = {
  id: string;
  owner: { createdBy: string; project?: string | null };
  updates?: { state?: string | null; status?: string | null; timestamp: number }[];
  specification: { name?: string | null; application: { name: string }; timeAllocation?: { hours: number; minutes: number; seconds: number } | null };
  status: { state: string; startedAt?: number | null; expiresAt?: number | null };
  createdAt: number;
};

function wire(sim: UCloudSimulator, id: string): WireJson {
  const json = sim.job(id);
  if (json === null) throw new Error(`simulator has no job ${id}`);
  return json as unknown as WireJson;
}

async function walk(provider: UCloudProvider, request: Omit<ListRequest, 'pageToken'>): Promise<{ jobs: Job[]; pages: number }> {
  const jobs: Job[] = [];
  let pageToken: string | null = null;
  let pages = 0;
  do {
    const page = await provider.list({ ...request, pageToken });
    jobs.push(...page.jobs);
    pageToken = page.nextPageToken;
    pages++;
  } while (pageToken !== null && pages < 100);
  return { jobs, pages };
}

function lastRequest(sim: UCloudSimulator, route: string) {
  const found = sim.server.requests.filter((request) => request.route === route).at(-1);
  if (!found) throw new Error(`no request on ${route}`);
  return found;
}

function ucloud(job: Job | null | ProviderError | undefined): UCloudJob {
  if (!job || job instanceof ProviderError || job.provider !== 'UCLOUD') throw new Error(`expected a UCloud job, got ${String(job)}`);
  return job;
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected an ProviderError');
}

/** Follows a job to its end, moving the clock forward while the stream runs. */
async function followToEnd(provider: UCloudProvider, clock: ManualClock, id: string, stepMs: number): Promise<JobStreamEvent[]> {
  const events: JobStreamEvent[] = [];
  const iterator = provider.follow(id)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return events;
  events.push(first.value);
  let done = false;
  const driver = (async () => {
    while (!done) {
      await sleep(12);
      clock.advance(stepMs);
    }
  })();
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) events.push(next.value);
  } finally {
    done = true;
    await driver;
  }
  return events;
}

function concatenated(events: JobStreamEvent[], rank: number, stream: 'STDOUT' | 'STDERR'): string {
  return events
    .flatMap((event) => event.logs)
    .filter((entry) => entry.rank === rank && entry.stream === stream)
    .map((entry) => entry.text)
    .join('');
}

const TERMINAL_SPEC: UCloudJobSpec = {
  application: { name: 'terminal-ubuntu', version: '0.22.0' },
  product: { id: 'u1-standard-2', category: 'u1-standard', provider: 'ucloud' },
  name: 'follow test (3 nodes)',
  replicas: 3,
  timeAllocationSeconds: 180,
};

describe('UCloud wire schemas and mapping', () => {
  it('parses the documented retrieve example and maps it', () => {
    const readFrom = Date.now();
    const job = toJob(jobSchema.parse(SEED_EXAMPLE));
    const readUntil = Date.now();
    expect(job.state).toBe('RUNNING');
    expect(job.providerState).toBe('RUNNING');
    expect(job.providerJobId).toBe('62348');
    expect(job.name).toBe('acme-web-application');
    expect(job.owner).toBe('user');
    expect(job.project).toBeNull();
    expect(job.createdAt.getTime()).toBe(1633329776235);
    expect(job.expiresAt?.getTime()).toBe(1633347776235);
    expect(job.timeAllocationSeconds).toBe(5 * 3600);
    expect(job.statusMessage).toBe('Your job is now running!');
    expect(job.finishedAt).toBeNull();
    // Still running: from its RUNNING update until it was read.
    const since = SEED_EXAMPLE.updates[1]!.timestamp;
    expect(job.runningTimeSeconds).toBeGreaterThanOrEqual(Math.round((readFrom - since) / 1000));
    expect(job.runningTimeSeconds).toBeLessThanOrEqual(Math.round((readUntil - since) / 1000));
    expect(job.updates.map((update) => update.state)).toEqual(['IN_QUEUE', 'RUNNING']);
    expect(job.capabilities).toEqual({ cancel: true, extend: true, suspend: true, resume: false, logs: true });
  });

  it('maps every UCloud state as DESIGN says, and unknown ones to UNKNOWN', () => {
    for (const [state, expected] of Object.entries(EXPECTED_STATE)) expect(toJobState(state)).toBe(expected);
    expect(toJobState('QUEUED_ELSEWHERE')).toBe('UNKNOWN');
    expect(toJobState(null)).toBe('UNKNOWN');
    const unknown = toJob(jobSchema.parse({ ...SEED_EXAMPLE, status: { ...SEED_EXAMPLE.status, state: 'MIGRATING' } }));
    expect(unknown.state).toBe('UNKNOWN');
    expect(unknown.providerState).toBe('MIGRATING');
  });

  it('reads the Go shape: nulls, empty lists and defaults left out, unknown keys present', () => {
    const go = {
      id: '70001',
      owner: { createdBy: 'bob#1093' },
      specification: {
        application: { name: 'gromacs', version: '2024.3' },
        product: { id: 'u1-standard-8', category: 'u1-standard', provider: 'ucloud' },
        timeAllocation: { hours: 2 },
      },
      status: { state: 'SUCCESS', startedAt: 1_700_000_010_000 },
      updates: [
        { state: 'IN_QUEUE', timestamp: 1_700_000_000_000 },
        { state: 'RUNNING', status: 'Your job is now running!', timestamp: 1_700_000_010_000 },
        { state: 'SUCCESS', timestamp: 1_700_000_070_000, brandNewField: 1 },
      ],
      createdAt: 1_700_000_000_000,
      somethingNew: { nested: true },
    };
    const job = toJob(jobSchema.parse(go));
    expect(job.state).toBe('SUCCEEDED');
    expect(job.project).toBeNull();
    expect(job.replicas).toBe(1);
    expect(job.timeAllocationSeconds).toBe(7200);
    expect(job.finishedAt?.getTime()).toBe(1_700_000_070_000);
    expect(job.runningTimeSeconds).toBe(60);
    expect(job.statusMessage).toBe('Your job is now running!');
    expect(job.capabilities.cancel).toBe(false);
    expect(unitBulkResponse.parse({}).responses).toEqual([]);
    expect(jobsFollowResponse.parse({ initialJob: go }).updates).toEqual([]);
  });

  it('reads both error dialects', () => {
    expect(errorMessage({ why: 'Not Found', statusCode: 404, detailedCode: 0, errorCode: '' })).toBe('Not Found');
    expect(errorMessage({ why: 'Duplicate', errorCode: 'JOB_DUPLICATE' })).toBe('Duplicate (JOB_DUPLICATE)');
    expect(errorMessage({ message: 'from a proxy' })).toBeUndefined();
  });

  it('folds follow frames: updates move the state, same-millisecond updates are kept', () => {
    const initial = jobSchema.parse(SEED_EXAMPLE);
    const at = SEED_EXAMPLE.updates[1]!.timestamp;
    const frame = jobsFollowResponse.parse({
      updates: [SEED_EXAMPLE.updates[1], { state: 'CANCELING', status: 'Your job is being cancelled', timestamp: at }],
      log: [],
    });
    const folded = foldFrame(initial, frame);
    expect(folded.changed).toBe(true);
    expect(folded.job?.updates.map((update) => update.state)).toEqual(['IN_QUEUE', 'RUNNING', 'CANCELING']);
    expect(folded.job && toJob(folded.job).state).toBe('CANCELLING');
  });
});

describe('UCloud provider against the Kotlin simulator', () => {
  const clock = new ManualClock();
  let sim: UCloudSimulator;
  let provider: UCloudProvider;

  beforeAll(async () => {
    sim = await startSimulator({ clock, seed: 42, followPollMs: 10, pingIntervalMs: 7 });
    provider = createProvider({ url: sim.url, ...sim.credentials }, { timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await provider?.close();
    await sim?.close();
  });

  it('builds the same world from the same seed and clock', async () => {
    const twin = await startSimulator({ clock: new ManualClock(), seed: 42 });
    try {
      expect(twin.inventory()).toEqual(sim.inventory());
    } finally {
      await twin.close();
    }
  });

  it('seeds every UCloud state', () => {
    const states = new Set(sim.inventory().map((item) => item.state));
    expect([...states].sort()).toEqual(['CANCELING', 'EXPIRED', 'FAILURE', 'IN_QUEUE', 'RUNNING', 'SUCCESS', 'SUSPENDED']);
    expect(sim.inventory().length).toBe(320);
  });

  it('lists every job once, newest first, over all pages', async () => {
    const before = sim.server.count('GET /api/jobs/browse');
    const { jobs, pages } = await walk(provider, { filter: {}, pageSize: 25 });
    const inventory = sim.inventory();
    const ids = jobs.map((job) => job.providerJobId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(inventory.map((item) => item.id).sort());
    expect(pages).toBe(Math.ceil(inventory.length / 25));
    expect(sim.server.count('GET /api/jobs/browse') - before).toBe(pages);
    const times = jobs.map((job) => job.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const job of jobs) {
      const truth = inventory.find((item) => item.id === job.providerJobId)!;
      expect(job.state).toBe(EXPECTED_STATE[truth.state]);
      expect(job.createdAt.getTime()).toBe(truth.createdAtMs);
    }

    const requests = sim.server.requests.filter((request) => request.route === 'GET /api/jobs/browse').slice(-pages);
    const first = new URLSearchParams(requests[0]!.rawQuery);
    expect(Object.fromEntries(first)).toEqual({
      itemsPerPage: '25',
      sortBy: 'CREATED_AT',
      sortDirection: 'descending',
      includeUpdates: 'true',
      includeParameters: 'true',
    });
    const second = new URLSearchParams(requests[1]!.rawQuery);
    expect(second.get('next')).toBeTruthy();
    expect(second.get('sortBy')).toBe('CREATED_AT');
  });

  it('chooses the page size from UCloud’s allowed sizes', async () => {
    for (const [pageSize, expected] of [[1, '10'], [30, '50'], [250, '250'], [900, '250']] as const) {
      await provider.list({ filter: {}, pageSize });
      expect(new URLSearchParams(lastRequest(sim, 'GET /api/jobs/browse').rawQuery).get('itemsPerPage')).toBe(expected);
    }
  });

  it('pushes a single state down as filterState', async () => {
    const { jobs } = await walk(provider, { filter: { states: ['RUNNING'] }, pageSize: 100 });
    expect(new URLSearchParams(lastRequest(sim, 'GET /api/jobs/browse').rawQuery).get('filterState')).toBe('RUNNING');
    const expected = sim.inventory().filter((item) => item.state === 'RUNNING').map((item) => item.id).sort();
    expect(jobs.map((job) => job.providerJobId).sort()).toEqual(expected);
  });

  it('does not push down several states, and skips states UCloud never has', async () => {
    await walk(provider, { filter: { states: ['RUNNING', 'QUEUED', 'CANCELLED'] }, pageSize: 250 });
    expect(new URLSearchParams(lastRequest(sim, 'GET /api/jobs/browse').rawQuery).has('filterState')).toBe(false);
    const before = sim.server.count('GET /api/jobs/browse');
    expect(await provider.list({ filter: { states: ['CANCELLED', 'PENDING'] }, pageSize: 25 })).toEqual({ jobs: [], nextPageToken: null });
    expect(sim.server.count('GET /api/jobs/browse')).toBe(before);
    // QUEUED among never-produced states still maps to exactly one UCloud state.
    await provider.list({ filter: { states: ['CANCELLED', 'QUEUED'] }, pageSize: 25 });
    expect(new URLSearchParams(lastRequest(sim, 'GET /api/jobs/browse').rawQuery).get('filterState')).toBe('IN_QUEUE');
  });

  it('pushes owner and the creation window down', async () => {
    const inventory = sim.inventory();
    const sorted = [...inventory].sort((a, b) => a.createdAtMs - b.createdAtMs);
    const createdAfter = new Date(sorted[40]!.createdAtMs);
    const createdBefore = new Date(sorted[200]!.createdAtMs);
    const createdAtOrBefore = new Date(sorted[150]!.createdAtMs);
    const owner = wire(sim, sorted[120]!.id).owner.createdBy;
    const filter = { owner, createdAfter, createdBefore };
    const { jobs } = await walk(provider, { filter, createdAtOrBefore, pageSize: 50 });

    const query = new URLSearchParams(lastRequest(sim, 'GET /api/jobs/browse').rawQuery);
    expect(query.get('filterCreatedBy')).toBe(owner);
    expect(query.get('filterCreatedAfter')).toBe(String(createdAfter.getTime()));
    expect(query.get('filterCreatedBefore')).toBe(String(createdAtOrBefore.getTime() + 1));

    const expected = inventory
      .filter((item) => item.createdAtMs >= createdAfter.getTime() && item.createdAtMs <= createdAtOrBefore.getTime())
      .filter((item) => wire(sim, item.id).owner.createdBy === owner)
      .map((item) => item.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const kept = jobs.filter((job) => matchesFilter(job, filter) && job.createdAt.getTime() <= createdAtOrBefore.getTime());
    expect(kept.map((job) => job.providerJobId).sort()).toEqual(expected);
    // The backend filtered: nothing outside the window came back.
    expect(jobs.every((job) => job.owner === owner && job.createdAt >= createdAfter)).toBe(true);

    // Without a cursor position, createdBefore itself is the bound.
    await provider.list({ filter: { createdBefore }, pageSize: 10 });
    expect(new URLSearchParams(lastRequest(sim, 'GET /api/jobs/browse').rawQuery).get('filterCreatedBefore')).toBe(String(createdBefore.getTime()));
  });

  it('gets one job with the fields the simulator holds', async () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'SUCCESS' && candidate.name !== null)!;
    const [result] = await provider.getMany([item.id]);
    const job = ucloud(result);
    const truth = wire(sim, item.id);
    expect(job.providerJobId).toBe(item.id);
    expect(job.name).toBe(item.name);
    expect(job.owner).toBe(truth.owner.createdBy);
    expect(job.project).toBe(truth.owner.project ?? null);
    expect(job.state).toBe('SUCCEEDED');
    expect(job.startedAt?.getTime()).toBe(truth.status.startedAt);
    const final = truth.updates!.find((update) => update.state === 'SUCCESS')!;
    expect(job.finishedAt?.getTime()).toBe(final.timestamp);
    expect(job.statusMessage).toBe(truth.updates!.findLast((update) => update.status)!.status);
    expect(job.updates).toHaveLength(truth.updates!.length);
    expect(job.capabilities).toEqual({ cancel: false, extend: false, suspend: false, resume: false, logs: true });
    const unnamed = sim.inventory().find((candidate) => candidate.name === null)!;
    const [other] = await provider.getMany([unnamed.id]);
    expect(ucloud(other).name).toBe(wire(sim, unnamed.id).specification.application.name);
  });

  it('batches gets through browse with filterIds, 250 ids per request', async () => {
    const ids = sim.inventory().map((item) => item.id);
    const wanted = [...ids, '1', '2', ids[0]!, ids[5]!];
    const before = sim.server.count('GET /api/jobs/browse');
    const results = await provider.getMany(wanted);
    expect(sim.server.count('GET /api/jobs/browse') - before).toBe(2);
    expect(results).toHaveLength(wanted.length);
    wanted.forEach((id, index) => {
      const result = results[index];
      if (id === '1' || id === '2') expect(result).toBeNull();
      else expect(ucloud(result).providerJobId).toBe(id);
    });
    const requests = sim.server.requests.filter((request) => request.route === 'GET /api/jobs/browse').slice(-2);
    const sizes = requests.map((request) => new URLSearchParams(request.rawQuery).get('filterIds')!.split(',').length).sort((a, b) => b - a);
    expect(sizes).toEqual([250, ids.length + 2 - 250]);
    expect(new URLSearchParams(requests[0]!.rawQuery).get('itemsPerPage')).toBe('250');
  });

  it('returns null for an unknown id', async () => {
    expect(await provider.getMany(['99999999'])).toEqual([null]);
  });

  it('cancels with one terminate call; the job passes CANCELING and ends in SUCCESS', async () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'RUNNING')!;
    const before = sim.server.count('POST /api/jobs/terminate');
    await provider.cancel(item.id, { reason: 'test' });
    expect(sim.server.count('POST /api/jobs/terminate') - before).toBe(1);
    expect(JSON.parse(lastRequest(sim, 'POST /api/jobs/terminate').body)).toEqual({ items: [{ id: item.id }] });
    expect(ucloud((await provider.getMany([item.id]))[0]).state).toBe('CANCELLING');
    clock.advance(10_000);
    const done = ucloud((await provider.getMany([item.id]))[0]);
    expect(done.state).toBe('SUCCEEDED');
    const truth = wire(sim, item.id);
    expect(done.finishedAt?.getTime()).toBe(truth.updates!.at(-1)!.timestamp);
    expect(done.statusMessage).toBe(truth.updates!.at(-1)!.status);
    expect(done.capabilities.cancel).toBe(false);
  });

  it('cancels many jobs with a single terminate', async () => {
    const items = sim.inventory().filter((candidate) => candidate.state === 'RUNNING').slice(0, 2);
    const before = sim.server.count('POST /api/jobs/terminate');
    await provider.cancelMany([items[0]!.id, items[1]!.id, items[0]!.id]);
    expect(sim.server.count('POST /api/jobs/terminate') - before).toBe(1);
    expect(JSON.parse(lastRequest(sim, 'POST /api/jobs/terminate').body)).toEqual({ items: items.map((item) => ({ id: item.id })) });
    expect(sim.inventory().filter((candidate) => items.some((item) => item.id === candidate.id)).map((candidate) => candidate.state)).toEqual([
      'CANCELING',
      'CANCELING',
    ]);
  });

  it('rejects terminating a finished job', async () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'FAILURE')!;
    const error = await rejection(provider.cancel(item.id));
    expect(error.code).toBe('REJECTED');
    expect(error.status).toBe(400);
  });

  it('extends a running job', async () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'RUNNING' && wire(sim, candidate.id).specification.timeAllocation)!;
    const before = ucloud((await provider.getMany([item.id]))[0]);
    expect(before.capabilities.extend).toBe(true);
    await provider.extend(item.id, 5_400);
    expect(JSON.parse(lastRequest(sim, 'POST /api/jobs/extend').body)).toEqual({
      items: [{ jobId: item.id, requestedTime: { hours: 1, minutes: 30, seconds: 0 } }],
    });
    const after = ucloud((await provider.getMany([item.id]))[0]);
    expect(after.timeAllocationSeconds).toBe(before.timeAllocationSeconds! + 5_400);
    expect(after.expiresAt?.getTime()).toBe(before.expiresAt!.getTime() + 5_400_000);
    expect(after.expiresAt?.getTime()).toBe(wire(sim, item.id).status.expiresAt);
  });

  it('suspends and resumes', async () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'RUNNING')!;
    await provider.suspend(item.id);
    const suspended = ucloud((await provider.getMany([item.id]))[0]);
    expect(suspended.state).toBe('SUSPENDED');
    expect(suspended.capabilities).toMatchObject({ suspend: false, resume: true, cancel: true });
    clock.advance(1_000);
    await provider.resume(item.id);
    const resumed = ucloud((await provider.getMany([item.id]))[0]);
    expect(resumed.state).toBe('RUNNING');
    expect(resumed.startedAt?.getTime()).toBe(clock.now());
    expect(sim.server.count('POST /api/jobs/suspend')).toBe(1);
    expect(sim.server.count('POST /api/jobs/unsuspend')).toBe(1);
    const error = await rejection(provider.resume(item.id));
    expect(error.code).toBe('REJECTED');
  });

  it('creates a job that queues, then runs', async () => {
    const spec: UCloudJobSpec = {
      application: { name: 'gromacs', version: '2024.3' },
      product: { id: 'u1-standard-16', category: 'u1-standard', provider: 'ucloud' },
      name: 'lysozyme_md_run_99',
      replicas: 2,
      parameters: { nsteps: { type: 'integer', value: 50_000 } },
      timeAllocationSeconds: 4 * 3_600 + 90,
    };
    // What the wire notes say `create` takes: a bulk request of JobSpecifications.
    const wire: JobSpecificationInput = {
      application: { name: 'gromacs', version: '2024.3' },
      product: { id: 'u1-standard-16', category: 'u1-standard', provider: 'ucloud' },
      name: 'lysozyme_md_run_99',
      replicas: 2,
      parameters: { nsteps: { type: 'integer', value: 50_000 } },
      timeAllocation: { hours: 4, minutes: 1, seconds: 30 },
    };
    const { id } = await provider.create(spec);
    expect(id).toMatch(/^\d+$/);
    expect(JSON.parse(lastRequest(sim, 'POST /api/jobs').body)).toEqual({ items: [wire] });
    expect(sim.inventory().find((item) => item.id === id)).toMatchObject({ state: 'IN_QUEUE', name: 'lysozyme_md_run_99', createdAtMs: clock.now() });
    const created = ucloud((await provider.getMany([id]))[0]);
    expect(created).toMatchObject({ state: 'QUEUED', owner: sim.username, project: null, replicas: 2, applicationName: 'gromacs' });
    expect(created.parameters).toEqual(spec.parameters);
    const duplicate = await rejection(provider.create(spec));
    expect(duplicate.code).toBe('REJECTED');
    expect(duplicate.status).toBe(409);
    clock.advance(25_000);
    expect(ucloud((await provider.getMany([id]))[0]).state).toBe('RUNNING');
    const invalid = await rejection(provider.create({ ...spec, name: 'no/slashes', allowDuplicateJob: true }));
    expect(invalid.code).toBe('REJECTED');
  });

  it('follows a job: state through to the end and exactly the output the simulator wrote', async () => {
    const { id } = await provider.create(TERMINAL_SPEC);
    const before = sim.server.count('WS jobs.follow');
    const events = await followToEnd(provider, clock, id, 6_000);
    expect(sim.server.count('WS jobs.follow') - before).toBe(1);
    const states = events.flatMap((event) => (event.job ? [event.job.state] : []));
    expect(states[0]).toBe('QUEUED');
    expect(states.at(-1)).toBe('EXPIRED');
    const last = ucloud(events.findLast((event) => event.job)!.job);
    expect(last.updates.map((update) => update.state)).toEqual(['IN_QUEUE', 'RUNNING', 'EXPIRED']);
    const expiredAt = sim.phases(id).find((phase) => phase.state === 'EXPIRED')!.at;
    expect(last.finishedAt?.getTime()).toBe(expiredAt);

    const written = sim.output(id);
    expect(written).toHaveLength(3);
    for (const output of written) {
      expect(output.stdout.length).toBeGreaterThan(0);
      expect(concatenated(events, output.rank, 'STDOUT')).toBe(output.stdout);
      expect(concatenated(events, output.rank, 'STDERR')).toBe(output.stderr);
    }
    const chunks = events.flatMap((event) => event.logs);
    expect(chunks.some((entry) => !entry.text.endsWith('\n'))).toBe(true);
    expect(chunks.every((entry) => entry.timestamp instanceof Date)).toBe(true);
    expect(sim.activeFollows()).toBe(0);
  });

  it('stops following when the caller aborts', async () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'RUNNING')!;
    const controller = new AbortController();
    const events: JobStreamEvent[] = [];
    for await (const event of provider.follow(item.id, { signal: controller.signal })) {
      events.push(event);
      controller.abort();
    }
    expect(events).toHaveLength(1);
    expect(events[0]?.job?.state).toBe('RUNNING');
    for (let i = 0; i < 100 && sim.activeFollows() > 0; i++) await sleep(5);
    expect(sim.activeFollows()).toBe(0);
  });

  it('follow of an unknown job fails with NOT_FOUND', async () => {
    const error = await rejection((async () => {
      for await (const event of provider.follow('99999999')) void event;
    })());
    expect(error.code).toBe('NOT_FOUND');
  });

  it('speaks retrieve, search, products and utilization as the notes say', async () => {
    const item = sim.inventory()[0]!;
    await provider.client.retrieve(item.id, { includeUpdates: true, includeProduct: false });
    expect(lastRequest(sim, 'GET /api/jobs/retrieve').rawQuery).toBe(`id=${item.id}&includeUpdates=true&includeProduct=false`);
    const missing = await rejection(provider.client.retrieve('99999999'));
    expect(missing.code).toBe('NOT_FOUND');

    const page = await provider.client.search({ query: 'gromacs', flags: { filterState: 'SUCCESS', includeUpdates: true }, itemsPerPage: 250 });
    const body = JSON.parse(lastRequest(sim, 'POST /api/jobs/search').body);
    expect(body).toMatchObject({ query: 'gromacs', flags: { filterState: 'SUCCESS', includeUpdates: true }, filterState: 'SUCCESS', itemsPerPage: 250 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((job) => job.specification.application.name === 'gromacs' && job.status.state === 'SUCCESS')).toBe(true);

    const products = await provider.client.retrieveProducts();
    expect(products.productsByProvider['ucloud']?.map((entry) => entry.product.name)).toContain('u1-standard-8');
    const utilization = await provider.client.retrieveUtilization(item.id);
    const inventory = sim.inventory();
    expect(utilization.queueStatus.pending).toBe(inventory.filter((candidate) => candidate.state === 'IN_QUEUE').length);
  });

  it('sends the configured project as the Project header', async () => {
    const project = sim.projects[1]!;
    const scoped = createProvider({ url: sim.url, token: DEMO_CREDENTIALS.token, refreshToken: null, project }, { timeoutMs: 5_000 });
    try {
      const { jobs } = await walk(scoped, { filter: {}, pageSize: 100 });
      expect(lastRequest(sim, 'GET /api/jobs/browse').headers['project']).toBe(project);
      expect(jobs.map((job) => job.providerJobId).sort()).toEqual(sim.inventory(project).map((item) => item.id).sort());
      expect(jobs.every((job) => job.project === project)).toBe(true);
    } finally {
      await scoped.close();
    }
  });
});

describe('UCloud authentication', () => {
  const clock = new ManualClock();
  let sim: UCloudSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ clock, seed: 'auth', jobCount: 300, accessTokenTtlMs: 60_000, followPollMs: 10 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('rejects a wrong static token as UNAUTHENTICATED without leaking it', async () => {
    const provider = createProvider({ url: sim.url, token: 'wrong-token-0123456789', refreshToken: null, project: null }, { timeoutMs: 5_000 });
    try {
      const error = await rejection(provider.list({ filter: {}, pageSize: 10 }));
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.message).toContain('Unauthorized');
      expect(error.message).not.toContain('wrong-token-0123456789');
      const followError = await rejection((async () => {
        for await (const event of provider.follow(sim.inventory()[0]!.id)) void event;
      })());
      expect(followError.code).toBe('UNAUTHENTICATED');
    } finally {
      await provider.close();
    }
  });

  it('rejects a wrong refresh token as UNAUTHENTICATED', async () => {
    const provider = createProvider({ url: sim.url, token: null, refreshToken: 'bad-refresh-token-abcdef', project: null }, { timeoutMs: 5_000 });
    try {
      const error = await rejection(provider.list({ filter: {}, pageSize: 10 }));
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.message).not.toContain('bad-refresh-token-abcdef');
    } finally {
      await provider.close();
    }
  });

  it('works with the static token alone, never refreshing', async () => {
    const provider = createProvider({ url: sim.url, token: DEMO_CREDENTIALS.token, refreshToken: null, project: null }, { timeoutMs: 5_000 });
    const before = sim.server.count('POST /auth/refresh');
    try {
      clock.advance(10 * 60_000);
      expect((await provider.list({ filter: {}, pageSize: 10 })).jobs).toHaveLength(10);
      expect(sim.server.count('POST /auth/refresh')).toBe(before);
    } finally {
      await provider.close();
    }
  });

  it('refreshes the access token once, and again after it expired', async () => {
    const provider = createProvider({ url: sim.url, ...sim.credentials }, { timeoutMs: 5_000 });
    try {
      const refreshes = sim.server.count('POST /auth/refresh');
      const browses = sim.server.count('GET /api/jobs/browse');
      await provider.list({ filter: {}, pageSize: 10 });
      await provider.list({ filter: {}, pageSize: 10 });
      expect(sim.server.count('POST /auth/refresh') - refreshes).toBe(1);
      expect(lastRequest(sim, 'POST /auth/refresh').headers.authorization).toBe(`Bearer ${sim.credentials.refreshToken}`);

      clock.advance(61_000);
      await provider.list({ filter: {}, pageSize: 10 });
      expect(sim.server.count('POST /auth/refresh') - refreshes).toBe(2);
      // The expired token's browse was answered 401 and sent once more with the new token.
      expect(sim.server.count('GET /api/jobs/browse') - browses).toBe(4);

      // A follow whose token was revoked gets a 401 frame, refreshes and follows.
      sim.expireAccessTokens();
      const item = sim.inventory().find((candidate) => candidate.state === 'SUCCESS')!;
      const events: JobStreamEvent[] = [];
      for await (const event of provider.follow(item.id)) events.push(event);
      expect(events[0]?.job?.providerJobId).toBe(item.id);
      expect(sim.server.count('POST /auth/refresh') - refreshes).toBe(3);
      expect(sim.server.count('WS jobs.follow')).toBe(3);
    } finally {
      await provider.close();
    }
  });
});

describe('UCloud provider against the Go backend dialect', () => {
  const clock = new ManualClock();
  let sim: UCloudSimulator;
  let provider: UCloudProvider;

  beforeAll(async () => {
    sim = await startSimulator({ clock, seed: 'go', dialect: 'go', jobCount: 300, followPollMs: 10 });
    provider = createProvider({ url: sim.url, ...sim.credentials }, { timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await provider?.close();
    await sim?.close();
  });

  it('answers in the Go shape', () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'IN_QUEUE')!;
    const json = sim.job(item.id) as Record<string, Record<string, unknown>>;
    expect(json['status']).not.toHaveProperty('startedAt');
    expect(json['specification']).not.toHaveProperty('allowDuplicateJob');
    expect(json).not.toHaveProperty('output');
    expect(sim.inventory().some((candidate) => candidate.state === 'CANCELING')).toBe(false);
  });

  it('lists every job once over all pages', async () => {
    const { jobs } = await walk(provider, { filter: {}, pageSize: 100 });
    const ids = jobs.map((job) => job.providerJobId);
    expect(new Set(ids).size).toBe(300);
    expect([...ids].sort()).toEqual(sim.inventory().map((item) => item.id).sort());
    const inventory = new Map(sim.inventory().map((item) => [item.id, item.state]));
    expect(jobs.every((job) => job.state === EXPECTED_STATE[inventory.get(job.providerJobId)!])).toBe(true);
  });

  it('cancels without CANCELING: the job ends in SUCCESS a few seconds later', async () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'RUNNING')!;
    await provider.cancel(item.id);
    expect(sim.server.count('POST /api/jobs/terminate')).toBe(1);
    expect(ucloud((await provider.getMany([item.id]))[0]).state).toBe('RUNNING');
    clock.advance(10_000);
    expect(ucloud((await provider.getMany([item.id]))[0]).state).toBe('SUCCEEDED');
  });

  it('follows until the server closes the socket, with exactly the written output', async () => {
    const { id } = await provider.create({ ...TERMINAL_SPEC, application: { name: 'jupyter-lab', version: '4.2.5' }, replicas: 1 });
    const events = await followToEnd(provider, clock, id, 6_000);
    expect(events[0]?.job?.state).toBe('QUEUED');
    expect(events.findLast((event) => event.job)?.job?.state).toBe('EXPIRED');
    const [output] = sim.output(id);
    expect(output!.stderr.length).toBeGreaterThan(0);
    expect(concatenated(events, 0, 'STDOUT')).toBe(output!.stdout);
    expect(concatenated(events, 0, 'STDERR')).toBe(output!.stderr);
  });

  it('tells an unknown job from a closed stream (Go closes without a frame)', async () => {
    const error = await rejection((async () => {
      for await (const event of provider.follow('99999999')) void event;
    })());
    expect(error.code).toBe('NOT_FOUND');
  });

  it('has no retrieveUtilization and answers Go error bodies', async () => {
    const error = await rejection(provider.client.retrieveUtilization(sim.inventory()[0]!.id));
    expect(error.code).toBe('NOT_FOUND');
    const bad = createProvider({ url: sim.url, token: 'not-a-valid-token', refreshToken: null, project: null }, { timeoutMs: 5_000 });
    try {
      const unauthenticated = await rejection(bad.getMany(['1']));
      expect(unauthenticated.code).toBe('UNAUTHENTICATED');
      expect(unauthenticated.message).toContain('Unauthorized');
    } finally {
      await bad.close();
    }
  });

  it('reads search flags from the top level', async () => {
    const page = await provider.client.search({ query: '', flags: { filterState: 'FAILURE' }, itemsPerPage: 250 });
    const expected = sim.inventory().filter((item) => item.state === 'FAILURE').map((item) => item.id).sort();
    expect(page.items.map((job) => job.id).sort()).toEqual(expected);
  });
});

describe('UCloud follow on a dead link', () => {
  it('a server that accepts the call and then says nothing (no frame, no pong) ends the stream with UNAVAILABLE', async () => {
    const { createServer } = await import('node:http');
    const { WebSocketServer } = await import('ws');
    const { UCloudClient } = await import('../../src/providers/ucloud/client.js');
    const http = createServer();
    // autoPong off: the peer neither answers pings nor sends frames, like a connection that died quietly.
    const silent = new WebSocketServer({ server: http, path: '/api/jobs', autoPong: false });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as { port: number };
    const client = new UCloudClient(
      { url: `http://127.0.0.1:${port}`, token: 'static-token-for-a-silent-server', refreshToken: null, project: null },
      { timeoutMs: 2_000, followIdleTimeoutMs: 300 },
    );
    try {
      const outcome = await (async () => {
        for await (const frame of client.follow('12345')) void frame;
      })().then(
        () => null,
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(ProviderError);
      expect((outcome as ProviderError).code).toBe('UNAVAILABLE');
      expect((outcome as ProviderError).message).toMatch(/no frame and no pong for 300 ms/);
    } finally {
      await client.close();
      for (const socket of silent.clients) socket.terminate();
      silent.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});
