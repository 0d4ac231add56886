// The five JobReader calls as grpc-gateway serves them: query parameters by JSON or proto name,
// googlerpcStatus error bodies, opaque page tokens.
import type { Drift } from '../common/drift.js';
import type { Route, SimRequest, SimResponse } from '../common/server.js';
import { JOB_TYPES, STATUSES, VIEWS, type View } from './catalog.js';
import type { ListFilter, ListScope, RimeWorld } from './data.js';
import type { Caller, ForeignJobs, Ownership } from './people.js';
import type { SimJob } from './plan.js';
import { jobMetadata, marshal, type Json } from './render.js';

/** The path prefix of the seed's API version. */
export const API_PREFIX = '/v1-beta';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 1_000;

export interface RouteContext {
  world: RimeWorld;
  now: () => number;
  emitUnpopulated: boolean;
  workspaceUrl: string;
  drift: Drift;
  /** The service key: it sees every job. */
  apiKey: string;
  people: Ownership;
  foreignJobs: ForeignJobs;
}

const GRPC_CODES: Readonly<Record<number, number>> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  409: 10,
  413: 8,
  429: 8,
  499: 1,
  500: 13,
  501: 12,
  503: 14,
  504: 4,
};

/** googlerpcStatus for an HTTP status, as grpc-gateway writes it. */
export function errorBody(status: number, message: string, emitUnpopulated = false): Json {
  return marshal({ code: GRPC_CODES[status] ?? 2, message, details: [] }, emitUnpopulated);
}

export class RpcError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * grpc-gateway accepts a query parameter under its JSON name or its proto field name; `page_token`
 * is what the seed's own Python example sends.
 */
function values(query: URLSearchParams, ...names: string[]): string[] {
  return names.flatMap((name) => query.getAll(name));
}

function single(query: URLSearchParams, ...names: string[]): string | null {
  const all = values(query, ...names);
  return all.length === 0 ? null : (all[all.length - 1] as string);
}

function enumValues(query: URLSearchParams, known: readonly string[], ...names: string[]): Set<string> {
  const out = new Set<string>();
  for (const value of values(query, ...names)) {
    if (!known.includes(value)) {
      throw new RpcError(400, `type mismatch, parameter: ${names[0]}, error: ${JSON.stringify(value)} is not a valid value`);
    }
    out.add(value);
  }
  return out;
}

function parseView(query: URLSearchParams): View {
  const value = single(query, 'view');
  if (value === null || value === '') return 'JOB_VIEW_BASIC';
  if (!(VIEWS as readonly string[]).includes(value)) {
    throw new RpcError(400, `type mismatch, parameter: view, error: ${JSON.stringify(value)} is not a valid value`);
  }
  return value === 'JOB_VIEW_FULL' ? 'JOB_VIEW_FULL' : 'JOB_VIEW_BASIC';
}

function parsePageSize(query: URLSearchParams): number {
  const value = single(query, 'pageSize', 'page_size');
  if (value === null || value === '') return DEFAULT_PAGE_SIZE;
  if (!/^-?\d+$/.test(value)) {
    throw new RpcError(400, `type mismatch, parameter: pageSize, error: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  }
  const size = Number(value);
  if (size < 0) throw new RpcError(400, 'page size must not be negative');
  return size === 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
}

interface PageToken {
  after: string;
  statuses: string[];
  types: string[];
  objectId: string | null;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify({ v: 1, ...token })).toString('base64url');
}

function decodeToken(text: string): PageToken {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<PageToken> & { v?: number };
    if (value.v !== 1 || typeof value.after !== 'string' || !Array.isArray(value.statuses) || !Array.isArray(value.types)) {
      throw new Error('bad shape');
    }
    return { after: value.after, statuses: value.statuses, types: value.types, objectId: value.objectId ?? null };
  } catch {
    throw new RpcError(400, 'invalid page token');
  }
}

function ok(json: Json, context: RouteContext): SimResponse {
  return { status: 200, json: marshal(json, context.emitUnpopulated) };
}

/** Whose `rime-api-key` the request carries: the service key's, a person's, or nobody's (null). */
function callerOf(context: RouteContext, request: SimRequest): Caller | null {
  const given = request.headers['rime-api-key'];
  const key = Array.isArray(given) ? given[0] : given;
  if (key === context.apiKey) return { kind: 'service' };
  return context.people.callerOf(key);
}

/** Refuses a request whose key is missing or unknown, as RIME's auth interceptor does (16 UNAUTHENTICATED). */
export function authenticate(context: RouteContext): (request: SimRequest) => SimResponse | null {
  return (request) => {
    if (callerOf(context, request)) return null;
    const message = request.headers['rime-api-key'] === undefined ? 'request is missing the rime-api-key header' : 'invalid api key';
    return { status: 401, json: errorBody(401, message, context.emitUnpopulated) };
  };
}

function requestCaller(context: RouteContext, request: SimRequest): Caller {
  const caller = callerOf(context, request);
  if (!caller) throw new RpcError(401, 'invalid api key');
  return caller;
}

/** What a person's listing covers and how it names projects (undefined: the service key's view). */
function scopeOf(context: RouteContext, caller: Caller): ListScope | undefined {
  if (caller.kind === 'service') return undefined;
  const { person } = caller;
  return { visible: (job) => context.people.sees(person, job), projectIdOf: (job) => context.people.projectIdFor(job) };
}

/** The project the caller reads on the job. */
function projectIdFor(context: RouteContext, caller: Caller, job: SimJob): string | null {
  return caller.kind === 'person' ? context.people.projectIdFor(job) : job.projectId;
}

/** The job the path names, if the caller may see it; someone else's answers as `foreignJobs` says. */
function jobOf(context: RouteContext, request: SimRequest): SimJob {
  const jobId = request.params['jobId'] ?? '';
  const job = context.world.get(jobId);
  if (!job) throw new RpcError(404, `job ${jobId} not found`);
  const caller = requestCaller(context, request);
  if (caller.kind === 'person' && !context.people.sees(caller.person, job)) {
    if (context.foreignJobs === 'forbidden') throw new RpcError(403, `permission denied: job ${jobId} is not in a project you can access`);
    throw new RpcError(404, `job ${jobId} not found`);
  }
  return job;
}

function listJobs(context: RouteContext, request: SimRequest): SimResponse {
  const { query } = request;
  const token = single(query, 'pageToken', 'page_token');
  const statuses = enumValues(query, STATUSES, 'firstPageQuery.selectedStatuses', 'first_page_query.selected_statuses');
  const types = enumValues(query, JOB_TYPES, 'firstPageQuery.selectedTypes', 'first_page_query.selected_types');
  const objectId = single(query, 'firstPageQuery.objectId', 'first_page_query.object_id') || null;
  const pageSize = parsePageSize(query);
  const view = parseView(query);

  let filter: ListFilter;
  let after: string | null = null;
  if (token) {
    if (statuses.size > 0 || types.size > 0 || objectId !== null) {
      throw new RpcError(400, 'specify either pageToken or firstPageQuery, not both');
    }
    const decoded = decodeToken(token);
    filter = { statuses: new Set(decoded.statuses), types: new Set(decoded.types), objectId: decoded.objectId };
    after = decoded.after;
  } else {
    filter = { statuses, types, objectId };
  }

  const caller = requestCaller(context, request);
  const page = context.world.list(filter, after, pageSize, scopeOf(context, caller));
  const now = context.now();
  const last = page.jobs[page.jobs.length - 1];
  const nextPageToken =
    page.hasMore && last
      ? encodeToken({ after: last.jobId, statuses: [...filter.statuses], types: [...filter.types], objectId: filter.objectId })
      : '';
  const body = marshal(
    {
      jobs: page.jobs.map((job) => jobMetadata(job, now, view, context.workspaceUrl, projectIdFor(context, caller, job))),
      nextPageToken,
      hasMore: page.hasMore,
    },
    context.emitUnpopulated,
  );
  // Drifted after marshalling: marshalling would drop the defaults (`""`, `0`, `[]`) a drift writes.
  return { status: 200, json: context.drift.applyToList(body, 'jobs', page.jobs.map((job) => job.jobId)) };
}

function getJob(context: RouteContext, request: SimRequest): SimResponse {
  const view = parseView(request.query);
  const job = jobOf(context, request);
  const projectId = projectIdFor(context, requestCaller(context, request), job);
  const metadata = marshal(jobMetadata(job, context.now(), view, context.workspaceUrl, projectId), context.emitUnpopulated);
  return { status: 200, json: { job: context.drift.apply(job.jobId, metadata) } };
}

function cancelJob(context: RouteContext, request: SimRequest): SimResponse {
  const jobId = request.params['jobId'] ?? '';
  // Someone else's job is refused before anything about it (its type, its state) is told.
  jobOf(context, request);
  switch (context.world.cancel(jobId)) {
    case 'not-found':
      throw new RpcError(404, `job ${jobId} not found`);
    case 'not-cancellable': {
      const type = context.world.get(jobId)?.jobType ?? 'JOB_TYPE_UNSPECIFIED';
      throw new RpcError(400, `jobs of type ${type} cannot be cancelled; only stress test, firewall batch test and file scan jobs can`);
    }
    case 'not-active': {
      const job = context.world.get(jobId);
      const status = job ? context.world.status(job) : 'JOB_STATUS_UNSPECIFIED';
      throw new RpcError(400, `job ${jobId} cannot be cancelled in status ${status}`);
    }
    case 'requested':
      return ok({}, context);
  }
}

function getProjectId(context: RouteContext, request: SimRequest): SimResponse {
  const job = jobOf(context, request);
  const projectId = projectIdFor(context, requestCaller(context, request), job);
  if (projectId === null) throw new RpcError(404, `no project found for job ${job.jobId}`);
  return ok({ projectId: { uuid: projectId } }, context);
}

function getTestRunId(context: RouteContext, request: SimRequest): SimResponse {
  const job = jobOf(context, request);
  if (job.jobType !== 'JOB_TYPE_MODEL_STRESS_TEST') throw new RpcError(400, `job ${job.jobId} is not a stress test job`);
  const testRun = job.testRuns[0];
  if (context.world.status(job) !== 'JOB_STATUS_SUCCEEDED' || !testRun) {
    throw new RpcError(400, `job ${job.jobId} is not a completed stress test job`);
  }
  return ok({ testRunId: testRun.testRunId }, context);
}

export function routes(context: RouteContext): Route[] {
  const handle =
    (handler: (context: RouteContext, request: SimRequest) => SimResponse) =>
    (request: SimRequest): SimResponse => {
      try {
        return handler(context, request);
      } catch (error) {
        if (!(error instanceof RpcError)) throw error;
        return { status: error.status, json: errorBody(error.status, error.message, context.emitUnpopulated) };
      }
    };
  return [
    { method: 'GET', pattern: `${API_PREFIX}/jobs`, handler: handle(listJobs) },
    { method: 'POST', pattern: `${API_PREFIX}/jobs/cancel/:jobId`, handler: handle(cancelJob) },
    { method: 'GET', pattern: `${API_PREFIX}/jobs/:jobId/project-id`, handler: handle(getProjectId) },
    { method: 'GET', pattern: `${API_PREFIX}/jobs/:jobId/test-run-id`, handler: handle(getTestRunId) },
    { method: 'GET', pattern: `${API_PREFIX}/jobs/:jobId`, handler: handle(getJob) },
  ];
}
