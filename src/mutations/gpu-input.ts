// `CreateGpuJobInput` rules (seed 004, "Create Job"): checked before anything is sent, every
// violated rule one issue at the field it concerns.
import { isIP } from 'node:net';
import { z } from 'zod';

export const MIN_RUN_MS = 60_000;
export const MIN_ASSIGN_MS = 300_000;
export const MIN_START_MS = 120_000;
export const DEFAULT_ASSIGN_MS = 300_000;
export const DEFAULT_START_MS = 300_000;
export const DEFAULT_NODE_COUNT = 1;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An IPv4 or IPv6 address, alone or as a CIDR range. */
export function isAddressOrRange(text: string): boolean {
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const text = z.string().trim().min(1, 'must not be empty');
const optionalText = text.nullish();
/** Credentials are sent exactly as given: no trimming. */
const optionalSecret = z.string().min(1, 'must not be empty').nullish();
const atLeast = (min: number) => z.number().int('must be a whole number').min(min, `must be at least ${min}`);
const count = atLeast(0).nullish();
const gigabytes = z.number().min(0, 'must be at least 0').nullish();
const withDefault = (schema: z.ZodNumber, fallback: number) => schema.nullish().transform((value) => value ?? fallback);

const envVar = z.object({
  name: z.string().regex(ENV_NAME, 'must be a shell variable name: letters, digits and _, not starting with a digit'),
  value: z.string(),
});

const volume = z.object({
  image: text,
  mount: text,
  registry: optionalText,
  secret: optionalSecret,
  tag: optionalText,
  user: optionalText,
});

const docker = z.object({
  image: text,
  tag: optionalText,
  host: optionalText,
  user: optionalText,
  secret: optionalSecret,
  sshkey: optionalSecret,
  imageSource: optionalText,
  env: z
    .array(envVar)
    .nullish()
    .superRefine((env, ctx) => {
      const seen = new Set<string>();
      env?.forEach((variable, index) => {
        if (seen.has(variable.name)) ctx.addIssue({ code: 'custom', message: `duplicate name ${variable.name}`, path: [index, 'name'] });
        seen.add(variable.name);
      });
    }),
  ports: z.array(z.number().int().min(1, 'must be a port number from 1 to 65535').max(65_535, 'must be a port number from 1 to 65535')).nullish(),
  allowedIps: z.array(z.string().refine(isAddressOrRange, 'must be an IPv4 or IPv6 address or CIDR range')).nullish(),
  volumes: z.array(volume).nullish(),
});

export const gpuJobInputSchema = z
  .object({
    title: text,
    description: z.string().nullish(),
    task: z.literal('BATCH').nullish().transform((value) => value ?? 'BATCH'),
    maxTimeoutRunMs: atLeast(MIN_RUN_MS),
    maxTimeoutAssignMs: withDefault(atLeast(MIN_ASSIGN_MS), DEFAULT_ASSIGN_MS),
    maxTimeoutStartMs: withDefault(atLeast(MIN_START_MS), DEFAULT_START_MS),
    cpuCount: count,
    gpuCount: count,
    minRamGb: gigabytes,
    minVramGb: gigabytes,
    minStorageGb: gigabytes,
    maxRetryCount: count,
    maxNodeCount: withDefault(atLeast(1), DEFAULT_NODE_COUNT),
    gpuName: optionalText,
    gpuRegistryUuid: z.guid('must be a UUID').nullish(),
    docker,
  })
  .superRefine((input, ctx) => {
    if (input.gpuName != null && input.gpuRegistryUuid != null) {
      ctx.addIssue({ code: 'custom', message: 'gpuName and gpuRegistryUuid are mutually exclusive: give one or neither', path: ['gpuRegistryUuid'] });
    }
  });

export type GpuJobInput = z.output<typeof gpuJobInputSchema>;
