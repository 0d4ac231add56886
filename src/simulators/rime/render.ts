// grpc-gateway's JSON for the simulated jobs. Messages are first built "proto-complete" (every
// field present: defaults as "", false, 0, [], the enum's zero name; unset messages as null; only
// the set member of a oneof), then marshalled the way the gateway's marshaler is configured.
import { FINAL_STATUSES, type View } from './catalog.js';
import type { SimJob } from './plan.js';
import { progressAt, type ProgressState, type TestRunState } from './progress.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ARCHIVE_RETENTION_MS = 30 * 86_400_000;

/** protojson's Timestamp: RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits. */
export function protoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function isDefault(value: Json): boolean {
  if (value === null || value === '' || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  // Enum zero values are named `*_UNSPECIFIED` throughout RIME's protos.
  return typeof value === 'string' && value.endsWith('_UNSPECIFIED');
}

/**
 * Without `emitUnpopulated` (grpc-gateway v1 and `EmitUnpopulated: false`) default-valued fields
 * and unset messages are left out; set-but-empty messages stay as `{}`.
 */
export function marshal(value: Json, emitUnpopulated: boolean): Json {
  if (emitUnpopulated) return value;
  if (Array.isArray(value)) return value.map((item) => marshal(item, false));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, inner] of Object.entries(value)) {
      if (!isDefault(inner)) out[key] = marshal(inner, false);
    }
    return out;
  }
  return value;
}

function testRunProgress(run: TestRunState): Json {
  return {
    testRunId: run.testRunId,
    status: run.status,
    testBatches: run.batches.map((batch) => ({ type: batch.type, status: batch.status })),
  };
}

function jobData(job: SimJob, progress: ProgressState, full: boolean, projectId: string | null): Json {
  switch (job.jobType) {
    case 'JOB_TYPE_MODEL_STRESS_TEST': {
      const run = progress.testRuns[0];
      return {
        stress: {
          projectId: projectId === null ? null : { uuid: projectId },
          testRunId: run ? run.testRunId : '',
          progress: full && run ? { testRun: testRunProgress(run) } : null,
        },
      };
    }
    case 'JOB_TYPE_FIREWALL_BATCH_TEST':
      return {
        continuousInc: {
          firewallId: job.firewallId ?? '',
          ctTestRunIds: progress.testRuns.map((run) => run.testRunId),
          progress: full
            ? {
                testRuns: progress.testRuns.map((run) => ({
                  testRun: testRunProgress(run),
                  binStartTime: run.binStart === null ? null : protoTimestamp(run.binStart),
                  binEndTime: run.binEnd === null ? null : protoTimestamp(run.binEnd),
                })),
              }
            : null,
        },
      };
    case 'JOB_TYPE_FILE_SCAN':
      return { fileScan: {} };
    default:
      return null;
  }
}

/**
 * `rimeJobMetadata` of `job` as it is at `t`, proto-complete; `projectId` as the caller reads it
 * (default: the seeded one, the service key's view).
 */
export function jobMetadata(job: SimJob, t: number, view: View, workspaceUrl: string, projectId: string | null = job.projectId): Json {
  const full = view === 'JOB_VIEW_FULL';
  const phase = job.timeline.at(t);
  const status = phase.state;
  const startedAt = job.timeline.firstTime(['JOB_STATUS_RUNNING'], t);
  const finalAt = job.timeline.firstTime(FINAL_STATUSES, t);
  const failed = status === 'JOB_STATUS_FAILED';
  let terminationReason: string = 'TERMINATION_REASON_UNSPECIFIED';
  if (failed && job.failure) terminationReason = job.failure.reason;
  else if (job.newerRelease && status === 'JOB_STATUS_SUCCEEDED') terminationReason = 'TERMINATION_REASON_COMPLETED';
  else if (job.newerRelease && finalAt === null && status !== 'JOB_STATUS_UNSPECIFIED') {
    terminationReason = 'TERMINATION_REASON_NOT_TERMINATED';
  }
  const progress = progressAt(job, t);
  const archived = finalAt !== null && startedAt !== null && finalAt + ARCHIVE_RETENTION_MS > t;
  return {
    jobId: job.jobId,
    terminationReason,
    jobType: job.jobType,
    status,
    startTime: startedAt === null ? null : protoTimestamp(startedAt),
    creationTime: protoTimestamp(job.createdAt),
    runningTimeSecs: startedAt === null ? 0 : ((finalAt ?? t) - startedAt) / 1000,
    jobData: jobData(job, progress, full, projectId),
    jobProgressStr: full ? (progress.text ?? '') : '',
    cancellationRequested: job.cancelRequestedAt !== null && job.cancelRequestedAt <= t,
    agentId: { uuid: job.agentId },
    archivedJobLogs: archived
      ? {
          url: { url: `${workspaceUrl}/jobs/${job.jobId}/logs/archive.tar.gz` },
          expirationTime: protoTimestamp(finalAt + ARCHIVE_RETENTION_MS),
        }
      : null,
    completionTime: job.newerRelease && finalAt !== null ? protoTimestamp(finalAt) : null,
    errorMsg: job.newerRelease && failed && job.failure ? job.failure.message : '',
  };
}

export type { Json };
