// cancelJob and cancelJobs over real HTTP against the four simulators: the exact wire call, once;
// the job read back in its new state; every refusal decided without a mutation call where it can be.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobProvider } from '../../src/providers/job.js';
import type { RecordedRequest } from '../../src/simulators/common/server.js';
import { gql, gqlData, startWorld, type World } from '../support/gateway.js';
import { allRequests, as, CancelJob, CancelJobs, globalId, header, JobState, onlyRequest, resetSims, writes } from '../support/mutations.js';

const UNKNOWN = {
  UCLOUD: '99999999',
  RIME: '00000000-0000-4000-8000-00000000dead',
  DATA_MANAGER: 'instance-00000000-0000-4000-8000-000000000000',
  GPU: '00000000-0000-4000-8000-000000000000',
} as const satisfies Record<JobProvider, string>;

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 21 });
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => resetSims(world));

/** Live jobs of each backend the gateway can cancel, each handed out once per file. */
const taken = new Set<string>();
function live(provider: JobProvider): string {
  const { ucloud, rime, dataManager, gpu } = world.demo;
  const candidates: string[] = {
    UCLOUD: () => ucloud.inventory().filter((item) => item.state === 'RUNNING' || item.state === 'IN_QUEUE').map((item) => item.id),
    RIME: () => rime.inventory().filter((item) => rime.describe(item.id)?.cancellable).map((item) => item.id),
    DATA_MANAGER: () =>
      dataManager
        .inventory()
        .filter((item) => item.owner === dataManager.user && item.state === 'RUNNING')
        .map((item) => item.id),
    GPU: () => gpu.inventory().filter((item) => ['PENDING', 'ASSIGNED', 'RUNNING'].includes(item.state)).map((item) => item.id),
  }[provider]();
  const id = candidates.find((candidate) => !taken.has(`${provider}:${candidate}`));
  if (!id) throw new Error(`no live ${provider} job left`);
  taken.add(`${provider}:${id}`);
  return id;
}

interface WireCase {
  provider: JobProvider;
  route: string;
  /** What the wire notes say the cancel looks like. */
  expectCall: (request: RecordedRequest, id: string) => void;
  /** The backend's own ground truth that the cancel arrived. */
  expectSeen: (id: string) => void;
  /** What the job ends as once the backend is done (null: it disappears). */
  settled: string | null;
}

const CASES: WireCase[] = [
  {
    provider: 'UCLOUD',
    route: 'POST /api/jobs/terminate',
    expectCall: (request, id) => {
      expect([request.method, request.path]).toEqual(['POST', '/api/jobs/terminate']);
      expect(header(request, 'authorization')).toMatch(/^Bearer \S+$/);
      expect(header(request, 'content-type')).toBe('application/json');
      expect(JSON.parse(request.body)).toEqual({ items: [{ id }] });
    },
    expectSeen: (id) => expect(world.demo.ucloud.inventory().find((item) => item.id === id)?.state).toBe('CANCELING'),
    settled: 'SUCCEEDED',
  },
  {
    provider: 'RIME',
    route: 'POST /v1-beta/jobs/cancel/:jobId',
    expectCall: (request, id) => {
      expect([request.method, request.path]).toEqual(['POST', `/v1-beta/jobs/cancel/${id}`]);
      expect(header(request, 'rime-api-key')).toBe(world.demo.rime.credentials.apiKey);
      expect(request.body).toBe('');
    },
    expectSeen: (id) => expect(world.demo.rime.describe(id)?.cancellationRequested).toBe(true),
    settled: 'CANCELLED',
  },
  {
    provider: 'DATA_MANAGER',
    route: 'DELETE /instance/:id',
    expectCall: (request, id) => {
      expect([request.method, request.path]).toEqual(['DELETE', `/instance/${id}`]);
      expect(header(request, 'authorization')).toBe(`Bearer ${world.demo.dataManager.credentials.token}`);
      expect(request.body).toBe('');
    },
    expectSeen: (id) => expect(world.demo.dataManager.taskIds(id)).toHaveLength(2),
    settled: null,
  },
  {
    provider: 'GPU',
    route: 'PUT /v1/jobs/:uuid/cancel',
    expectCall: (request, id) => {
      expect([request.method, request.path]).toEqual(['PUT', `/v1/jobs/${id}/cancel`]);
      expect(header(request, 'x-api-key')).toBe(world.demo.gpu.credentials.apiKey);
      expect(header(request, 'x-signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(header(request, 'content-type')).toBe('application/json');
      const body = JSON.parse(request.body) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['reason']);
      expect(body['reason']).toEqual(expect.stringMatching(/\S/));
    },
    expectSeen: (id) => expect(world.demo.gpu.inventory().find((item) => item.id === id)?.state).toBe('CANCELLING'),
    settled: 'CANCELLED',
  },
];

describe('cancelJob on each backend', () => {
  it.each(CASES)('$provider: one wire call as documented, the job read back as CANCELLING, then settled', async (wire) => {
    const id = live(wire.provider);
    const { cancelJob } = await gqlData(world.url, CancelJob, { id: globalId(wire.provider, id) });
    const { job } = as(cancelJob, 'JobMutationSuccess');
    expect(job.providerJobId).toBe(id);
    expect(job.provider).toBe(wire.provider);
    expect(job.state).toBe('CANCELLING');

    const server = { UCLOUD: world.demo.ucloud, RIME: world.demo.rime, DATA_MANAGER: world.demo.dataManager, GPU: world.demo.gpu }[wire.provider].server;
    wire.expectCall(onlyRequest(server, wire.route), id);
    expect(writes(world)).toHaveLength(1);
    wire.expectSeen(id);

    world.clock.advance(10_000);
    const after = await gqlData(world.url, JobState, { id: globalId(wire.provider, id) });
    expect(after.job?.state ?? null).toBe(wire.settled);
  });
});

describe('refused without a mutation call', () => {
  it('a RIME job of a type RIME cannot cancel: UnsupportedError after one read', async () => {
    const { rime } = world.demo;
    const item = rime.inventory().find((candidate) => {
      const facts = rime.describe(candidate.id);
      return facts && !['JOB_TYPE_MODEL_STRESS_TEST', 'JOB_TYPE_FIREWALL_BATCH_TEST', 'JOB_TYPE_FILE_SCAN'].includes(facts.jobType) && candidate.state === 'JOB_STATUS_RUNNING';
    });
    if (!item) throw new Error('no running job of a non-cancellable type');
    const { cancelJob } = await gqlData(world.url, CancelJob, { id: globalId('RIME', item.id) });
    const error = as(cancelJob, 'UnsupportedError');
    expect(error).toMatchObject({ code: 'UNSUPPORTED', provider: 'RIME', operation: 'cancel' });
    expect(error.message).toContain(rime.describe(item.id)?.jobType);
    expect(rime.server.count('GET /v1-beta/jobs/:jobId')).toBe(1);
    expect(rime.server.count('POST /v1-beta/jobs/cancel/:jobId')).toBe(0);
    expect(rime.describe(item.id)?.cancellationRequested).toBe(false);
  });

  it.each([
    ['UCLOUD', 'SUCCESS', 'SUCCEEDED'],
    ['GPU', 'COMPLETED', 'SUCCEEDED'],
    ['RIME', 'JOB_STATUS_FAILED', 'FAILED'],
  ] as const)('a %s job that has ended (%s): RejectedError, no call', async (provider, backendState, state) => {
    const sim = { UCLOUD: world.demo.ucloud, GPU: world.demo.gpu, RIME: world.demo.rime }[provider];
    // A kind of job that can never be cancelled is UNSUPPORTED whatever its state: not what this is about.
    const cancellableKind = (id: string) => provider !== 'RIME' || ['JOB_TYPE_MODEL_STRESS_TEST', 'JOB_TYPE_FILE_SCAN'].includes(world.demo.rime.describe(id)?.jobType ?? '');
    const item = sim.inventory().find((candidate) => candidate.state === backendState && cancellableKind(candidate.id));
    if (!item) throw new Error(`no ${backendState} job`);
    const { cancelJob } = await gqlData(world.url, CancelJob, { id: globalId(provider, item.id) });
    const error = as(cancelJob, 'RejectedError');
    expect(error).toMatchObject({ code: 'REJECTED', provider, status: null });
    expect(error.message).toContain(`has already ended (${state})`);
    expect(writes(world)).toEqual([]);
  });

  it.each(Object.entries(UNKNOWN) as [JobProvider, string][])('an unknown %s job: NotFoundError after one read', async (provider, id) => {
    const { cancelJob } = await gqlData(world.url, CancelJob, { id: globalId(provider, id) });
    expect(as(cancelJob, 'NotFoundError')).toMatchObject({ code: 'NOT_FOUND', id: globalId(provider, id) });
    expect(allRequests(world)).toHaveLength(1);
    expect(writes(world)).toEqual([]);
  });

  it.each([
    ['not base64', '!!!'],
    ['base64 without a type', Buffer.from('12345').toString('base64')],
    ['a foreign type', Buffer.from('User:1').toString('base64')],
  ])('a malformed or foreign ID (%s): InvalidInputError, no request at all', async (_label, id) => {
    const { cancelJob } = await gqlData(world.url, CancelJob, { id });
    const error = as(cancelJob, 'InvalidInputError');
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('id');
    expect(allRequests(world)).toEqual([]);
  });

  it('more than 100 ids: a GraphQL error, no request at all', async () => {
    const ids = Array.from({ length: 101 }, (_v, i) => globalId('GPU', `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
    const response = await gql(world.url, CancelJobs, { ids });
    expect(response.data?.cancelJobs ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toMatch(/at most 100 ids/);
    expect(allRequests(world)).toEqual([]);
  });
});

describe('cancelJobs', () => {
  it('aligned answers over all four backends: one UCloud terminate for all UCloud ids, one call per other job, duplicates once', async () => {
    const [u1, u2, u3] = [live('UCLOUD'), live('UCLOUD'), live('UCLOUD')];
    const r1 = live('RIME');
    const d1 = live('DATA_MANAGER');
    const [g1, g2] = [live('GPU'), live('GPU')];
    const ids = [
      globalId('UCLOUD', u1),
      globalId('GPU', g1),
      globalId('UCLOUD', u2),
      globalId('RIME', r1),
      globalId('DATA_MANAGER', d1),
      globalId('UCLOUD', u1),
      globalId('GPU', UNKNOWN.GPU),
      'not-an-id',
      globalId('GPU', g2),
      globalId('UCLOUD', u3),
    ];
    const { cancelJobs } = await gqlData(world.url, CancelJobs, { ids });
    expect(cancelJobs).toHaveLength(ids.length);

    const cancelled = [0, 1, 2, 3, 4, 5, 8, 9].map((index) => as(cancelJobs[index], 'JobMutationSuccess').job);
    expect(cancelled.map((job) => job.providerJobId)).toEqual([u1, g1, u2, r1, d1, u1, g2, u3]);
    for (const job of cancelled) expect(job.state).toBe('CANCELLING');
    expect(cancelJobs[5]).toEqual(cancelJobs[0]);
    expect(as(cancelJobs[6], 'NotFoundError').id).toBe(globalId('GPU', UNKNOWN.GPU));
    expect(as(cancelJobs[7], 'InvalidInputError').issues.map((issue) => issue.path)).toEqual(['ids.7']);

    const { ucloud, rime, dataManager, gpu } = world.demo;
    expect(JSON.parse(onlyRequest(ucloud.server, 'POST /api/jobs/terminate').body)).toEqual({ items: [{ id: u1 }, { id: u2 }, { id: u3 }] });
    expect(onlyRequest(rime.server, 'POST /v1-beta/jobs/cancel/:jobId').path).toBe(`/v1-beta/jobs/cancel/${r1}`);
    expect(onlyRequest(dataManager.server, 'DELETE /instance/:id').path).toBe(`/instance/${d1}`);
    const gpuCancels = gpu.server.requests.filter((request) => request.route === 'PUT /v1/jobs/:uuid/cancel').map((request) => request.path);
    expect(gpuCancels.sort()).toEqual([`/v1/jobs/${g1}/cancel`, `/v1/jobs/${g2}/cancel`].sort());
    expect(writes(world)).toHaveLength(5);
    // Read before and after in one batch per batching backend.
    expect(ucloud.server.count('GET /api/jobs/browse')).toBe(2);
    expect(gpu.server.count('GET /v1/jobs')).toBe(2);
    for (const id of [u1, u2, u3]) expect(ucloud.inventory().find((item) => item.id === id)?.state).toBe('CANCELING');
  });

  it('a refused UCloud terminate is the answer for each of its jobs; the other backends still cancel', async () => {
    const [u1, u2] = [live('UCLOUD'), live('UCLOUD')];
    const g1 = live('GPU');
    world.demo.ucloud.server.faults.next('error', { route: 'POST /api/jobs/terminate', status: 409 });
    const { cancelJobs } = await gqlData(world.url, CancelJobs, { ids: [globalId('UCLOUD', u1), globalId('GPU', g1), globalId('UCLOUD', u2)] });
    for (const index of [0, 2]) expect(as(cancelJobs[index], 'RejectedError')).toMatchObject({ provider: 'UCLOUD', status: 409, message: 'simulated upstream failure' });
    expect(as(cancelJobs[1], 'JobMutationSuccess').job.state).toBe('CANCELLING');
    expect(world.demo.ucloud.server.count('POST /api/jobs/terminate')).toBe(1);
    for (const id of [u1, u2]) expect(world.demo.ucloud.inventory().find((item) => item.id === id)?.state).not.toBe('CANCELING');
  });
});

describe('reading the job back', () => {
  it('a Data Manager instance already gone after its deletion comes back CANCELLED', async () => {
    const id = live('DATA_MANAGER');
    const server = world.demo.dataManager.server;
    // The read before passes untouched; the read after finds the instance gone.
    server.faults.next('slow', { route: 'GET /instance/:id', delayMs: 0 });
    server.faults.next('error', { route: 'GET /instance/:id', status: 404 });
    const { cancelJob } = await gqlData(world.url, CancelJob, { id: globalId('DATA_MANAGER', id) });
    const { job } = as(cancelJob, 'JobMutationSuccess');
    expect(job).toMatchObject({ providerJobId: id, state: 'CANCELLED', terminal: true });
    expect(server.count('DELETE /instance/:id')).toBe(1);
  });

  it('when the read after the change fails, the change still succeeded: the job as read before it', async () => {
    const id = live('GPU');
    const server = world.demo.gpu.server;
    server.faults.next('slow', { route: 'GET /v1/jobs', delayMs: 0 });
    server.faults.next('error', { route: 'GET /v1/jobs', status: 503, count: 8 });
    const before = world.demo.gpu.inventory().find((item) => item.id === id)?.state;
    const { cancelJob } = await gqlData(world.url, CancelJob, { id: globalId('GPU', id) });
    const { job } = as(cancelJob, 'JobMutationSuccess');
    expect(job.providerJobId).toBe(id);
    expect(job.providerState).toBe(before);
    expect(server.count('PUT /v1/jobs/:uuid/cancel')).toBe(1);
    expect(world.demo.gpu.inventory().find((item) => item.id === id)?.state).toBe('CANCELLING');
  });
});
