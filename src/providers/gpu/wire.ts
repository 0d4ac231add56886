// Wire payloads of the GPU compute API (upstreams/gpu.md, seeds/004). The seed marks most job fields
// nullable and some optional; both read as null. Unknown keys are dropped, unknown statuses kept.
import { z } from 'zod';
import { tolerant, tolerantAnswer, tolerantList } from '../tolerance.js';
import { looseNumber, nullish, openEnum, timestamp } from '../zod.js';

/** Documented job statuses (`CANCELLING` comes from the monitoring docs); others may appear. */
export const GPU_JOB_STATUSES = ['PENDING', 'ASSIGNED', 'RUNNING', 'CANCELLING', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;

/** Counts, sizes and durations: a JSON number or a decimal string. */
const number = looseNumber;

/** An open-set string whose absence reads as `""` (the job still maps; its state is UNKNOWN). */
const openText = nullish(openEnum).transform((value) => value ?? '');

export const gpuVolumeSchema = z.object({
  image: nullish(z.string()),
  mount: nullish(z.string()),
  registry: nullish(z.string()),
  secret: nullish(z.string()),
  tag: nullish(z.string()),
  user: nullish(z.string()),
});

export const gpuDockerParametersSchema = z.object({
  image: nullish(z.string()),
  tag: nullish(z.string()),
  host: nullish(z.string()),
  user: nullish(z.string()),
  secret: nullish(z.string()),
  sshkey: nullish(z.string()),
  imagesrc: nullish(z.string()),
  env: nullish(z.record(z.string(), z.unknown())),
  ports: nullish(z.array(number)),
  allowed_ips: nullish(z.array(z.string())),
  volumes: nullish(z.array(gpuVolumeSchema)),
});

export const gpuJobParametersSchema = z.object({
  type: nullish(openEnum),
  parameters: nullish(gpuDockerParametersSchema),
});

const gpuJobShape = {
  object: nullish(z.string()),
  /** Nullable in the seed; a single-job answer falls back to the uuid that was asked for. */
  uuid: nullish(z.string()),
  created_at: nullish(timestamp),
  updated_at: nullish(timestamp),
  started_at: nullish(timestamp),
  completed_at: nullish(timestamp),
  status: openText,
  status_reason: nullish(z.string()),
  task: openText,
  title: nullish(z.string()),
  description: nullish(z.string()),
  cpu_count: nullish(number),
  gpu_count: nullish(number),
  gpu_name: nullish(z.string()),
  gpu_registry_uuid: nullish(z.string()),
  min_ram_gb: nullish(number),
  min_vram_gb: nullish(number),
  min_storage_gb: nullish(number),
  max_timeout_assign_ms: nullish(number),
  max_timeout_start_ms: nullish(number),
  max_timeout_run_ms: nullish(number),
  max_retry_count: nullish(number),
  max_node_count: nullish(number),
  timeout_assign_at_ms: nullish(number),
  image_size_bytes: nullish(number),
  parameters: nullish(gpuJobParametersSchema),
  /** Credentials: parsed so the payload is checked, never mapped. */
  container_access_tokens: nullish(z.array(z.unknown())),
  source_recipe_uuid: nullish(z.string()),
  /** Set while parsing: `created_at` came as a bare date (the seed types it `string<date>`). */
  created_at_is_date: z.boolean().default(false),
};
export type GpuJobWire = z.output<typeof gpuJobSchema>;

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Notes whether `created_at` is a bare date: listing bounds must then reach a whole day further. */
function markBareDate(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const createdAt = (raw as Record<string, unknown>)['created_at'];
  return { ...raw, created_at_is_date: typeof createdAt === 'string' && BARE_DATE.test(createdAt.trim()) };
}

/**
 * A single-job answer: the seed lets `uuid` and `created_at` be null (the caller knows the uuid it
 * asked for; the mapper falls back to the job's other times), but a `created_at` that is there and
 * unreadable means the job cannot be placed.
 */
export const gpuJobSchema = tolerant(z.preprocess(markBareDate, z.object(gpuJobShape)), {
  provider: 'GPU',
  name: 'Job',
  identity: ['created_at'],
});

/**
 * In a listing a job is placed by `created_at` and addressed by `uuid`: a job without either is
 * left out (and reported), since it could be neither ordered nor fetched again.
 */
const LISTED_JOB_READING = { provider: 'GPU', name: 'Job', identity: ['uuid', 'created_at'] } as const;
/** The documented shape of a listed job alone, without repairs. */
export const gpuListedJobFields = z.preprocess(markBareDate, z.object({ ...gpuJobShape, uuid: z.string().min(1), created_at: timestamp }));
export const gpuListedJobSchema = tolerant(gpuListedJobFields, LISTED_JOB_READING);

/** The paging numbers are informational (the gateway pages by time and by `limit` it sent). */
const pagingNumber = nullish(number);

export const gpuJobListSchema = tolerantAnswer(
  { data: tolerantList(gpuListedJobSchema, LISTED_JOB_READING), page: pagingNumber, limit: pagingNumber, total: pagingNumber },
  'data',
  { provider: 'GPU', name: 'JobList', identity: [] },
);
export type GpuJobListWire = z.output<typeof gpuJobListSchema>;

export const gpuNodeUrlSchema = z.object({
  description: nullish(z.string()),
  hostname: nullish(z.string()),
  port: nullish(number),
  protocol: nullish(z.string()),
});

const gpuJobRunFields = z.object({
  uuid: z.string().min(1),
  status: openText,
  started_at_ms: nullish(number),
  node_urls: nullish(z.array(gpuNodeUrlSchema)),
});
const RUN_READING = { provider: 'GPU', name: 'JobRun', identity: ['uuid'] } as const;
export const gpuJobRunSchema = tolerant(gpuJobRunFields, RUN_READING);
export type GpuJobRunWire = z.output<typeof gpuJobRunFields>;

export const gpuJobRunListSchema = tolerantAnswer(
  { data: tolerantList(gpuJobRunSchema, RUN_READING), page: pagingNumber, limit: pagingNumber, total: pagingNumber },
  'data',
  { provider: 'GPU', name: 'JobRunList', identity: [] },
);
export type GpuJobRunListWire = z.output<typeof gpuJobRunListSchema>;

/** `logs` is the run's output so far: one string, or (older deployments) a list of lines. */
export const gpuJobRunDetailSchema = tolerant(
  gpuJobRunFields.extend({ logs: nullish(z.union([z.string(), z.array(z.string())])) }),
  RUN_READING,
);
export type GpuJobRunDetailWire = z.output<typeof gpuJobRunDetailSchema>;

/** `{"statusCode":401,"error":"Unauthorized","message":"..."}`; validation errors list several messages. */
export const gpuErrorSchema = z.object({
  statusCode: nullish(number),
  error: nullish(z.string()),
  message: nullish(z.union([z.string(), z.array(z.string())])),
});

export function gpuErrorMessage(body: unknown): string | undefined {
  const parsed = gpuErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { message, error } = parsed.data;
  if (Array.isArray(message)) return message.length > 0 ? message.join('; ') : (error ?? undefined);
  return message ?? error ?? undefined;
}

// Request bodies (seed "Create Job"). Plain types: the caller's input is validated upstream of us.
export interface GpuVolumeInput {
  image?: string | null;
  mount?: string | null;
  registry?: string | null;
  secret?: string | null;
  tag?: string | null;
  user?: string | null;
}

export interface GpuDockerParametersInput {
  allowed_ips?: string[];
  env?: Record<string, string>;
  host?: string | null;
  image?: string | null;
  imagesrc?: string | null;
  ports?: number[];
  secret?: string | null;
  sshkey?: string | null;
  tag?: string | null;
  user?: string | null;
  volumes?: GpuVolumeInput[];
}

export interface GpuCreateJobBody {
  parameters: { type: 'docker'; parameters: GpuDockerParametersInput };
  title: string;
  max_timeout_run_ms: number;
  task: 'BATCH';
  cpu_count?: number;
  description?: string | null;
  gpu_count?: number;
  gpu_name?: string | null;
  gpu_registry_uuid?: string | null;
  max_node_count?: number;
  max_retry_count?: number;
  max_timeout_assign_ms?: number;
  max_timeout_start_ms?: number;
  min_ram_gb?: number;
  min_storage_gb?: number;
  min_vram_gb?: number;
}

export interface GpuCancelJobBody {
  reason: string;
}
