// The Data Manager's instance and task calls over the simulated world.
import type { Drift } from '../common/drift.js';
import type { Route, SimRequest, SimResponse } from '../common/server.js';
import { JOB_APPLICATION } from './catalog.js';
import type { SimInstance, World } from './data.js';
import { instanceGetResponse, instanceSummary, taskGetResponse, type OutputsStyle } from './payloads.js';
import type { Caller, DmAccess, ForeignJobs } from './people.js';

export interface RouteSettings {
  /** Whose token it is, and what each caller may see. */
  access: DmAccess;
  /** How an instance (or task) the caller may not see is answered. */
  foreignJobs: ForeignJobs;
  outputs: OutputsStyle;
  drift: Drift;
}

const DEFAULT_EVENT_LIMIT = 500;

/** `{"error": ...}`, except where the real service answers with no body at all. */
export function errorBody(status: number, message: string): unknown {
  return status === 401 ? null : { error: message };
}

const fail = (status: number, message: string): SimResponse => ({ status, json: errorBody(status, message) });
/** 401, and 400 on launch, come without a body. */
const bare = (status: number): SimResponse => ({ status, text: '' });

/** A Keycloak bearer token the service knows (the service's or a person's); anything else is a bare 401. */
export function authenticate(access: DmAccess): (request: SimRequest) => SimResponse | null {
  return (request) => (access.caller(request) ? null : bare(401));
}

function wholeNumber(value: string | null, min: number): number | null | undefined {
  if (value === null) return undefined;
  return /^\d+$/.test(value) && Number(value) >= min ? Number(value) : null;
}

export function routes(world: World, settings: RouteSettings): Route[] {
  const { access } = settings;
  const notFound = (id: string) => fail(404, `Instance ${id} does not exist`);
  // Authentication ran first, so every request reaching a handler has a known caller.
  const callerOf = (request: SimRequest): Caller => access.caller(request) as Caller;
  /** An instance the caller may act on, or the answer for one that is unknown or not theirs to see. */
  const lookup = (request: SimRequest): { instance: SimInstance; caller: Caller } | SimResponse => {
    const id = request.params.id ?? '';
    const instance = world.find(id);
    const caller = callerOf(request);
    if (!instance) return notFound(id);
    if (access.sees(caller, instance)) return { instance, caller };
    return settings.foreignJobs === 'forbidden' ? fail(403, `You are not a member of the Project of Instance ${id}`) : notFound(id);
  };
  return [
    {
      method: 'GET',
      pattern: '/instance',
      handler: (request) => {
        const { query } = request;
        const caller = callerOf(request);
        const project = query.get('project_id');
        const unit = query.get('unit_id');
        const org = query.get('org_id');
        const instances = world
          .visible()
          .filter((i) => access.sees(caller, i))
          .filter((i) => (!project || i.project.id === project) && (!unit || i.project.unitId === unit) && (!org || i.project.orgId === org))
          .map((i) => instanceSummary(world, i, settings.outputs, settings.drift));
        return { status: 200, json: { count: instances.length, instances } };
      },
    },
    {
      method: 'GET',
      pattern: '/instance/:id',
      handler: (request) => {
        const found = lookup(request);
        return 'instance' in found ? { status: 200, json: instanceGetResponse(world, found.instance, settings.outputs, settings.drift) } : found;
      },
    },
    {
      method: 'DELETE',
      pattern: '/instance/:id',
      handler: (request) => {
        const found = lookup(request);
        if (!('instance' in found)) return found;
        // A project member sees a colleague's instance but, as for the service, only its owner may stop it.
        const outcome = world.requestDelete(found.instance, access.userOf(found.caller));
        return outcome.ok ? { status: 200, json: { task_id: outcome.value.id } } : fail(outcome.status, outcome.error);
      },
    },
    {
      method: 'GET',
      pattern: '/task/:id',
      handler: (request) => {
        const { params, query } = request;
        const task = world.task(params.id ?? '');
        if (!task) return fail(404, `Task ${params.id ?? ''} does not exist`);
        // Tasks outlive their instance, and so does who may read them.
        if (!access.sees(callerOf(request), task.instance)) {
          return settings.foreignJobs === 'forbidden'
            ? fail(403, `You are not a member of the Project of Task ${params.id ?? ''}`)
            : fail(404, `Task ${params.id ?? ''} does not exist`);
        }
        const limit = wholeNumber(query.get('event_limit'), 1);
        const prior = wholeNumber(query.get('event_prior_ordinal'), 0);
        if (limit === null) return fail(400, 'event_limit must be a positive integer');
        if (prior === null) return fail(400, 'event_prior_ordinal must be a non-negative integer');
        return { status: 200, json: taskGetResponse(world, task, limit ?? DEFAULT_EVENT_LIMIT, prior ?? 0) };
      },
    },
    {
      method: 'POST',
      pattern: '/instance',
      handler: (request) => launch(world, settings, request),
    },
  ];
}

function launch(world: World, settings: RouteSettings, request: SimRequest): SimResponse {
  const type = String(request.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return bare(400);
  const form = new URLSearchParams(request.rawBody);
  const applicationId = form.get('application_id');
  const projectId = form.get('project_id');
  const name = form.get('as_name');
  const text = form.get('specification');
  // A job is nothing without its specification: that field is required for the job application.
  if (!applicationId || !projectId || !name || (applicationId === JOB_APPLICATION.id && !text)) return bare(400);
  let specification: Record<string, unknown> | null = null;
  if (text) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail(400, 'The specification is not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail(400, 'The specification must be a JSON object');
    specification = parsed as Record<string, unknown>;
  }
  // Whoever launches owns the instance: a person's launch is theirs alone (and their project's).
  const outcome = world.launch({ applicationId, projectId, name, specification }, settings.access.userOf(settings.access.caller(request) as Caller));
  if (!outcome.ok) return fail(outcome.status, outcome.error);
  return { status: 201, json: { instance_id: outcome.value.id, task_id: outcome.value.createTaskId } };
}
