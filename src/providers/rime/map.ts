// RIME wire jobs → the unified job model.
import type { Capabilities, JobState, RimeJob, RimeTestBatch } from '../job.js';
import type { JobMetadata } from './wire.js';

const STATES: Readonly<Record<string, JobState>> = {
  JOB_STATUS_REQUESTED: 'PENDING',
  JOB_STATUS_PENDING: 'QUEUED',
  JOB_STATUS_RUNNING: 'RUNNING',
  JOB_STATUS_RECONCILING: 'RUNNING',
  JOB_STATUS_SUCCEEDED: 'SUCCEEDED',
  JOB_STATUS_FAILED: 'FAILED',
  JOB_STATUS_CANCELLED: 'CANCELLED',
  JOB_STATUS_UNSPECIFIED: 'UNKNOWN',
};

/**
 * Statuses known to be on their way to a final one. Only these can show a pending cancellation:
 * UNSPECIFIED and unknown statuses stay UNKNOWN, since nothing says they are not already final.
 */
export const ACTIVE_STATUSES: readonly string[] = [
  'JOB_STATUS_REQUESTED',
  'JOB_STATUS_PENDING',
  'JOB_STATUS_RUNNING',
  'JOB_STATUS_RECONCILING',
];

const FINAL_STATUSES: readonly string[] = ['JOB_STATUS_SUCCEEDED', 'JOB_STATUS_FAILED', 'JOB_STATUS_CANCELLED'];

/** The only job types CancelJob accepts. */
export const CANCELLABLE_TYPES: readonly string[] = [
  'JOB_TYPE_MODEL_STRESS_TEST',
  'JOB_TYPE_FIREWALL_BATCH_TEST',
  'JOB_TYPE_FILE_SCAN',
];

export function toJobState(status: string, cancellationRequested = false): JobState {
  if (cancellationRequested && ACTIVE_STATUSES.includes(status)) return 'CANCELLING';
  return STATES[status] ?? 'UNKNOWN';
}

/**
 * The RIME statuses a unified state can come from, for ListJobs' status filter; null when the state
 * cannot be expressed as a status set (UNKNOWN also covers statuses this code does not know).
 */
export function toRimeStatuses(state: JobState): readonly string[] | null {
  if (state === 'UNKNOWN') return null;
  if (state === 'CANCELLING') return ACTIVE_STATUSES;
  return Object.entries(STATES)
    .filter(([, mapped]) => mapped === state)
    .map(([status]) => status);
}

const TYPE_LABELS: Readonly<Record<string, string>> = {
  JOB_TYPE_MODEL_STRESS_TEST: 'Model stress test',
  JOB_TYPE_FIREWALL_BATCH_TEST: 'Firewall batch test',
  JOB_TYPE_FILE_SCAN: 'File scan',
  JOB_TYPE_IMAGE_BUILDER: 'Image builder',
  JOB_TYPE_CROSS_PLANE_TASK: 'Cross-plane task',
  JOB_TYPE_GENERATIVE_MODEL_TEST: 'Generative model test',
  JOB_TYPE_UNSPECIFIED: 'Job',
};

/** `JOB_TYPE_SOMETHING_NEW` → "Something new"; a bare enum number → "Job". */
function humanize(value: string, prefix: string): string | null {
  if (!value.startsWith(prefix)) return null;
  const words = value.slice(prefix.length).toLowerCase().replace(/_/g, ' ').trim();
  return words === '' ? null : words.charAt(0).toUpperCase() + words.slice(1);
}

/** RIME jobs have no name: "Model stress test 3f2a9c1e" (readable type + short id). */
export function jobName(jobType: string, jobId: string): string {
  const label = TYPE_LABELS[jobType] ?? humanize(jobType, 'JOB_TYPE_') ?? 'Job';
  return `${label} ${jobId.slice(0, 8)}`;
}

const TERMINATION_TEXTS: Readonly<Record<string, string | null>> = {
  TERMINATION_REASON_UNSPECIFIED: null,
  TERMINATION_REASON_NOT_TERMINATED: null,
  TERMINATION_REASON_COMPLETED: null,
  TERMINATION_REASON_OOMKILLED: 'The job was terminated for using more memory than the amount assigned to the job.',
  TERMINATION_REASON_GENERIC_ERROR: 'The job failed with an error (typically a user error).',
  TERMINATION_REASON_INTERNAL_ERROR: 'The job failed with a system error. Contact the support team.',
};

export function terminationText(reason: string): string | null {
  if (reason in TERMINATION_TEXTS) return TERMINATION_TEXTS[reason] ?? null;
  const words = humanize(reason, 'TERMINATION_REASON_');
  return words === null ? null : `Terminated: ${words.toLowerCase()}`;
}

export function capabilities(wire: JobMetadata): Capabilities {
  const cancel =
    CANCELLABLE_TYPES.includes(wire.jobType) && ACTIVE_STATUSES.includes(wire.status) && !wire.cancellationRequested;
  return { cancel, extend: false, suspend: false, resume: false, logs: true };
}

/**
 * The running time the backend reported. proto3 cannot tell 0 from "not set", and grpc-gateway
 * either omits it or writes 0, so both read as not reported.
 */
function reportedRunningTime(wire: JobMetadata): number | null {
  return wire.runningTimeSecs ? wire.runningTimeSecs : null;
}

function finishedAt(wire: JobMetadata): Date | null {
  if (wire.completionTime) return wire.completionTime;
  // Releases before `completionTime` only say when the job started and how long it ran.
  const seconds = reportedRunningTime(wire);
  if (FINAL_STATUSES.includes(wire.status) && wire.startTime && seconds !== null) {
    return new Date(wire.startTime.getTime() + Math.round(seconds * 1000));
  }
  return null;
}

function runningTime(wire: JobMetadata, finished: Date | null): number | null {
  const seconds = reportedRunningTime(wire);
  if (seconds !== null) return seconds;
  if (wire.startTime && finished) return Math.max(0, (finished.getTime() - wire.startTime.getTime()) / 1000);
  // A job that has started but reports nothing has really run for (next to) no time yet.
  return wire.startTime ? 0 : null;
}

function testProgress(wire: JobMetadata): { status: string | null; batches: RimeTestBatch[] } {
  const stress = wire.jobData?.stress?.progress?.testRun;
  if (stress) return { status: stress.status, batches: stress.testBatches.map(toBatch) };
  const runs = (wire.jobData?.continuousInc?.progress?.testRuns ?? []).flatMap((run) => (run.testRun ? [run.testRun] : []));
  const last = runs[runs.length - 1];
  return { status: last ? last.status : null, batches: runs.flatMap((run) => run.testBatches.map(toBatch)) };
}

function toBatch(batch: { type: string | null; status: string }): RimeTestBatch {
  return { type: batch.type, status: batch.status };
}

export function toJob(wire: JobMetadata): RimeJob {
  const finished = finishedAt(wire);
  const progress = testProgress(wire);
  const stress = wire.jobData?.stress ?? null;
  const continuous = wire.jobData?.continuousInc ?? null;
  return {
    provider: 'RIME',
    providerJobId: wire.jobId,
    name: jobName(wire.jobType, wire.jobId),
    state: toJobState(wire.status, wire.cancellationRequested),
    providerState: wire.status,
    owner: null,
    project: stress?.projectId ?? null,
    createdAt: wire.creationTime,
    startedAt: wire.startTime,
    finishedAt: finished,
    runningTimeSeconds: runningTime(wire, finished),
    statusMessage: wire.errorMsg ?? terminationText(wire.terminationReason),
    capabilities: capabilities(wire),
    jobType: wire.jobType,
    terminationReason: wire.terminationReason === 'TERMINATION_REASON_UNSPECIFIED' ? null : wire.terminationReason,
    cancellationRequested: wire.cancellationRequested,
    agentId: wire.agentId,
    testRunId: stress?.testRunId ?? stress?.progress?.testRun?.testRunId ?? null,
    firewallId: continuous?.firewallId ?? null,
    continuousTestRunIds: continuous?.ctTestRunIds ?? [],
    progressText: wire.jobProgressStr,
    testRunStatus: progress.status,
    testBatches: progress.batches,
    archivedLogsUrl: wire.archivedJobLogs?.url?.url ?? null,
    archivedLogsExpireAt: wire.archivedJobLogs?.expirationTime ?? null,
  };
}
