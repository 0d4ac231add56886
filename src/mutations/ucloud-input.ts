// `CreateUCloudJobInput` rules and its UCloud `JobSpecification`.
import { z } from 'zod';
import type { UCloudJobSpec } from '../providers/specs.js';
import { durationSchema } from './duration.js';

/** UCloud's own job name rule. */
const JOB_NAME = /^[\w ():_-]+$/;
export const MAX_NAME_LENGTH = 200;
export const MAX_REPLICAS = 1_000;

const text = z.string().trim().min(1, 'must not be empty');

const jsonObject = z
  .unknown()
  .refine((value) => value !== null && typeof value === 'object' && !Array.isArray(value), 'must be a JSON object')
  .transform((value) => value as Record<string, unknown>);

export const ucloudJobInputSchema = z.object({
  application: z.object({ name: text, version: text }),
  product: z.object({ id: text, category: text, provider: text }),
  name: z
    .string()
    .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`)
    .regex(JOB_NAME, 'may only contain letters, digits, spaces and ():_-')
    .nullish(),
  replicas: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS}`)
    .nullish()
    .transform((value) => value ?? 1),
  timeAllocation: durationSchema.nullish(),
  parameters: jsonObject.nullish(),
  resources: z.array(z.unknown(), 'must be a JSON list').nullish(),
  allowDuplicateJob: z.boolean().nullish().transform((value) => value ?? false),
  sshEnabled: z.boolean().nullish(),
});

export type UCloudJobInput = z.output<typeof ucloudJobInputSchema>;

/** The validated input as a new UCloud job. */
export function toUCloudSpec(input: UCloudJobInput): UCloudJobSpec {
  return {
    application: input.application,
    product: input.product,
    name: input.name,
    replicas: input.replicas,
    allowDuplicateJob: input.allowDuplicateJob,
    timeAllocationSeconds: input.timeAllocation,
    parameters: input.parameters,
    resources: input.resources,
    sshEnabled: input.sshEnabled,
  };
}
