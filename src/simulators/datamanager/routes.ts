// The Data Manager's instance and task calls over the simulated world.
import type { Drift } from '../common/drift.js';
import type { Route, SimRequest, SimResponse } from '../common/server.js';
import { JOB_APPLICATION } from './catalog.js';
import type { World } from './data.js';
import { instanceGetResponse, instanceSummary, taskGetResponse, type OutputsStyle } from './payloads.js';

export interface RouteSettings {
  /** Whom the accepted token belongs to. */
  user: string;
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

/** A Keycloak bearer token; anything else is a bare 401. */
export function authenticate(token: string): (request: SimRequest) => SimResponse | null {
  return (request) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match && match[1] === token ? null : bare(401);
  };
}

function wholeNumber(value: string | null, min: number): number | null | undefined {
  if (value === null) return undefined;
  return /^\d+$/.test(value) && Number(value) >= min ? Number(value) : null;
}

export function routes(world: World, settings: RouteSettings): Route[] {
  const notFound = (id: string) => fail(404, `Instance ${id} does not exist`);
  return [
    {
      method: 'GET',
      pattern: '/instance',
      handler: ({ query }) => {
        const project = query.get('project_id');
        const unit = query.get('unit_id');
        const org = query.get('org_id');
        const instances = world
          .visible()
          .filter((i) => (!project || i.project.id === project) && (!unit || i.project.unitId === unit) && (!org || i.project.orgId === org))
          .map((i) => instanceSummary(world, i, settings.outputs, settings.drift));
        return { status: 200, json: { count: instances.length, instances } };
      },
    },
    {
      method: 'GET',
      pattern: '/instance/:id',
      handler: ({ params }) => {
        const instance = world.find(params.id ?? '');
        return instance ? { status: 200, json: instanceGetResponse(world, instance, settings.outputs, settings.drift) } : notFound(params.id ?? '');
      },
    },
    {
      method: 'DELETE',
      pattern: '/instance/:id',
      handler: ({ params }) => {
        const instance = world.find(params.id ?? '');
        if (!instance) return notFound(params.id ?? '');
        const outcome = world.requestDelete(instance, settings.user);
        return outcome.ok ? { status: 200, json: { task_id: outcome.value.id } } : fail(outcome.status, outcome.error);
      },
    },
    {
      method: 'GET',
      pattern: '/task/:id',
      handler: ({ params, query }) => {
        const task = world.task(params.id ?? '');
        if (!task) return fail(404, `Task ${params.id ?? ''} does not exist`);
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
  const outcome = world.launch({ applicationId, projectId, name, specification }, settings.user);
  if (!outcome.ok) return fail(outcome.status, outcome.error);
  return { status: 201, json: { instance_id: outcome.value.id, task_id: outcome.value.createTaskId } };
}
