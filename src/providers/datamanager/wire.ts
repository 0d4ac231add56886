// Squonk Data Manager wire payloads (upstreams/datamanager.md; seed 003: the InstanceSummary interface).
import { z } from 'zod';
import { looseNumber, nullish, openEnum, timestamp } from '../zod.js';

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

/**
 * Fields shared by the list entry and the single-instance answer.
 * `authorisation_code` (a number from the Account Server) is documented but deliberately not
 * declared: zod drops undeclared keys, so the credential never gets past the parse.
 */
const instanceFields = {
  name: z.string(),
  owner: z.string(),
  project_id: z.string(),
  application_id: z.string(),
  application_version: z.string(),
  application_type: openEnum,
  phase: openEnum,
  archived: z.boolean(),
  launched: timestamp,
  /** Python `timedelta` text (`1 day, 2:03:04`); read by the mapper, kept verbatim here. */
  run_time: z.string(),
  started: nullish(timestamp),
  stopped: nullish(timestamp),
  url: nullish(z.string()),
  application_specification: nullish(jsonText),
  coins: nullish(decimalText),
  error_message: nullish(z.string()),
  fix_permissions: nullish(z.boolean()),
  job_collection: nullish(z.string()),
  job_job: nullish(z.string()),
  job_name: nullish(z.string()),
  job_version: nullish(z.string()),
  job_id: nullish(looseNumber),
  job_image_type: nullish(openEnum),
  outputs: nullish(jsonText),
};

export const instanceSummarySchema = z.object({ id: z.string(), ...instanceFields });
export type InstanceSummary = z.output<typeof instanceSummarySchema>;

/** `GET /instance` */
export const instancesGetResponseSchema = z.object({
  count: nullish(z.number().int()),
  instances: z.array(instanceSummarySchema),
});
export type InstancesGetResponse = z.output<typeof instancesGetResponseSchema>;

export const instanceTaskSchema = z.object({
  id: z.string(),
  /** `CREATE` | `DELETE` */
  purpose: openEnum,
});

/** `GET /instance/{id}`: the summary's fields without `id`, plus the instance's tasks. */
export const instanceGetResponseSchema = z.object({
  ...instanceFields,
  tasks: z.array(instanceTaskSchema),
  has_valid_callback_token: nullish(z.boolean()),
  cost: nullish(decimalText),
  launch_exchange_rate: nullish(decimalText),
});
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
  /** From 1, in the order the events were written. */
  ordinal: z.number().int(),
  message: z.string(),
  /** `CRITICAL` | `ERROR` | `WARNING` | `INFO` | `DEBUG` */
  level: openEnum,
  time: timestamp,
});

/** `GET /task/{id}`: both lists oldest first; the client documents them as optional. */
export const taskGetResponseSchema = z.object({
  purpose: openEnum,
  purpose_id: z.string(),
  created: timestamp,
  done: z.boolean(),
  exit_code: nullish(z.number().int()),
  states: nullish(z.array(taskStateSchema)).transform((states) => states ?? []),
  events: nullish(z.array(taskEventSchema)).transform((events) => events ?? []),
});
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
