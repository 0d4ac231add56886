import type { GpuJob, GpuVolume } from '../providers/job.js';
import { builder } from './builder.js';
import { jobNode } from './job.js';

const GpuVolumeRef = builder.objectRef<GpuVolume>('GpuVolume').implement({
  description: 'A volume image mounted into a GPU job\'s container. Its registry secret is never exposed.',
  fields: (t) => ({
    image: t.exposeString('image', { nullable: true, description: 'Volume image.' }),
    tag: t.exposeString('tag', { nullable: true, description: 'Volume image tag.' }),
    mount: t.exposeString('mount', { nullable: true, description: 'Mount path inside the container.' }),
    registry: t.exposeString('registry', { nullable: true, description: 'Registry the volume image comes from.' }),
    user: t.exposeString('user', { nullable: true, description: 'Registry user name.' }),
  }),
});

const GpuDockerRef = builder.objectRef<GpuJob>('GpuDockerParameters').implement({
  description: 'The container a GPU job runs. Registry secrets, SSH keys and environment values are never exposed.',
  fields: (t) => ({
    image: t.exposeString('dockerImage', { nullable: true, description: 'Container image (`pytorch/pytorch`).' }),
    tag: t.exposeString('dockerTag', { nullable: true, description: 'Image tag.' }),
    host: t.exposeString('dockerHost', { nullable: true, description: 'Registry host.' }),
    user: t.exposeString('dockerUser', { nullable: true, description: 'Registry user name.' }),
    imageSource: t.exposeString('dockerImageSource', { nullable: true, description: 'Where the image is taken from (`imagesrc`).' }),
    envNames: t.exposeStringList('envNames', { description: 'Names of the environment variables set (values may be credentials and are not shown).' }),
    ports: t.exposeIntList('ports', { description: 'Container ports exposed.' }),
    allowedIps: t.exposeStringList('allowedIps', { description: 'Addresses allowed to reach the exposed ports.' }),
    volumes: t.field({ type: [GpuVolumeRef], description: 'Volume images mounted into the container.', resolve: (job) => job.volumes }),
  }),
});

export const GpuJobRef = jobNode<GpuJob>('GPU', 'A job on the GPU compute cloud: a container run on a node with the requested GPUs.', (t) => ({
  task: t.exposeString('task', { description: '`BATCH` (runs to completion) or `PERSISTENT`.' }),
  description: t.exposeString('description', { nullable: true, description: 'The job\'s description.' }),
  updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true, description: 'When the backend last changed the job.' }),
  cpuCount: t.exposeFloat('cpuCount', { nullable: true, description: 'CPU cores required.' }),
  gpuCount: t.exposeFloat('gpuCount', { nullable: true, description: 'GPUs required.' }),
  gpuName: t.exposeString('gpuName', { nullable: true, description: 'GPU model asked for (`NVIDIA RTX 4090`).' }),
  gpuRegistryUuid: t.exposeString('gpuRegistryUuid', { nullable: true, description: 'Exact GPU asked for, by GPU registry UUID.' }),
  minRamGb: t.exposeFloat('minRamGb', { nullable: true, description: 'Minimum RAM in GB.' }),
  minVramGb: t.exposeFloat('minVramGb', { nullable: true, description: 'Minimum GPU memory in GB.' }),
  minStorageGb: t.exposeFloat('minStorageGb', { nullable: true, description: 'Minimum storage in GB.' }),
  maxTimeoutAssignMs: t.exposeFloat('maxTimeoutAssignMs', { nullable: true, description: 'Longest wait for a node, in milliseconds.' }),
  maxTimeoutStartMs: t.exposeFloat('maxTimeoutStartMs', { nullable: true, description: 'Longest node preparation, in milliseconds.' }),
  maxTimeoutRunMs: t.exposeFloat('maxTimeoutRunMs', { nullable: true, description: 'Longest run of a BATCH job, in milliseconds.' }),
  maxRetryCount: t.exposeFloat('maxRetryCount', { nullable: true, description: 'How often a failed run is retried.' }),
  maxNodeCount: t.exposeFloat('maxNodeCount', { nullable: true, description: 'Most nodes the job may be assigned.' }),
  timeoutAssignAtMs: t.exposeFloat('timeoutAssignAtMs', {
    nullable: true,
    description: 'Epoch milliseconds at which an unassigned job times out.',
  }),
  imageSizeBytes: t.exposeFloat('imageSizeBytes', { nullable: true, description: 'Size of the container image in bytes.' }),
  sourceRecipeUuid: t.exposeString('sourceRecipeUuid', { nullable: true, description: 'The recipe the job was made from.' }),
  docker: t.field({ type: GpuDockerRef, description: 'The container the job runs.', resolve: (job) => job }),
}));
