// The HTTP surface of the GPU compute API (upstreams/gpu.md): jobs and job runs.
import type { Clock } from '../common/clock.js';
import type { Route, SimRequest, SimResponse } from '../common/server.js';
import { createdAtMicros, JOB_STATUSES, newestFirst, RUN_STATUSES, type GpuWorld, type SimJob } from './data.js';
import type { ForeignJobs, GpuOwners } from './people.js';
import { validateCreateJob } from './validate.js';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The service's error body; validation failures carry one message per problem. */
export function errorBody(status: number, message: string | string[]): { statusCode: number; error: string; message: string | string[] } {
  return { statusCode: status, error: REASONS[status] ?? 'Error', message };
}

function fail(status: number, message: string | string[]): SimResponse {
  return { status, json: errorBody(status, message) };
}

class BadRequest extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 50;

function single(request: SimRequest, name: string): string | null {
  const values = request.query.getAll(name);
  return values.length === 0 ? null : (values[values.length - 1] as string);
}

/** Comma-separated values (also accepted as a repeated key); blanks mean no filter. */
function list(request: SimRequest, name: string): string[] {
  return request.query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

function paging(request: SimRequest): { page: number; limit: number } {
  const page = single(request, 'page') ?? '1';
  const limit = single(request, 'limit') ?? String(DEFAULT_LIMIT);
  if (!/^\d+$/.test(page) || Number(page) < 1) throw new BadRequest('page must be a positive integer');
  if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) {
    throw new BadRequest(`limit must be an integer between 1 and ${MAX_LIMIT}`);
  }
  return { page: Number(page), limit: Number(limit) };
}

function oneOf<T extends string>(values: string[], allowed: readonly T[], name: string): T[] {
  for (const value of values) {
    if (!(allowed as readonly string[]).includes(value)) throw new BadRequest(`${name} must be one of the following values: ${allowed.join(', ')}`);
  }
  return values as T[];
}

function uuids(values: string[], name: string): string[] {
  if (!values.every((value) => UUID.test(value))) throw new BadRequest(`${name} must be a comma-separated list of UUIDs`);
  return values.map((value) => value.toLowerCase());
}

/**
 * One side of `filter[created_at]` in microseconds, both sides inclusive. A bare date as the upper
 * bound covers that whole day.
 */
function boundMicros(text: string, side: 'from' | 'to'): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = Date.parse(`${text}T00:00:00Z`);
    if (!Number.isNaN(day)) return side === 'from' ? day * 1000 : (day + 86_400_000) * 1000 - 1;
  }
  const match = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (match) {
    const [, base = '', fraction = '', zone = 'Z'] = match;
    const normalisedZone = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const at = Date.parse(`${base.replace(' ', 'T')}${normalisedZone}`);
    if (!Number.isNaN(at)) return at * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
  }
  throw new BadRequest('filter[created_at] must be "from,to" with ISO-8601 dates or datetimes (either side may be empty)');
}

/**
 * How `filter[created_at]` is split. `lenient`: by position, either side may be empty. `strict`: a
 * server that splits on commas and drops the empty parts, so `,X` reads as "from X" and only both
 * sides given make an upper bound.
 */
export type RangeReading = 'lenient' | 'strict';

function createdWindow(request: SimRequest, reading: RangeReading): { from: number; to: number } | null {
  const text = single(request, 'filter[created_at]');
  if (text === null || text.trim() === '') return null;
  const split = text.split(',').map((part) => part.trim());
  const parts = reading === 'strict' ? split.filter((part) => part !== '') : split;
  if (parts.length > 2) throw new BadRequest('filter[created_at] must be "from,to"');
  const [from = '', to = ''] = parts;
  return {
    from: from === '' ? Number.NEGATIVE_INFINITY : boundMicros(from, 'from'),
    to: to === '' ? Number.POSITIVE_INFINITY : boundMicros(to, 'to'),
  };
}

function byUuid<T extends { uuid: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
}

function pageOf<T>(items: readonly T[], page: number, limit: number): T[] {
  return items.slice((page - 1) * limit, page * limit);
}

export interface RouteOptions {
  world: GpuWorld;
  clock: Clock;
  /** Older deployments return a run's `logs` as a list of lines. */
  runLogsFormat: 'text' | 'lines';
  rangeReading: RangeReading;
  /** Whose account signed the request, and which jobs each account has. */
  owners: GpuOwners;
  /** How a job or run of another account is answered. */
  foreignJobs: ForeignJobs;
}

export function gpuRoutes({ world, clock, runLogsFormat, rangeReading, owners, foreignJobs }: RouteOptions): Route[] {
  /** Another account's job or run: unknown, or refused, depending on the reading being tested. */
  const foreign = (what: string): SimResponse => (foreignJobs === 'forbidden' ? fail(403, `${what} belongs to another account`) : fail(404, `${what} not found`));

  const guarded = (handler: (request: SimRequest) => SimResponse) => (request: SimRequest): SimResponse => {
    try {
      return handler(request);
    } catch (error) {
      if (error instanceof BadRequest) return fail(400, [error.message]);
      throw error;
    }
  };

  const listJobs = (request: SimRequest): SimResponse => {
    const now = clock.now();
    const { page, limit } = paging(request);
    const sort = single(request, 'sort') ?? '';
    if (!['', 'created_at', '-created_at'].includes(sort)) throw new BadRequest('sort must be one of the following values: created_at, -created_at');
    const statuses = oneOf(list(request, 'filter[status]'), JOB_STATUSES, 'filter[status]');
    const wanted = uuids(list(request, 'filter[uuid]'), 'filter[uuid]');
    const tasks = oneOf(list(request, 'filter[task]'), ['BATCH', 'PERSISTENT'] as const, 'filter[task]');
    const window = createdWindow(request, rangeReading);

    const matches = (job: SimJob): boolean =>
      (statuses.length === 0 || statuses.includes(world.status(job, now))) &&
      (wanted.length === 0 || wanted.includes(job.uuid)) &&
      (tasks.length === 0 || tasks.includes(job.task)) &&
      (window === null || (createdAtMicros(job) >= window.from && createdAtMicros(job) <= window.to));
    const caller = owners.caller(request);
    const found = world.all().filter((job) => owners.sees(caller, job.uuid) && matches(job));
    // Without `sort` the order is the primary key's: nothing a client should read as time order.
    const ordered = sort === '-created_at' ? newestFirst(found) : sort === 'created_at' ? newestFirst(found).reverse() : byUuid(found);
    return {
      status: 200,
      json: { data: pageOf(ordered, page, limit).map((job) => world.jobJson(job, now)), page, limit, total: ordered.length },
    };
  };

  const getJob = (request: SimRequest): SimResponse => {
    const uuid = request.params.uuid ?? '';
    if (!UUID.test(uuid)) return fail(400, 'Validation failed (uuid is expected)');
    const job = world.job(uuid);
    if (!job) return fail(404, `Job ${uuid} not found`);
    return owners.sees(owners.caller(request), job.uuid) ? { status: 200, json: world.jobJson(job, clock.now()) } : foreign(`Job ${uuid}`);
  };

  const createJob = (request: SimRequest): SimResponse => {
    let body: unknown;
    try {
      body = request.rawBody === '' ? undefined : JSON.parse(request.rawBody);
    } catch {
      return fail(400, 'request body must be JSON');
    }
    const validation = validateCreateJob(body);
    if (!validation.ok) return fail(400, validation.messages);
    const now = clock.now();
    const job = world.create(validation.value, now);
    // The signing account owns what it creates: a person's job is theirs alone.
    owners.recordCreated(job.uuid, owners.caller(request));
    return { status: 201, json: world.jobJson(job, now) };
  };

  const cancelJob = (request: SimRequest): SimResponse => {
    const uuid = request.params.uuid ?? '';
    if (!UUID.test(uuid)) return fail(400, 'Validation failed (uuid is expected)');
    let reason = 'Cancelled by user';
    if (request.rawBody !== '') {
      let body: unknown;
      try {
        body = JSON.parse(request.rawBody);
      } catch {
        return fail(400, 'request body must be JSON');
      }
      const given = (body as { reason?: unknown } | null)?.reason;
      if (given !== undefined && given !== null && typeof given !== 'string') return fail(400, ['reason must be a string']);
      if (typeof given === 'string' && given.trim() !== '') reason = given;
    }
    const known = world.job(uuid);
    // Checked before anything changes: another account's job is left exactly as it was.
    if (known && !owners.sees(owners.caller(request), known.uuid)) return foreign(`Job ${uuid}`);
    const now = clock.now();
    const outcome = world.cancel(uuid, reason, now);
    if (outcome.kind === 'not_found') return fail(404, `Job ${uuid} not found`);
    if (outcome.kind === 'final') return fail(409, `Job ${uuid} is already ${outcome.status} and cannot be cancelled`);
    return { status: 200, json: world.jobJson(outcome.job, now) };
  };

  const listRuns = (request: SimRequest): SimResponse => {
    const now = clock.now();
    const { page, limit } = paging(request);
    const jobUuids = uuids(list(request, 'filter[job_uuid]'), 'filter[job_uuid]');
    const statuses = oneOf(list(request, 'filter[status]'), RUN_STATUSES, 'filter[status]');
    const caller = owners.caller(request);
    // A filter naming another account's job narrows to nothing, as for an unknown one.
    const jobs = (jobUuids.length > 0 ? jobUuids.flatMap((uuid) => world.job(uuid) ?? []) : world.all()).filter((job) => owners.sees(caller, job.uuid));
    const runs = byUuid(jobs.flatMap((job) => world.runsOf(job, now))).filter(
      (run) => statuses.length === 0 || statuses.includes(world.runStatus(run, now)),
    );
    return {
      status: 200,
      json: { data: pageOf(runs, page, limit).map((run) => world.runJson(run, now)), page, limit, total: runs.length },
    };
  };

  const getRun = (request: SimRequest): SimResponse => {
    const uuid = request.params.uuid ?? '';
    if (!UUID.test(uuid)) return fail(400, 'Validation failed (uuid is expected)');
    const now = clock.now();
    const found = world.findRun(uuid, now);
    if (!found) return fail(404, `Job run ${uuid} not found`);
    if (!owners.sees(owners.caller(request), found.job.uuid)) return foreign(`Job run ${uuid}`);
    const text = world.runLogs(found.run, now);
    // Every line ends with a newline, so the last split element is always the empty rest.
    const logs = runLogsFormat === 'lines' ? text.split('\n').slice(0, -1) : text;
    return { status: 200, json: { ...world.runJson(found.run, now), logs } };
  };

  return [
    { method: 'GET', pattern: '/v1/jobs', handler: guarded(listJobs) },
    { method: 'POST', pattern: '/v1/jobs', handler: guarded(createJob) },
    { method: 'GET', pattern: '/v1/jobs/:uuid', handler: guarded(getJob) },
    { method: 'PUT', pattern: '/v1/jobs/:uuid/cancel', handler: guarded(cancelJob) },
    { method: 'GET', pattern: '/v1/job-runs', handler: guarded(listRuns) },
    { method: 'GET', pattern: '/v1/job-runs/:uuid', handler: guarded(getRun) },
  ];
}
