// Zod schemas of RIME's JobReader API (grpc-gateway JSON of `ri/api/jobs/job_reader.proto`).
//
// grpc-gateway either omits default values (`""`, `false`, `0`, `[]`, enum zero, unset messages) or,
// with `EmitUnpopulated`, sends them explicitly (unset messages as `null`). Both spellings must read
// the same, so every field is optional, nullable, and defaulted here to its proto3 default.
import { z } from 'zod';
import { tolerant, tolerantAnswer, tolerantList } from '../tolerance.js';
import { looseBoolean, looseNumber, nullish, timestamp } from '../zod.js';

/**
 * A proto enum as grpc-gateway writes it: the value's full name, or its number when the server's
 * descriptor does not know it (protojson's fallback). Unknown names stay plain strings.
 */
export const protoEnum = z.union([z.string(), z.number().int().transform(String)]);

/** An enum field whose absence means the enum's zero value. */
function enumField(zero: string) {
  return protoEnum
    .nullish()
    .transform((value) => (value === null || value === undefined || value === '' ? zero : value));
}

/** A string field whose absence (or `""`, the proto default) reads as null. */
const text = z
  .string()
  .nullish()
  .transform((value) => (value === null || value === undefined || value === '' ? null : value));

const flag = looseBoolean
  .nullish()
  .transform((value) => value ?? false);

function repeated<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((value): z.output<T>[] => value ?? []);
}

/**
 * Any RIME object id. The swagger types some as plain strings (`jobId`, `firewallId`, `testRunId`)
 * and others as `rimeUUID` (`{"uuid": "..."}`); newer releases wrap more of them. Every id is read in
 * both forms, as the plain string (null when empty).
 */
export const rimeId = z
  .union([z.string(), z.object({ uuid: z.string().nullish() })])
  .nullish()
  .transform((value): string | null => {
    const id = typeof value === 'string' ? value : (value?.uuid ?? null);
    return id === null || id === '' ? null : id;
  });

/** A job's own id, in either form: without one a job cannot be addressed at all. */
const jobIdentifier = z.union([z.string().min(1), z.object({ uuid: z.string().min(1) }).transform((wrapped) => wrapped.uuid)]);

export const JOB_STATUSES = [
  'JOB_STATUS_UNSPECIFIED',
  'JOB_STATUS_REQUESTED',
  'JOB_STATUS_PENDING',
  'JOB_STATUS_RUNNING',
  'JOB_STATUS_SUCCEEDED',
  'JOB_STATUS_FAILED',
  'JOB_STATUS_CANCELLED',
  'JOB_STATUS_RECONCILING',
] as const;

export const JOB_TYPES = [
  'JOB_TYPE_UNSPECIFIED',
  'JOB_TYPE_MODEL_STRESS_TEST',
  'JOB_TYPE_FIREWALL_BATCH_TEST',
  'JOB_TYPE_FILE_SCAN',
  'JOB_TYPE_IMAGE_BUILDER',
  'JOB_TYPE_CROSS_PLANE_TASK',
  'JOB_TYPE_GENERATIVE_MODEL_TEST',
] as const;

export const JOB_VIEWS = ['JOB_VIEW_UNSPECIFIED', 'JOB_VIEW_BASIC', 'JOB_VIEW_FULL'] as const;
export type JobView = (typeof JOB_VIEWS)[number];

/** `TestRunProgressTestBatchProgress`. */
export const testBatchProgress = z.object({
  type: text,
  status: enumField('TEST_TASK_STATUS_UNSPECIFIED'),
});

/** `rimeTestRunProgress`. */
export const testRunProgress = z.object({
  testRunId: rimeId,
  status: enumField('TEST_TASK_STATUS_UNSPECIFIED'),
  testBatches: repeated(testBatchProgress),
});

/** `rimeJobDataStressTest`. */
export const stressTestData = z.object({
  projectId: rimeId,
  testRunId: rimeId,
  progress: nullish(z.object({ testRun: nullish(testRunProgress) })),
});

/** `rimeContinuousTestRunProgress`. */
export const continuousTestRunProgress = z.object({
  testRun: nullish(testRunProgress),
  binStartTime: nullish(timestamp),
  binEndTime: nullish(timestamp),
});

/** `rimeJobDataContinuousIncrementalTest`. */
export const continuousTestData = z.object({
  firewallId: rimeId,
  ctTestRunIds: repeated(rimeId).transform((ids) => ids.filter((id): id is string => id !== null)),
  progress: nullish(z.object({ testRuns: repeated(continuousTestRunProgress) })),
});

/** `rimeJobData`: a oneof, so at most one member is present. */
export const jobData = z.object({
  stress: nullish(stressTestData),
  continuousInc: nullish(continuousTestData),
  fileScan: nullish(z.object({})),
});

/** `rimeArchivedJobLogs`. */
export const archivedJobLogs = z.object({
  url: nullish(z.object({ url: text })),
  expirationTime: nullish(timestamp),
});

/**
 * `rimeJobMetadata` (plus `completionTime` and `errorMsg` of newer releases). Its identity is the
 * job id and creation time; every other field reads leniently (see `tolerance.ts`).
 */
export const jobMetadataFields = z.object({
  jobId: jobIdentifier,
  jobType: enumField('JOB_TYPE_UNSPECIFIED'),
  status: enumField('JOB_STATUS_UNSPECIFIED'),
  terminationReason: enumField('TERMINATION_REASON_UNSPECIFIED'),
  startTime: nullish(timestamp),
  creationTime: timestamp,
  completionTime: nullish(timestamp),
  runningTimeSecs: nullish(looseNumber),
  jobData: nullish(jobData),
  jobProgressStr: text,
  cancellationRequested: flag,
  agentId: rimeId,
  archivedJobLogs: nullish(archivedJobLogs),
  errorMsg: text,
});
const JOB_READING = { provider: 'RIME', name: 'JobMetadata', identity: ['jobId', 'creationTime'] } as const;
// Read whole on every refresh of a kept listing: unchanged jobs are not read again (item-memo.ts).
export const jobMetadata = tolerant(jobMetadataFields, JOB_READING, { memo: true });
export type JobMetadata = z.output<typeof jobMetadataFields>;

/**
 * `rimeListJobsResponse`; an empty last page may be just `{}`. The page token is part of the
 * envelope: one that cannot be read would end the listing early, so it fails the page.
 */
export const listJobsResponse = tolerantAnswer(
  { jobs: tolerantList(jobMetadata, JOB_READING, { optional: true }), nextPageToken: text, hasMore: flag },
  'jobs',
  { provider: 'RIME', name: 'ListJobsResponse', identity: ['nextPageToken', 'hasMore'] },
);
export type ListJobsResponse = z.output<typeof listJobsResponse>;

/** `rimeGetJobResponse`. */
export const getJobResponse = z.object({ job: jobMetadata });

/** `rimeCancelJobResponse`: `{}` (an empty body is accepted too). */
export const cancelJobResponse = z.object({}).nullish();

/** `rimeGetProjectIDResponse`. */
export const getProjectIdResponse = z.object({ projectId: rimeId });
export type GetProjectIdResponse = z.output<typeof getProjectIdResponse>;

/** `rimeGetTestRunIDResponse`. */
export const getTestRunIdResponse = z.object({ testRunId: rimeId });
export type GetTestRunIdResponse = z.output<typeof getTestRunIdResponse>;

/** `googlerpcStatus`; grpc-gateway v1 also wrote the message as `error`. */
export const rpcStatus = z.object({
  code: nullish(looseNumber),
  message: text,
  error: text,
  details: repeated(z.object({ '@type': text }).loose()),
});

const GRPC_CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

/** `INVALID_ARGUMENT: job type ... cannot be cancelled`, from an error body; undefined if none. */
export function rpcStatusMessage(body: unknown): string | undefined {
  const parsed = rpcStatus.safeParse(body);
  if (!parsed.success) return undefined;
  const { code, message, error } = parsed.data;
  const text = message ?? error;
  const name = code === null ? undefined : (GRPC_CODE_NAMES[code] ?? `code ${code}`);
  if (text === null) return name;
  return name === undefined ? text : `${name}: ${text}`;
}
