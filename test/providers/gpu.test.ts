import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListRequest } from '../../src/providers/contract.js';
import { isProviderError, type ProviderError } from '../../src/providers/errors.js';
import { compareJobs } from '../../src/listing/order.js';
import { matchesFilter } from '../../src/providers/filter.js';
import { GpuClient } from '../../src/providers/gpu/client.js';
import { toJob, toJobState } from '../../src/providers/gpu/map.js';
import { createProvider, type GpuProvider } from '../../src/providers/gpu/provider.js';
import { canonicalJson, canonicalString, signature, signedHeaders } from '../../src/providers/gpu/signing.js';
import { gpuErrorMessage, gpuJobListSchema, gpuJobRunDetailSchema, gpuJobSchema, type GpuCreateJobBody } from '../../src/providers/gpu/wire.js';
import type { GpuJob, Job } from '../../src/providers/job.js';
import type { GpuJobSpec } from '../../src/providers/specs.js';
import { encodeQuery } from '../../src/providers/query.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { DESIGN_STATES } from '../support/expected.js';
import type { RecordedRequest } from '../../src/simulators/common/server.js';
import { startSimulator, type GpuSimulator } from '../../src/simulators/gpu/index.js';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const SEED = 42;
/** DESIGN.md's table, written out once for every test (test/support/expected.ts), not taken from the code. */
const DESIGN_STATE = DESIGN_STATES.GPU;

let clock: ManualClock;
let sim: GpuSimulator;
let provider: GpuProvider;
let client: GpuClient;

beforeAll(async () => {
  clock = new ManualClock(START);
  sim = await startSimulator({ clock, seed: SEED });
  provider = createProvider({ url: sim.url, ...sim.credentials }, { timeoutMs: 5_000 });
  client = new GpuClient({ url: sim.url, ...sim.credentials }, { timeoutMs: 5_000 });
});

afterAll(async () => {
  await provider?.close();
  await client?.close();
  await sim?.close();
});

function lastRequest(route: string): RecordedRequest {
  const found = [...sim.server.requests].reverse().find((request) => request.route === route);
  if (!found) throw new Error(`no ${route} recorded`);
  return found;
}

async function walk(target: GpuProvider, request: Omit<ListRequest, 'pageToken'>): Promise<Job[]> {
  const jobs: Job[] = [];
  let pageToken: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page = await target.list({ ...request, pageToken });
    jobs.push(...page.jobs);
    pageToken = page.nextPageToken;
    if (pageToken === null) return jobs;
  }
  throw new Error('listing did not end');
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (isProviderError(error)) return error;
    throw error;
  }
  throw new Error('expected an ProviderError');
}

function gpuJob(result: unknown): GpuJob {
  if (result === null || typeof result !== 'object' || (result as Job).provider !== 'GPU') throw new Error(`not a GPU job: ${String(result)}`);
  return result as GpuJob;
}

/** Python's urlencode of an ISO time, written independently of the code under test. */
const pyQuote = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

describe('signing', () => {
  it('serialises bodies exactly as Python json.dumps(sort_keys=True, separators=(",", ":"))', () => {
    const value = {
      b: 1,
      B: 2,
      a: [1, 2, { d: 'é', c: null, skipped: undefined }],
      e: '🚀',
      f: '\x7f',
      g: 1e-5,
      h: 0.5,
      i: 'tab\t\u2028',
      j: 1.5e-7,
      '\ue000': 1,
      '\u{1F600}': 2,
    };
    // Output of CPython 3 for the same value.
    expect(canonicalJson(value)).toBe(
      '{"B":2,"a":[1,2,{"c":null,"d":"\\u00e9"}],"b":1,"e":"\\ud83d\\ude80","f":"\\u007f","g":1e-05,"h":0.5,"i":"tab\\t\\u2028","j":1.5e-07,"\\ue000":1,"\\ud83d\\ude00":2}',
    );
  });

  it('signs a GET with a query (known answer computed with node:crypto)', () => {
    const credentials = { apiKey: 'pk_test_51c0ffee', apiSecret: 'sk_test_8badf00d' };
    const query = encodeQuery(
      { page: 1, limit: 20, sort: '-created_at', 'filter[status]': 'RUNNING,PENDING', 'filter[created_at]': '2026-01-01T00:00:00.000Z,' },
      { sorted: true },
    );
    const emptyHash = createHash('sha256').update('').digest('hex');
    const canonical =
      'pk_test_51c0ffee|1767225600000|00112233445566778899aabbccddeeff|GET|/v1/jobs|' +
      'filter%5Bcreated_at%5D=2026-01-01T00%3A00%3A00.000Z%2C&filter%5Bstatus%5D=RUNNING%2CPENDING&limit=20&page=1&sort=-created_at|' +
      emptyHash;
    const expected = createHmac('sha256', 'sk_test_8badf00d').update(canonical).digest('hex');
    const headers = signedHeaders(
      credentials,
      { method: 'GET', fullPath: '/v1/jobs', query, body: undefined },
      { now: 1_767_225_600_000, nonce: '00112233445566778899aabbccddeeff' },
    );
    expect(headers).toEqual({
      'X-API-Key': 'pk_test_51c0ffee',
      'X-Time': '1767225600000',
      'X-Nonce': '00112233445566778899aabbccddeeff',
      'X-Signature': expected,
    });
  });

  it('signs a PUT over the canonical body bytes (known answer)', () => {
    const body = canonicalJson({ reason: 'Nöt needed 🚀' });
    expect(body).toBe('{"reason":"N\\u00f6t needed \\ud83d\\ude80"}');
    const bodyHash = createHash('sha256').update('{"reason":"N\\u00f6t needed \\ud83d\\ude80"}').digest('hex');
    const canonical = `pk_a|1700000000123|ffffffffffffffffffffffffffffffff|PUT|/api/v1/jobs/3f6b2c1e-8d4a-4b7e-9c21-5a0d7e4f1b93/cancel||${bodyHash}`;
    expect(
      canonicalString({
        publicKey: 'pk_a',
        timestamp: 1_700_000_000_123,
        nonce: 'ffffffffffffffffffffffffffffffff',
        method: 'put',
        pathname: '/api/v1/jobs/3f6b2c1e-8d4a-4b7e-9c21-5a0d7e4f1b93/cancel',
        queryString: '',
        bodySha256: bodyHash,
      }),
    ).toBe(canonical);
    const expected = createHmac('sha256', 'sk_b').update(canonical).digest('hex');
    expect(signature('sk_b', canonical)).toBe(expected);
    const headers = signedHeaders(
      { apiKey: 'pk_a', apiSecret: 'sk_b' },
      { method: 'PUT', fullPath: '/api/v1/jobs/3f6b2c1e-8d4a-4b7e-9c21-5a0d7e4f1b93/cancel', query: '', body },
      { now: 1_700_000_000_123, nonce: 'ffffffffffffffffffffffffffffffff' },
    );
    expect(headers['X-Signature']).toBe(expected);
  });

  it('uses a fresh time and 32-hex nonce per request', () => {
    const request = { method: 'GET', fullPath: '/v1/jobs', query: '', body: undefined };
    const a = signedHeaders({ apiKey: 'pk', apiSecret: 'sk' }, request);
    const b = signedHeaders({ apiKey: 'pk', apiSecret: 'sk' }, request);
    expect(a['X-Nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(a['X-Nonce']).not.toBe(b['X-Nonce']);
    expect(Math.abs(Number(a['X-Time']) - Date.now())).toBeLessThan(60_000);
  });
});

describe('wire schemas and mapping', () => {
  // The "Create Job" response example of seeds/004, verbatim.
  const seedExample = {
    object: 'job',
    created_at: '2023-12-25',
    updated_at: '2023-12-25',
    status: 'PENDING',
    task: 'BATCH',
    title: '<string>',
    cpu_count: 123,
    gpu_count: 123,
    min_ram_gb: 123,
    min_vram_gb: 123,
    min_storage_gb: 123,
    parameters: {
      parameters: {
        allowed_ips: ['<string>'],
        env: {},
        host: '<string>',
        image: '<string>',
        imagesrc: '<string>',
        ports: [123],
        secret: '<string>',
        sshkey: '<string>',
        tag: '<string>',
        user: '<string>',
        volumes: [{ image: '<string>', mount: '<string>', registry: '<string>', secret: '<string>', tag: '<string>', user: '<string>' }],
      },
      type: 'docker',
    },
    timeout_assign_at_ms: 123,
    uuid: '<string>',
    started_at: '2023-12-25',
    completed_at: '2023-12-25',
    description: '<string>',
    gpu_name: '<string>',
    gpu_registry_uuid: '<string>',
    max_timeout_assign_ms: 123,
    maxTimeoutRunMs: 123,
    max_timeout_start_ms: 123,
    maxRetryCount: 123,
    max_node_count: 123,
    image_size_bytes: 123,
    container_access_tokens: [],
    status_reason: '<string>',
    source_recipe_uuid: '<string>',
  };

  it("parses the seed's example and maps it to QUEUED without its secrets", () => {
    const wire = gpuJobSchema.parse(seedExample);
    const job = toJob(wire, wire.uuid ?? 'fallback');
    expect(job.state).toBe('QUEUED');
    expect(job.providerState).toBe('PENDING');
    expect(job.providerJobId).toBe('<string>');
    expect(job.createdAt.toISOString()).toBe('2023-12-25T00:00:00.000Z');
    expect(job.finishedAt?.toISOString()).toBe('2023-12-25T00:00:00.000Z');
    expect(job.runningTimeSeconds).toBe(0);
    expect(job.ports).toEqual([123]);
    expect(job.envNames).toEqual([]);
    expect(job.volumes).toEqual([{ image: '<string>', mount: '<string>', registry: '<string>', tag: '<string>', user: '<string>' }]);
    expect(Object.keys(job)).not.toContain('secret');
    expect(JSON.stringify(job)).not.toMatch(/secret|sshkey|container_access_tokens/);
  });

  it('maps every documented status as DESIGN says, unknown ones to UNKNOWN', () => {
    for (const [status, state] of Object.entries(DESIGN_STATE)) expect(toJobState(status)).toBe(state);
    const preempted = toJob(gpuJobSchema.parse({ ...seedExample, status: 'PREEMPTED' }), 'x');
    expect(preempted.state).toBe('UNKNOWN');
    expect(preempted.providerState).toBe('PREEMPTED');
    expect(toJob(gpuJobSchema.parse({ ...seedExample, status: 'COMPLETED' }), 'x').capabilities.cancel).toBe(false);
    expect(toJob(gpuJobSchema.parse({ ...seedExample, status: 'RUNNING' }), 'x').capabilities).toEqual({
      cancel: true,
      extend: false,
      suspend: false,
      resume: false,
      logs: true,
    });
  });

  it('tolerates omitted optional fields, nulls, datetimes with offsets and a missing uuid', () => {
    const minimal = {
      object: 'job',
      created_at: '2026-01-15T11:58:02.123456+00:00',
      updated_at: null,
      status: 'RUNNING',
      task: 'PERSISTENT',
      title: 'vllm serve',
      cpu_count: null,
      gpu_count: null,
      min_ram_gb: 0,
      min_vram_gb: 0,
      min_storage_gb: 0,
      parameters: { type: 'docker', parameters: { image: 'vllm/vllm-openai', env: { HF_TOKEN: 'hf_abc' } } },
      timeout_assign_at_ms: null,
      started_at: '2026-01-15T11:59:00Z',
    };
    const readFrom = Date.now();
    const job = toJob(gpuJobSchema.parse(minimal), '9a1c7e52-0b3d-4f86-a7e4-2d5c8b0f6e11');
    const readUntil = Date.now();
    expect(job.providerJobId).toBe('9a1c7e52-0b3d-4f86-a7e4-2d5c8b0f6e11');
    expect(job.createdAt.toISOString()).toBe('2026-01-15T11:58:02.123Z');
    expect(job.startedAt?.toISOString()).toBe('2026-01-15T11:59:00.000Z');
    expect(job.finishedAt).toBeNull();
    // Still running: since it started, until it was read.
    const startedAt = Date.parse('2026-01-15T11:59:00Z');
    expect(job.runningTimeSeconds).toBeGreaterThanOrEqual((readFrom - startedAt) / 1000);
    expect(job.runningTimeSeconds).toBeLessThanOrEqual((readUntil - startedAt) / 1000);
    expect(job.gpuName).toBeNull();
    expect(job.envNames).toEqual(['HF_TOKEN']);
    expect(JSON.stringify(job)).not.toContain('hf_abc');
    // In a listing, a job without uuid is unaddressable: it is left out and the answer says so.
    const listing = gpuJobListSchema.parse({ data: [minimal], page: 1, limit: 20, total: 1 });
    expect(listing.data).toEqual([]);
    expect(listing.skipped).toEqual({ count: 1, paths: ['Job.uuid'] });
  });

  it('reads run logs as a string or as a list of lines, and error bodies with one or many messages', () => {
    const run = { uuid: 'r1', status: 'RUNNING', started_at_ms: 1, node_urls: [{ description: 'SSH', hostname: 'h', port: 22, protocol: 'ssh' }] };
    expect(gpuJobRunDetailSchema.parse({ ...run, logs: 'a\nb\n' }).logs).toBe('a\nb\n');
    expect(gpuJobRunDetailSchema.parse({ ...run, logs: ['a', 'b'] }).logs).toEqual(['a', 'b']);
    expect(gpuErrorMessage({ statusCode: 400, error: 'Bad Request', message: ['title must be a string', 'task must be BATCH'] })).toBe(
      'title must be a string; task must be BATCH',
    );
    expect(gpuErrorMessage({ statusCode: 401, error: 'Unauthorized', message: 'Invalid signature' })).toBe('Invalid signature');
  });
});

describe('list', () => {
  it('walks every page newest first and returns exactly the inventory', async () => {
    const before = sim.server.count('GET /v1/jobs');
    const start = sim.server.requests.length;
    const jobs = await walk(provider, { filter: {}, pageSize: 50 });
    const inventory = sim.inventory();
    expect(inventory.length).toBeGreaterThanOrEqual(300);
    expect(sim.server.count('GET /v1/jobs') - before).toBe(Math.ceil(inventory.length / 50));
    const ids = jobs.map((job) => job.providerJobId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(inventory.map((item) => item.id).sort());
    const truth = new Map(inventory.map((item) => [item.id, item]));
    for (let i = 0; i < jobs.length; i++) {
      const job = gpuJob(jobs[i]);
      const item = truth.get(job.providerJobId);
      expect(job.createdAt.getTime()).toBe(item?.createdAtMs);
      expect(job.name).toBe(item?.name);
      expect(job.providerState).toBe(item?.state);
      expect(job.state).toBe(DESIGN_STATE[item?.state ?? '']);
      if (i > 0) expect(job.createdAt.getTime()).toBeLessThanOrEqual((jobs[i - 1] as Job).createdAt.getTime());
    }
    const queries = sim.server.requests.slice(start).map((request) => request.rawQuery);
    expect(queries[0]).toBe('limit=50&page=1&sort=-created_at');
    // A later page continues below the oldest job of the one before (a time bound, not an offset:
    // jobs that change state or appear meanwhile cannot shift it), just past it for microseconds.
    const oldestOfFirst = (jobs[49] as Job).createdAt.getTime() + 1;
    // Both ends, always: `,to` would read as `from=to` on a server that drops empty parts.
    expect(queries[1]).toBe(
      `filter%5Bcreated_at%5D=${pyQuote('1970-01-01T00:00:00.000Z')}%2C${pyQuote(new Date(oldestOfFirst).toISOString())}&limit=50&page=1&sort=-created_at`,
    );
    // Every status shows up in the simulated world.
    expect(new Set(inventory.map((item) => item.state))).toEqual(new Set(Object.keys(DESIGN_STATE)));
  });

  it('never exposes credentials, and reads bare-date timestamps', async () => {
    const jobs = await walk(provider, { filter: {}, pageSize: 50 });
    let checked = 0;
    let bareDates = 0;
    for (const job of jobs) {
      const wire = sim.snapshot(job.providerJobId) as {
        updated_at: string;
        parameters: { parameters: { secret: string | null; sshkey: string | null; env: Record<string, string>; volumes: { secret: string | null }[] } };
        container_access_tokens: { token: string }[];
      };
      const docker = wire.parameters.parameters;
      const secrets = [
        docker.secret,
        docker.sshkey,
        ...Object.values(docker.env).filter((value) => value.length >= 12),
        ...docker.volumes.map((volume) => volume.secret),
        ...wire.container_access_tokens.map((token) => token.token),
      ].filter((value): value is string => typeof value === 'string');
      const text = JSON.stringify(job);
      for (const secret of secrets) expect(text).not.toContain(secret);
      checked += secrets.length;
      expect(gpuJob(job).envNames).toEqual(Object.keys(docker.env));
      if (/^\d{4}-\d{2}-\d{2}$/.test(wire.updated_at)) {
        bareDates++;
        expect(gpuJob(job).updatedAt?.toISOString()).toBe(`${wire.updated_at}T00:00:00.000Z`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(bareDates).toBeGreaterThan(0);
  });

  it('pushes the status filter down as one comma list', async () => {
    const jobs = await walk(provider, { filter: { states: ['QUEUED', 'CANCELLING'] }, pageSize: 50 });
    expect(lastRequest('GET /v1/jobs').rawQuery).toBe('filter%5Bstatus%5D=PENDING%2CASSIGNED%2CCANCELLING&limit=50&page=1&sort=-created_at');
    const expected = sim
      .inventory()
      .filter((item) => ['PENDING', 'ASSIGNED', 'CANCELLING'].includes(item.state))
      .map((item) => item.id);
    expect(expected.length).toBeGreaterThan(2);
    expect(jobs.map((job) => job.providerJobId).sort()).toEqual(expected.sort());
  });

  it('asks nothing when no GPU job can match, and filters nothing by status when UNKNOWN is wanted', async () => {
    const before = sim.server.count('GET /v1/jobs');
    expect(await provider.list({ filter: { states: ['SUSPENDED', 'EXPIRED', 'PENDING'] }, pageSize: 20 })).toEqual({ jobs: [], nextPageToken: null });
    expect(await provider.list({ filter: { owner: 'alice' }, pageSize: 20 })).toEqual({ jobs: [], nextPageToken: null });
    expect(sim.server.count('GET /v1/jobs')).toBe(before);
    await provider.list({ filter: { states: ['UNKNOWN', 'RUNNING'] }, pageSize: 20 });
    expect(lastRequest('GET /v1/jobs').rawQuery).toBe('limit=20&page=1&sort=-created_at');
  });

  it('pushes the creation window down and keeps the job at the cursor', async () => {
    const inventory = sim.inventory();
    const after = new Date((inventory[120] as { createdAtMs: number }).createdAtMs);
    const before = new Date((inventory[30] as { createdAtMs: number }).createdAtMs);
    const cursorItem = inventory[60] as { id: string; createdAtMs: number };
    const cursor = new Date(cursorItem.createdAtMs);
    const filter = { createdAfter: after, createdBefore: before };
    const start = sim.server.requests.length;
    const jobs = await walk(provider, { filter, createdAtOrBefore: cursor, pageSize: 25 });
    const first = sim.server.requests.slice(start).find((request) => request.route === 'GET /v1/jobs');
    const to = new Date(cursor.getTime() + 1).toISOString();
    expect(first?.rawQuery).toBe(`filter%5Bcreated_at%5D=${pyQuote(after.toISOString())}%2C${pyQuote(to)}&limit=25&page=1&sort=-created_at`);

    const kept = jobs.filter((job) => matchesFilter(job, filter) && job.createdAt.getTime() <= cursor.getTime()).map((job) => job.providerJobId);
    const expected = inventory
      .filter((item) => item.createdAtMs >= after.getTime() && item.createdAtMs < before.getTime() && item.createdAtMs <= cursor.getTime())
      .map((item) => item.id);
    expect(kept.sort()).toEqual(expected.sort());
    // The backend stores microseconds; the cursor job itself must not fall off the window.
    expect(kept).toContain(cursorItem.id);
  });

  it('keeps later pages stable while jobs are being created', async () => {
    const first = await provider.list({ filter: {}, pageSize: 20 });
    const { job: created } = await provider.create({
      title: 'inserted mid-listing',
      task: 'BATCH',
      maxTimeoutRunMs: 600_000,
      docker: { image: 'pytorch/pytorch', tag: '2.5.1-cuda12.4-cudnn9-runtime' },
    });
    const rest: Job[] = [];
    let token = first.nextPageToken;
    while (token !== null) {
      const page = await provider.list({ filter: {}, pageSize: 20, pageToken: token });
      rest.push(...page.jobs);
      token = page.nextPageToken;
    }
    const ids = [...first.jobs, ...rest].map((job) => job.providerJobId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(created.providerJobId);
    const expected = sim
      .inventory()
      .map((item) => item.id)
      .filter((id) => id !== created.providerJobId);
    expect([...ids].sort()).toEqual(expected.sort());
  });
});

describe('getMany', () => {
  it('fetches a batch in one request, aligned with the ids, unknown ones null', async () => {
    const inventory = sim.inventory();
    const [a, b, c] = [inventory[3], inventory[150], inventory[299]].map((item) => (item as { id: string }).id) as [string, string, string];
    const unknown = '00000000-0000-4000-8000-000000000000';
    const before = sim.server.count('GET /v1/jobs');
    const results = await provider.getMany([a, b, unknown, a, 'not-a-uuid', c.toUpperCase()]);
    expect(sim.server.count('GET /v1/jobs') - before).toBe(1);
    const query = new URLSearchParams(lastRequest('GET /v1/jobs').rawQuery);
    expect(query.get('limit')).toBe('50');
    expect(query.get('filter[uuid]')?.split(',').sort()).toEqual([a, b, c, unknown].sort());
    expect(results.map((result) => (result && !isProviderError(result) ? result.providerJobId : result))).toEqual([a, b, null, a, null, c]);
    const truth = sim.snapshot(b) as { title: string; status: string };
    expect(gpuJob(results[1]).name).toBe(truth.title);
    expect(gpuJob(results[1]).providerState).toBe(truth.status);
  });

  it('splits large batches into chunks of 50', async () => {
    const ids = sim
      .inventory()
      .slice(0, 120)
      .map((item) => item.id);
    const before = sim.server.count('GET /v1/jobs');
    const results = await provider.getMany(ids);
    expect(sim.server.count('GET /v1/jobs') - before).toBe(3);
    expect(results.map((result) => gpuJob(result).providerJobId)).toEqual(ids);
  });

  it('maps a single get and reports an unknown uuid as NOT_FOUND', async () => {
    const item = sim.inventory()[10] as { id: string };
    const wire = await client.getJob(item.id);
    expect(wire.uuid).toBe(item.id);
    const error = await rejection(client.getJob('00000000-0000-4000-8000-000000000000'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.status).toBe(404);
  });
});

describe('authentication', () => {
  it('reports a wrong secret or key as UNAUTHENTICATED without leaking the secret', async () => {
    const wrongSecret = createProvider({ url: sim.url, apiKey: sim.credentials.apiKey, apiSecret: 'sk_wrong_0123456789' }, { timeoutMs: 5_000 });
    const wrongKey = createProvider({ url: sim.url, apiKey: 'pk_unknown_42', apiSecret: sim.credentials.apiSecret }, { timeoutMs: 5_000 });
    try {
      const bad = await rejection(wrongSecret.list({ filter: {}, pageSize: 10 }));
      expect(bad.code).toBe('UNAUTHENTICATED');
      expect(bad.message).toContain('Invalid signature');
      expect(bad.message).not.toContain('sk_wrong_0123456789');
      const unknown = await rejection(wrongKey.getMany([sim.inventory()[0]?.id ?? '']));
      expect(unknown.code).toBe('UNAUTHENTICATED');
      expect(unknown.message).not.toContain(sim.credentials.apiSecret);
    } finally {
      await wrongSecret.close();
      await wrongKey.close();
    }
  });

  it('rejects a replayed request, a tampered query and a stale clock with 401', async () => {
    await provider.list({ filter: {}, pageSize: 7 });
    const recorded = lastRequest('GET /v1/jobs');
    const signed = {
      'x-api-key': String(recorded.headers['x-api-key']),
      'x-time': String(recorded.headers['x-time']),
      'x-nonce': String(recorded.headers['x-nonce']),
      'x-signature': String(recorded.headers['x-signature']),
    };
    const replay = await fetch(`${sim.url}/v1/jobs?${recorded.rawQuery}`, { headers: signed });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Nonce has already been used' });

    const tampered = await fetch(`${sim.url}/v1/jobs?${recorded.rawQuery.replace('limit=7', 'limit=8')}`, {
      headers: { ...signed, 'x-nonce': 'abcdefabcdefabcdefabcdefabcdef01' },
    });
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { message: string }).message).toBe('Invalid signature');

    const request = { method: 'GET', fullPath: '/v1/jobs', query: 'limit=1', body: undefined };
    const stale = await fetch(`${sim.url}/v1/jobs?limit=1`, { headers: signedHeaders(sim.credentials, request, { now: Date.now() - 6 * 60_000 }) });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { message: string }).message).toMatch(/X-Time/);
    const fresh = await fetch(`${sim.url}/v1/jobs?limit=1`, { headers: signedHeaders(sim.credentials, request) });
    expect(fresh.status).toBe(200);
  });

  it('rejects a body that is not canonical JSON even when its signature is right', async () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'RUNNING') as { id: string; state: string };
    const body = '{"reason": "spaces are not canonical"}';
    const fullPath = `/v1/jobs/${item.id}/cancel`;
    const response = await fetch(`${sim.url}${fullPath}`, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/json', ...signedHeaders(sim.credentials, { method: 'PUT', fullPath, query: '', body }) },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(/canonical JSON/);
    expect((sim.snapshot(item.id) as { status: string }).status).toBe('RUNNING');
  });

  it('signs every retry afresh', async () => {
    const item = sim.inventory()[5] as { id: string };
    const before = sim.server.requests.length;
    sim.server.faults.next('error', { route: 'GET /v1/jobs/:uuid', status: 503 });
    const wire = await client.getJob(item.id);
    expect(wire.uuid).toBe(item.id);
    const attempts = sim.server.requests.slice(before).filter((request) => request.route === 'GET /v1/jobs/:uuid');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.headers['x-nonce']).not.toBe(attempts[1]?.headers['x-nonce']);
    expect(attempts[0]?.headers['x-signature']).not.toBe(attempts[1]?.headers['x-signature']);
  });
});

describe('logs', () => {
  function byRank(entries: { rank: number; text: string }[]): string[] {
    const out: string[] = [];
    for (const entry of entries) out[entry.rank] = (out[entry.rank] ?? '') + entry.text;
    return out;
  }

  it('emits each run once, ranked in started order, and only what is new', async () => {
    const retried = sim.inventory().find((item) => item.state === 'RUNNING' && sim.runLogs(item.id).length >= 2);
    if (!retried) throw new Error('the world should have a running job on its second run');
    const first = await provider.pollLogs(retried.id, null);
    const truth = sim.runLogs(retried.id);
    expect(byRank(first.entries)).toEqual(truth.map((run) => run.logs));
    expect(first.entries.every((entry) => entry.stream === 'STDOUT')).toBe(true);

    clock.advance(2 * 60_000);
    const runFetches = sim.server.count('GET /v1/job-runs/:uuid');
    const second = await provider.pollLogs(retried.id, first.cursor);
    // The first run had finished when it was read: only the running one is fetched again.
    expect(sim.server.count('GET /v1/job-runs/:uuid') - runFetches).toBe(1);
    expect(second.entries.every((entry) => entry.rank === 1)).toBe(true);
    const after = sim.runLogs(retried.id);
    expect(after[1]?.logs.length).toBeGreaterThan(truth[1]?.logs.length ?? 0);
    expect(byRank([...first.entries, ...second.entries])).toEqual(after.map((run) => run.logs));
  });

  it('reads the last output of a run that ended between two polls', async () => {
    const running = sim.inventory().find((item) => item.state === 'RUNNING' && sim.runLogs(item.id).length === 1);
    if (!running) throw new Error('no running job with one run');
    const first = await provider.pollLogs(running.id, null);
    await provider.cancel(running.id);
    clock.advance(30_000);
    const second = await provider.pollLogs(running.id, first.cursor);
    const truth = sim.runLogs(running.id);
    expect(truth[0]?.status).toBe('CANCELLED');
    expect(first.entries.map((e) => e.text).join('') + second.entries.map((e) => e.text).join('')).toBe(truth[0]?.logs);
    const runFetches = sim.server.count('GET /v1/job-runs/:uuid');
    const third = await provider.pollLogs(running.id, second.cursor);
    expect(third.entries).toEqual([]);
    expect(sim.server.count('GET /v1/job-runs/:uuid')).toBe(runFetches);
  });

  it('works behind a base path with logs sent as a list of lines', async () => {
    const lines = await startSimulator({ clock, seed: SEED, basePath: '/gpu-api', runLogsFormat: 'lines' });
    const behindProxy = createProvider({ url: lines.url, ...lines.credentials }, { timeoutMs: 5_000 });
    try {
      expect(lines.url).toMatch(/\/gpu-api$/);
      // Same seed, same clock: the same world (the first one only has jobs added since).
      const original = new Set(sim.inventory().map((item) => item.id));
      expect(lines.inventory()).toHaveLength(320);
      expect(lines.inventory().every((item) => original.has(item.id))).toBe(true);
      const page = await behindProxy.list({ filter: {}, pageSize: 10 });
      expect(page.jobs.map((job) => job.providerJobId)).toEqual(lines.inventory().slice(0, 10).map((item) => item.id));
      const job = lines.inventory().find((item) => item.state === 'RUNNING' && lines.runLogs(item.id).length >= 1) as { id: string };
      const poll = await behindProxy.pollLogs(job.id, null);
      expect(byRank(poll.entries)).toEqual(lines.runLogs(job.id).map((run) => run.logs));
      const run = lines.server.requests.find((request) => request.route === 'GET /v1/job-runs/:uuid');
      expect(run).toBeDefined();
    } finally {
      await behindProxy.close();
      await lines.close();
    }
  });
});

describe('cancel', () => {
  it('cancels a running job once; it goes CANCELLING, then CANCELLED as the clock moves', async () => {
    const item = sim.inventory().find((candidate) => candidate.state === 'RUNNING') as { id: string };
    const before = sim.server.count('PUT /v1/jobs/:uuid/cancel');
    await provider.cancel(item.id, { reason: 'Freeing the H100 for the demo' });
    expect(sim.server.count('PUT /v1/jobs/:uuid/cancel') - before).toBe(1);
    const recorded = lastRequest('PUT /v1/jobs/:uuid/cancel');
    expect(recorded.path).toBe(`/v1/jobs/${item.id}/cancel`);
    expect(recorded.body).toBe('{"reason":"Freeing the H100 for the demo"}');

    const [cancelling] = await provider.getMany([item.id]);
    expect(gpuJob(cancelling).state).toBe('CANCELLING');
    expect(gpuJob(cancelling).statusMessage).toBe('Freeing the H100 for the demo');
    clock.advance(30_000);
    const [cancelled] = await provider.getMany([item.id]);
    expect(gpuJob(cancelled).state).toBe('CANCELLED');
    expect(gpuJob(cancelled).finishedAt).not.toBeNull();
    expect(gpuJob(cancelled).capabilities.cancel).toBe(false);
  });

  it('sends the default reason, and reports final and unknown jobs as typed errors', async () => {
    const live = sim.inventory().find((candidate) => ['PENDING', 'ASSIGNED', 'RUNNING'].includes(candidate.state)) as { id: string };
    await provider.cancel(live.id);
    expect(JSON.parse(lastRequest('PUT /v1/jobs/:uuid/cancel').body)).toEqual({ reason: 'Cancelled via Job Gateway' });

    const done = sim.inventory().find((candidate) => candidate.state === 'COMPLETED') as { id: string };
    const conflict = await rejection(provider.cancel(done.id));
    expect(conflict.code).toBe('REJECTED');
    expect(conflict.status).toBe(409);
    const missing = await rejection(provider.cancel('00000000-0000-4000-8000-000000000000'));
    expect(missing.code).toBe('NOT_FOUND');
  });
});

describe('create', () => {
  const spec: GpuJobSpec = {
    title: 'Übersetzung de→ja 🚀',
    description: 'Nightly batch — résumé ranking',
    task: 'BATCH',
    maxTimeoutRunMs: 900_000,
    gpuCount: 1,
    gpuName: 'NVIDIA RTX 4090',
    cpuCount: 4,
    docker: {
      image: 'huggingface/transformers-pytorch-gpu',
      tag: 'latest',
      env: [
        { name: 'HF_TOKEN', value: 'hf_create_test_secret_value' },
        { name: 'BATCH_SIZE', value: '32' },
      ],
      secret: 'registry-password-never-shown',
      ports: [],
    },
  };
  // The same job as the seed's create body, written out: what must go on the wire.
  const body: GpuCreateJobBody = {
    title: 'Übersetzung de→ja 🚀',
    description: 'Nightly batch — résumé ranking',
    task: 'BATCH',
    max_timeout_run_ms: 900_000,
    gpu_count: 1,
    gpu_name: 'NVIDIA RTX 4090',
    cpu_count: 4,
    parameters: {
      type: 'docker',
      parameters: {
        image: 'huggingface/transformers-pytorch-gpu',
        tag: 'latest',
        env: { HF_TOKEN: 'hf_create_test_secret_value', BATCH_SIZE: '32' },
        secret: 'registry-password-never-shown',
        ports: [],
      },
    },
  };

  it('creates a job from the canonical body, applies defaults, and runs it to the end', async () => {
    const before = sim.server.count('POST /v1/jobs');
    const { job } = await provider.create(spec);
    expect(sim.server.count('POST /v1/jobs') - before).toBe(1);
    const sent = lastRequest('POST /v1/jobs').body;
    expect(sent).toBe(canonicalJson(body));
    expect(sent).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(sent)).toEqual(body);

    expect(job.state).toBe('QUEUED');
    expect(job.name).toBe(body.title);
    expect(job.description).toBe(body.description);
    expect(job.createdAt.getTime()).toBe(clock.now());
    // The seed's documented defaults.
    expect([job.maxTimeoutAssignMs, job.maxTimeoutStartMs, job.maxNodeCount, job.maxRetryCount, job.minRamGb]).toEqual([300_000, 300_000, 1, 0, 0]);
    // The body went out with sorted keys, so that is the order the service stored the env in.
    const stored = sim.snapshot(job.providerJobId) as { parameters: { parameters: { env: Record<string, string> } } };
    expect(Object.keys(stored.parameters.parameters.env).sort()).toEqual(['BATCH_SIZE', 'HF_TOKEN']);
    expect(job.envNames).toEqual(Object.keys(stored.parameters.parameters.env));
    expect(JSON.stringify(job)).not.toMatch(/hf_create_test_secret_value|registry-password-never-shown/);
    expect(sim.inventory().some((item) => item.id === job.providerJobId && item.name === body.title)).toBe(true);

    const seen = new Set<string>();
    let cursor: string | null = null;
    let output = '';
    for (let step = 0; step < 40 && !['SUCCEEDED', 'FAILED'].includes([...seen].at(-1) ?? ''); step++) {
      clock.advance(30_000);
      const [current] = await provider.getMany([job.providerJobId]);
      seen.add(gpuJob(current).state);
      const poll = await provider.pollLogs(job.providerJobId, cursor);
      cursor = poll.cursor;
      output += poll.entries.map((entry) => entry.text).join('');
    }
    expect(seen.has('RUNNING')).toBe(true);
    const final = sim.inventory().find((item) => item.id === job.providerJobId);
    expect(['COMPLETED', 'FAILED']).toContain(final?.state);
    expect(output).toBe(sim.runLogs(job.providerJobId).map((run) => run.logs).join(''));
    expect(output).toMatch(/Container exited with code \d+\n$/);
  });

  it('reports validation failures naming the field', async () => {
    const short = await rejection(provider.create({ ...spec, maxTimeoutRunMs: 1_000 }));
    expect(short.code).toBe('REJECTED');
    expect(short.status).toBe(400);
    expect(short.message).toContain('max_timeout_run_ms');
    const both = await rejection(provider.create({ ...spec, gpuRegistryUuid: '01234567-89ab-cdef-0123-456789abcdef' }));
    expect(both.message).toMatch(/gpu_name.*gpu_registry_uuid/);
  });
});

describe('paging while the world moves', () => {
  it('a state-filtered listing misses no job that matched all along, though others change state between pages', async () => {
    const moving = await startSimulator({ clock, seed: 'paging' });
    const target = createProvider({ url: moving.url, ...moving.credentials }, { timeoutMs: 5_000 });
    try {
      const queuedBefore = new Set(moving.inventory().filter((item) => ['PENDING', 'ASSIGNED'].includes(item.state)).map((item) => item.id));
      const listed: string[] = [];
      let pageToken: string | null = null;
      for (let pages = 0; pages < 200; pages++) {
        const page = await target.list({ filter: { states: ['QUEUED'] }, pageSize: 2, pageToken });
        listed.push(...page.jobs.map((job) => job.providerJobId));
        pageToken = page.nextPageToken;
        if (pageToken === null) break;
        // Between two pages some queued jobs start running and drop out of the filter.
        clock.advance(15_000);
      }
      const queuedAfter = new Set(moving.inventory().filter((item) => ['PENDING', 'ASSIGNED'].includes(item.state)).map((item) => item.id));
      const allAlong = [...queuedBefore].filter((id) => queuedAfter.has(id));
      expect(queuedBefore.size - allAlong.length).toBeGreaterThan(0);
      expect(allAlong.length).toBeGreaterThan(2);
      for (const id of allAlong) expect(listed).toContain(id);
      expect(new Set(listed).size).toBe(listed.length);
    } finally {
      await target.close();
      await moving.close();
    }
  });

  it('bare-date created_at (the seed\'s string<date>): every job still comes back, page by page', async () => {
    const dated = await startSimulator({ clock, seed: 'dates', createdAtFormat: 'date' });
    const target = createProvider({ url: dated.url, ...dated.credentials }, { timeoutMs: 5_000 });
    try {
      // A fresh provider asked for a cursor position at midnight: the backend compares full times,
      // so a bound just past midnight would lose the rest of that day's jobs.
      const fresh = createProvider({ url: dated.url, ...dated.credentials }, { timeoutMs: 5_000 });
      const day = new Date(Date.UTC(2026, 0, 14));
      const sameDay = dated.inventory().filter((item) => item.createdAtMs >= day.getTime() && item.createdAtMs < day.getTime() + 86_400_000);
      expect(sameDay.length).toBeGreaterThan(1);
      const upToDay = await walk(fresh, { filter: {}, pageSize: 50, createdAtOrBefore: day });
      await fresh.close();
      for (const item of sameDay) expect(upToDay.map((job) => job.providerJobId)).toContain(item.id);

      const jobs = await walk(target, { filter: {}, pageSize: 7 });
      expect(jobs.every((job) => job.createdAt.getUTCHours() === 0 && job.createdAt.getUTCMinutes() === 0)).toBe(true);
      expect(jobs.map((job) => job.providerJobId).sort()).toEqual(dated.inventory().map((item) => item.id).sort());
    } finally {
      await target.close();
      await dated.close();
    }
  });
});

describe('a server that reads `filter[created_at]` strictly (empty parts dropped)', () => {
  it.each([
    { name: 'datetimes', options: {} },
    { name: 'bare dates', options: { createdAtFormat: 'date' as const } },
    { name: 'drifted payloads', options: { drift: { share: 0.5 } } },
  ])('walks every page and every creation window to exactly the inventory ($name)', async ({ options }) => {
    const strict = await startSimulator({ clock, seed: 'strict-ranges', rangeReading: 'strict', ...options });
    const target = createProvider({ url: strict.url, ...strict.credentials }, { timeoutMs: 5_000 });
    try {
      // What the gateway can know of a creation time (a bare date is midnight), in the list's order.
      const known = (ms: number): number => (options.createdAtFormat === 'date' ? ms - (ms % 86_400_000) : ms);
      const inventory = strict
        .inventory()
        .map((item) => ({ ...item, createdAtMs: known(item.createdAtMs) }))
        .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const pageSize of [7, 50]) {
        const jobs = (await walk(target, { filter: {}, pageSize })).sort(compareJobs);
        expect(jobs.map((job) => job.providerJobId)).toEqual(inventory.map((item) => item.id));
      }
      // Open at one end, then the other, then both: each is sent with both ends.
      const times = inventory.map((item) => item.createdAtMs);
      const from = new Date(times[Math.floor(times.length * 0.8)]!);
      const to = new Date(times[Math.floor(times.length * 0.3)]!);
      const within = (item: { createdAtMs: number }, a: Date | null, b: Date | null): boolean =>
        (a === null || item.createdAtMs >= a.getTime()) && (b === null || item.createdAtMs < b.getTime());
      for (const [after, before] of [[from, null], [null, to], [from, to]] as const) {
        const filter = { createdAfter: after, createdBefore: before };
        const jobs = (await walk(target, { filter, pageSize: 7 })).filter((job) => matchesFilter(job, filter)).sort(compareJobs);
        expect(jobs.map((job) => job.providerJobId)).toEqual(inventory.filter((item) => within(item, after, before)).map((item) => item.id));
      }
      const ranges = strict.server.requests.map((request) => new URLSearchParams(request.rawQuery).get('filter[created_at]')).filter((range) => range !== null);
      expect(ranges.length).toBeGreaterThan(10);
      for (const range of ranges) expect(range).toMatch(/^[^,]+,[^,]+$/);
    } finally {
      await target.close();
      await strict.close();
    }
  });
});
