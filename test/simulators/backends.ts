// Raw HTTP to each simulator, and a reading of each backend's job identity and state written here
// from the wire notes (not the gateway's), so the drift tests judge what is served, not a parser.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { DriftOptions } from '../../src/simulators/common/drift.js';
import type { Clock } from '../../src/simulators/common/clock.js';
import type { RunningSimulator } from '../../src/simulators/common/server.js';
import * as datamanager from '../../src/simulators/datamanager/index.js';
import * as gpu from '../../src/simulators/gpu/index.js';
import { canonicalQuery } from '../../src/simulators/gpu/python.js';
import * as rime from '../../src/simulators/rime/index.js';
import * as ucloud from '../../src/simulators/ucloud/index.js';

export type Tree = Record<string, unknown>;

export function isTree(value: unknown): value is Tree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export interface Identity {
  id: string | null;
  createdMs: number | null;
}

export interface Fetched {
  jobs: Tree[];
  /** The body of the first page, byte for byte. */
  raw: string;
}

export interface Backend {
  readonly name: string;
  start(clock: Clock, drift?: DriftOptions): Promise<RunningSimulator>;
  /** Every job the list calls return, in the backend's order. */
  list(sim: RunningSimulator): Promise<Fetched>;
  /** The single get of one job: the job object and the body as sent. */
  get(sim: RunningSimulator, id: string): Promise<{ job: Tree; raw: string }>;
  identity(job: Tree): Identity;
  /** What decides the job's state. */
  state(job: Tree): unknown;
  /** The part of a get answer that the list entry also carries (the same object for most backends). */
  shared(job: Tree): Tree;
}

const SEED = 11;
const JOB_COUNT = 200;

/** ISO-8601 in UTC (Z, +00:00 or no zone), any fraction length, `T` or space: epoch ms, or null. */
export function readTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const offsetMin = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms) - offsetMin * 60_000;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

async function body(response: Response): Promise<{ json: Tree; raw: string }> {
  const raw = await response.text();
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${raw}`);
  const json: unknown = JSON.parse(raw);
  if (!isTree(json)) throw new Error(`not an object: ${raw.slice(0, 200)}`);
  return { json, raw };
}

function trees(value: unknown): Tree[] {
  if (!Array.isArray(value)) throw new Error('expected a list of jobs');
  return value.filter(isTree);
}

export const RIME: Backend = {
  name: 'RIME',
  start: (clock, drift) => rime.startSimulator({ clock, seed: SEED, jobCount: JOB_COUNT, ...(drift ? { drift } : {}) }),
  async list(sim) {
    const headers = { 'rime-api-key': rime.DEMO_API_KEY };
    const { json, raw } = await body(await fetch(`${sim.url}/v1-beta/jobs?pageSize=1000&view=JOB_VIEW_FULL`, { headers }));
    return { jobs: trees(json['jobs']), raw };
  },
  async get(sim, id) {
    const response = await fetch(`${sim.url}/v1-beta/jobs/${id}?view=JOB_VIEW_FULL`, { headers: { 'rime-api-key': rime.DEMO_API_KEY } });
    const { json, raw } = await body(response);
    if (!isTree(json['job'])) throw new Error('no job');
    return { job: json['job'], raw };
  },
  identity(job) {
    const id = job['jobId'];
    return { id: text(id) ?? (isTree(id) ? text(id['uuid']) : null), createdMs: readTime(job['creationTime']) };
  },
  state: (job) => [job['status'] ?? 'JOB_STATUS_UNSPECIFIED', job['cancellationRequested'] ?? false],
  shared: (job) => job,
};

function gpuHeaders(method: string, path: string, rawQuery: string): Record<string, string> {
  const { apiKey, apiSecret } = gpu.DEMO_CREDENTIALS;
  const time = String(Date.now());
  const nonce = randomBytes(16).toString('hex');
  const canonical = [apiKey, time, nonce, method, path, canonicalQuery(rawQuery) ?? '', createHash('sha256').update('').digest('hex')].join('|');
  return { 'X-API-Key': apiKey, 'X-Time': time, 'X-Nonce': nonce, 'X-Signature': createHmac('sha256', apiSecret).update(canonical).digest('hex') };
}

/** A signed GET of the GPU API. */
export async function gpuGet(sim: RunningSimulator, path: string, query: Record<string, string> = {}): Promise<{ json: Tree; raw: string }> {
  const rawQuery = new URLSearchParams(query).toString();
  const target = `${sim.url}${path}${rawQuery === '' ? '' : `?${rawQuery}`}`;
  return body(await fetch(target, { headers: gpuHeaders('GET', path, rawQuery) }));
}

export async function gpuPut(sim: RunningSimulator, path: string): Promise<{ json: Tree; raw: string }> {
  return body(await fetch(`${sim.url}${path}`, { method: 'PUT', headers: gpuHeaders('PUT', path, '') }));
}

export const GPU: Backend = {
  name: 'GPU',
  start: (clock, drift) => gpu.startSimulator({ clock, seed: SEED, jobCount: JOB_COUNT, ...(drift ? { drift } : {}) }),
  async list(sim) {
    const jobs: Tree[] = [];
    let first = '';
    for (let page = 1; page < 100; page++) {
      const { json, raw } = await gpuGet(sim, '/v1/jobs', { page: String(page), limit: '50', sort: '-created_at' });
      if (page === 1) first = raw;
      const data = trees(json['data']);
      jobs.push(...data);
      if (data.length < 50) return { jobs, raw: first };
    }
    throw new Error('listing did not end');
  },
  async get(sim, id) {
    const { json, raw } = await gpuGet(sim, `/v1/jobs/${id}`);
    return { job: json, raw };
  },
  identity: (job) => ({ id: text(job['uuid']), createdMs: readTime(job['created_at']) }),
  state: (job) => job['status'],
  shared: (job) => job,
};

const ucloudHeaders = { authorization: `Bearer ${ucloud.DEMO_CREDENTIALS.token}` };

export const UCLOUD: Backend = {
  name: 'UCloud',
  start: (clock, drift) => ucloud.startSimulator({ clock, seed: SEED, jobCount: JOB_COUNT, ...(drift ? { drift } : {}) }),
  async list(sim) {
    const jobs: Tree[] = [];
    let first = '';
    let next: string | null = null;
    for (let page = 0; page < 100; page++) {
      const query = new URLSearchParams({ itemsPerPage: '250', includeUpdates: 'true', sortBy: 'CREATED_AT', sortDirection: 'descending' });
      if (next !== null) query.set('next', next);
      const { json, raw } = await body(await fetch(`${sim.url}/api/jobs/browse?${query}`, { headers: ucloudHeaders }));
      if (page === 0) first = raw;
      jobs.push(...trees(json['items']));
      next = typeof json['next'] === 'string' ? json['next'] : null;
      if (next === null) return { jobs, raw: first };
    }
    throw new Error('listing did not end');
  },
  async get(sim, id) {
    const { json, raw } = await body(await fetch(`${sim.url}/api/jobs/retrieve?id=${id}&includeUpdates=true`, { headers: ucloudHeaders }));
    return { job: json, raw };
  },
  identity(job) {
    const createdAt = job['createdAt'];
    const createdMs = typeof createdAt === 'number' ? createdAt : typeof createdAt === 'string' && /^\d+$/.test(createdAt) ? Number(createdAt) : null;
    return { id: text(job['id']), createdMs };
  },
  state: (job) => (isTree(job['status']) ? job['status']['state'] : undefined),
  shared: (job) => job,
};

/** The Go backend leaves out what Kotlin writes as null, so its drift adds Kotlin's nulls instead. */
export const UCLOUD_GO: Backend = {
  ...UCLOUD,
  name: 'UCloud (Go)',
  start: (clock, drift) => ucloud.startSimulator({ clock, seed: SEED, jobCount: JOB_COUNT, dialect: 'go', ...(drift ? { drift } : {}) }),
};

/** Keys only the single-instance answer has. */
const DM_GET_ONLY = ['tasks', 'has_valid_callback_token', 'cost', 'launch_exchange_rate'];
const dmHeaders = { authorization: `Bearer ${datamanager.DEMO_TOKEN}` };

export const DATA_MANAGER: Backend = {
  name: 'Data Manager',
  start: (clock, drift) => datamanager.startSimulator({ clock, seed: SEED, jobCount: JOB_COUNT, ...(drift ? { drift } : {}) }),
  async list(sim) {
    const { json, raw } = await body(await fetch(`${sim.url}/instance`, { headers: dmHeaders }));
    return { jobs: trees(json['instances']), raw };
  },
  async get(sim, id) {
    const { json, raw } = await body(await fetch(`${sim.url}/instance/${id}`, { headers: dmHeaders }));
    return { job: json, raw };
  },
  identity: (job) => ({ id: text(job['id']), createdMs: readTime(job['launched']) }),
  state: (job) => job['phase'],
  shared: (job) => Object.fromEntries(Object.entries(job).filter(([key]) => key !== 'id' && !DM_GET_ONLY.includes(key))),
};

export const BACKENDS: readonly Backend[] = [RIME, GPU, UCLOUD, UCLOUD_GO, DATA_MANAGER];
