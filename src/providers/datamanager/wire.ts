// Squonk Data Manager wire payloads (upstreams/datamanager.md; seed 003: the InstanceSummary interface).
import { z } from 'zod';
import { tolerant, tolerantAnswer, tolerantList } from '../tolerance.js';
import { looseBoolean, looseInt, looseNumber, nullish, openEnum, timestamp } from '../zod.js';

/** The documented phases; anything else must still parse (it maps to UNKNOWN). */
export const INSTANCE_PHASES = [
  'PENDING',
  'IMAGE_PULL_BACKOFF',
  'RUNNING',
  'CRASH_LOOP_BACKOFF',
  'COMPLETED',
  'SUCCEEDED',
  'FAILED',
  'UNKNOWN',
] as const;

/**
 * A field the Data Manager documents as a JSON string (`outputs`, `application_specification`);
 * newer releases send `outputs` as the object itself. Both read as the decoded value. A string that
 * is not JSON is kept as text: it is descriptive data, not worth failing a whole listing for.
 */
const jsonText = z.union([
  z.string().transform((text): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }),
  z.record(z.string(), z.unknown()),
  z.array(z.unknown()),
]);

/** `coins` is a decimal string; a number is accepted and kept as the text it would print as. */
const decimalText = z.union([z.string(), z.number().transform(String)]);

/** A string the mapper needs as one; absent reads as `""`. */
const requiredText = nullish(z.string()).transform((value) => value ?? '');

const flag = nullish(looseBoolean);

/**
 * Fields shared by the list entry and the single-instance answer.
 * `authorisation_code` (a number from the Account Server) is documented but deliberately not
 * declared: zod drops undeclared keys, so the credential never gets past the parse.
 */
const instanceFields = {
  name: nullish(z.string()),
  owner: nullish(z.string()),
  project_id: nullish(z.string()),
  application_id: requiredText,
  application_version: requiredText,
  application_type: requiredText,
  /** The state: an unreadable one reads as `""` (UNKNOWN), the instance is still served. */
  phase: requiredText,
  archived: flag.transform((value) => value ?? false),
  /** The instance's creation time: with the id, its identity. */
  launched: timestamp,
  /**
   * Python `timedelta` text (`1 day, 2:03:04`); read by the mapper, kept verbatim here. A number
   * (seconds, a serialiser that changed) is kept as its digits.
   */
  run_time: nullish(decimalText).transform((value) => value ?? ''),
  started: nullish(timestamp),
  stopped: nullish(timestamp),
  url: nullish(z.string()),
  application_specification: nullish(jsonText),
  coins: nullish(decimalText),
  error_message: nullish(z.string()),
  fix_permissions: flag,
  job_collection: nullish(z.string()),
  job_job: nullish(z.string()),
  job_name: nullish(z.string()),
  job_version: nullish(z.string()),
  job_id: nullish(looseNumber),
  job_image_type: nullish(openEnum),
  outputs: nullish(jsonText),
};

export const instanceSummaryFields = z.object({ id: z.string().min(1), ...instanceFields });
const SUMMARY_READING = { provider: 'DATA_MANAGER', name: 'InstanceSummary', identity: ['id', 'launched'] } as const;
// Read whole on every refresh of a kept listing: unchanged instances are not read again (item-memo.ts).
export const instanceSummarySchema = tolerant(instanceSummaryFields, SUMMARY_READING, { memo: true });
export type InstanceSummary = z.output<typeof instanceSummaryFields>;

/** `GET /instance` */
export const instancesGetResponseSchema = tolerantAnswer(
  { count: nullish(looseNumber), instances: tolerantList(instanceSummarySchema, SUMMARY_READING) },
  'instances',
  { provider: 'DATA_MANAGER', name: 'InstancesGetResponse', identity: [] },
);
export type InstancesGetResponse = z.output<typeof instancesGetResponseSchema>;

export const instanceTaskSchema = z.object({
  /** A task without an id cannot be read again: it is cut out of `tasks`. */
  id: z.string().min(1),
  /** `CREATE` | `DELETE` */
  purpose: requiredText,
});

/**
 * `GET /instance/{id}`: the summary's fields without `id`, plus the instance's tasks. The caller
 * knows the id it asked for, so only the creation time is identity here.
 */
export const instanceGetResponseSchema = tolerant(
  z.object({
    ...instanceFields,
    tasks: nullish(z.array(instanceTaskSchema)).transform((tasks) => tasks ?? []),
    has_valid_callback_token: flag,
    cost: nullish(decimalText),
    launch_exchange_rate: nullish(decimalText),
  }),
  { provider: 'DATA_MANAGER', name: 'InstanceGetResponse', identity: ['launched'] },
);
export type InstanceGetResponse = z.output<typeof instanceGetResponseSchema>;

/** `DELETE /instance/{id}` */
export const instanceDeleteResponseSchema = z.object({ task_id: z.string() });
export type InstanceDeleteResponse = z.output<typeof instanceDeleteResponseSchema>;

/** `POST /instance` (201) */
export const instancePostResponseSchema = z.object({ instance_id: z.string(), task_id: z.string() });
export type InstancePostResponse = z.output<typeof instancePostResponseSchema>;

export const taskStateSchema = z.object({
  /** `PENDING` | `STARTED` | `RETRY` | `SUCCESS` | `FAILURE` */
  state: openEnum,
  message: nullish(z.string()),
  time: timestamp,
});

export const taskEventSchema = z.object({
  /** From 1, in the order the events were written: an event without one is cut out. */
  ordinal: looseInt,
  message: requiredText,
  /** `CRITICAL` | `ERROR` | `WARNING` | `INFO` | `DEBUG` */
  level: requiredText,
  time: timestamp,
});

/**
 * `GET /task/{id}`: both lists oldest first; the client documents them as optional. Nothing in it
 * is identity: an unreadable state or event is cut out and the rest is still the log.
 */
export const taskGetResponseSchema = tolerant(
  z.object({
    purpose: requiredText,
    purpose_id: nullish(z.string()),
    created: nullish(timestamp),
    done: flag.transform((value) => value ?? false),
    exit_code: nullish(looseInt),
    states: nullish(z.array(taskStateSchema)).transform((states) => states ?? []),
    events: nullish(z.array(taskEventSchema)).transform((events) => events ?? []),
  }),
  { provider: 'DATA_MANAGER', name: 'TaskGetResponse', identity: [] },
);
export type TaskGetResponse = z.output<typeof taskGetResponseSchema>;

/** The form `POST /instance` takes. `specification` is sent as a JSON string. */
export interface LaunchForm {
  application_id: string;
  project_id: string;
  as_name: string;
  specification?: string | Record<string, unknown>;
}

/** Errors on 403/404/409 (401, and 400 on launch, may come without a body). */
export const errorBodySchema = z.object({ error: z.string() });
