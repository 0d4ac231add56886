// UCloud Jobs API payloads as `upstreams/ucloud.md` describes them. Both servers are read: the Kotlin
// backend (nulls and defaults always present) and the Go backend (null fields, empty lists and
// defaults left out, `{}` for an empty bulk answer). Unknown keys are dropped, unknown enum values kept.
import { z } from 'zod';
import { nullish, openEnum } from '../zod.js';

/** A list the Go backend leaves out when empty, and Kotlin may send as null. */
function list<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((value): z.output<T>[] => value ?? []);
}

/** Epoch milliseconds as a plain number (kept numeric: jobs are compared and folded on it). */
const millis = z.number().int();

/** `IN_QUEUE | RUNNING | CANCELING | SUCCESS | FAILURE | EXPIRED | SUSPENDED`, open for future values. */
export const jobState = openEnum;
export const FINAL_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'EXPIRED']);

export const simpleDuration = z.object({
  hours: nullish(z.number().int()).transform((v) => v ?? 0),
  minutes: nullish(z.number().int()).transform((v) => v ?? 0),
  seconds: nullish(z.number().int()).transform((v) => v ?? 0),
});
export type SimpleDuration = z.output<typeof simpleDuration>;

export const nameAndVersion = z.object({ name: z.string(), version: z.string() });

export const productReference = z.object({ id: z.string(), category: z.string(), provider: z.string() });

export const resourceOwner = z.object({ createdBy: z.string(), project: nullish(z.string()) });

export const jobUpdate = z.object({
  state: nullish(jobState),
  outputFolder: nullish(z.string()),
  status: nullish(z.string()),
  expectedState: nullish(jobState),
  expectedDifferentState: nullish(z.boolean()),
  /** The new total time allocation, in milliseconds. */
  newTimeAllocation: nullish(millis),
  allowRestart: nullish(z.boolean()),
  newMounts: nullish(z.array(z.string())),
  timestamp: millis,
});
export type JobUpdate = z.output<typeof jobUpdate>;

export const jobStatus = z.object({
  state: jobState,
  jobParametersJson: nullish(z.unknown()),
  startedAt: nullish(millis),
  expiresAt: nullish(millis),
  resolvedApplication: nullish(z.unknown()),
  resolvedSupport: nullish(z.unknown()),
  resolvedProduct: nullish(z.unknown()),
  allowRestart: nullish(z.boolean()).transform((v) => v ?? false),
});
export type JobStatus = z.output<typeof jobStatus>;

export const jobSpecification = z.object({
  application: nameAndVersion,
  product: productReference,
  name: nullish(z.string()),
  replicas: nullish(z.number().int()).transform((v) => v ?? 1),
  allowDuplicateJob: nullish(z.boolean()).transform((v) => v ?? false),
  parameters: nullish(z.record(z.string(), z.unknown())),
  resources: nullish(z.array(z.unknown())),
  timeAllocation: nullish(simpleDuration),
  openedFile: nullish(z.string()),
  restartOnExit: nullish(z.boolean()),
  sshEnabled: nullish(z.boolean()),
});
export type JobSpecification = z.output<typeof jobSpecification>;

export const job = z.object({
  id: z.string(),
  owner: resourceOwner,
  /** Only filled with `includeUpdates=true`: then oldest first, the last one being the current state. */
  updates: list(jobUpdate),
  specification: jobSpecification,
  status: jobStatus,
  createdAt: millis,
  output: nullish(z.object({ outputFolder: nullish(z.string()) })),
  permissions: nullish(z.unknown()),
  providerGeneratedId: nullish(z.string()),
});
export type Job = z.output<typeof job>;

export function pageV2<T extends z.ZodType>(item: T) {
  return z.object({
    itemsPerPage: nullish(z.number().int()),
    items: list(item),
    /** Null (or absent) at the end of the results. */
    next: nullish(z.string()),
  });
}
export const jobPage = pageV2(job);
export type JobPage = z.output<typeof jobPage>;

/** `{"responses": [...]}`; the Go backend answers `{}` when the list would be empty. */
export function bulkResponse<T extends z.ZodType>(item: T) {
  return z.object({ responses: list(item) });
}
export const findByStringId = z.object({ id: z.string() });
/** Kotlin's `Unit`: `{}` (or null inside a list). */
export const unit = z.object({}).nullable();
export const createResponse = bulkResponse(findByStringId);
export type CreateResponse = z.output<typeof createResponse>;
export const unitBulkResponse = bulkResponse(unit);
export type UnitBulkResponse = z.output<typeof unitBulkResponse>;
/** suspend/unsuspend are documented as answering `Unit`, other builds answer a BulkResponse: read both. */
export const unitOrBulkResponse = z.object({ responses: list(unit) }).nullish();

export const jobsLog = z.object({
  rank: z.number().int(),
  stdout: nullish(z.string()),
  stderr: nullish(z.string()),
  channel: nullish(z.string()),
});
export type JobsLog = z.output<typeof jobsLog>;

export const jobsFollowResponse = z.object({
  updates: list(jobUpdate),
  log: list(jobsLog),
  newStatus: nullish(jobStatus),
  initialJob: nullish(job),
});
export type JobsFollowResponse = z.output<typeof jobsFollowResponse>;

/**
 * One frame of the WebSocket protocol. Frames without `type` or `streamId` (Kotlin's
 * `{"ping":"pong"}` keep-alive) are not stream frames and are skipped by the reader.
 */
export const wsFrame = z.object({
  type: z.string().optional(),
  streamId: z.string().optional(),
  status: z.number().int().optional(),
  payload: z.unknown().optional(),
});
export type WsFrame = z.output<typeof wsFrame>;

const cpuAndMemory = z.object({ cpu: z.number(), memory: z.number() });
export const utilizationResponse = z.object({
  capacity: cpuAndMemory,
  usedCapacity: cpuAndMemory,
  queueStatus: z.object({ running: z.number().int(), pending: z.number().int() }),
});
export type UtilizationResponse = z.output<typeof utilizationResponse>;

export const computeProduct = z.object({
  name: z.string(),
  category: z.object({ name: z.string(), provider: z.string() }),
  description: nullish(z.string()),
  cpu: nullish(z.number()),
  memoryInGigs: nullish(z.number()),
  gpu: nullish(z.number()),
  cpuModel: nullish(z.string()),
  gpuModel: nullish(z.string()),
  freeToUse: nullish(z.boolean()),
});
const supportFlags = z.record(z.string(), z.unknown());
export const computeSupport = z.object({
  product: productReference,
  docker: nullish(supportFlags),
  virtualMachine: nullish(supportFlags),
});
export const productsResponse = z.object({
  productsByProvider: z.record(z.string(), list(z.object({ product: computeProduct, support: computeSupport }))),
});
export type ProductsResponse = z.output<typeof productsResponse>;

export const refreshResponse = z.object({ accessToken: z.string().min(1) });

/**
 * `CommonErrorMessage`. Go adds `statusCode` and `detailedCode` and sends `""` for a missing
 * errorCode; a load balancer may send no body at all (HttpClient handles that case).
 */
export const errorBody = z.object({
  why: nullish(z.string()),
  errorCode: nullish(z.string()).transform((v) => (v === '' ? null : v)),
  statusCode: nullish(z.number()),
  detailedCode: nullish(z.number()),
});

/** The backend's own message out of an error body, for `HttpClient`'s `errorMessage` hook. */
export function errorMessage(body: unknown): string | undefined {
  const parsed = errorBody.safeParse(body);
  if (!parsed.success || !parsed.data.why) return undefined;
  return parsed.data.errorCode ? `${parsed.data.why} (${parsed.data.errorCode})` : parsed.data.why;
}

// ---- requests (what the client sends) ----

/** `JobIncludeFlags`, flattened into the query of browse/retrieve. Times are epoch ms. */
export interface JobIncludeFlags {
  filterApplication?: string;
  filterState?: string;
  includeParameters?: boolean;
  includeApplication?: boolean;
  includeProduct?: boolean;
  includeOthers?: boolean;
  includeUpdates?: boolean;
  includeSupport?: boolean;
  filterCreatedBy?: string;
  filterCreatedAfter?: number;
  filterCreatedBefore?: number;
  filterProvider?: string;
  filterProductId?: string;
  filterProductCategory?: string;
  /** Comma-separated on the wire; an array is joined. */
  filterProviderIds?: string | readonly string[];
  filterIds?: string | readonly string[];
}

export type SortDirection = 'ascending' | 'descending';

export interface BrowseParams extends JobIncludeFlags {
  /** 10, 25, 50, 100 or 250 (Go: 1..1000). */
  itemsPerPage?: number;
  next?: string | null;
  consistency?: 'PREFER' | 'REQUIRE';
  itemsToSkip?: number;
  sortBy?: string;
  sortDirection?: SortDirection;
}

export interface SearchRequest {
  query: string;
  flags?: JobIncludeFlags;
  itemsPerPage?: number;
  next?: string | null;
  sortBy?: string;
  sortDirection?: SortDirection;
}

/** What `jobs.create` takes per item (`JobSpecification`); optional fields default server-side. */
export interface JobSpecificationInput {
  application: { name: string; version: string };
  product: { id: string; category: string; provider: string };
  name?: string | null;
  replicas?: number;
  allowDuplicateJob?: boolean;
  parameters?: Record<string, unknown> | null;
  resources?: unknown[] | null;
  timeAllocation?: { hours: number; minutes: number; seconds: number } | null;
  openedFile?: string | null;
  restartOnExit?: boolean | null;
  sshEnabled?: boolean | null;
}

export interface JobsExtendRequestItem {
  jobId: string;
  requestedTime: { hours: number; minutes: number; seconds: number };
}
