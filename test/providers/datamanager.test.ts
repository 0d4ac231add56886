import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGN_STATES } from '../support/expected.js';
import { DataManagerClient } from '../../src/providers/datamanager/client.js';
import { toJob, toJobState } from '../../src/providers/datamanager/map.js';
import { createProvider, type DataManagerProvider } from '../../src/providers/datamanager/provider.js';
import { instanceGetResponseSchema, instanceSummarySchema, taskGetResponseSchema } from '../../src/providers/datamanager/wire.js';
import { isProviderError, type ProviderError } from '../../src/providers/errors.js';
import type { DataManagerInstance, Job } from '../../src/providers/job.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { startSimulator, type DataManagerSimulator } from '../../src/simulators/datamanager/index.js';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const SEED = 42;
const JOB_APP = 'datamanagerjobs.squonk.it';
const UNKNOWN_ID = 'instance-00000000-0000-4000-8000-000000000000';

function dm(job: Job | null | ProviderError | undefined): DataManagerInstance {
  if (!job || isProviderError(job) || job.provider !== 'DATA_MANAGER') throw new Error(`not a Data Manager instance: ${String(job)}`);
  return job;
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (isProviderError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('Data Manager wire and mapping', () => {
  // The seed's InstanceSummary, filled in as the wire notes describe it (zone-less microsecond
  // timestamps, a Python timedelta run time, outputs and specification as JSON strings).
  const summary = {
    application_id: 'datamanagerjobs.squonk.it',
    application_specification: '{"collection":"im-virtual-screening","job":"max-min-picker","version":"1.2.0","variables":{"count":500}}',
    application_type: 'JOB',
    application_version: 'v1',
    archived: false,
    authorisation_code: 73194421,
    coins: '12.75',
    fix_permissions: true,
    id: 'instance-3f1c2b4a-9d8e-4f70-a1b2-c3d4e5f60718',
    job_collection: 'im-virtual-screening',
    job_id: 11,
    job_image_type: 'SIMPLE',
    job_job: 'max-min-picker',
    job_name: 'RDKit MaxMin diverse subset picker',
    job_version: '1.2.0',
    launched: '2024-05-01T10:11:12.123456',
    name: 'Diverse pick Mpro',
    outputs: '{"outputFile":{"title":"Picked molecules","type":"file","creates":"picked.sdf"}}',
    owner: 'alice.smith',
    phase: 'COMPLETED',
    project_id: 'project-8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
    run_time: '1 day, 2:03:04',
    started: '2024-05-01T10:12:00.5',
    stopped: '2024-05-02T12:15:04.623456',
  };

  it('parses the seed example and maps it to a finished job', () => {
    const job = toJob(instanceSummarySchema.parse(summary));
    expect(job.state).toBe('SUCCEEDED');
    expect(job.providerState).toBe('COMPLETED');
    expect(job.providerJobId).toBe(summary.id);
    expect(job.createdAt.toISOString()).toBe('2024-05-01T10:11:12.123Z');
    expect(job.startedAt?.toISOString()).toBe('2024-05-01T10:12:00.500Z');
    expect(job.finishedAt?.toISOString()).toBe('2024-05-02T12:15:04.623Z');
    expect(job.runningTimeSeconds).toBe(86_400 + 2 * 3_600 + 3 * 60 + 4);
    expect(job.runTime).toBe('1 day, 2:03:04');
    expect(job.outputs).toEqual({ outputFile: { title: 'Picked molecules', type: 'file', creates: 'picked.sdf' } });
    expect(job.applicationSpecification).toMatchObject({ collection: 'im-virtual-screening', variables: { count: 500 } });
    expect(job.coins).toBe('12.75');
    expect(job.jobDefinitionId).toBe(11);
    expect(job.taskIds).toBeNull();
    expect(job.capabilities).toEqual({ cancel: false, extend: false, suspend: false, resume: false, logs: true });
    expect(JSON.stringify(job)).not.toContain('73194421');
  });

  it('maps a get response (no id, outputs as an object) under the id that was asked for', () => {
    const { id, ...rest } = summary;
    const wire = instanceGetResponseSchema.parse({
      ...rest,
      phase: 'CRASH_LOOP_BACKOFF',
      stopped: undefined,
      run_time: '3 days, 0:00:01.250000',
      outputs: { outputFile: { title: 'Picked molecules' } },
      error_message: 'Back-off restarting failed container',
      tasks: [{ id: 'task-11111111-2222-4333-8444-555555555555', purpose: 'CREATE' }],
      has_valid_callback_token: false,
    });
    const job = toJob(wire, id);
    expect(job.providerJobId).toBe(id);
    expect(job.state).toBe('RUNNING');
    expect(job.runningTimeSeconds).toBe(3 * 86_400 + 1.25);
    expect(job.outputs).toEqual({ outputFile: { title: 'Picked molecules' } });
    expect(job.statusMessage).toBe('Back-off restarting failed container');
    expect(job.finishedAt).toBeNull();
    expect(job.capabilities.cancel).toBe(true);
    expect(job.taskIds).toEqual(['task-11111111-2222-4333-8444-555555555555']);
  });

  it('maps a live instance with a DELETE task to CANCELLING (deletion under way), an ended one to its phase', () => {
    const { id, ...rest } = summary;
    const tasks = [
      { id: 'task-11111111-2222-4333-8444-555555555555', purpose: 'CREATE' },
      { id: 'task-66666666-7777-4888-9999-aaaaaaaaaaaa', purpose: 'DELETE' },
    ];
    const running = toJob(instanceGetResponseSchema.parse({ ...rest, phase: 'RUNNING', stopped: undefined, tasks }), id);
    expect(running.state).toBe('CANCELLING');
    expect(running.providerState).toBe('RUNNING');
    expect(running.capabilities.cancel).toBe(false);
    const pending = toJob(instanceGetResponseSchema.parse({ ...rest, phase: 'PENDING', stopped: undefined, tasks }), id);
    expect(pending.state).toBe('CANCELLING');
    const completed = toJob(instanceGetResponseSchema.parse({ ...rest, phase: 'COMPLETED', tasks }), id);
    expect(completed.state).toBe('SUCCEEDED');
    expect(completed.capabilities.cancel).toBe(false);
    const created = toJob(instanceGetResponseSchema.parse({ ...rest, phase: 'RUNNING', stopped: undefined, tasks: tasks.slice(0, 1) }), id);
    expect(created.state).toBe('RUNNING');
    expect(created.capabilities.cancel).toBe(true);
  });

  it('maps every phase as DESIGN says, and an unknown one to UNKNOWN', () => {
    expect(
      Object.fromEntries(
        ['PENDING', 'IMAGE_PULL_BACKOFF', 'RUNNING', 'CRASH_LOOP_BACKOFF', 'COMPLETED', 'SUCCEEDED', 'FAILED', 'UNKNOWN', 'EVICTED'].map((p) => [
          p,
          toJobState(p),
        ]),
      ),
    ).toEqual({ ...DESIGN_STATES.DATA_MANAGER, EVICTED: 'UNKNOWN' });
  });

  it('tolerates nulls, a run time it cannot read and a task without states or events', () => {
    const job = toJob(
      instanceSummarySchema.parse({ ...summary, run_time: 'soon', coins: null, outputs: null, url: null, job_id: '11', started: '2024-05-01T10:12:00Z' }),
    );
    expect(job.runningTimeSeconds).toBe((Date.parse('2024-05-02T12:15:04.623Z') - Date.parse('2024-05-01T10:12:00Z')) / 1000);
    expect(job.coins).toBeNull();
    expect(job.outputs).toBeNull();
    expect(job.jobDefinitionId).toBe(11);
    const task = taskGetResponseSchema.parse({ purpose: 'INSTANCE', purpose_id: summary.id, created: '2024-05-01T10:11:12.123456', done: false });
    expect(task.events).toEqual([]);
    expect(task.states).toEqual([]);
  });
});

describe('Data Manager provider against the simulator', () => {
  const clock = new ManualClock(START);
  let sim: DataManagerSimulator;
  let provider: DataManagerProvider;
  let client: DataManagerClient;

  beforeAll(async () => {
    sim = await startSimulator({ clock, seed: SEED });
    provider = createProvider({ url: sim.url, token: sim.credentials.token }, { timeoutMs: 5_000 });
    client = new DataManagerClient({ url: sim.url, token: sim.credentials.token }, { timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await provider?.close();
    await client?.close();
    await sim?.close();
  });

  it('refreshMany: every followed instance from one list request, an unknown one null', async () => {
    const [a, b] = sim.inventory().map((item) => item.id);
    sim.server.resetCounts();
    const results = await provider.refreshMany([a!, UNKNOWN_ID, b!]);
    expect(results.map((result) => (result && !(result instanceof Error) ? result.providerJobId : result))).toEqual([a, null, b]);
    expect(sim.server.count()).toBe(1);
    expect(sim.server.count('GET /instance')).toBe(1);
  });

  const tasksSeen = () => sim.server.requests.filter((r) => r.route === 'GET /task/:id');

  it('has every phase of the Data Manager in its seeded world', () => {
    const phases = new Set(sim.inventory().map((item) => item.state));
    expect([...phases].sort()).toEqual(
      ['COMPLETED', 'CRASH_LOOP_BACKOFF', 'FAILED', 'IMAGE_PULL_BACKOFF', 'PENDING', 'RUNNING', 'SUCCEEDED', 'UNKNOWN'],
    );
    expect(sim.inventory().length).toBe(320);
  });

  it('lists every instance in one request, mapped from the wire', async () => {
    const before = sim.server.count('GET /instance');
    const page = await provider.list({ filter: {}, pageSize: 50 });
    expect(sim.server.count('GET /instance')).toBe(before + 1);
    expect(sim.server.requests.at(-1)?.rawQuery).toBe('');
    expect(page.nextPageToken).toBeNull();
    const inventory = sim.inventory();
    const ids = page.jobs.map((job) => job.providerJobId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(inventory.map((item) => item.id).sort());
    const byId = new Map(page.jobs.map((job) => [job.providerJobId, dm(job)]));
    for (const item of inventory) {
      const job = byId.get(item.id) as DataManagerInstance;
      expect(job.createdAt.getTime()).toBe(item.createdAtMs);
      expect(job.providerState).toBe(item.state);
      expect(job.state).toBe(toJobState(item.state));
      expect(job.name).toBe(item.name);
      expect(job.owner).toBe(item.owner);
      expect(job.project).toBe(item.project);
      expect(job.applicationType).toBe(item.type);
      expect(job.taskIds).toBeNull();
    }
  });

  it('reads the wire as it really comes: zone-less microsecond times, timedelta run times, secrets dropped', async () => {
    const response = await fetch(`${sim.url}/instance`, { headers: { authorization: `Bearer ${sim.credentials.token}` } });
    const raw = (await response.json()) as { count: number; instances: Record<string, unknown>[] };
    expect(raw.count).toBe(raw.instances.length);
    expect(raw.instances.every((i) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/.test(String(i.launched)))).toBe(true);
    expect(raw.instances.some((i) => String(i.run_time).includes('day'))).toBe(true);
    const codes = raw.instances.flatMap((i) => (typeof i.authorisation_code === 'number' ? [String(i.authorisation_code)] : []));
    expect(codes.length).toBeGreaterThan(0);

    const { jobs } = await provider.list({ filter: {}, pageSize: 50 });
    const mapped = JSON.stringify(jobs);
    expect(mapped).not.toContain('authorisation');
    for (const code of codes) expect(mapped).not.toContain(code);
    for (const job of jobs.map(dm)) {
      // The reported run time agrees with the reported start and stop (or now, while it runs).
      if (job.startedAt === null) {
        expect(job.runningTimeSeconds).toBe(0);
      } else {
        const end = job.finishedAt?.getTime() ?? clock.now();
        expect(job.runningTimeSeconds).toBeCloseTo((end - job.startedAt.getTime()) / 1000, 3);
      }
      if (job.state === 'FAILED') expect(job.statusMessage).toBeTruthy();
      if (job.applicationType === 'JOB') expect(typeof job.outputs).toBe('object');
    }
  });

  it('pushes the project filter down as project_id', async () => {
    const project = sim.inventory()[0]?.project as string;
    const page = await provider.list({ filter: { project }, pageSize: 50 });
    expect(sim.server.requests.at(-1)?.rawQuery).toBe(`project_id=${project}`);
    const expected = sim.inventory().filter((item) => item.project === project).map((item) => item.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(page.jobs.map((job) => job.providerJobId).sort()).toEqual(expected.sort());
  });

  it('asks nothing when the wanted states are ones an instance never has', async () => {
    const before = sim.server.count();
    expect(await provider.list({ filter: { states: ['CANCELLED', 'SUSPENDED', 'EXPIRED'] }, pageSize: 50 })).toEqual({ jobs: [], nextPageToken: null });
    expect(sim.server.count()).toBe(before);
    const mixed = await provider.list({ filter: { states: ['CANCELLED', 'RUNNING'] }, pageSize: 50 });
    expect(sim.server.count()).toBe(before + 1);
    expect(mixed.jobs.length).toBe(sim.inventory().length);
  });

  it('gets instances one request per distinct id, unknown ids as null', async () => {
    const [a, b, c] = sim.inventory().slice(10, 13);
    if (!a || !b || !c) throw new Error('inventory too small');
    const before = sim.server.count('GET /instance/:id');
    const results = await provider.getMany([a.id, b.id, a.id, UNKNOWN_ID, c.id]);
    expect(sim.server.count('GET /instance/:id')).toBe(before + 4);
    expect(results).toHaveLength(5);
    expect(results[3]).toBeNull();
    for (const [index, item] of [a, b, a, null, c].entries()) {
      if (item === null) continue;
      const job = dm(results[index]);
      expect(job.providerJobId).toBe(item.id);
      expect(job.providerState).toBe(item.state);
      expect(job.createdAt.getTime()).toBe(item.createdAtMs);
      expect(job.taskIds).toEqual(sim.taskIds(item.id));
      expect(job.taskIds).toHaveLength(1);
    }
  });

  it('cancels (deletes) an own instance: one DELETE, same phase for a few seconds, then gone', async () => {
    const target = sim.inventory().find((item) => item.owner === sim.user && item.state === 'RUNNING');
    if (!target) throw new Error('no running instance of the demo user');
    const first = await provider.pollLogs(target.id, null);

    const before = sim.server.count('DELETE /instance/:id');
    await provider.cancel(target.id, { reason: 'test' });
    expect(sim.server.count('DELETE /instance/:id')).toBe(before + 1);

    const [during] = await provider.getMany([target.id]);
    expect(dm(during).providerState).toBe('RUNNING');
    expect(dm(during).state).toBe('CANCELLING');
    expect(dm(during).capabilities.cancel).toBe(false);
    expect(dm(during).taskIds).toHaveLength(2);
    // A list entry shows no tasks, yet it agrees with the get: the deletion is under way.
    const listed = (await provider.list({ filter: {}, pageSize: 50 })).jobs.find((job) => job.providerJobId === target.id);
    expect(listed?.state).toBe('CANCELLING');
    const cancelling = await provider.list({ filter: { states: ['CANCELLING'] }, pageSize: 50 });
    expect(cancelling.jobs.map((job) => job.providerJobId)).toContain(target.id);
    const [createTask, deleteTask] = sim.taskIds(target.id) as [string, string];
    const second = await provider.pollLogs(target.id, first.cursor);

    clock.advance(6_000);
    expect(await provider.getMany([target.id])).toEqual([null]);
    expect(sim.inventory().some((item) => item.id === target.id)).toBe(false);
    const { jobs } = await provider.list({ filter: {}, pageSize: 50 });
    expect(jobs.some((job) => job.providerJobId === target.id)).toBe(false);

    // The instance is gone, but the tasks the cursor knows are still read to their end.
    const third = await provider.pollLogs(target.id, second.cursor);
    const texts = [...first.entries, ...second.entries, ...third.entries].map((entry) => entry.text);
    expect(texts).toEqual([...sim.events(createTask), ...sim.events(deleteTask)].map((event) => event.message));
    expect(third.entries.map((entry) => entry.text)).toEqual([`Instance ${target.id} deleted`]);
  });

  it("maps the service's refusals: someone else's instance, an unknown one", async () => {
    const foreign = sim.inventory().find((item) => item.owner !== sim.user);
    if (!foreign) throw new Error('no foreign instance');
    const forbidden = await rejection(provider.cancel(foreign.id));
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.message).toContain('not the owner');
    const missing = await rejection(provider.cancel(UNKNOWN_ID));
    expect(missing.code).toBe('NOT_FOUND');
    expect(sim.inventory().find((item) => item.id === foreign.id)?.state).toBe(foreign.state);
  });

  it('launches a job with a form-urlencoded POST and follows it to completion', async () => {
    const project = sim.inventory()[0]?.project as string;
    const specification = { collection: 'im-virtual-screening', job: 'max-min-picker', version: '1.2.0', variables: { count: 10 } };
    const launched = await client.launchInstance({ application_id: JOB_APP, project_id: project, as_name: 'Gateway test launch', specification });
    const request = sim.server.requests.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request?.body ?? '');
    expect(form.get('application_id')).toBe(JOB_APP);
    expect(form.get('project_id')).toBe(project);
    expect(form.get('as_name')).toBe('Gateway test launch');
    expect(JSON.parse(form.get('specification') ?? 'null')).toEqual(specification);

    expect(launched.instance_id).toMatch(/^instance-[0-9a-f-]{36}$/);
    expect(sim.taskIds(launched.instance_id)).toEqual([launched.task_id]);
    const item = sim.inventory().find((i) => i.id === launched.instance_id);
    expect(item).toMatchObject({ state: 'PENDING', name: 'Gateway test launch', owner: sim.user, project, createdAtMs: clock.now() });

    const [queued] = await provider.getMany([launched.instance_id]);
    expect(dm(queued)).toMatchObject({ state: 'QUEUED', name: 'Gateway test launch', jobJob: 'max-min-picker', startedAt: null });
    clock.advance(15_000);
    expect(dm((await provider.getMany([launched.instance_id]))[0]).state).toBe('RUNNING');
    clock.advance(3 * 60_000);
    const [done] = await provider.getMany([launched.instance_id]);
    expect(dm(done)).toMatchObject({ state: 'SUCCEEDED', providerState: 'COMPLETED' });
    expect(dm(done).finishedAt).not.toBeNull();
  });

  it('answers a launch with a missing field by a bare 400', async () => {
    const project = sim.inventory()[0]?.project as string;
    const error = await rejection(client.launchInstance({ application_id: JOB_APP, project_id: project, as_name: '' }));
    expect(error.code).toBe('REJECTED');
    expect(error.status).toBe(400);
    expect(error.message).toContain('no error body');
    const noSpec = await rejection(client.launchInstance({ application_id: JOB_APP, project_id: project, as_name: 'No specification' }));
    expect(noSpec.status).toBe(400);
    expect(noSpec.message).toContain('no error body');
    expect(sim.inventory().some((item) => item.name === 'No specification')).toBe(false);
  });

  it('polls task events incrementally as the log of a running job', async () => {
    const running = sim.inventory().find((item) => item.type === 'JOB' && item.state === 'RUNNING');
    if (!running) throw new Error('no running job');
    const [taskId] = sim.taskIds(running.id) as [string];
    const first = await provider.pollLogs(running.id, null);
    expect(first.entries.length).toBe(sim.events(taskId).length);
    expect(JSON.parse(first.cursor)).toEqual({ [taskId]: first.entries.length });

    clock.advance(3 * 60_000);
    const seenBefore = tasksSeen().length;
    const second = await provider.pollLogs(running.id, first.cursor);
    expect(tasksSeen().slice(seenBefore).map((r) => r.rawQuery)).toEqual([`event_limit=500&event_prior_ordinal=${first.entries.length}`]);
    expect(second.entries.length).toBeGreaterThan(0);

    const written = sim.events(taskId);
    const entries = [...first.entries, ...second.entries];
    expect(entries.map((e) => e.text)).toEqual(written.map((e) => e.message));
    expect(entries.map((e) => e.timestamp.getTime())).toEqual(written.map((e) => e.timeMs));
    expect(entries.every((e) => e.stream === 'EVENT' && e.rank === 0)).toBe(true);

    const third = await provider.pollLogs(running.id, second.cursor);
    expect(third.entries).toEqual([]);
    expect(third.cursor).toBe(second.cursor);
  });

  it('pages through a task with more events than one answer holds', async () => {
    const busy = sim.inventory().find((item) => sim.events(sim.taskIds(item.id)[0] as string).length > 1_000);
    if (!busy) throw new Error('no busy task');
    const taskId = sim.taskIds(busy.id)[0] as string;
    const written = sim.events(taskId);
    const seenBefore = tasksSeen().length;
    const poll = await provider.pollLogs(busy.id, null);
    expect(poll.entries.map((e) => e.text)).toEqual(written.map((e) => e.message));
    expect(tasksSeen().length - seenBefore).toBe(Math.floor(written.length / 500) + 1);
  });

  it('reports wrong credentials as UNAUTHENTICATED without echoing the token', async () => {
    const wrong = createProvider({ url: sim.url, token: 'not-the-right-token-1234' }, { timeoutMs: 5_000 });
    try {
      const error = await rejection(wrong.list({ filter: {}, pageSize: 50 }));
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.status).toBe(401);
      expect(error.message).toContain('no error body');
      expect(error.message).not.toContain('not-the-right-token-1234');
    } finally {
      await wrong.close();
    }
  });
});

describe('Data Manager provider against a release that sends outputs as an object', () => {
  let asString: DataManagerSimulator;
  let asObject: DataManagerSimulator;

  beforeAll(async () => {
    asString = await startSimulator({ clock: new ManualClock(START), seed: SEED, jobCount: 300 });
    asObject = await startSimulator({ clock: new ManualClock(START), seed: SEED, jobCount: 300, outputs: 'object' });
  });

  afterAll(async () => {
    await asString?.close();
    await asObject?.close();
  });

  it('reads both spellings to the same value', async () => {
    const raw = async (sim: DataManagerSimulator) => {
      const response = await fetch(`${sim.url}/instance`, { headers: { authorization: `Bearer ${sim.credentials.token}` } });
      return ((await response.json()) as { instances: { outputs?: unknown }[] }).instances.filter((i) => i.outputs !== undefined);
    };
    expect((await raw(asString)).every((i) => typeof i.outputs === 'string')).toBe(true);
    expect((await raw(asObject)).every((i) => typeof i.outputs === 'object')).toBe(true);

    const outputs = async (sim: DataManagerSimulator) => {
      const provider = createProvider({ url: sim.url, token: sim.credentials.token }, { timeoutMs: 5_000 });
      try {
        const { jobs } = await provider.list({ filter: {}, pageSize: 50 });
        return new Map(jobs.map(dm).filter((job) => job.applicationType === 'JOB').map((job) => [job.providerJobId, job.outputs]));
      } finally {
        await provider.close();
      }
    };
    const fromString = await outputs(asString);
    const fromObject = await outputs(asObject);
    expect(fromString.size).toBeGreaterThan(100);
    expect([...fromObject.keys()].sort()).toEqual([...fromString.keys()].sort());
    for (const [id, value] of fromString) {
      expect(typeof value).toBe('object');
      expect(fromObject.get(id)).toEqual(value);
    }
  });
});
