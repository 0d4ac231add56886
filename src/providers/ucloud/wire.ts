// UCloud Jobs API payloads as `upstreams/ucloud.md` describes them. Both servers are read: the Kotlin
// backend (nulls and defaults always present) and the Go backend (null fields, empty lists and
// defaults left out, `{}` for an empty bulk answer). Unknown keys are dropped, unknown enum values kept.
import { z } from 'zod';
import { tolerant, tolerantAnswer, tolerantList } from '../tolerance.js';
import { epochMillis, looseBoolean, looseId, looseInt, looseNumber, nullish, openEnum } from '../zod.js';

/** A list the Go backend leaves out when empty, and Kotlin may send as null. */
function list<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((value): z.output<T>[] => value ?? []);
}

/** Epoch milliseconds as a plain number (kept numeric: jobs are compared and folded on it). */
const millis = epochMillis;

/** A string the mapper needs as one; absent reads as `""`. */
const requiredText = nullish(z.string()).transform((value) => value ?? '');

const flag = nullish(looseBoolean);

/** `IN_QUEUE | RUNNING | CANCELING | SUCCESS | FAILURE | EXPIRED | SUSPENDED`, open for future values. */
export const jobState = openEnum;
export const FINAL_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'EXPIRED']);

export const simpleDuration = z.object({
  hours: nullish(looseInt).transform((v) => v ?? 0),
  minutes: nullish(looseInt).transform((v) => v ?? 0),
  seconds: nullish(looseInt).transform((v) => v ?? 0),
});
export type SimpleDuration = z.output<typeof simpleDuration>;

export const nameAndVersion = z.object({ name: requiredText, version: requiredText });

export const productReference = z.object({ id: requiredText, category: requiredText, provider: requiredText });

export const resourceOwner = z.object({ createdBy: nullish(z.string()), project: nullish(z.string()) });

/** A nested object the mapper reads fields of: absent or unreadable reads as all its defaults. */
function part<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value): z.output<T> => value ?? schema.parse({}));
}

export const jobUpdate = z.object({
  state: nullish(jobState),
  outputFolder: nullish(z.string()),
  status: nullish(z.string()),
  expectedState: nullish(jobState),
  expectedDifferentState: flag,
  /** The new total time allocation, in milliseconds. */
  newTimeAllocation: nullish(millis),
  allowRestart: flag,
  newMounts: nullish(z.array(z.string())),
  /** An update without a time cannot be placed in the history: it is cut out of `updates`. */
  timestamp: millis,
});
export type JobUpdate = z.output<typeof jobUpdate>;

export const jobStatus = z.object({
  state: requiredText,
  jobParametersJson: nullish(z.unknown()),
  startedAt: nullish(millis),
  expiresAt: nullish(millis),
  resolvedApplication: nullish(z.unknown()),
  resolvedSupport: nullish(z.unknown()),
  resolvedProduct: nullish(z.unknown()),
  allowRestart: flag.transform((v) => v ?? false),
});
export type JobStatus = z.output<typeof jobStatus>;

export const jobSpecification = z.object({
  application: part(nameAndVersion),
  product: part(productReference),
  name: nullish(z.string()),
  replicas: nullish(looseInt).transform((v) => v ?? 1),
  allowDuplicateJob: flag.transform((v) => v ?? false),
  parameters: nullish(z.record(z.string(), z.unknown())),
  resources: nullish(z.array(z.unknown())),
  timeAllocation: nullish(simpleDuration),
  openedFile: nullish(z.string()),
  restartOnExit: flag,
  sshEnabled: flag,
});
export type JobSpecification = z.output<typeof jobSpecification>;

/** A job is its id and creation time; everything else reads leniently (`tolerance.ts`). */
export const jobFields = z.object({
  id: looseId,
  owner: part(resourceOwner),
  /** Only filled with `includeUpdates=true`: then oldest first, the last one being the current state. */
  updates: list(jobUpdate),
  specification: part(jobSpecification),
  status: part(jobStatus),
  createdAt: millis,
  output: nullish(z.object({ outputFolder: nullish(z.string()) })),
  permissions: nullish(z.unknown()),
  providerGeneratedId: nullish(z.string()),
});
const JOB_READING = { provider: 'UCLOUD', name: 'Job', identity: ['id', 'createdAt'] } as const;
// Pages of up to 250 big jobs (with updates and parameters): unchanged jobs are not read again (item-memo.ts).
export const job = tolerant(jobFields, JOB_READING, { memo: true });
export type Job = z.output<typeof jobFields>;

/**
 * `PageV2<Job>`. `next` is part of the envelope: a token that cannot be read would end the listing
 * early, so it fails the page (a number is read as its digits).
 */
export const jobPage = tolerantAnswer(
  {
    itemsPerPage: nullish(looseNumber),
    items: tolerantList(job, JOB_READING, { optional: true }),
    /** Null (or absent) at the end of the results. */
    next: nullish(looseId),
  },
  'items',
  { provider: 'UCLOUD', name: 'PageV2', identity: ['next'] },
);
export type JobPage = z.output<typeof jobPage>;

/** `{"responses": [...]}`; the Go backend answers `{}` when the list would be empty. */
export function bulkResponse<T extends z.ZodType>(item: T) {
  return z.object({ responses: list(item) });
}
export const findByStringId = z.object({ id: looseId });
/** Kotlin's `Unit`: `{}` (or null inside a list). */
export const unit = z.object({}).nullable();
export const createResponse = bulkResponse(findByStringId);
export type CreateResponse = z.output<typeof createResponse>;
export const unitBulkResponse = bulkResponse(unit);
export type UnitBulkResponse = z.output<typeof unitBulkResponse>;
/** suspend/unsuspend are documented as answering `Unit`, other builds answer a BulkResponse: read both. */
export const unitOrBulkResponse = z.object({ responses: list(unit) }).nullish();

export const jobsLog = z.object({
  rank: nullish(looseInt).transform((v) => v ?? 0),
  stdout: nullish(z.string()),
  stderr: nullish(z.string()),
  channel: nullish(z.string()),
});
export type JobsLog = z.output<typeof jobsLog>;

/**
 * One `follow` message. Nothing in it is identity (the stream is of one job), so any unreadable
 * part is dropped and the rest of the frame still counts; a broken `initialJob` reads as none.
 */
const jobsFollowFields = z.object({
  updates: list(jobUpdate),
  log: list(jobsLog),
  newStatus: nullish(jobStatus),
  initialJob: nullish(job),
});
export const jobsFollowResponse = tolerant(jobsFollowFields, { provider: 'UCLOUD', name: 'JobsFollowResponse', identity: [] });
export type JobsFollowResponse = z.output<typeof jobsFollowFields>;

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
