import { PROVIDER_ERROR_CODES } from '../providers/errors.js';
import { JOB_STATES, JOB_PROVIDERS, type JobState, type JobProvider } from '../providers/job.js';
import { builder } from './builder.js';

/** An enum from a list of values, each with the description introspection tools show. */
export function describedEnum<const V extends string>(name: string, description: string, values: readonly V[], descriptions: Record<V, string>) {
  return builder.enumType(name, {
    description,
    values: Object.fromEntries(values.map((value) => [value, { value, description: descriptions[value] }])) as Record<V, { value: V; description: string }>,
  });
}

const PROVIDER_DESCRIPTIONS: Record<JobProvider, string> = {
  UCLOUD: 'UCloud: HPC and cloud jobs (`UCloudJob`).',
  RIME: 'RIME (Robust Intelligence): model stress tests, continuous tests and scans (`RimeJob`).',
  DATA_MANAGER: 'Squonk Data Manager: application and job instances (`DataManagerInstance`).',
  GPU: 'The GPU compute cloud: containerised GPU jobs (`GpuJob`).',
};

export const JobProviderEnum = describedEnum('JobProvider', 'The backend a job lives on.', JOB_PROVIDERS, PROVIDER_DESCRIPTIONS);

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

export const JobStateEnum = describedEnum(
  'JobState',
  'The unified state of a job across every backend. `providerState` keeps the backend\'s own word.',
  JOB_STATES,
  STATE_DESCRIPTIONS,
);

const ERROR_DESCRIPTIONS: Record<(typeof PROVIDER_ERROR_CODES)[number], string> = {
  UNAVAILABLE: 'The backend could not be reached, answered 5xx, or kept rate-limiting past the deadline.',
  TIMEOUT: 'The backend did not answer within the upstream deadline (`UPSTREAM_TIMEOUT_MS`).',
  UNAUTHENTICATED: 'The backend rejected the credentials it was called with (HTTP 401), or it takes each caller\'s own and this request sent none.',
  FORBIDDEN: 'The backend refused the operation to the credentials it was called with (HTTP 403).',
  NOT_FOUND: 'The backend does not know the requested object (HTTP 404).',
  BAD_RESPONSE: 'The backend answered with something that is not the documented payload.',
  REJECTED: 'The backend refused the request (another 4xx); the message carries its reason.',
};

export const ProviderErrorCodeEnum = describedEnum('ProviderErrorCode', 'Why a backend call failed.', PROVIDER_ERROR_CODES, ERROR_DESCRIPTIONS);

export const CredentialModeEnum = describedEnum('CredentialMode', 'Whose credential a backend is called with (`<BACKEND>_CREDENTIALS`).', ['SERVICE', 'FORWARD'] as const, {
  SERVICE: 'The gateway\'s own, for every caller.',
  FORWARD: 'Each caller\'s own, sent with the request (headers, or the graphql-ws `connection_init` payload): each caller sees exactly what the backend lets them.',
});
