// Several people on the UCloud and RIME simulators: each credential sees exactly its owner's jobs
// (and the shared project's), over real HTTP and WebSocket, while the service credential's view
// stays byte for byte what it was without people.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { DEMO_PEOPLE, type SimPerson } from '../../src/simulators/common/people.js';
import * as rime from '../../src/simulators/rime/index.js';
import * as ucloud from '../../src/simulators/ucloud/index.js';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const SEED = 23;
const JOB_COUNT = 240;
const [ADA, GRACE] = DEMO_PEOPLE as readonly [SimPerson, SimPerson];

type Tree = Record<string, unknown>;

function tree(value: unknown): Tree {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not an object: ${JSON.stringify(value)}`);
  return value as Tree;
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; json: Tree | null; raw: string }> {
  const response = await fetch(url, init);
  const raw = await response.text();
  return { status: response.status, json: raw === '' ? null : tree(JSON.parse(raw)), raw };
}

function disjoint(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return b.every((id) => !set.has(id));
}

// ---------------------------------------------------------------- UCloud

function ucloudHeaders(token: string, project?: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(project === undefined ? {} : { project }) };
}

/** Every job browse lists for the token, page after page, in the listing's order. */
async function browseAll(sim: ucloud.UCloudSimulator, token: string, project?: string, extra = ''): Promise<{ jobs: Tree[]; firstRaw: string }> {
  const jobs: Tree[] = [];
  let next: string | null = null;
  let firstRaw = '';
  for (let pages = 0; pages < 50; pages++) {
    const query = `itemsPerPage=100${next === null ? '' : `&next=${encodeURIComponent(next)}`}${extra}`;
    const answer = await call(`${sim.url}/api/jobs/browse?${query}`, { headers: ucloudHeaders(token, project) });
    if (answer.status !== 200 || answer.json === null) throw new Error(`browse: HTTP ${answer.status} ${answer.raw}`);
    if (pages === 0) firstRaw = answer.raw;
    jobs.push(...(answer.json['items'] as unknown[]).map(tree));
    next = (answer.json['next'] as string | null) ?? null;
    if (next === null) return { jobs, firstRaw };
  }
  throw new Error('browse never ended');
}

const ids = (jobs: Tree[]): string[] => jobs.map((job) => String(job['id']));

/** The first frame a follow call gets back, or 'closed' when the socket closes without one. */
async function followOnce(sim: ucloud.UCloudSimulator, id: string, bearer: string, project?: string): Promise<Tree | 'closed'> {
  const socket = new WebSocket(`${sim.url.replace('http', 'ws')}/api/jobs`);
  try {
    return await new Promise<Tree | 'closed'>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('close', () => resolve('closed'));
      socket.once('open', () =>
        socket.send(JSON.stringify({ call: 'jobs.follow', streamId: '0', payload: { id }, bearer, ...(project === undefined ? {} : { project }) })),
      );
      socket.on('message', (data: WebSocket.RawData) => {
        const frame = tree(JSON.parse(data.toString()));
        if (frame['type'] !== undefined) resolve(frame);
      });
    });
  } finally {
    socket.terminate();
  }
}

describe.each(['kotlin', 'go'] as const)('UCloud people (%s)', (dialect) => {
  const clock = new ManualClock(START);
  const service = ucloud.DEMO_CREDENTIALS.token;
  let sim: ucloud.UCloudSimulator;
  let strict: ucloud.UCloudSimulator;
  let alone: ucloud.UCloudSimulator;

  beforeAll(async () => {
    const common = { clock, seed: SEED, jobCount: JOB_COUNT, dialect, followPollMs: 60_000 };
    sim = await ucloud.startSimulator(common);
    strict = await ucloud.startSimulator({ ...common, foreignJobs: 'forbidden' });
    alone = await ucloud.startSimulator({ ...common, people: [] });
  });

  afterAll(async () => {
    await sim?.close();
    await strict?.close();
    await alone?.close();
  });

  it('knows the demo people and a shared project that is not one of the service user\'s', () => {
    expect(sim.people.map((person) => person.username)).toEqual(['ada', 'grace']);
    expect(sim.sharedProject).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.projects).not.toContain(sim.sharedProject);
    expect(alone.people).toEqual([]);
    expect(alone.visibleTo('ada')).toEqual([]);
  });

  it('lists for each person exactly visibleTo, their personal workspaces disjoint, the shared project the same for both', async () => {
    const ada = await browseAll(sim, ADA.ucloud.token);
    const grace = await browseAll(sim, GRACE.ucloud.token);
    expect(ids(ada.jobs)).toEqual(sim.visibleTo('ada'));
    expect(ids(grace.jobs)).toEqual(sim.visibleTo('grace'));
    expect(ada.jobs.length).toBeGreaterThan(JOB_COUNT / 5);
    expect(grace.jobs.length).toBeGreaterThan(JOB_COUNT / 5);
    expect(disjoint(ids(ada.jobs), ids(grace.jobs))).toBe(true);
    // A person reads their own login on their jobs, and no project in the personal workspace.
    expect(ada.jobs.every((job) => tree(job['owner'])['createdBy'] === 'ada' && (tree(job['owner'])['project'] ?? null) === null)).toBe(true);

    const sharedAda = await browseAll(sim, ADA.ucloud.token, sim.sharedProject);
    const sharedGrace = await browseAll(sim, GRACE.ucloud.token, sim.sharedProject);
    expect(sharedAda.jobs.length).toBeGreaterThan(0);
    expect(ids(sharedAda.jobs)).toEqual(sim.visibleTo('ada', sim.sharedProject));
    expect(ids(sharedGrace.jobs)).toEqual(ids(sharedAda.jobs));
    expect(disjoint(ids(sharedAda.jobs), [...ids(ada.jobs), ...ids(grace.jobs)])).toBe(true);
    expect(sharedAda.jobs.every((job) => tree(job['owner'])['project'] === sim.sharedProject)).toBe(true);
  });

  it('leaves the service view as it was: every job, the same bytes as a simulator without people', async () => {
    const withPeople = await browseAll(sim, service);
    const without = await browseAll(alone, service);
    expect(withPeople.jobs.length).toBe(sim.inventory().length);
    expect(ids(withPeople.jobs)).toEqual(sim.inventory().map((item) => item.id));
    expect(withPeople.firstRaw).toBe(without.firstRaw);
    expect(JSON.stringify(withPeople.jobs)).toBe(JSON.stringify(without.jobs));
    const people = new Set([...sim.visibleTo('ada'), ...sim.visibleTo('grace'), ...sim.visibleTo('ada', sim.sharedProject)]);
    expect(people.size).toBeLessThan(withPeople.jobs.length);
  });

  it('scopes search and a filterIds batch to the person', async () => {
    const mine = sim.visibleTo('ada').slice(0, 3);
    const theirs = sim.visibleTo('grace').slice(0, 3);
    const batch = await call(`${sim.url}/api/jobs/browse?itemsPerPage=100&filterIds=${[...mine, ...theirs].join(',')}`, { headers: ucloudHeaders(ADA.ucloud.token) });
    expect(batch.status).toBe(200);
    expect(ids((batch.json?.['items'] as unknown[]).map(tree)).sort()).toEqual([...mine].sort());

    const search = await call(`${sim.url}/api/jobs/search`, {
      method: 'POST',
      headers: ucloudHeaders(GRACE.ucloud.token),
      body: JSON.stringify({ query: '', flags: {}, itemsPerPage: 250, itemsToSkip: 0 }),
    });
    expect(search.status).toBe(200);
    expect(ids((search.json?.['items'] as unknown[]).map(tree))).toEqual(sim.visibleTo('grace').slice(0, 250));

    const byLogin = await call(`${sim.url}/api/jobs/browse?itemsPerPage=100&filterCreatedBy=ada`, { headers: ucloudHeaders(ADA.ucloud.token) });
    expect(ids((byLogin.json?.['items'] as unknown[]).map(tree))).toEqual(sim.visibleTo('ada').slice(0, 100));
  });

  it('answers a foreign retrieve and terminate as an unknown id (404), or 403 with foreignJobs: forbidden', async () => {
    const own = sim.visibleTo('ada')[0] as string;
    const foreign = sim.visibleTo('grace')[0] as string;
    const serviceOnly = sim.inventory().map((item) => item.id).find((id) => ![...sim.visibleTo('ada'), ...sim.visibleTo('grace'), ...sim.visibleTo('ada', sim.sharedProject)].includes(id));
    expect(serviceOnly).toBeDefined();

    const mineNow = await call(`${sim.url}/api/jobs/retrieve?id=${own}`, { headers: ucloudHeaders(ADA.ucloud.token) });
    expect(mineNow.status).toBe(200);
    for (const id of [foreign, serviceOnly as string]) {
      const got = await call(`${sim.url}/api/jobs/retrieve?id=${id}`, { headers: ucloudHeaders(ADA.ucloud.token) });
      expect(got.status).toBe(404);
      expect(got.json?.['why']).toBe('Not Found');
      const terminate = await call(`${sim.url}/api/jobs/terminate`, { method: 'POST', headers: ucloudHeaders(ADA.ucloud.token), body: JSON.stringify({ items: [{ id }] }) });
      expect(terminate.status).toBe(404);
      const extend = await call(`${sim.url}/api/jobs/extend`, {
        method: 'POST',
        headers: ucloudHeaders(ADA.ucloud.token),
        body: JSON.stringify({ items: [{ jobId: id, requestedTime: { hours: 1, minutes: 0, seconds: 0 } }] }),
      });
      expect(extend.status).toBe(404);
    }

    const forbidden = await call(`${strict.url}/api/jobs/retrieve?id=${foreign}`, { headers: ucloudHeaders(ADA.ucloud.token) });
    expect(forbidden.status).toBe(403);
    expect(typeof forbidden.json?.['why']).toBe('string');
    const suspend = await call(`${strict.url}/api/jobs/suspend`, { method: 'POST', headers: ucloudHeaders(ADA.ucloud.token), body: JSON.stringify({ items: [{ id: foreign }] }) });
    expect(suspend.status).toBe(403);
    // Unknown ids stay unknown, and one's own job in the other workspace is simply not there.
    expect((await call(`${strict.url}/api/jobs/retrieve?id=1`, { headers: ucloudHeaders(ADA.ucloud.token) })).status).toBe(404);
    expect((await call(`${strict.url}/api/jobs/retrieve?id=${own}`, { headers: ucloudHeaders(ADA.ucloud.token, strict.sharedProject) })).status).toBe(404);
  });

  it('refuses a Project the person is not a member of (403) and an unknown token (401 with its error body)', async () => {
    const other = sim.projects[0] as string;
    const notMember = await call(`${sim.url}/api/jobs/browse?itemsPerPage=10`, { headers: ucloudHeaders(ADA.ucloud.token, other) });
    expect(notMember.status).toBe(403);
    expect(sim.visibleTo('ada', other)).toEqual([]);

    const unknown = await call(`${sim.url}/api/jobs/browse?itemsPerPage=10`, { headers: ucloudHeaders('ucloud-nobody-0000') });
    expect(unknown.status).toBe(401);
    expect(unknown.json?.['why']).toBe('Unauthorized');
    expect('errorCode' in (unknown.json ?? {})).toBe(true);
    // The service user is not a member of the people's project either.
    expect((await call(`${sim.url}/api/jobs/browse?itemsPerPage=10`, { headers: ucloudHeaders(service, sim.sharedProject) })).status).toBe(403);
  });

  it('gives a job created with a person\'s token to that person only; the service account still sees it', async () => {
    const before = sim.server.count('POST /api/jobs');
    const spec = {
      application: { name: 'terminal-ubuntu', version: '0.22.0' },
      product: { id: 'u1-standard-2', category: 'u1-standard', provider: 'ucloud' },
      name: 'ada people test',
      replicas: 1,
      allowDuplicateJob: true,
      timeAllocation: { hours: 1, minutes: 0, seconds: 0 },
    };
    const created = await call(`${sim.url}/api/jobs`, { method: 'POST', headers: ucloudHeaders(ADA.ucloud.token), body: JSON.stringify({ items: [spec] }) });
    expect(created.status, created.raw).toBe(200);
    const id = String(tree((created.json?.['responses'] as unknown[])[0])['id']);
    expect(sim.server.count('POST /api/jobs')).toBe(before + 1);

    expect(sim.visibleTo('ada')).toContain(id);
    expect(sim.visibleTo('grace')).not.toContain(id);
    expect(sim.visibleTo('ada', sim.sharedProject)).not.toContain(id);
    expect(sim.inventory().map((item) => item.id)).toContain(id);
    const mine = await call(`${sim.url}/api/jobs/retrieve?id=${id}`, { headers: ucloudHeaders(ADA.ucloud.token) });
    expect(mine.status).toBe(200);
    expect(tree(mine.json?.['owner'])['createdBy']).toBe('ada');
    expect((await call(`${sim.url}/api/jobs/retrieve?id=${id}`, { headers: ucloudHeaders(GRACE.ucloud.token) })).status).toBe(404);
    expect((await call(`${sim.url}/api/jobs/retrieve?id=${id}`, { headers: ucloudHeaders(service) })).status).toBe(200);
    // Created in the shared project, it is both people's.
    const shared = await call(`${sim.url}/api/jobs`, {
      method: 'POST',
      headers: ucloudHeaders(GRACE.ucloud.token, sim.sharedProject),
      body: JSON.stringify({ items: [{ ...spec, name: 'grace shared test' }] }),
    });
    const sharedId = String(tree((shared.json?.['responses'] as unknown[])[0])['id']);
    expect(sim.visibleTo('ada', sim.sharedProject)).toContain(sharedId);
    expect(sim.visibleTo('grace')).not.toContain(sharedId);
  });

  it('refuses following a foreign job, lets the owner follow theirs, and refuses an unknown bearer', async () => {
    const own = sim.visibleTo('ada')[0] as string;
    const foreign = sim.visibleTo('grace')[0] as string;
    const before = sim.server.count('WS jobs.follow');

    const first = await followOnce(sim, own, ADA.ucloud.token);
    expect(first).not.toBe('closed');
    const initialJob = tree(tree((first as Tree)['payload'])['initialJob']);
    expect(initialJob['id']).toBe(own);
    expect(tree(initialJob['owner'])['createdBy']).toBe('ada');

    const refused = await followOnce(sim, foreign, ADA.ucloud.token);
    const strictRefused = await followOnce(strict, foreign, ADA.ucloud.token);
    const unknown = await followOnce(sim, own, 'ucloud-nobody-0000');
    if (dialect === 'kotlin') {
      expect(refused).toMatchObject({ type: 'response', streamId: '0', status: 404 });
      expect(strictRefused).toMatchObject({ type: 'response', status: 403 });
      expect(unknown).toMatchObject({ type: 'response', status: 401 });
    } else {
      // Go closes the socket without a frame on auth and not-found errors.
      expect(refused).toBe('closed');
      expect(strictRefused).toBe('closed');
      expect(unknown).toBe('closed');
    }
    // The shared project's job is followed with its Project; not without it.
    const shared = sim.visibleTo('grace', sim.sharedProject)[0] as string;
    expect(await followOnce(sim, shared, GRACE.ucloud.token, sim.sharedProject)).toMatchObject({ type: 'message' });
    expect(sim.server.count('WS jobs.follow')).toBe(before + 4);
    expect(strict.server.count('WS jobs.follow')).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------- RIME

async function listAll(sim: rime.RimeSimulator, apiKey: string): Promise<{ jobs: Tree[]; firstRaw: string }> {
  const jobs: Tree[] = [];
  let token = '';
  let firstRaw = '';
  for (let pages = 0; pages < 50; pages++) {
    const query = token === '' ? 'pageSize=50' : `pageSize=50&pageToken=${encodeURIComponent(token)}`;
    const answer = await call(`${sim.url}/v1-beta/jobs?${query}`, { headers: { 'rime-api-key': apiKey } });
    if (answer.status !== 200 || answer.json === null) throw new Error(`ListJobs: HTTP ${answer.status} ${answer.raw}`);
    if (pages === 0) firstRaw = answer.raw;
    jobs.push(...((answer.json['jobs'] as unknown[] | undefined) ?? []).map(tree));
    token = (answer.json['nextPageToken'] as string | undefined) ?? '';
    if (answer.json['hasMore'] !== true) return { jobs, firstRaw };
  }
  throw new Error('ListJobs never ended');
}

const rimeIds = (jobs: Tree[]): string[] => jobs.map((job) => String(job['jobId']));

describe('RIME people', () => {
  const clock = new ManualClock(START);
  let sim: rime.RimeSimulator;
  let strict: rime.RimeSimulator;
  let alone: rime.RimeSimulator;

  beforeAll(async () => {
    const common = { clock, seed: SEED, jobCount: JOB_COUNT };
    sim = await rime.startSimulator(common);
    strict = await rime.startSimulator({ ...common, foreignJobs: 'forbidden' });
    alone = await rime.startSimulator({ ...common, people: [] });
  });

  afterAll(async () => {
    await sim?.close();
    await strict?.close();
    await alone?.close();
  });

  it('lists for each key exactly visibleTo: own jobs disjoint, the shared project\'s in both', async () => {
    const before = sim.server.count('GET /v1-beta/jobs');
    const ada = rimeIds((await listAll(sim, ADA.rime.apiKey)).jobs);
    const grace = rimeIds((await listAll(sim, GRACE.rime.apiKey)).jobs);
    expect(sim.server.count('GET /v1-beta/jobs')).toBeGreaterThan(before + 1);
    expect(ada).toEqual(sim.visibleTo('ada'));
    expect(grace).toEqual(sim.visibleTo('grace'));
    const shared = sim.visibleTo('ada', sim.sharedProject);
    expect(shared.length).toBeGreaterThan(0);
    expect(sim.visibleTo('grace', sim.sharedProject)).toEqual(shared);
    expect(ada.filter((id) => grace.includes(id))).toEqual(shared);
    expect(ada.length - shared.length).toBeGreaterThan(JOB_COUNT / 5);
    expect(sim.visibleTo('nobody')).toEqual([]);
  });

  it('leaves the service key\'s view as it was', async () => {
    const withPeople = await listAll(sim, rime.DEMO_API_KEY);
    const without = await listAll(alone, rime.DEMO_API_KEY);
    expect(rimeIds(withPeople.jobs)).toEqual(sim.inventory().map((item) => item.id));
    expect(withPeople.firstRaw).toBe(without.firstRaw);
    expect(JSON.stringify(withPeople.jobs)).toBe(JSON.stringify(without.jobs));
  });

  it('shows the shared project to its members as the job\'s project', async () => {
    const shared = sim.visibleTo('ada', sim.sharedProject)[0] as string;
    const asAda = await call(`${sim.url}/v1-beta/jobs/${shared}/project-id`, { headers: { 'rime-api-key': ADA.rime.apiKey } });
    expect(asAda.status).toBe(200);
    expect(asAda.json).toEqual({ projectId: { uuid: sim.sharedProject } });
    expect(sim.projects).not.toContain(sim.sharedProject);
  });

  it('answers a foreign GetJob and CancelJob as NOT_FOUND, or PERMISSION_DENIED with foreignJobs: forbidden', async () => {
    // A cancellable job exactly one of the two people sees: the other is the stranger.
    const sees = (person: SimPerson, id: string): boolean => sim.visibleTo(person.username).includes(id);
    const target = sim.inventory().find((item) => sim.describe(item.id)?.cancellable && sees(ADA, item.id) !== sees(GRACE, item.id));
    if (!target) throw new Error('no cancellable job of exactly one person in the seeded world');
    const [owner, stranger] = sees(ADA, target.id) ? [ADA, GRACE] : [GRACE, ADA];
    const headers = { 'rime-api-key': stranger.rime.apiKey };
    const ownHeaders = { 'rime-api-key': owner.rime.apiKey };

    expect((await call(`${sim.url}/v1-beta/jobs/${target.id}`, { headers: ownHeaders })).status).toBe(200);
    for (const path of [`/v1-beta/jobs/${target.id}`, `/v1-beta/jobs/${target.id}/project-id`]) {
      const got = await call(`${sim.url}${path}`, { headers });
      expect(got.status).toBe(404);
      expect(got.json).toMatchObject({ code: 5, message: `job ${target.id} not found` });
    }
    const cancel = await call(`${sim.url}/v1-beta/jobs/cancel/${target.id}`, { method: 'POST', headers });
    expect(cancel.status).toBe(404);
    expect(cancel.json).toMatchObject({ code: 5 });
    expect(sim.describe(target.id)?.cancellationRequested).toBe(false);

    const forbidden = await call(`${strict.url}/v1-beta/jobs/${target.id}`, { headers });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toMatchObject({ code: 7 });
    const strictCancel = await call(`${strict.url}/v1-beta/jobs/cancel/${target.id}`, { method: 'POST', headers });
    expect(strictCancel.status).toBe(403);
    expect(strict.describe(target.id)?.cancellationRequested).toBe(false);
    expect((await call(`${strict.url}/v1-beta/jobs/00000000-0000-4000-8000-000000000000`, { headers })).status).toBe(404);

    const byOwner = await call(`${sim.url}/v1-beta/jobs/cancel/${target.id}`, { method: 'POST', headers: ownHeaders });
    expect(byOwner.status).toBe(200);
    expect(sim.describe(target.id)?.cancellationRequested).toBe(true);
  });

  it('refuses an unknown or missing key with 401 and code 16 UNAUTHENTICATED', async () => {
    const unknown = await call(`${sim.url}/v1-beta/jobs`, { headers: { 'rime-api-key': 'rime-nobody-0000' } });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toMatchObject({ code: 16, message: 'invalid api key' });
    const missing = await call(`${sim.url}/v1-beta/jobs/${sim.visibleTo('ada')[0]}`);
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ code: 16 });
  });
});
