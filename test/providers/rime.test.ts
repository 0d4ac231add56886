import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobState, RimeJob } from '../../src/providers/job.js';
import { ProviderError } from '../../src/providers/errors.js';
import type { JobFilter, LogEntry } from '../../src/providers/contract.js';
import { RimeClient } from '../../src/providers/rime/client.js';
import { toJob, toJobState } from '../../src/providers/rime/map.js';
import { createProvider, type RimeProvider } from '../../src/providers/rime/provider.js';
import { getJobResponse, jobMetadata, listJobsResponse, rpcStatusMessage } from '../../src/providers/rime/wire.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { DESIGN_STATES as ALL_DESIGN_STATES } from '../support/expected.js';
import { startSimulator, type RimeSimulator } from '../../src/simulators/rime/index.js';

// DESIGN.md's table, written out again so a slip in map.ts cannot hide behind a shared constant.
const DESIGN_STATES: Record<string, JobState> = ALL_DESIGN_STATES.RIME;
const NON_FINAL = ['JOB_STATUS_REQUESTED', 'JOB_STATUS_PENDING', 'JOB_STATUS_RUNNING', 'JOB_STATUS_RECONCILING'];

function expectedState(status: string, cancellationRequested: boolean): JobState {
  if (cancellationRequested && NON_FINAL.includes(status)) return 'CANCELLING';
  return DESIGN_STATES[status] ?? 'UNKNOWN';
}

const LIST_ROUTE = 'GET /v1-beta/jobs';
const GET_ROUTE = 'GET /v1-beta/jobs/:jobId';
const CANCEL_ROUTE = 'POST /v1-beta/jobs/cancel/:jobId';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function rime(job: Job | null | ProviderError | undefined): RimeJob {
  if (!job || job instanceof ProviderError || job.provider !== 'RIME') throw new Error(`not a RIME job: ${String(job)}`);
  return job;
}

async function listAll(provider: RimeProvider, filter: JobFilter, pageSize = 50): Promise<Job[]> {
  const jobs: Job[] = [];
  let pageToken: string | null = null;
  for (let page = 0; page < 50; page++) {
    const result = await provider.list({ filter, pageSize, pageToken });
    jobs.push(...result.jobs);
    pageToken = result.nextPageToken;
    if (pageToken === null) return jobs;
  }
  throw new Error('listing did not end');
}

/** The queries ListJobs received since `from` (an index into `server.requests`). */
function listQueries(sim: RimeSimulator, from: number): string[] {
  return sim.server.requests.slice(from).filter((r) => r.route === LIST_ROUTE).map((r) => r.rawQuery);
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

describe('RIME provider against the simulator', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  let sim: RimeSimulator;
  let provider: RimeProvider;

  beforeAll(async () => {
    sim = await startSimulator({ clock, seed: 42 });
    provider = createProvider({ url: sim.url, ...sim.credentials }, { timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await provider.close();
    await sim.close();
  });

  it('refreshMany: one listing of the live jobs, a GetJob only for a followed job missing from it', async () => {
    const live = sim.inventory().find((item) => item.state === 'JOB_STATUS_RUNNING')!.id;
    const ended = sim.inventory().find((item) => item.state === 'JOB_STATUS_SUCCEEDED')!.id;
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    sim.server.resetCounts();
    const results = await provider.refreshMany([live, ended, unknown, live]);
    expect(results.map((result) => (result && !(result instanceof Error) ? result.providerJobId : result))).toEqual([live, ended, null, live]);
    expect(sim.server.count('GET /v1-beta/jobs')).toBe(1);
    expect(sim.server.count('GET /v1-beta/jobs/:jobId')).toBe(2);
  });

  /** A job in `status` that the test has not used yet. */
  const used = new Set<string>();
  function pick(predicate: (facts: NonNullable<ReturnType<RimeSimulator['describe']>>) => boolean): string {
    for (const item of sim.inventory()) {
      const facts = sim.describe(item.id);
      if (facts && !used.has(item.id) && predicate(facts)) {
        used.add(item.id);
        return item.id;
      }
    }
    throw new Error('no such job in the simulated workspace');
  }

  /** Unused running, cancellable stress tests, the one with the most batches still pending first. */
  function runningStressTests(): string[] {
    const pending = (jobId: string): number =>
      sim.progressHistory(jobId).pop()?.batches.filter((b) => b.status === 'TEST_TASK_STATUS_PENDING').length ?? 0;
    return sim
      .inventory()
      .filter((item) => {
        const f = sim.describe(item.id);
        return !used.has(item.id) && f?.jobType === 'JOB_TYPE_MODEL_STRESS_TEST' && f.status === 'JOB_STATUS_RUNNING' && f.cancellable;
      })
      .map((item) => item.id)
      .sort((a, b) => pending(b) - pending(a));
  }

  it('starts with every RIME status and a pending cancellation in the workspace', () => {
    const statuses = new Set(sim.inventory().map((item) => item.state));
    expect(sorted(statuses)).toEqual(sorted(Object.keys(DESIGN_STATES)));
    expect(sim.inventory().length).toBe(320);
    expect(sim.inventory().some((item) => sim.describe(item.id)?.cancellationRequested && NON_FINAL.includes(item.state))).toBe(true);
  });

  it('walks every page: first page with the query, later pages with the token only', async () => {
    const start = sim.server.requests.length;
    const jobs = await listAll(provider, {});
    const inventory = sim.inventory();
    const ids = jobs.map((job) => job.providerJobId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sorted(ids)).toEqual(sorted(inventory.map((item) => item.id)));

    const queries = listQueries(sim, start);
    expect(queries.length).toBe(Math.ceil(inventory.length / 100));
    expect(queries[0]).toBe('pageSize=100&view=JOB_VIEW_FULL');
    for (const query of queries.slice(1)) {
      const params = new URLSearchParams(query);
      expect(params.get('pageToken')).toMatch(/.+/);
      expect(params.get('pageSize')).toBe('100');
      expect(params.get('view')).toBe('JOB_VIEW_FULL');
      expect([...params.keys()].some((key) => key.startsWith('firstPageQuery'))).toBe(false);
    }
  });

  it('maps every listed job from the ground truth', async () => {
    const jobs = (await listAll(provider, {}, 500)).map(rime);
    const now = clock.now();
    for (const job of jobs) {
      const facts = sim.describe(job.providerJobId);
      if (!facts) throw new Error(`unknown job ${job.providerJobId}`);
      expect(job.providerState).toBe(facts.status);
      expect(job.state).toBe(expectedState(facts.status, facts.cancellationRequested));
      expect(job.jobType).toBe(facts.jobType);
      expect(job.createdAt.getTime()).toBe(facts.createdAtMs);
      expect(job.startedAt?.getTime() ?? null).toBe(facts.startedAtMs);
      // Releases without completionTime cannot say when a job that never ran ended.
      if (job.finishedAt !== null || facts.startedAtMs !== null) expect(job.finishedAt?.getTime() ?? null).toBe(facts.finishedAtMs);
      expect(job.project).toBe(facts.jobType === 'JOB_TYPE_MODEL_STRESS_TEST' ? facts.projectId : null);
      expect(job.firewallId).toBe(facts.firewallId);
      expect(job.agentId).toBe(facts.agentId);
      expect(job.cancellationRequested).toBe(facts.cancellationRequested);
      expect(job.capabilities.cancel).toBe(facts.cancellable);
      expect(job.owner).toBeNull();
      expect(job.name).toMatch(new RegExp(`${job.providerJobId.slice(0, 8)}$`));
      if (facts.startedAtMs !== null) {
        const end = facts.finishedAtMs ?? now;
        expect(job.runningTimeSeconds).toBeCloseTo((end - facts.startedAtMs) / 1000, 3);
      }
      if (facts.status === 'JOB_STATUS_FAILED') expect(job.statusMessage).toMatch(/.+/);
    }
    // Newer releases send completionTime, so even a job cancelled before it ran has an end.
    expect(jobs.some((job) => job.startedAt === null && job.finishedAt !== null)).toBe(true);
  });

  it('pushes a state filter down as repeated selectedStatuses and keeps it across pages', async () => {
    const start = sim.server.requests.length;
    const jobs = await listAll(provider, { states: ['SUCCEEDED'] });
    const expected = sim.inventory().filter((item) => item.state === 'JOB_STATUS_SUCCEEDED');
    expect(expected.length).toBeGreaterThan(100);
    expect(sorted(jobs.map((job) => job.providerJobId))).toEqual(sorted(expected.map((item) => item.id)));

    const queries = listQueries(sim, start);
    expect(queries[0]).toBe('firstPageQuery.selectedStatuses=JOB_STATUS_SUCCEEDED&pageSize=100&view=JOB_VIEW_FULL');
    expect(queries.length).toBe(Math.ceil(expected.length / 100));
    for (const query of queries.slice(1)) expect(query).not.toContain('firstPageQuery');
  });

  it('maps RUNNING to RUNNING and RECONCILING, CANCELLING to every non-final status', async () => {
    let start = sim.server.requests.length;
    const running = await listAll(provider, { states: ['RUNNING'] });
    expect(listQueries(sim, start)[0]).toBe(
      'firstPageQuery.selectedStatuses=JOB_STATUS_RUNNING&firstPageQuery.selectedStatuses=JOB_STATUS_RECONCILING&pageSize=100&view=JOB_VIEW_FULL',
    );
    const expectedRunning = sim.inventory().filter((item) => item.state === 'JOB_STATUS_RUNNING' || item.state === 'JOB_STATUS_RECONCILING');
    expect(sorted(running.map((job) => job.providerJobId))).toEqual(sorted(expectedRunning.map((item) => item.id)));

    start = sim.server.requests.length;
    const cancelling = await listAll(provider, { states: ['CANCELLING'] });
    const selected = new URLSearchParams(listQueries(sim, start)[0]).getAll('firstPageQuery.selectedStatuses');
    expect(sorted(selected)).toEqual(sorted(NON_FINAL));
    const wanted = sim.inventory().filter((item) => sim.describe(item.id)?.cancellationRequested && NON_FINAL.includes(item.state));
    expect(wanted.length).toBeGreaterThan(0);
    const found = cancelling.filter((job) => job.state === 'CANCELLING').map((job) => job.providerJobId);
    expect(sorted(found)).toEqual(sorted(wanted.map((item) => item.id)));
  });

  it('sends no request for states RIME never has, and no status filter for UNKNOWN', async () => {
    const before = sim.server.count(LIST_ROUTE);
    expect(await provider.list({ filter: { states: ['SUSPENDED', 'EXPIRED'] }, pageSize: 20 })).toEqual({ jobs: [], nextPageToken: null });
    expect(sim.server.count(LIST_ROUTE)).toBe(before);

    const start = sim.server.requests.length;
    const jobs = await listAll(provider, { states: ['UNKNOWN', 'EXPIRED'] });
    expect(listQueries(sim, start)[0]).toBe('pageSize=100&view=JOB_VIEW_FULL');
    const unspecified = sim.inventory().filter((item) => item.state === 'JOB_STATUS_UNSPECIFIED');
    expect(unspecified.length).toBeGreaterThan(0);
    const unknown = jobs.filter((job) => job.state === 'UNKNOWN').map((job) => job.providerJobId);
    expect(sorted(unknown)).toEqual(sorted(unspecified.map((item) => item.id)));
  });

  it('pushes the project down as firstPageQuery.objectId', async () => {
    const project = sim.projects[1] as string;
    const start = sim.server.requests.length;
    const jobs = await listAll(provider, { project });
    expect(listQueries(sim, start)[0]).toBe(`firstPageQuery.objectId=${project}&pageSize=100&view=JOB_VIEW_FULL`);
    const stressInProject = sim
      .inventory()
      .filter((item) => {
        const facts = sim.describe(item.id);
        return facts?.jobType === 'JOB_TYPE_MODEL_STRESS_TEST' && facts.projectId === project;
      })
      .map((item) => item.id);
    expect(stressInProject.length).toBeGreaterThan(0);
    const inProject = jobs.filter((job) => job.project === project).map((job) => job.providerJobId);
    expect(sorted(inProject)).toEqual(sorted(stressInProject));
    // The server filters: nothing from other projects came back.
    expect(jobs.every((job) => job.project === project || job.project === null)).toBe(true);
  });

  it('gets a batch with one GetJob per distinct id, null for unknown ids', async () => {
    const a = pick((f) => f.status === 'JOB_STATUS_SUCCEEDED');
    const b = pick((f) => f.status === 'JOB_STATUS_PENDING');
    const c = pick((f) => f.jobType === 'JOB_TYPE_FIREWALL_BATCH_TEST' && f.status === 'JOB_STATUS_RUNNING');
    const before = sim.server.count(GET_ROUTE);
    const start = sim.server.requests.length;
    const results = await provider.getMany([a, b, a, UNKNOWN_ID, c, b]);
    expect(sim.server.count(GET_ROUTE)).toBe(before + 4);
    expect(sim.server.requests.slice(start).every((r) => r.rawQuery === 'view=JOB_VIEW_FULL')).toBe(true);

    expect(results.length).toBe(6);
    expect(rime(results[0]).providerJobId).toBe(a);
    expect(rime(results[2]).providerJobId).toBe(a);
    expect(results[3]).toBeNull();
    expect(rime(results[1]).state).toBe('QUEUED');
    expect(rime(results[5]).providerJobId).toBe(b);
    const firewall = rime(results[4]);
    expect(firewall.state).toBe('RUNNING');
    expect(firewall.firewallId).toBe(sim.describe(c)?.firewallId);
    expect(firewall.continuousTestRunIds.length).toBeGreaterThan(0);
    expect(firewall.progressText).toMatch(/^Bin \d+\/\d+/);
  });

  it('reads FULL progress; BASIC leaves it out', async () => {
    const id = pick((f) => f.jobType === 'JOB_TYPE_MODEL_STRESS_TEST' && f.status === 'JOB_STATUS_RUNNING' && f.cancellable);
    used.delete(id); // read-only here; the log test may use it
    const client = new RimeClient({ url: sim.url, apiKey: sim.credentials.apiKey }, { timeoutMs: 5_000 });
    try {
      const full = toJob(await client.getJob(id, 'JOB_VIEW_FULL'));
      const basic = toJob(await client.getJob(id, 'JOB_VIEW_BASIC'));
      const history = sim.progressHistory(id);
      const latest = history[history.length - 1];
      expect(full.progressText).toBe(latest?.progressText);
      expect(full.testBatches.map((b) => `${b.type}=${b.status}`)).toEqual(latest?.batches.map((b) => `${b.type}=${b.status}`));
      expect(full.testRunStatus).toBe('TEST_TASK_STATUS_RUNNING');
      expect(full.testRunId).toBe(sim.describe(id)?.testRunId);
      expect(basic.progressText).toBeNull();
      expect(basic.testBatches).toEqual([]);
      expect(basic.testRunId).toBe(full.testRunId);
      expect(basic.project).toBe(full.project);
    } finally {
      await client.close();
    }
  });

  it('GetProjectID and GetTestRunID answer from the job', async () => {
    const client = new RimeClient({ url: sim.url, apiKey: sim.credentials.apiKey }, { timeoutMs: 5_000 });
    try {
      const done = pick((f) => f.jobType === 'JOB_TYPE_MODEL_STRESS_TEST' && f.status === 'JOB_STATUS_SUCCEEDED');
      expect((await client.getProjectId(done)).projectId).toBe(sim.describe(done)?.projectId);
      expect((await client.getTestRunId(done)).testRunId).toBe(sim.describe(done)?.testRunId);

      const running = pick((f) => f.jobType === 'JOB_TYPE_MODEL_STRESS_TEST' && f.status === 'JOB_STATUS_RUNNING');
      used.delete(running);
      await expect(client.getTestRunId(running)).rejects.toMatchObject({ code: 'REJECTED', status: 400 });
      await expect(client.getProjectId(UNKNOWN_ID)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await client.close();
    }
  });

  it('cancels once: CANCELLING at once, CANCELLED a few seconds later', async () => {
    // The one with the least work left: the log test wants the others.
    const id = runningStressTests().pop();
    if (id === undefined) throw new Error('no running stress test left');
    used.add(id);
    const before = sim.server.count(CANCEL_ROUTE);
    const start = sim.server.requests.length;
    await provider.cancel(id, { reason: 'test' });
    expect(sim.server.count(CANCEL_ROUTE)).toBe(before + 1);
    const call = sim.server.requests.slice(start).find((r) => r.route === CANCEL_ROUTE);
    expect(call?.path).toBe(`/v1-beta/jobs/cancel/${id}`);
    expect(call?.body).toBe('');

    const [requested] = await provider.getMany([id]);
    expect(rime(requested).state).toBe('CANCELLING');
    expect(rime(requested).providerState).toBe('JOB_STATUS_RUNNING');
    expect(rime(requested).capabilities.cancel).toBe(false);

    clock.advance(10_000);
    const [cancelled] = await provider.getMany([id]);
    expect(rime(cancelled).state).toBe('CANCELLED');
    expect(rime(cancelled).finishedAt?.getTime()).toBe(sim.describe(id)?.finishedAtMs);
    expect(sim.inventory().find((item) => item.id === id)?.state).toBe('JOB_STATUS_CANCELLED');
    expect(rime(cancelled).testBatches.some((b) => b.status === 'TEST_TASK_STATUS_CANCELLED')).toBe(true);
  });

  it('rejects cancelling a job type RIME cannot cancel, a finished job and an unknown job, without retrying', async () => {
    const builder = pick((f) => f.jobType === 'JOB_TYPE_IMAGE_BUILDER' && NON_FINAL.includes(f.status));
    const before = sim.server.count(CANCEL_ROUTE);
    const error = await provider.cancel(builder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'REJECTED', status: 400 });
    expect((error as Error).message).toContain('INVALID_ARGUMENT');
    expect(sim.server.count(CANCEL_ROUTE)).toBe(before + 1);
    expect(sim.describe(builder)?.cancellationRequested).toBe(false);

    const finished = pick((f) => f.jobType === 'JOB_TYPE_FILE_SCAN' && f.status === 'JOB_STATUS_SUCCEEDED');
    await expect(provider.cancel(finished)).rejects.toMatchObject({ code: 'REJECTED' });
    await expect(provider.cancel(UNKNOWN_ID)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('polls progress as EVENT entries equal to what the simulator went through', async () => {
    // The running stress test with the most work ahead, so the polls see many changes.
    const id = runningStressTests()[0];
    if (id === undefined) throw new Error('no running stress test left');
    used.add(id);
    const entries: LogEntry[] = [];
    const pollTimes: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 400; i++) {
      const poll = await provider.pollLogs(id, cursor);
      entries.push(...poll.entries);
      cursor = poll.cursor;
      pollTimes.push(clock.now());
      if (sim.describe(id)?.finishedAtMs !== null) break;
      clock.advance(20_000);
    }
    expect(sim.describe(id)?.status).toBe('JOB_STATUS_SUCCEEDED');
    expect(entries.every((e) => e.stream === 'EVENT' && e.rank === 0)).toBe(true);

    // What the simulator's history says each poll saw, and so which changes the polls could report.
    const history = sim.progressHistory(id);
    const seenAt = pollTimes.map((t) => history.filter((h) => h.atMs <= t).pop());
    const expectedProgress: string[] = [];
    const expectedBatches: string[] = [];
    const expectedStatuses: string[] = [];
    let previous: (typeof history)[number] | undefined;
    for (const snapshot of seenAt) {
      if (!snapshot) continue;
      if (snapshot.progressText !== null && snapshot.progressText !== previous?.progressText) expectedProgress.push(snapshot.progressText);
      if (snapshot.status !== previous?.status) expectedStatuses.push(`Job status: ${snapshot.status}`);
      for (const batch of snapshot.batches) {
        const before = previous?.batches.find((b) => b.type === batch.type);
        if (before?.status !== batch.status) expectedBatches.push(`Test batch "${batch.type}": ${batch.status}`);
      }
      previous = snapshot;
    }
    const texts = entries.map((e) => e.text);
    const statusTexts = texts.filter((t) => t.startsWith('Job status: '));
    const batchTexts = texts.filter((t) => t.startsWith('Test batch "'));
    const progressTexts = texts.filter((t) => !t.startsWith('Job status: ') && !t.startsWith('Test batch "') && t !== 'Cancellation requested');
    expect(progressTexts).toEqual(expectedProgress);
    expect(batchTexts).toEqual(expectedBatches);
    expect(statusTexts).toEqual(expectedStatuses);
    expect(expectedProgress.length).toBeGreaterThan(2);
    expect(batchTexts.filter((t) => t.endsWith('TEST_TASK_STATUS_COMPLETED')).length).toBe(history[history.length - 1]?.batches.length);

    // Nothing new: nothing emitted.
    const again = await provider.pollLogs(id, cursor);
    expect(again.entries).toEqual([]);
  });

  it('reports wrong credentials as UNAUTHENTICATED without leaking the key', async () => {
    const key = 'wrong-rime-key-0123456789';
    const wrong = createProvider({ url: sim.url, apiKey: key }, { timeoutMs: 5_000 });
    try {
      const error = await wrong.list({ filter: {}, pageSize: 20 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
      expect((error as Error).message).not.toContain(key);
      const [result] = await wrong.getMany([sim.inventory()[0]?.id ?? '']);
      expect(result).toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      await wrong.close();
    }
  });

  it('the simulator holds the wire rules the client relies on', async () => {
    const headers = { 'rime-api-key': sim.credentials.apiKey };
    const first = (await (await fetch(`${sim.url}/v1-beta/jobs?pageSize=5`, { headers })).json()) as { nextPageToken: string; hasMore: boolean };
    expect(first.hasMore).toBe(true);
    const both = await fetch(
      `${sim.url}/v1-beta/jobs?pageToken=${first.nextPageToken}&firstPageQuery.selectedStatuses=JOB_STATUS_RUNNING`,
      { headers },
    );
    expect(both.status).toBe(400);
    expect(((await both.json()) as { code: number }).code).toBe(3);
    // The seed's Python example continues with `page_token` (the proto field name).
    const snake = await fetch(`${sim.url}/v1-beta/jobs?page_token=${first.nextPageToken}`, { headers });
    const second = listJobsResponse.parse(await snake.json());
    expect(second.jobs.length).toBe(20);
    expect(second.jobs[0]?.jobId).toBe(sim.inventory()[5]?.id);
  });
});

describe('RIME with EmitUnpopulated marshalling', () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 8, 0, 0));
  let sim: RimeSimulator;
  let provider: RimeProvider;

  beforeAll(async () => {
    sim = await startSimulator({ clock, seed: 'emit', emitUnpopulated: true });
    provider = createProvider({ url: sim.url, apiKey: sim.credentials.apiKey }, { timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await provider.close();
    await sim.close();
  });

  it('lists and maps explicit defaults and nulls like omitted ones', async () => {
    const jobs = (await listAll(provider, {}, 200)).map(rime);
    expect(sorted(jobs.map((job) => job.providerJobId))).toEqual(sorted(sim.inventory().map((item) => item.id)));
    for (const job of jobs) {
      const facts = sim.describe(job.providerJobId);
      expect(job.state).toBe(expectedState(facts?.status ?? '', facts?.cancellationRequested ?? false));
      expect(job.startedAt?.getTime() ?? null).toBe(facts?.startedAtMs);
      if (facts?.status === 'JOB_STATUS_REQUESTED') {
        expect(job.progressText).toBeNull();
        expect(job.statusMessage).toBeNull();
        expect(job.runningTimeSeconds).toBeNull();
      }
      if (facts?.status === 'JOB_STATUS_UNSPECIFIED') expect(job.terminationReason).toBeNull();
    }
    const raw = await fetch(`${sim.url}/v1-beta/jobs?firstPageQuery.selectedStatuses=JOB_STATUS_REQUESTED`, {
      headers: { 'rime-api-key': sim.credentials.apiKey },
    });
    const text = await raw.text();
    expect(text).toContain('"startTime":null');
    expect(text).toContain('"nextPageToken":""');
  });
});

describe('RIME wire schemas', () => {
  // Built field by field from the seed's rimeJobMetadata model and the wire notes' spellings.
  const seedExample = {
    jobs: [
      {
        jobId: '3f2a9c1e-5b7d-4e21-9a0c-6d8e1f2a3b4c',
        terminationReason: 'TERMINATION_REASON_OOMKILLED',
        jobType: 'JOB_TYPE_MODEL_STRESS_TEST',
        status: 'JOB_STATUS_FAILED',
        startTime: '2024-03-01T12:00:00.123Z',
        creationTime: '2024-03-01T11:58:00Z',
        runningTimeSecs: 754.5,
        jobData: {
          stress: {
            projectId: { uuid: '7d3e2b1a-0c9f-4e8d-b7a6-5f4e3d2c1b0a' },
            testRunId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
            progress: {
              testRun: {
                testRunId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
                status: 'TEST_TASK_STATUS_FAILED',
                testBatches: [
                  { type: 'Subset Performance Degradation', status: 'TEST_TASK_STATUS_COMPLETED' },
                  { type: 'Feature Drift', status: 'TEST_TASK_STATUS_FAILED' },
                ],
              },
            },
          },
        },
        jobProgressStr: '1/2 test batches completed',
        cancellationRequested: false,
        agentId: { uuid: '11111111-2222-4333-8444-555555555555' },
        archivedJobLogs: { url: { url: 'https://acme.rbst.io/jobs/3f2a9c1e/logs' }, expirationTime: '2024-03-31T12:12:34.623Z' },
      },
    ],
    nextPageToken: '',
    hasMore: false,
  };

  it('parses the seed-shaped ListJobs answer and maps it', () => {
    const page = listJobsResponse.parse(seedExample);
    expect(page.hasMore).toBe(false);
    expect(page.nextPageToken).toBeNull();
    const job = toJob(page.jobs[0] as NonNullable<(typeof page.jobs)[number]>);
    expect(job.state).toBe('FAILED');
    expect(job.name).toBe('Model stress test 3f2a9c1e');
    expect(job.project).toBe('7d3e2b1a-0c9f-4e8d-b7a6-5f4e3d2c1b0a');
    expect(job.startedAt?.toISOString()).toBe('2024-03-01T12:00:00.123Z');
    // No completionTime in this release: start + running time.
    expect(job.finishedAt?.toISOString()).toBe('2024-03-01T12:12:34.623Z');
    expect(job.runningTimeSeconds).toBe(754.5);
    expect(job.statusMessage).toMatch(/more memory/);
    expect(job.terminationReason).toBe('TERMINATION_REASON_OOMKILLED');
    expect(job.testRunId).toBe('a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d');
    expect(job.testRunStatus).toBe('TEST_TASK_STATUS_FAILED');
    expect(job.testBatches).toEqual([
      { type: 'Subset Performance Degradation', status: 'TEST_TASK_STATUS_COMPLETED' },
      { type: 'Feature Drift', status: 'TEST_TASK_STATUS_FAILED' },
    ]);
    expect(job.archivedLogsUrl).toBe('https://acme.rbst.io/jobs/3f2a9c1e/logs');
    expect(job.archivedLogsExpireAt?.toISOString()).toBe('2024-03-31T12:12:34.623Z');
    expect(job.capabilities).toEqual({ cancel: false, extend: false, suspend: false, resume: false, logs: true });
  });

  it('reads omitted defaults as the proto defaults', () => {
    expect(listJobsResponse.parse({})).toEqual({ jobs: [], nextPageToken: null, hasMore: false });
    const job = toJob(jobMetadata.parse({ jobId: 'c0ffee00-aaaa-4bbb-8ccc-dddddddddddd', creationTime: '2025-01-02T03:04:05Z' }));
    expect(job.providerState).toBe('JOB_STATUS_UNSPECIFIED');
    expect(job.state).toBe('UNKNOWN');
    expect(job.jobType).toBe('JOB_TYPE_UNSPECIFIED');
    expect(job.name).toBe('Job c0ffee00');
    expect(job.cancellationRequested).toBe(false);
    expect(job.terminationReason).toBeNull();
    expect(job.runningTimeSeconds).toBeNull();
    expect(job.capabilities.cancel).toBe(false);
    expect(rpcStatusMessage({ code: 5, message: 'job x not found', details: [] })).toBe('NOT_FOUND: job x not found');
    expect(rpcStatusMessage({ code: 16, message: 'invalid api key' })).toBe('UNAUTHENTICATED: invalid api key');
  });

  it('accepts explicit nulls and empty values (EmitUnpopulated)', () => {
    const wire = jobMetadata.parse({
      jobId: 'feedface-0000-4000-8000-000000000001',
      terminationReason: 'TERMINATION_REASON_UNSPECIFIED',
      jobType: 'JOB_TYPE_FILE_SCAN',
      status: 'JOB_STATUS_REQUESTED',
      startTime: null,
      creationTime: '2025-06-01T00:00:00Z',
      completionTime: null,
      runningTimeSecs: 0,
      jobData: { fileScan: {} },
      jobProgressStr: '',
      cancellationRequested: false,
      agentId: null,
      archivedJobLogs: null,
      errorMsg: '',
    });
    const job = toJob(wire);
    expect(job.state).toBe('PENDING');
    expect(job.progressText).toBeNull();
    expect(job.statusMessage).toBeNull();
    expect(job.agentId).toBeNull();
    expect(job.capabilities.cancel).toBe(true);
  });

  it('keeps unknown enum values, numbers as strings, and newer-release fields', () => {
    const job = toJob(
      jobMetadata.parse({
        jobId: 'abcdef01-0000-4000-8000-000000000002',
        jobType: 'JOB_TYPE_LLM_EVALUATION',
        status: 'JOB_STATUS_PAUSED',
        terminationReason: 'TERMINATION_REASON_EVICTED',
        creationTime: '2025-06-01T00:00:00.123456Z',
        startTime: '2025-06-01T00:01:00Z',
        runningTimeSecs: '12.5',
      }),
    );
    expect(job.state).toBe('UNKNOWN');
    expect(job.providerState).toBe('JOB_STATUS_PAUSED');
    expect(job.name).toBe('Llm evaluation abcdef01');
    expect(job.runningTimeSeconds).toBe(12.5);
    expect(job.statusMessage).toBe('Terminated: evicted');
    expect(job.createdAt.toISOString()).toBe('2025-06-01T00:00:00.123Z');

    expect(jobMetadata.parse({ jobId: 'x', status: 9, creationTime: '2025-06-01T00:00:00Z' }).status).toBe('9');

    const newer = toJob(
      jobMetadata.parse({
        jobId: 'abcdef01-0000-4000-8000-000000000003',
        jobType: 'JOB_TYPE_FIREWALL_BATCH_TEST',
        status: 'JOB_STATUS_FAILED',
        terminationReason: 'TERMINATION_REASON_GENERIC_ERROR',
        creationTime: '2025-06-01T00:00:00Z',
        startTime: '2025-06-01T00:01:00Z',
        completionTime: '2025-06-01T00:09:30Z',
        // Reconciling after the run: completionTime, not start + running time, is when it ended.
        runningTimeSecs: 480,
        errorMsg: 'Prediction column contains non-numeric values',
        jobData: {
          continuousInc: {
            firewallId: 'fw-1',
            ctTestRunIds: ['tr-1', 'tr-2'],
            progress: {
              testRuns: [
                { testRun: { testRunId: 'tr-1', status: 'TEST_TASK_STATUS_COMPLETED', testBatches: [{ type: 'Feature Drift', status: 'TEST_TASK_STATUS_COMPLETED' }] } },
                { testRun: { testRunId: 'tr-2', status: 'TEST_TASK_STATUS_FAILED', testBatches: [{ type: 'Label Drift', status: 'TEST_TASK_STATUS_FAILED' }] } },
              ],
            },
          },
        },
      }),
    );
    expect(newer.finishedAt?.toISOString()).toBe('2025-06-01T00:09:30.000Z');
    expect(newer.statusMessage).toBe('Prediction column contains non-numeric values');
    expect(newer.firewallId).toBe('fw-1');
    expect(newer.project).toBeNull();
    expect(newer.continuousTestRunIds).toEqual(['tr-1', 'tr-2']);
    expect(newer.testRunStatus).toBe('TEST_TASK_STATUS_FAILED');
    expect(newer.testBatches.map((b) => b.status)).toEqual(['TEST_TASK_STATUS_COMPLETED', 'TEST_TASK_STATUS_FAILED']);
  });

  it('maps every status per DESIGN, a pending cancellation as CANCELLING', () => {
    for (const [status, state] of Object.entries(DESIGN_STATES)) expect(toJobState(status)).toBe(state);
    for (const status of NON_FINAL) expect(toJobState(status, true)).toBe('CANCELLING');
    expect(toJobState('JOB_STATUS_SUCCEEDED', true)).toBe('SUCCEEDED');
    expect(toJobState('JOB_STATUS_SOMETHING_NEW', true)).toBe('UNKNOWN');
  });

  it('names the field a broken payload got wrong', () => {
    const missingId = getJobResponse.safeParse({ job: { creationTime: '2025-06-01T00:00:00Z' } });
    expect(missingId.success).toBe(false);
    expect(missingId.error?.issues[0]?.path).toEqual(['job', 'jobId']);
    const badTime = jobMetadata.safeParse({ jobId: 'x', creationTime: 'yesterday' });
    expect(badTime.error?.issues[0]?.path).toEqual(['creationTime']);
  });
});
