// The Data Manager's JSON, as its Python service writes it: optional fields left out when they do
// not apply, naive UTC timestamps, `str(timedelta)` run times, JSON-in-a-string specifications.
import type { Drift } from '../common/drift.js';
import type { SimEvent, SimInstance, SimTask, World } from './data.js';
import { isoformat, timedelta } from './format.js';

/** The seed's client has `outputs` as a JSON string; newer releases send the object. */
export type OutputsStyle = 'string' | 'object';

/** The public address an application serves once it has started. */
const APP_HOST = 'https://squonk.example.org';

function coins(world: World, instance: SimInstance): string {
  return ((world.runMs(instance) / 3_600_000) * instance.rate).toFixed(2);
}

/** Every field of an instance except `id` (which the single-instance answer lacks). */
function instanceBody(world: World, instance: SimInstance, outputs: OutputsStyle): Record<string, unknown> {
  const phase = world.phase(instance).state;
  const started = world.startedAt(instance);
  const stopped = world.stoppedAt(instance);
  const error = world.errorMessage(instance);
  const body: Record<string, unknown> = {
    name: instance.name,
    owner: instance.owner,
    project_id: instance.project.id,
    application_id: instance.applicationId,
    application_version: instance.applicationVersion,
    application_type: instance.type,
    phase,
    archived: instance.archived,
    launched: isoformat(instance.launchedAt, instance.launchedMicros),
    run_time: timedelta(world.runMs(instance)),
    application_specification: JSON.stringify(instance.specification),
    coins: coins(world, instance),
  };
  if (started !== null) body.started = isoformat(started);
  if (stopped !== null) body.stopped = isoformat(stopped);
  if (instance.type === 'APPLICATION' && started !== null) body.url = `${APP_HOST}/${instance.applicationId.split('.')[0]}/${instance.id}/`;
  if (instance.authorisationCode !== null) body.authorisation_code = instance.authorisationCode;
  if (error !== null) body.error_message = error;
  if (instance.fixPermissions !== null) body.fix_permissions = instance.fixPermissions;
  if (instance.job) {
    body.job_collection = instance.job.collection;
    body.job_job = instance.job.job;
    body.job_name = instance.job.name;
    body.job_version = instance.jobVersion;
    body.job_id = instance.job.id;
    body.job_image_type = instance.job.imageType;
    body.outputs = outputs === 'string' ? JSON.stringify(instance.job.outputs) : instance.job.outputs;
  }
  return body;
}

/** One entry of `GET /instance`. */
export function instanceSummary(world: World, instance: SimInstance, outputs: OutputsStyle, drift: Drift): Record<string, unknown> {
  return drift.apply(instance.id, { id: instance.id, ...instanceBody(world, instance, outputs) });
}

/** `GET /instance/{id}`: no `id`; the tasks and accounting extras instead. */
export function instanceGetResponse(world: World, instance: SimInstance, outputs: OutputsStyle, drift: Drift): Record<string, unknown> {
  return drift.apply(instance.id, {
    ...instanceBody(world, instance, outputs),
    tasks: world.tasksOf(instance).map((task) => ({ id: task.id, purpose: task.purpose })),
    has_valid_callback_token: false,
    cost: coins(world, instance),
    launch_exchange_rate: String(instance.rate),
  });
}

export function taskEvent(event: SimEvent): Record<string, unknown> {
  return { ordinal: event.ordinal, message: event.message, level: event.level, time: isoformat(event.time, event.micros) };
}

/** `GET /task/{id}`: events after `priorOrdinal`, at most `limit` of them, oldest first. */
export function taskGetResponse(world: World, task: SimTask, limit: number, priorOrdinal: number): Record<string, unknown> {
  const { done, exitCode } = world.taskOutcome(task);
  return {
    purpose: 'INSTANCE',
    purpose_id: task.instance.id,
    created: isoformat(world.taskCreatedAt(task)),
    done,
    ...(exitCode === null ? {} : { exit_code: exitCode }),
    removal: task.purpose === 'DELETE',
    states: world.taskStates(task).map((s) => ({ state: s.state, ...(s.message === null ? {} : { message: s.message }), time: isoformat(s.time) })),
    events: world
      .events(task)
      .filter((event) => event.ordinal > priorOrdinal)
      .slice(0, limit)
      .map(taskEvent),
  };
}
