// The HTTP calls of the UCloud Jobs API (and `/auth/refresh`), on top of the seeded world.
import type { Clock } from '../common/clock.js';
import type { Drift } from '../common/drift.js';
import type { Route, SimRequest, SimResponse } from '../common/server.js';
import { bearer, type TokenStore } from './auth.js';
import { matches, paginate, readFilters, readFlags, readListing } from './browse.js';
import { PRODUCTS } from './catalog.js';
import { Refusal, type NewJobSpec, type SimJob, type World } from './data.js';
import type { Caller, ForeignJobs, OwnerView, Ownership } from './people.js';
import type { Dialect } from './plan.js';
import { errorBody, forDialect, jobJson, productJson, supportJson, type Json, type ReadFlags } from './serialize.js';

export interface RouteContext {
  world: World;
  tokens: TokenStore;
  clock: Clock;
  dialect: Dialect;
  drift: Drift;
  people: Ownership;
  foreignJobs: ForeignJobs;
}

const JOB_NAME = /^[\w ():_-]+$/;
const BULK_MAX = 1000;

function ok(context: RouteContext, json: Json): SimResponse {
  return { status: 200, json: forDialect(json, context.dialect) };
}

/** A page of jobs, drifted after the dialect's omissions, which would otherwise undo a drift's nulls. */
function page(context: RouteContext, caller: Caller, now: number, itemsPerPage: number, jobs: SimJob[], next: string | null, flags: ReadFlags): SimResponse {
  const items = jobs.map((job) => jobJson(context.world, job, now, flags, ownerFor(context, caller, job)));
  const body = forDialect({ itemsPerPage, items, next }, context.dialect);
  return { status: 200, json: context.drift.applyToList(body, 'items', jobs.map((job) => job.id)) };
}

/** Whose bearer token the request carries: the service account's, a person's, or nobody's (null). */
export function callerOf(context: RouteContext, token: string | null): Caller | null {
  if (context.tokens.isValidAccess(token)) return { kind: 'service' };
  const person = context.people.personByToken(token);
  return person ? { kind: 'person', person } : null;
}

function requestCaller(context: RouteContext, request: SimRequest): Caller {
  // authenticate() has let only known tokens through.
  const caller = callerOf(context, bearer(request.headers.authorization));
  if (!caller) throw new Refusal(401, 'Unauthorized');
  return caller;
}

/** `owner` as the caller reads it (undefined: as the world has it). */
function ownerFor(context: RouteContext, caller: Caller, job: SimJob): OwnerView | undefined {
  return caller.kind === 'person' ? context.people.ownerView(job) : undefined;
}

/** The jobs the caller lists in `project` (the service account: every job of the workspace, as ever). */
function visibleJobs(context: RouteContext, caller: Caller, project: string | null, now: number): SimJob[] {
  if (caller.kind === 'service') return context.world.visible(project, now);
  const { person } = caller;
  return context.world.jobs.filter((job) => job.createdAt <= now && context.people.sees(person, job, project));
}

export function failure(context: RouteContext, status: number, why: string): SimResponse {
  const body = errorBody(context.dialect, status, why);
  return body === null ? { status, text: '' } : { status, json: body };
}

/**
 * The `Project` header: which workspace the caller acts in. Absent: every workspace for the
 * service account (as the simulator always had it), the personal one for a person.
 */
function workspace(context: RouteContext, request: SimRequest, caller: Caller): string | null {
  const header = request.headers['project'];
  const given = Array.isArray(header) ? header[0] : header;
  const project = given === undefined || given === '' ? null : given;
  if (caller.kind === 'person') return context.people.workspaceOf(project);
  if (project === null) return null;
  if (!context.world.projects.some((candidate) => candidate.id === project)) throw new Refusal(403, 'Forbidden');
  return project;
}

function jsonBody(request: SimRequest): Record<string, unknown> {
  try {
    const body: unknown = JSON.parse(request.rawBody);
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new Refusal(400, 'Bad request: the body must be a JSON object');
}

/** `BulkRequest.items`: 1 to 1000 objects. */
function bulkItems(request: SimRequest): Record<string, unknown>[] {
  const items = jsonBody(request)['items'];
  if (!Array.isArray(items) || items.length < 1 || items.length > BULK_MAX) {
    throw new Refusal(400, `Bad request: a bulk request must have between 1 and ${BULK_MAX} items`);
  }
  return items.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Refusal(400, 'Bad request: malformed item');
    return item as Record<string, unknown>;
  });
}

function jobFor(context: RouteContext, request: SimRequest, id: unknown): SimJob {
  const caller = requestCaller(context, request);
  const project = workspace(context, request, caller);
  const job = typeof id === 'string' ? context.world.find(id) : undefined;
  const now = context.clock.now();
  if (caller.kind === 'person') return context.people.jobFor(caller.person, job, project, now, context.foreignJobs);
  if (!job || job.createdAt > now || (project !== null && job.project !== project)) throw new Refusal(404, 'Not Found');
  return job;
}

/** A BulkResponse of units: Kotlin lists one `{}` per item, Go answers `{}`. */
function unitBulk(context: RouteContext, count: number): SimResponse {
  return context.dialect === 'kotlin' ? ok(context, { responses: Array.from({ length: count }, () => ({})) }) : ok(context, {});
}

function guarded(context: RouteContext, handler: (request: SimRequest) => SimResponse): (request: SimRequest) => SimResponse {
  return (request) => {
    try {
      return handler(request);
    } catch (error) {
      if (error instanceof Refusal) return failure(context, error.status, error.message);
      throw error;
    }
  };
}

function durationMs(value: unknown, what: string): number {
  if (value === null || typeof value !== 'object') throw new Refusal(400, `Bad request: ${what} must be {hours, minutes, seconds}`);
  const parts = value as Record<string, unknown>;
  let total = 0;
  for (const [key, factor] of [['hours', 3_600_000], ['minutes', 60_000], ['seconds', 1_000]] as const) {
    const part = parts[key] ?? 0;
    if (typeof part !== 'number' || !Number.isInteger(part) || part < 0) throw new Refusal(400, `Bad request: ${what}.${key} must be a whole number`);
    total += part * factor;
  }
  return total;
}

function specFrom(item: Record<string, unknown>): NewJobSpec {
  const application = item['application'] as Record<string, unknown> | undefined;
  const product = item['product'] as Record<string, unknown> | undefined;
  if (typeof application?.['name'] !== 'string' || typeof application['version'] !== 'string') {
    throw new Refusal(400, 'Bad request: application must be {name, version}');
  }
  if (typeof product?.['id'] !== 'string' || typeof product['category'] !== 'string' || typeof product['provider'] !== 'string') {
    throw new Refusal(400, 'Bad request: product must be {id, category, provider}');
  }
  const name = item['name'] ?? null;
  if (name !== null && (typeof name !== 'string' || name.length > 200 || !JOB_NAME.test(name))) {
    throw new Refusal(400, 'Invalid job name: use letters, digits, spaces and ():_- (at most 200 characters)');
  }
  const replicas = item['replicas'] ?? 1;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas > 20) {
    throw new Refusal(400, 'Bad request: replicas must be between 1 and 20');
  }
  const allocation = item['timeAllocation'] ?? null;
  const allocationMs = allocation === null ? null : durationMs(allocation, 'timeAllocation');
  if (allocationMs !== null && allocationMs <= 0) throw new Refusal(400, 'Bad request: timeAllocation must be positive');
  const parameters = item['parameters'] ?? null;
  const resources = item['resources'] ?? null;
  const flag = (key: string): boolean | null => (typeof item[key] === 'boolean' ? (item[key] as boolean) : null);
  return {
    application: { name: application['name'], version: application['version'] },
    product: { id: product['id'], category: product['category'], provider: product['provider'] },
    name,
    replicas,
    allowDuplicateJob: flag('allowDuplicateJob') ?? false,
    parameters: parameters !== null && typeof parameters === 'object' && !Array.isArray(parameters) ? (parameters as Record<string, unknown>) : null,
    resources: Array.isArray(resources) ? resources : null,
    allocationMs,
    openedFile: typeof item['openedFile'] === 'string' ? item['openedFile'] : null,
    restartOnExit: flag('restartOnExit'),
    sshEnabled: flag('sshEnabled'),
  };
}

export function authenticate(context: RouteContext): (request: SimRequest) => SimResponse | null {
  return (request) => {
    if (request.route === 'POST /auth/refresh') return null; // checks the refresh token itself
    return callerOf(context, bearer(request.headers.authorization)) ? null : failure(context, 401, 'Unauthorized');
  };
}

export function routes(context: RouteContext): Route[] {
  const { world, clock, dialect } = context;
  const route = (method: string, pattern: string, handler: (request: SimRequest) => SimResponse): Route => ({
    method,
    pattern,
    handler: guarded(context, handler),
  });

  const list: Route[] = [
    route('POST', '/auth/refresh', (request) => {
      if (!context.tokens.isValidRefresh(bearer(request.headers.authorization))) return failure(context, 401, 'Unauthorized');
      return ok(context, { accessToken: context.tokens.issue() });
    }),

    route('GET', '/api/jobs/browse', (request) => {
      const source = (key: string): string | undefined => request.query.get(key) ?? undefined;
      const flags = readFlags(source);
      const filters = readFilters(source);
      const listing = readListing(source, dialect);
      const now = clock.now();
      const caller = requestCaller(context, request);
      const jobs = visibleJobs(context, caller, workspace(context, request, caller), now).filter((job) =>
        matches(world, job, filters, now, ownerFor(context, caller, job)?.createdBy),
      );
      const found = paginate(jobs, listing);
      return page(context, caller, now, listing.itemsPerPage, found.items, found.next, flags);
    }),

    route('GET', '/api/jobs/retrieve', (request) => {
      const source = (key: string): string | undefined => request.query.get(key) ?? undefined;
      const id = source('id');
      if (id === undefined) throw new Refusal(400, 'Bad request: id is required');
      const flags = readFlags(source);
      const filters = readFilters(source);
      const now = clock.now();
      const job = jobFor(context, request, id);
      const owner = ownerFor(context, requestCaller(context, request), job);
      // Filters apply to retrieve too: a job they exclude is not found.
      if (!matches(world, job, filters, now, owner?.createdBy)) throw new Refusal(404, 'Not Found');
      return { status: 200, json: context.drift.apply(job.id, forDialect(jobJson(world, job, now, flags, owner), dialect)) };
    }),

    route('POST', '/api/jobs/search', (request) => {
      const body = jsonBody(request);
      // Kotlin reads the flags from `flags`, the Go backend from the top level.
      const flagObject = dialect === 'kotlin' ? ((body['flags'] ?? {}) as Record<string, unknown>) : body;
      const source = (key: string): unknown => flagObject[key];
      const flags = readFlags(source);
      const filters = readFilters(source);
      const listing = readListing((key) => body[key], dialect);
      const query = typeof body['query'] === 'string' ? body['query'].toLowerCase() : '';
      const now = clock.now();
      const caller = requestCaller(context, request);
      const jobs = visibleJobs(context, caller, workspace(context, request, caller), now).filter((job) => {
        const createdBy = ownerFor(context, caller, job)?.createdBy ?? job.createdBy;
        if (!matches(world, job, filters, now, createdBy)) return false;
        return query === '' || [job.id, job.name ?? '', job.app.name, job.app.title, createdBy].some((field) => field.toLowerCase().includes(query));
      });
      const found = paginate(jobs, listing);
      return page(context, caller, now, listing.itemsPerPage, found.items, found.next, flags);
    }),

    route('POST', '/api/jobs', (request) => {
      const caller = requestCaller(context, request);
      const project = workspace(context, request, caller);
      const specs = bulkItems(request).map(specFrom);
      const now = clock.now();
      const owner = caller.kind === 'person' ? caller.person.username : context.tokens.username;
      // A person's earlier jobs are the ones they see here, under the login they see on them.
      const earlier =
        caller.kind === 'person'
          ? (job: SimJob): boolean => context.people.sees(caller.person, job, project) && context.people.ownerView(job).createdBy === owner
          : (job: SimJob): boolean => job.createdBy === owner && job.project === project;
      for (const spec of specs) {
        if (!spec.allowDuplicateJob && world.duplicateOf(spec, earlier, now)) {
          throw new Refusal(409, 'A job with the same parameters is already running (set allowDuplicateJob to start it anyway)');
        }
      }
      const created = specs.map((spec) => world.create(spec, owner, project, now));
      for (const job of created) context.people.assign(job, caller);
      return ok(context, { responses: created.map((job) => ({ id: job.id })) });
    }),

    route('POST', '/api/jobs/terminate', (request) => {
      const now = clock.now();
      const jobs = bulkItems(request).map((item) => jobFor(context, request, item['id']));
      for (const job of jobs) world.checkTerminate(job, now);
      for (const job of jobs) world.terminate(job, now);
      return unitBulk(context, jobs.length);
    }),

    route('POST', '/api/jobs/extend', (request) => {
      const now = clock.now();
      const items = bulkItems(request).map((item) => ({ job: jobFor(context, request, item['jobId']), ms: durationMs(item['requestedTime'], 'requestedTime') }));
      for (const { job, ms } of items) {
        if (ms <= 0) throw new Refusal(400, 'Bad request: requestedTime must be positive');
        world.checkExtend(job, now);
      }
      for (const { job, ms } of items) world.extend(job, ms, now);
      return unitBulk(context, items.length);
    }),

    route('POST', '/api/jobs/suspend', (request) => {
      const now = clock.now();
      const jobs = bulkItems(request).map((item) => jobFor(context, request, item['id']));
      for (const job of jobs) world.checkSuspend(job, now);
      for (const job of jobs) world.suspend(job, now);
      return unitBulk(context, jobs.length);
    }),

    route('POST', '/api/jobs/unsuspend', (request) => {
      const now = clock.now();
      const jobs = bulkItems(request).map((item) => jobFor(context, request, item['id']));
      for (const job of jobs) world.checkUnsuspend(job, now);
      for (const job of jobs) world.unsuspend(job, now);
      return unitBulk(context, jobs.length);
    }),

    route('GET', '/api/jobs/retrieveProducts', () => {
      const byProvider: Record<string, Json[]> = {};
      for (const product of PRODUCTS) {
        (byProvider[product.provider] ??= []).push({ product: productJson(product), support: supportJson(product) });
      }
      return ok(context, { productsByProvider: byProvider });
    }),
  ];

  // The Go backend has no retrieveUtilization: it answers 404 like any unknown path.
  if (dialect === 'kotlin') {
    list.push(
      route('GET', '/api/jobs/retrieveUtilization', (request) => {
        jobFor(context, request, request.query.get('jobId') ?? undefined);
        const now = clock.now();
        let cpu = 0;
        let memory = 0;
        let runningCount = 0;
        let pending = 0;
        for (const job of world.jobs) {
          if (job.createdAt > now) continue;
          const state = world.stateOf(job, now);
          if (state === 'IN_QUEUE') pending++;
          if (state === 'RUNNING' || state === 'CANCELING') {
            runningCount++;
            cpu += job.product.cpu * job.replicas;
            memory += job.product.memoryInGigs * job.replicas * 1024 ** 3;
          }
        }
        return ok(context, {
          capacity: { cpu: 4_096, memory: 4_096 * 6 * 1024 ** 3 },
          usedCapacity: { cpu, memory },
          queueStatus: { running: runningCount, pending },
        });
      }),
    );
  }
  return list;
}


