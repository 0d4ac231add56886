// Data Manager instance → unified job.
import { isTerminal, type Capabilities, type DataManagerInstance, type JobState } from '../job.js';
import { parseTimedelta } from '../zod.js';
import type { InstanceGetResponse, InstanceSummary } from './wire.js';

const STATES: Readonly<Record<string, JobState>> = {
  PENDING: 'QUEUED',
  IMAGE_PULL_BACKOFF: 'QUEUED',
  RUNNING: 'RUNNING',
  CRASH_LOOP_BACKOFF: 'RUNNING',
  COMPLETED: 'SUCCEEDED',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  UNKNOWN: 'UNKNOWN',
};

export function toJobState(phase: string): JobState {
  return Object.hasOwn(STATES, phase) ? (STATES[phase] as JobState) : 'UNKNOWN';
}

/** Any instance can be deleted; the gateway offers it as a cancel only while the instance still runs. */
export function capabilities(state: JobState): Capabilities {
  return { cancel: !isTerminal(state) && state !== 'CANCELLING', extend: false, suspend: false, resume: false, logs: true };
}

/** A DELETE task on the instance: its deletion is under way (only the single-instance get lists tasks). */
export function hasDeleteTask(wire: InstanceSummary | InstanceGetResponse): boolean {
  return 'tasks' in wire && wire.tasks.some((task) => task.purpose === 'DELETE');
}

/**
 * The instance's state. A deleted instance keeps its phase until it disappears, so a deletion
 * known to be under way (`deleting`, or a DELETE task in a get answer) is what makes it CANCELLING.
 */
function stateOf(wire: InstanceSummary | InstanceGetResponse, deleting: boolean): JobState {
  const state = toJobState(wire.phase);
  return (deleting || hasDeleteTask(wire)) && !isTerminal(state) ? 'CANCELLING' : state;
}

function runningTimeSeconds(runTime: string, started: Date | null, stopped: Date | null): number | null {
  // A bare number is seconds: a serialiser that stopped printing timedeltas.
  const reported = parseTimedelta(runTime) ?? (/^\d+(\.\d+)?$/.test(runTime) ? Number(runTime) : null);
  if (reported !== null) return reported;
  return started && stopped ? Math.max(0, (stopped.getTime() - started.getTime()) / 1000) : null;
}

/**
 * A list entry carries its id; a single-instance answer does not, so the caller passes the one it
 * asked for. `deleting`: the provider knows the instance's deletion is under way (a list entry
 * cannot show it).
 */
export function toJob(wire: InstanceSummary, instanceId?: undefined, deleting?: boolean): DataManagerInstance;
export function toJob(wire: InstanceGetResponse, instanceId: string, deleting?: boolean): DataManagerInstance;
export function toJob(wire: InstanceSummary | InstanceGetResponse, instanceId?: string, deleting = false): DataManagerInstance {
  const id = instanceId ?? ('id' in wire ? wire.id : '');
  const state = stateOf(wire, deleting);
  return {
    provider: 'DATA_MANAGER',
    providerJobId: id,
    name: wire.name,
    state,
    providerState: wire.phase,
    owner: wire.owner,
    project: wire.project_id,
    createdAt: wire.launched,
    startedAt: wire.started,
    finishedAt: wire.stopped,
    runningTimeSeconds: runningTimeSeconds(wire.run_time, wire.started, wire.stopped),
    statusMessage: wire.error_message,
    capabilities: capabilities(state),
    applicationId: wire.application_id,
    applicationVersion: wire.application_version,
    applicationType: wire.application_type,
    archived: wire.archived,
    coins: wire.coins,
    url: wire.url,
    outputs: wire.outputs,
    applicationSpecification: wire.application_specification,
    runTime: wire.run_time,
    jobCollection: wire.job_collection,
    jobJob: wire.job_job,
    jobName: wire.job_name,
    jobVersion: wire.job_version,
    jobDefinitionId: wire.job_id,
    jobImageType: wire.job_image_type,
    fixPermissions: wire.fix_permissions,
    taskIds: 'tasks' in wire ? wire.tasks.map((task) => task.id) : null,
  };
}
