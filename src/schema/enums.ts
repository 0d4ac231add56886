import { UPSTREAM_ERROR_CODES } from '../providers/errors.js';
import { JOB_STATES, PROVIDER_IDS, type JobState, type ProviderId } from '../providers/job.js';
import { builder } from './builder.js';

const PROVIDER_DESCRIPTIONS: Record<ProviderId, string> = {
  UCLOUD: 'UCloud: HPC and cloud jobs (`UCloudJob`).',
  RIME: 'RIME (Robust Intelligence): model stress tests, continuous tests and scans (`RimeJob`).',
  DATA_MANAGER: 'Squonk Data Manager: application and job instances (`DataManagerInstance`).',
  GPU: 'The GPU compute cloud: containerised GPU jobs (`GpuJob`).',
};

export const JobProviderEnum = builder.enumType('JobProvider', {
  description: 'The backend a job lives on.',
  values: Object.fromEntries(PROVIDER_IDS.map((id) => [id, { value: id, description: PROVIDER_DESCRIPTIONS[id] }])) as Record<
    ProviderId,
    { value: ProviderId; description: string }
  >,
});

const STATE_DESCRIPTIONS: Record<JobState, string> = {
  PENDING: 'Accepted, but no resources requested or allocated yet (RIME REQUESTED).',
  QUEUED: 'Waiting for resources or being prepared (UCloud IN_QUEUE, GPU PENDING/ASSIGNED, Data Manager PENDING).',
  RUNNING: 'Running.',
  SUSPENDED: 'Paused by its owner; can be resumed (UCloud).',
  CANCELLING: 'Cancellation requested; the job has not stopped yet.',
  SUCCEEDED: 'Ended without a scheduler or platform error. Terminal. (A UCloud job whose program exits non-zero still ends here.)',
  FAILED: 'Ended with an error. Terminal.',
  CANCELLED: 'Ended because it was cancelled. Terminal.',
  EXPIRED: 'Ended because its time allocation ran out (UCloud). Terminal.',
  UNKNOWN: 'The backend reported a state this gateway does not know; see `providerState`.',
};

export const JobStateEnum = builder.enumType('JobState', {
  description: 'The unified state of a job across every backend. `providerState` keeps the backend\'s own word.',
  values: Object.fromEntries(JOB_STATES.map((state) => [state, { value: state, description: STATE_DESCRIPTIONS[state] }])) as Record<
    JobState,
    { value: JobState; description: string }
  >,
});

const ERROR_DESCRIPTIONS: Record<(typeof UPSTREAM_ERROR_CODES)[number], string> = {
  UNAVAILABLE: 'The backend could not be reached, answered 5xx, or kept rate-limiting past the deadline.',
  TIMEOUT: 'The backend did not answer within the upstream deadline (`UPSTREAM_TIMEOUT_MS`).',
  UNAUTHENTICATED: 'The backend rejected the gateway\'s credentials (HTTP 401).',
  FORBIDDEN: 'The backend refused the operation to the gateway\'s credentials (HTTP 403).',
  NOT_FOUND: 'The backend does not know the requested object (HTTP 404).',
  BAD_RESPONSE: 'The backend answered with something that is not the documented payload.',
  REJECTED: 'The backend refused the request (another 4xx); the message carries its reason.',
};

export const ProviderErrorCodeEnum = builder.enumType('ProviderErrorCode', {
  description: 'Why a backend call failed.',
  values: Object.fromEntries(UPSTREAM_ERROR_CODES.map((code) => [code, { value: code, description: ERROR_DESCRIPTIONS[code] }])) as Record<
    (typeof UPSTREAM_ERROR_CODES)[number],
    { value: (typeof UPSTREAM_ERROR_CODES)[number]; description: string }
  >,
});
