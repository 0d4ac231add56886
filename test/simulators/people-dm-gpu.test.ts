// Several people on the Data Manager and GPU simulators: each credential sees only its own jobs (and,
// on the Data Manager, the shared project's), foreign jobs answer 404 or 403 as configured, unknown
// credentials are refused, and the service credential's view is what it was before people existed.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { DEMO_PEOPLE, type SimPerson } from '../../src/simulators/common/people.js';
import * as datamanager from '../../src/simulators/datamanager/index.js';
import * as gpu from '../../src/simulators/gpu/index.js';
import { canonicalQuery, pythonJsonDumps } from '../../src/simulators/gpu/python.js';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const SEED = 7;
const [ADA, GRACE] = DEMO_PEOPLE as [SimPerson, SimPerson];

type Tree = Record<string, unknown>;

async function send(url: string, init: RequestInit = {}): Promise<{ status: number; json: Tree; raw: string }> {
  const response = await fetch(url, init);
  const raw = await response.text();
  return { status: response.status, raw, json: raw === '' ? {} : (JSON.parse(raw) as Tree) };
}

const ids = (items: unknown): string[] => (items as Tree[]).map((item) => String(item.id ?? item.uuid));

describe('Data Manager with people', () => {
  const clock = new ManualClock(START);
  let sim: datamanager.DataManagerSimulator;
  let forbidding: datamanager.DataManagerSimulator;
  let nobody: datamanager.DataManagerSimulator;

  beforeAll(async () => {
    [sim, forbidding, nobody] = await Promise.all([
      datamanager.startSimulator({ clock, seed: SEED }),
      datamanager.startSimulator({ clock, seed: SEED, foreignJobs: 'forbidden' }),
      datamanager.startSimulator({ clock, seed: SEED, people: [] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sim?.close(), forbidding?.close(), nobody?.close()]);
  });

  const as = (token: string, method = 'GET') => ({ method, headers: { authorization: `Bearer ${token}` } });
  const list = async (target: datamanager.DataManagerSimulator, token: string) => send(`${target.url}/instance`, as(token));
  /** An instance the person cannot see (not theirs, not in the shared project). */
  const foreignTo = (target: datamanager.DataManagerSimulator, person: SimPerson) => {
    const visible = new Set(target.visibleTo(person.username));
    const found = target.inventory().find((item) => !visible.has(item.id) && item.state === 'RUNNING');
    if (!found) throw new Error('no foreign running instance');
    return found;
  };

  it('defaults to the demo people and shares one real project of the world', () => {
    expect(sim.people).toEqual(DEMO_PEOPLE);
    expect(sim.inventory().some((item) => item.project === sim.sharedProjectId)).toBe(true);
  });

  it("lists exactly each person's instances and the shared project's, as visibleTo says", async () => {
    const seen = new Map<string, string[]>();
    for (const person of DEMO_PEOPLE) {
      const { status, json } = await list(sim, person.dataManager.token);
      expect(status).toBe(200);
      const listed = ids(json.instances);
      expect(listed).toEqual(sim.visibleTo(person.username));
      expect(json.count).toBe(listed.length);
      for (const item of json.instances as Tree[]) {
        expect(item.owner === person.username || item.project_id === sim.sharedProjectId).toBe(true);
      }
      expect((json.instances as Tree[]).filter((item) => item.owner === person.username).length).toBeGreaterThan(40);
      seen.set(person.username, listed);
    }
    const grace = new Set(seen.get(GRACE.username));
    const both = (seen.get(ADA.username) ?? []).filter((id) => grace.has(id));
    const shared = sim.inventory().filter((item) => item.project === sim.sharedProjectId).map((item) => item.id);
    expect(both).toEqual(shared);
    expect(sim.visibleTo('somebody.else')).toEqual([]);
  });

  it('honours the project filter within what the person sees', async () => {
    const { json } = await send(`${sim.url}/instance?project_id=${sim.sharedProjectId}`, as(ADA.dataManager.token));
    expect(ids(json.instances)).toEqual(sim.inventory().filter((item) => item.project === sim.sharedProjectId).map((item) => item.id));
  });

  it('keeps the service view as it was, apart from the owner of what the people took over', async () => {
    const [withPeople, without] = await Promise.all([list(sim, sim.credentials.token), list(nobody, nobody.credentials.token)]);
    expect(ids(withPeople.json.instances)).toEqual(sim.inventory().map((item) => item.id));
    const before = without.json.instances as Tree[];
    const after = withPeople.json.instances as Tree[];
    expect(after.length).toBe(before.length);
    const names = new Set(DEMO_PEOPLE.map((person) => person.username));
    after.forEach((item, index) => {
      const old = before[index] as Tree;
      expect({ ...item, owner: null }).toEqual({ ...old, owner: null });
      if (old.owner === sim.user) expect(item.owner).toBe(sim.user);
      else expect(item.owner === old.owner || names.has(String(item.owner))).toBe(true);
    });
  });

  it('answers 404 for a foreign instance, its task and its deletion, and changes nothing', async () => {
    const target = foreignTo(sim, ADA);
    const [createTask] = sim.taskIds(target.id);
    const get = await send(`${sim.url}/instance/${target.id}`, as(ADA.dataManager.token));
    expect(get).toMatchObject({ status: 404, json: { error: `Instance ${target.id} does not exist` } });
    expect((await send(`${sim.url}/instance/${target.id}`, as(ADA.dataManager.token, 'DELETE'))).status).toBe(404);
    expect((await send(`${sim.url}/task/${createTask}`, as(ADA.dataManager.token))).status).toBe(404);
    expect(sim.taskIds(target.id)).toEqual([createTask]);
    expect((await send(`${sim.url}/instance/${target.id}`, as(sim.credentials.token))).status).toBe(200);
  });

  it("answers 403 with {error} for a foreign instance when foreignJobs is 'forbidden'", async () => {
    const target = foreignTo(forbidding, GRACE);
    const [createTask] = forbidding.taskIds(target.id);
    for (const [path, method] of [[`/instance/${target.id}`, 'GET'], [`/instance/${target.id}`, 'DELETE'], [`/task/${createTask}`, 'GET']] as const) {
      const answer = await send(`${forbidding.url}${path}`, as(GRACE.dataManager.token, method));
      expect(answer.status).toBe(403);
      expect(typeof answer.json.error).toBe('string');
    }
    expect(forbidding.taskIds(target.id)).toEqual([createTask]);
    // Unknown stays 404 either way.
    expect((await send(`${forbidding.url}/instance/instance-00000000-0000-0000-0000-000000000000`, as(GRACE.dataManager.token))).status).toBe(404);
  });

  it('lets a member see but not stop a shared instance someone else owns', async () => {
    const shared = sim.inventory().find((item) => item.project === sim.sharedProjectId && item.owner !== ADA.username);
    if (!shared) throw new Error('no shared instance owned by someone else');
    expect((await send(`${sim.url}/instance/${shared.id}`, as(ADA.dataManager.token))).status).toBe(200);
    const stop = await send(`${sim.url}/instance/${shared.id}`, as(ADA.dataManager.token, 'DELETE'));
    expect(stop).toMatchObject({ status: 403, json: { error: `You are not the owner of Instance ${shared.id}` } });
  });

  it("lets a person stop their own instance and read its tasks, which others cannot", async () => {
    const own = sim.inventory().find((item) => item.owner === ADA.username && item.project !== sim.sharedProjectId);
    if (!own) throw new Error('no instance of ada outside the shared project');
    const stop = await send(`${sim.url}/instance/${own.id}`, as(ADA.dataManager.token, 'DELETE'));
    expect(stop.status).toBe(200);
    const taskId = String(stop.json.task_id);
    expect((await send(`${sim.url}/task/${taskId}`, as(ADA.dataManager.token))).status).toBe(200);
    expect((await send(`${sim.url}/task/${taskId}`, as(GRACE.dataManager.token))).status).toBe(404);
  });

  it("makes a person's launch theirs alone", async () => {
    const project = sim.inventory().find((item) => item.project !== sim.sharedProjectId)?.project ?? '';
    const form = new URLSearchParams({ application_id: 'jupyternotebooks.squonk.it', project_id: project, as_name: 'Grace notebook' });
    const launched = await send(`${sim.url}/instance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${GRACE.dataManager.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(launched.status).toBe(201);
    const id = String(launched.json.instance_id);
    expect(sim.inventory().find((item) => item.id === id)?.owner).toBe(GRACE.username);
    expect(sim.visibleTo(GRACE.username)).toContain(id);
    expect(sim.visibleTo(ADA.username)).not.toContain(id);
    expect(ids((await list(sim, GRACE.dataManager.token)).json.instances)).toContain(id);
  });

  it('refuses an unknown or missing token with a bare 401', async () => {
    for (const init of [as('dm-nobody-0000'), {}]) {
      const answer = await send(`${sim.url}/instance`, init);
      expect(answer).toMatchObject({ status: 401, raw: '' });
    }
  });
});

/** Signs as the GPU notes describe, with any key pair. */
function signed(pair: { apiKey: string; apiSecret: string }, method: string, path: string, rawQuery = '', body?: unknown): RequestInit {
  const time = String(Date.now());
  const nonce = randomBytes(16).toString('hex');
  const text = body === undefined ? '' : pythonJsonDumps(body);
  const canonical = [pair.apiKey, time, nonce, method, path, canonicalQuery(rawQuery) ?? '', createHash('sha256').update(text).digest('hex')].join('|');
  const headers: Record<string, string> = {
    'X-API-Key': pair.apiKey,
    'X-Time': time,
    'X-Nonce': nonce,
    'X-Signature': createHmac('sha256', pair.apiSecret).update(canonical).digest('hex'),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return body === undefined ? { method, headers } : { method, headers, body: text };
}

describe('GPU with people', () => {
  const clock = new ManualClock(START);
  let sim: gpu.GpuSimulator;
  let forbidding: gpu.GpuSimulator;
  let nobody: gpu.GpuSimulator;

  beforeAll(async () => {
    [sim, forbidding, nobody] = await Promise.all([
      gpu.startSimulator({ clock, seed: SEED }),
      gpu.startSimulator({ clock, seed: SEED, foreignJobs: 'forbidden' }),
      gpu.startSimulator({ clock, seed: SEED, people: [] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sim?.close(), forbidding?.close(), nobody?.close()]);
  });

  const get = (target: gpu.GpuSimulator, pair: { apiKey: string; apiSecret: string }, path: string, query: Record<string, string> = {}) => {
    const rawQuery = new URLSearchParams(query).toString();
    return send(`${target.url}${path}${rawQuery === '' ? '' : `?${rawQuery}`}`, signed(pair, 'GET', path, rawQuery));
  };
  const listAll = async (target: gpu.GpuSimulator, pair: { apiKey: string; apiSecret: string }): Promise<{ uuids: string[]; raws: string[] }> => {
    const uuids: string[] = [];
    const raws: string[] = [];
    for (let page = 1; page < 100; page++) {
      const { json, raw } = await get(target, pair, '/v1/jobs', { page: String(page), limit: '50', sort: '-created_at' });
      raws.push(raw);
      const data = json.data as Tree[];
      uuids.push(...ids(data));
      if (data.length < 50) return { uuids, raws };
    }
    throw new Error('listing did not end');
  };
  const foreignTo = (target: gpu.GpuSimulator, person: SimPerson, states: string[]) => {
    const visible = new Set(target.visibleTo(person.username));
    const found = target.inventory().find((item) => !visible.has(item.id) && states.includes(item.state));
    if (!found) throw new Error('no foreign job');
    return found.id;
  };

  it("lists exactly each person's jobs, disjoint (the API has no teams to share through)", async () => {
    expect(sim.people).toEqual(DEMO_PEOPLE);
    const views: string[][] = [];
    for (const person of DEMO_PEOPLE) {
      const { uuids } = await listAll(sim, person.gpu);
      expect(uuids).toEqual(sim.visibleTo(person.username));
      expect(uuids.length).toBeGreaterThan(50);
      views.push(uuids);
    }
    const [ada = [], grace = []] = views;
    expect(ada.filter((uuid) => grace.includes(uuid))).toEqual([]);
    const first = await get(sim, ADA.gpu, '/v1/jobs', { limit: '5' });
    expect(first.json.total).toBe(ada.length);
  });

  it('narrows a batch get to the caller’s own jobs', async () => {
    const own = sim.visibleTo(ADA.username).slice(0, 2);
    const other = sim.visibleTo(GRACE.username).slice(0, 2);
    const { json } = await get(sim, ADA.gpu, '/v1/jobs', { 'filter[uuid]': [...own, ...other].join(','), limit: '50' });
    expect(ids(json.data).sort()).toEqual([...own].sort());
    const service = await get(sim, sim.credentials, '/v1/jobs', { 'filter[uuid]': [...own, ...other].join(','), limit: '50' });
    expect(ids(service.json.data).sort()).toEqual([...own, ...other].sort());
  });

  it('keeps the service view byte for byte', async () => {
    const [withPeople, without] = await Promise.all([listAll(sim, sim.credentials), listAll(nobody, nobody.credentials)]);
    expect(withPeople.uuids).toEqual(sim.inventory().map((item) => item.id));
    expect(withPeople.raws).toEqual(without.raws);
  });

  it('answers 404 for a foreign job, its cancellation and its runs, and changes nothing', async () => {
    const uuid = foreignTo(sim, ADA, ['RUNNING']);
    const before = sim.snapshot(uuid);
    const answer = await get(sim, ADA.gpu, `/v1/jobs/${uuid}`);
    expect(answer).toMatchObject({ status: 404, json: { statusCode: 404, error: 'Not Found', message: `Job ${uuid} not found` } });
    const path = `/v1/jobs/${uuid}/cancel`;
    const cancel = await send(`${sim.url}${path}`, signed(ADA.gpu, 'PUT', path, '', { reason: 'not mine' }));
    expect(cancel.status).toBe(404);
    expect(sim.snapshot(uuid)).toEqual(before);
    const runs = await get(sim, ADA.gpu, '/v1/job-runs', { 'filter[job_uuid]': uuid });
    expect(runs.json).toMatchObject({ data: [], total: 0 });
    const [run] = sim.runLogs(uuid);
    if (!run) throw new Error('running job without a run');
    expect((await get(sim, ADA.gpu, `/v1/job-runs/${run.runUuid}`)).status).toBe(404);
    expect((await get(sim, sim.credentials, `/v1/job-runs/${run.runUuid}`)).status).toBe(200);
  });

  it("answers 403 with the error body when foreignJobs is 'forbidden'", async () => {
    const uuid = foreignTo(forbidding, GRACE, ['RUNNING']);
    const before = forbidding.snapshot(uuid);
    const answer = await get(forbidding, GRACE.gpu, `/v1/jobs/${uuid}`);
    expect(answer).toMatchObject({ status: 403, json: { statusCode: 403, error: 'Forbidden' } });
    const path = `/v1/jobs/${uuid}/cancel`;
    expect((await send(`${forbidding.url}${path}`, signed(GRACE.gpu, 'PUT', path))).status).toBe(403);
    expect(forbidding.snapshot(uuid)).toEqual(before);
    const [run] = forbidding.runLogs(uuid);
    expect((await get(forbidding, GRACE.gpu, `/v1/job-runs/${run?.runUuid ?? ''}`)).status).toBe(403);
  });

  it('lets a person cancel their own job', async () => {
    const own = sim.inventory().find((item) => item.state === 'RUNNING' && sim.visibleTo(GRACE.username).includes(item.id));
    if (!own) throw new Error('grace has no running job');
    const path = `/v1/jobs/${own.id}/cancel`;
    const cancel = await send(`${sim.url}${path}`, signed(GRACE.gpu, 'PUT', path, '', { reason: 'done with it' }));
    expect(cancel).toMatchObject({ status: 200, json: { uuid: own.id, status: 'CANCELLING' } });
  });

  it("makes a person's new job theirs alone", async () => {
    const body = {
      title: 'Ada fine-tune',
      task: 'BATCH',
      max_timeout_run_ms: 600_000,
      parameters: { type: 'docker', parameters: { image: 'pytorch/pytorch', tag: 'latest' } },
    };
    const created = await send(`${sim.url}/v1/jobs`, signed(ADA.gpu, 'POST', '/v1/jobs', '', body));
    expect(created.status).toBe(201);
    const uuid = String(created.json.uuid);
    expect(sim.visibleTo(ADA.username)[0]).toBe(uuid);
    expect(sim.visibleTo(GRACE.username)).not.toContain(uuid);
    expect((await get(sim, ADA.gpu, `/v1/jobs/${uuid}`)).status).toBe(200);
    expect((await get(sim, GRACE.gpu, `/v1/jobs/${uuid}`)).status).toBe(404);
    expect((await get(sim, sim.credentials, `/v1/jobs/${uuid}`)).status).toBe(200);
    // What the service creates stays the service's, whatever its id would hash to.
    const mine = await send(`${sim.url}/v1/jobs`, signed(sim.credentials, 'POST', '/v1/jobs', '', { ...body, title: 'Service job' }));
    const serviceUuid = String(mine.json.uuid);
    expect(DEMO_PEOPLE.some((person) => sim.visibleTo(person.username).includes(serviceUuid))).toBe(false);
  });

  it('refuses a signature from an unknown key with 401 and the error body', async () => {
    const answer = await get(sim, { apiKey: 'pk_nobody', apiSecret: 'sk_nobody' }, '/v1/jobs');
    expect(answer).toMatchObject({ status: 401, json: { statusCode: 401, error: 'Unauthorized', message: 'Unknown API key' } });
    const wrong = await get(sim, { apiKey: ADA.gpu.apiKey, apiSecret: GRACE.gpu.apiSecret }, '/v1/jobs');
    expect(wrong).toMatchObject({ status: 401, json: { message: 'Invalid signature' } });
  });
});
