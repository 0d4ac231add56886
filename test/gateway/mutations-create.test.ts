// createGpuJob and createUCloudJob: the documented create body, sent once, secrets delivered and
// never returned; every broken input rule an issue of its own, with nothing sent anywhere.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateGpuJobInput, CreateUCloudJobInput } from '../../schema/client/graphql.js';
import { gql, gqlData, startWorld, type World } from '../support/gateway.js';
import { allRequests, as, CreateGpuJob, CreateUCloudJob, globalId, header, jobAs, onlyRequest, resetSims, writes } from '../support/mutations.js';

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 45 });
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => resetSims(world));

const SECRETS = {
  registry: 'registry-password-8f2c1d',
  sshkey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHc0ffee',
  volume: 'volume-token-5b7e9a',
  env: 'wandb-key-3c9d4e1f',
};

const FULL_GPU_INPUT: CreateGpuJobInput = {
  title: '  Fine-tune ResNet-50  ',
  description: 'Nightly fine-tuning run',
  maxTimeoutRunMs: 900_000,
  maxTimeoutAssignMs: 600_000,
  cpuCount: 4,
  gpuCount: 1,
  gpuName: 'NVIDIA RTX 4090',
  minRamGb: 16,
  minVramGb: 20,
  minStorageGb: 50,
  maxRetryCount: 2,
  docker: {
    image: 'pytorch/pytorch',
    tag: '2.3.0-cuda12.1-cudnn8-runtime',
    host: 'registry.example.com',
    user: 'ci-bot',
    secret: SECRETS.registry,
    sshkey: SECRETS.sshkey,
    imageSource: 'registry',
    env: [
      { name: 'EPOCHS', value: '10' },
      { name: 'WANDB_API_KEY', value: SECRETS.env },
    ],
    ports: [8888, 6006],
    allowedIps: ['10.0.0.0/8', '2001:db8::1', '192.0.2.7'],
    volumes: [{ image: 'datasets/imagenet', mount: '/data', registry: 'registry.example.com', secret: SECRETS.volume, tag: 'v2', user: 'ci-bot' }],
  },
};

/** The seed's "Create Job" body for FULL_GPU_INPUT, written out by hand from the seed. */
const FULL_GPU_BODY = {
  parameters: {
    type: 'docker',
    parameters: {
      image: 'pytorch/pytorch',
      tag: '2.3.0-cuda12.1-cudnn8-runtime',
      host: 'registry.example.com',
      user: 'ci-bot',
      secret: SECRETS.registry,
      sshkey: SECRETS.sshkey,
      imagesrc: 'registry',
      env: { EPOCHS: '10', WANDB_API_KEY: SECRETS.env },
      ports: [8888, 6006],
      allowed_ips: ['10.0.0.0/8', '2001:db8::1', '192.0.2.7'],
      volumes: [{ image: 'datasets/imagenet', mount: '/data', registry: 'registry.example.com', secret: SECRETS.volume, tag: 'v2', user: 'ci-bot' }],
    },
  },
  title: 'Fine-tune ResNet-50',
  description: 'Nightly fine-tuning run',
  task: 'BATCH',
  max_timeout_run_ms: 900_000,
  max_timeout_assign_ms: 600_000,
  max_timeout_start_ms: 300_000,
  max_node_count: 1,
  cpu_count: 4,
  gpu_count: 1,
  gpu_name: 'NVIDIA RTX 4090',
  min_ram_gb: 16,
  min_vram_gb: 20,
  min_storage_gb: 50,
  max_retry_count: 2,
};

const MINIMAL_GPU_INPUT: CreateGpuJobInput = { title: 'smoke', maxTimeoutRunMs: 60_000, docker: { image: 'alpine' } };

describe('createGpuJob', () => {
  it('sends the documented body once, signed; answers the created job; the secrets reach the backend and never come back', async () => {
    const response = await gql(world.url, CreateGpuJob, { input: FULL_GPU_INPUT });
    const { job } = as(response.data?.createGpuJob, 'JobMutationSuccess');

    const request = onlyRequest(world.demo.gpu.server, 'POST /v1/jobs');
    expect([request.method, request.path]).toEqual(['POST', '/v1/jobs']);
    expect(header(request, 'content-type')).toBe('application/json');
    expect(header(request, 'x-api-key')).toBe(world.demo.gpu.credentials.apiKey);
    expect(header(request, 'x-signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(request.body)).toEqual(FULL_GPU_BODY);
    expect(writes(world)).toHaveLength(1);

    const created = world.demo.gpu.inventory().find((item) => item.id === job.providerJobId);
    expect(created).toMatchObject({ name: 'Fine-tune ResNet-50', state: 'PENDING' });
    expect(job).toMatchObject({
      id: globalId('GPU', job.providerJobId),
      provider: 'GPU',
      name: 'Fine-tune ResNet-50',
      state: 'QUEUED',
      task: 'BATCH',
      description: 'Nightly fine-tuning run',
      cpuCount: 4,
      gpuCount: 1,
      gpuName: 'NVIDIA RTX 4090',
      maxTimeoutRunMs: 900_000,
      maxTimeoutAssignMs: 600_000,
      maxTimeoutStartMs: 300_000,
      maxNodeCount: 1,
    });
    expect(jobAs(job, 'GpuJob').docker).toEqual({
      image: 'pytorch/pytorch',
      tag: '2.3.0-cuda12.1-cudnn8-runtime',
      host: 'registry.example.com',
      user: 'ci-bot',
      imageSource: 'registry',
      envNames: ['EPOCHS', 'WANDB_API_KEY'],
      ports: [8888, 6006],
      allowedIps: ['10.0.0.0/8', '2001:db8::1', '192.0.2.7'],
      volumes: [{ image: 'datasets/imagenet', mount: '/data', registry: 'registry.example.com', tag: 'v2', user: 'ci-bot' }],
    });

    // The backend has them (its own view of the job)…
    const stored = JSON.stringify(world.demo.gpu.snapshot(job.providerJobId));
    for (const secret of Object.values(SECRETS)) expect(stored).toContain(secret);
    // …and the answer, read back whole, does not.
    const everything = await gql(world.url, `{ node(id: "${job.id}") { ... on GpuJob { docker { envNames } } ... on Job { name } } }`);
    for (const secret of Object.values(SECRETS)) {
      expect(JSON.stringify(response)).not.toContain(secret);
      expect(JSON.stringify(everything)).not.toContain(secret);
    }
  });

  it('a minimal input: the required fields and the documented defaults, nothing else', async () => {
    const { createGpuJob } = await gqlData(world.url, CreateGpuJob, { input: MINIMAL_GPU_INPUT });
    expect(as(createGpuJob, 'JobMutationSuccess').job.state).toBe('QUEUED');
    expect(JSON.parse(onlyRequest(world.demo.gpu.server, 'POST /v1/jobs').body)).toEqual({
      parameters: { type: 'docker', parameters: { image: 'alpine' } },
      title: 'smoke',
      task: 'BATCH',
      max_timeout_run_ms: 60_000,
      max_timeout_assign_ms: 300_000,
      max_timeout_start_ms: 300_000,
      max_node_count: 1,
    });
  });

  const docker = MINIMAL_GPU_INPUT.docker;
  it.each<[string, Partial<CreateGpuJobInput>, string]>([
    ['maxTimeoutRunMs below a minute', { maxTimeoutRunMs: 59_999 }, 'input.maxTimeoutRunMs'],
    ['maxTimeoutAssignMs below five minutes', { maxTimeoutAssignMs: 299_999 }, 'input.maxTimeoutAssignMs'],
    ['maxTimeoutStartMs below two minutes', { maxTimeoutStartMs: 119_999 }, 'input.maxTimeoutStartMs'],
    ['a fractional timeout', { maxTimeoutRunMs: 60_000.5 }, 'input.maxTimeoutRunMs'],
    ['a negative cpuCount', { cpuCount: -1 }, 'input.cpuCount'],
    ['a negative gpuCount', { gpuCount: -1 }, 'input.gpuCount'],
    ['a negative minRamGb', { minRamGb: -0.5 }, 'input.minRamGb'],
    ['a negative minVramGb', { minVramGb: -1 }, 'input.minVramGb'],
    ['a negative minStorageGb', { minStorageGb: -1 }, 'input.minStorageGb'],
    ['a negative maxRetryCount', { maxRetryCount: -1 }, 'input.maxRetryCount'],
    ['no node at all', { maxNodeCount: 0 }, 'input.maxNodeCount'],
    ['an empty title', { title: '   ' }, 'input.title'],
    ['both GPU selectors', { gpuName: 'NVIDIA H100', gpuRegistryUuid: 'c47e0d19-5f2a-4c3b-8e6d-71b9a2f0d845' }, 'input.gpuRegistryUuid'],
    ['a GPU registry id that is not a UUID', { gpuRegistryUuid: 'h100' }, 'input.gpuRegistryUuid'],
    ['an empty image', { docker: { image: '' } }, 'input.docker.image'],
    ['an env name that is not a shell name', { docker: { ...docker, env: [{ name: '1ST', value: 'x' }] } }, 'input.docker.env.0.name'],
    ['an env name given twice', { docker: { ...docker, env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'A', value: '3' }] } }, 'input.docker.env.2.name'],
    ['port 0', { docker: { ...docker, ports: [80, 0] } }, 'input.docker.ports.1'],
    ['port 65536', { docker: { ...docker, ports: [65_536] } }, 'input.docker.ports.0'],
    ['an allowed IP that is a host name', { docker: { ...docker, allowedIps: ['10.0.0.1', 'example.com'] } }, 'input.docker.allowedIps.1'],
    ['a CIDR prefix out of range', { docker: { ...docker, allowedIps: ['10.0.0.0/33'] } }, 'input.docker.allowedIps.0'],
    ['a volume without a mount path', { docker: { ...docker, volumes: [{ image: 'data', mount: ' ' }] } }, 'input.docker.volumes.0.mount'],
  ])('%s: one issue at its field, and no request', async (_label, change, path) => {
    const { createGpuJob } = await gqlData(world.url, CreateGpuJob, { input: { ...MINIMAL_GPU_INPUT, ...change } });
    const error = as(createGpuJob, 'InvalidInputError');
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues.map((issue) => issue.path)).toEqual([path]);
    expect(error.message).toContain(path);
    expect(allRequests(world)).toEqual([]);
  });

  it('every broken rule at once: one issue each', async () => {
    const input: CreateGpuJobInput = {
      title: '',
      maxTimeoutRunMs: 1,
      maxTimeoutAssignMs: 1,
      maxTimeoutStartMs: 1,
      cpuCount: -1,
      maxNodeCount: 0,
      gpuName: 'NVIDIA H100',
      gpuRegistryUuid: 'c47e0d19-5f2a-4c3b-8e6d-71b9a2f0d845',
      docker: { image: 'alpine', ports: [0], allowedIps: ['nope'] },
    };
    const { createGpuJob } = await gqlData(world.url, CreateGpuJob, { input });
    expect(as(createGpuJob, 'InvalidInputError').issues.map((issue) => issue.path).sort()).toEqual(
      [
        'input.title',
        'input.maxTimeoutRunMs',
        'input.maxTimeoutAssignMs',
        'input.maxTimeoutStartMs',
        'input.cpuCount',
        'input.maxNodeCount',
        'input.gpuRegistryUuid',
        'input.docker.ports.0',
        'input.docker.allowedIps.0',
      ].sort(),
    );
    expect(allRequests(world)).toEqual([]);
  });
});

const UCLOUD_INPUT: CreateUCloudJobInput = {
  application: { name: 'jupyter-lab', version: '4.2.5' },
  product: { id: 'u1-standard-4', category: 'u1-standard', provider: 'ucloud' },
  name: 'Notebook (analysis)_2026-01',
  replicas: 2,
  timeAllocation: { hours: 2, minutes: 90 },
  parameters: { notebook: { type: 'file', path: '/home/analysis.ipynb' } },
  resources: [],
  sshEnabled: true,
};

describe('createUCloudJob', () => {
  it('sends one jobs.create with the specification; answers the new job as read back', async () => {
    const { createUCloudJob } = await gqlData(world.url, CreateUCloudJob, { input: UCLOUD_INPUT });
    const { job } = as(createUCloudJob, 'JobMutationSuccess');

    const request = onlyRequest(world.demo.ucloud.server, 'POST /api/jobs');
    expect([request.method, request.path]).toEqual(['POST', '/api/jobs']);
    expect(header(request, 'authorization')).toMatch(/^Bearer \S+$/);
    expect(header(request, 'content-type')).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      items: [
        {
          application: { name: 'jupyter-lab', version: '4.2.5' },
          product: { id: 'u1-standard-4', category: 'u1-standard', provider: 'ucloud' },
          name: 'Notebook (analysis)_2026-01',
          replicas: 2,
          allowDuplicateJob: false,
          timeAllocation: { hours: 3, minutes: 30, seconds: 0 },
          parameters: { notebook: { type: 'file', path: '/home/analysis.ipynb' } },
          resources: [],
          sshEnabled: true,
        },
      ],
    });
    expect(writes(world)).toHaveLength(1);

    const created = world.demo.ucloud.inventory().find((item) => item.id === job.providerJobId);
    expect(created).toMatchObject({ name: 'Notebook (analysis)_2026-01', state: 'IN_QUEUE' });
    expect(job).toMatchObject({
      provider: 'UCLOUD',
      name: 'Notebook (analysis)_2026-01',
      state: 'QUEUED',
      replicas: 2,
      timeAllocationSeconds: 3.5 * 3_600,
      sshEnabled: true,
      application: { name: 'jupyter-lab', version: '4.2.5' },
      product: { id: 'u1-standard-4', category: 'u1-standard', provider: 'ucloud' },
    });
  });

  it('the same job again: UCloud refuses the duplicate, and says why', async () => {
    const input = { ...UCLOUD_INPUT, name: 'Duplicate check' };
    as((await gqlData(world.url, CreateUCloudJob, { input })).createUCloudJob, 'JobMutationSuccess');
    const { createUCloudJob } = await gqlData(world.url, CreateUCloudJob, { input });
    const error = as(createUCloudJob, 'RejectedError');
    expect(error).toMatchObject({ code: 'REJECTED', provider: 'UCLOUD', status: 409 });
    expect(error.message).toBe('A job with the same parameters is already running (set allowDuplicateJob to start it anyway)');
    expect(world.demo.ucloud.server.count('POST /api/jobs')).toBe(2);
  });

  it('an application UCloud does not have: its 400, with its reason', async () => {
    const { createUCloudJob } = await gqlData(world.url, CreateUCloudJob, { input: { ...UCLOUD_INPUT, application: { name: 'no-such-app', version: '1' } } });
    expect(as(createUCloudJob, 'RejectedError')).toMatchObject({ status: 400, message: 'Unknown application: no-such-app@1' });
    expect(world.demo.ucloud.server.count('POST /api/jobs')).toBe(1);
  });

  it.each<[string, Partial<CreateUCloudJobInput>, string]>([
    ['a name with a slash', { name: 'results/run-1' }, 'input.name'],
    ['a name longer than 200 characters', { name: 'x'.repeat(201) }, 'input.name'],
    ['an empty name', { name: '' }, 'input.name'],
    ['no replica', { replicas: 0 }, 'input.replicas'],
    ['more than 1000 replicas', { replicas: 1_001 }, 'input.replicas'],
    ['a time allocation of zero', { timeAllocation: {} }, 'input.timeAllocation'],
    ['parameters that are a list', { parameters: [1, 2] }, 'input.parameters'],
    ['resources that are an object', { resources: { a: 1 } }, 'input.resources'],
    ['an empty application name', { application: { name: ' ', version: '1' } }, 'input.application.name'],
  ])('%s: InvalidInputError at its field, and no request', async (_label, change, path) => {
    const { createUCloudJob } = await gqlData(world.url, CreateUCloudJob, { input: { ...UCLOUD_INPUT, ...change } });
    expect(as(createUCloudJob, 'InvalidInputError').issues.map((issue) => issue.path)).toEqual([path]);
    expect(allRequests(world)).toEqual([]);
  });
});
