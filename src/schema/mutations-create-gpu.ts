import { createJob } from '../mutations/create.js';
import { secretsOf } from '../mutations/gpu-secrets.js';
import {
  DEFAULT_ASSIGN_MS,
  DEFAULT_NODE_COUNT,
  DEFAULT_START_MS,
  gpuJobInputSchema,
  MIN_ASSIGN_MS,
  MIN_RUN_MS,
  MIN_START_MS,
} from '../mutations/gpu-input.js';
import { builder } from './builder.js';
import { mutationDeps } from './mutation-context.js';
import { JobMutationResultRef, toResult } from './mutation-errors.js';

const SECRET = 'A credential: sent to the GPU cloud, never returned by this API.';

const GpuTaskEnum = builder.enumType('GpuTask', {
  description: 'The kind of GPU job to create.',
  values: { BATCH: { description: 'Runs its container to completion (within `maxTimeoutRunMs`).' } },
});

const EnvVarInputRef = builder.inputType('EnvVarInput', {
  description: 'An environment variable of the container.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Shell-style name (letters, digits and `_`, not starting with a digit), unique within the job.' }),
    value: t.string({ required: true, description: 'Its value. May be a credential: only the names are ever returned.' }),
  }),
});

const GpuVolumeInputRef = builder.inputType('GpuVolumeInput', {
  description: 'A volume image mounted into the container.',
  fields: (t) => ({
    image: t.string({ required: true, description: 'Volume image.' }),
    mount: t.string({ required: true, description: 'Mount path inside the container.' }),
    registry: t.string({ required: false, description: 'Registry the volume image comes from.' }),
    secret: t.string({ required: false, description: `Registry password or token. ${SECRET}` }),
    tag: t.string({ required: false, description: 'Volume image tag.' }),
    user: t.string({ required: false, description: 'Registry user name.' }),
  }),
});

const GpuDockerInputRef = builder.inputType('GpuDockerInput', {
  description: 'The container the GPU job runs (the API\'s `docker` parameters).',
  fields: (t) => ({
    image: t.string({ required: true, description: 'Container image (`pytorch/pytorch`).' }),
    tag: t.string({ required: false, description: 'Image tag.' }),
    host: t.string({ required: false, description: 'Registry host.' }),
    user: t.string({ required: false, description: 'Registry user name.' }),
    secret: t.string({ required: false, description: `Registry password or token. ${SECRET}` }),
    sshkey: t.string({ required: false, description: `SSH public key to install in the container. ${SECRET}` }),
    imageSource: t.string({ required: false, description: 'Where the image is taken from (the API\'s `imagesrc`).' }),
    env: t.field({ type: [EnvVarInputRef], required: false, description: 'Environment variables, names unique.' }),
    ports: t.intList({ required: false, description: 'Container ports to expose (1–65535).' }),
    allowedIps: t.stringList({ required: false, description: 'Addresses allowed to reach the exposed ports: IPv4 or IPv6 addresses or CIDR ranges.' }),
    volumes: t.field({ type: [GpuVolumeInputRef], required: false, description: 'Volume images to mount.' }),
  }),
});

const CreateGpuJobInputRef = builder.inputType('CreateGpuJobInput', {
  description: 'A job for the GPU compute cloud (its "Create Job" body under GraphQL names). Every rule is checked before anything is sent.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Title of the job; must not be blank (surrounding spaces are dropped).' }),
    description: t.string({ required: false, description: 'Free text about the job.' }),
    task: t.field({ type: GpuTaskEnum, required: false, defaultValue: 'BATCH', description: 'Kind of job; only `BATCH` can be created.' }),
    maxTimeoutRunMs: t.float({ required: true, description: `Longest run, in whole milliseconds (at least ${MIN_RUN_MS}).` }),
    maxTimeoutAssignMs: t.float({
      required: false,
      defaultValue: DEFAULT_ASSIGN_MS,
      description: `Longest wait for a node, in whole milliseconds (at least ${MIN_ASSIGN_MS}).`,
    }),
    maxTimeoutStartMs: t.float({
      required: false,
      defaultValue: DEFAULT_START_MS,
      description: `Longest node preparation, in whole milliseconds (at least ${MIN_START_MS}).`,
    }),
    cpuCount: t.int({ required: false, description: 'CPU cores required (0 or more; the backend\'s default is 0).' }),
    gpuCount: t.int({ required: false, description: 'GPUs required (0 or more; the backend\'s default is 0).' }),
    minRamGb: t.float({ required: false, description: 'Minimum RAM in GB (0 or more).' }),
    minVramGb: t.float({ required: false, description: 'Minimum GPU memory in GB (0 or more).' }),
    minStorageGb: t.float({ required: false, description: 'Minimum storage in GB (0 or more).' }),
    maxRetryCount: t.int({ required: false, description: 'How often a failed run is retried (0 or more; the backend\'s default is 0).' }),
    maxNodeCount: t.int({ required: false, defaultValue: DEFAULT_NODE_COUNT, description: 'Most nodes the job may be assigned (1 or more).' }),
    gpuName: t.string({ required: false, description: 'GPU model to run on (`NVIDIA RTX 4090`). Not together with `gpuRegistryUuid`.' }),
    gpuRegistryUuid: t.string({ required: false, description: 'Exact GPU to run on, by its GPU registry UUID. Not together with `gpuName`.' }),
    docker: t.field({ type: GpuDockerInputRef, required: true, description: 'The container to run.' }),
  }),
});

builder.mutationField('createGpuJob', (t) =>
  t.field({
    type: JobMutationResultRef,
    description:
      'Creates a job on the GPU compute cloud and answers it as created (usually `QUEUED`). Invalid input is an `InvalidInputError` listing every broken rule, and nothing is sent. Credentials in the input reach the backend and are never returned. Never retried by the gateway: after an `UnavailableError` with `outcomeUnknown`, look for the job before creating it again.',
    args: { input: t.arg({ type: CreateGpuJobInputRef, required: true, description: 'The job to create.' }).validate(gpuJobInputSchema) },
    resolve: async (_root, { input }, context) => toResult(await createJob(mutationDeps(context), 'GPU', input, secretsOf(input))),
  }),
);
