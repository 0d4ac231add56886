import { isTerminal, type Capabilities, type GpuJob, type GpuVolume, type JobState } from '../job.js';
import type { GpuJobSpec } from '../specs.js';
import type { GpuCreateJobBody, GpuDockerParametersInput, GpuJobWire, GpuVolumeInput } from './wire.js';

const STATES: Readonly<Record<string, JobState>> = {
  PENDING: 'QUEUED',
  ASSIGNED: 'QUEUED',
  RUNNING: 'RUNNING',
  CANCELLING: 'CANCELLING',
  COMPLETED: 'SUCCEEDED',
  CANCELLED: 'CANCELLED',
  FAILED: 'FAILED',
};

export function toJobState(status: string): JobState {
  return STATES[status.trim().toUpperCase()] ?? 'UNKNOWN';
}

export function capabilities(state: JobState): Capabilities {
  // A cancellation under way needs no second one.
  return { cancel: !isTerminal(state) && state !== 'CANCELLING', extend: false, suspend: false, resume: false, logs: true };
}

/** From the start to the end, or until now (when it was read) while the job runs: the API reports none. */
function runningSeconds(startedAt: Date | null, finishedAt: Date | null, state: JobState): number | null {
  if (startedAt === null) return null;
  const until = finishedAt?.getTime() ?? (isTerminal(state) ? null : Date.now());
  return until === null ? null : Math.max(0, (until - startedAt.getTime()) / 1000);
}

function finiteNumbers(values: readonly number[] | null): number[] {
  return (values ?? []).filter((value) => Number.isFinite(value));
}

/**
 * Wire job → unified job. `uuid` is the job's id (the wire's own, or the one that was asked for when
 * a single-job answer leaves it null). Credentials (`secret`, `sshkey`, volume secrets,
 * `container_access_tokens`, env values) are not copied.
 */
export function toJob(wire: GpuJobWire, uuid: string): GpuJob {
  const state = toJobState(wire.status);
  const docker = wire.parameters?.parameters ?? null;
  const startedAt = wire.started_at;
  const finishedAt = wire.completed_at;
  const volumes: GpuVolume[] = (docker?.volumes ?? []).map((volume) => ({
    image: volume.image,
    mount: volume.mount,
    registry: volume.registry,
    tag: volume.tag,
    user: volume.user,
  }));
  return {
    provider: 'GPU',
    providerJobId: uuid,
    name: wire.title,
    state,
    providerState: wire.status,
    owner: null,
    project: null,
    // The seed lets created_at be null; the list still needs a time, and the job's other times are
    // the closest the backend offers.
    createdAt: wire.created_at ?? wire.updated_at ?? startedAt ?? new Date(0),
    startedAt,
    finishedAt,
    runningTimeSeconds: runningSeconds(startedAt, finishedAt, state),
    statusMessage: wire.status_reason,
    capabilities: capabilities(state),
    task: wire.task,
    description: wire.description,
    updatedAt: wire.updated_at,
    cpuCount: wire.cpu_count,
    gpuCount: wire.gpu_count,
    gpuName: wire.gpu_name,
    gpuRegistryUuid: wire.gpu_registry_uuid,
    minRamGb: wire.min_ram_gb,
    minVramGb: wire.min_vram_gb,
    minStorageGb: wire.min_storage_gb,
    maxTimeoutAssignMs: wire.max_timeout_assign_ms,
    maxTimeoutStartMs: wire.max_timeout_start_ms,
    maxTimeoutRunMs: wire.max_timeout_run_ms,
    maxRetryCount: wire.max_retry_count,
    maxNodeCount: wire.max_node_count,
    timeoutAssignAtMs: wire.timeout_assign_at_ms,
    imageSizeBytes: wire.image_size_bytes,
    sourceRecipeUuid: wire.source_recipe_uuid,
    dockerImage: docker?.image ?? null,
    dockerTag: docker?.tag ?? null,
    dockerHost: docker?.host ?? null,
    dockerUser: docker?.user ?? null,
    dockerImageSource: docker?.imagesrc ?? null,
    envNames: Object.keys(docker?.env ?? {}),
    ports: finiteNumbers(docker?.ports ?? null),
    allowedIps: docker?.allowed_ips ?? [],
    volumes,
  };
}

/** The entries of `value` that are set: absent fields leave the backend's defaults. */
function present<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== null && entry !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], null | undefined>;
  };
}

function dockerParameters(docker: GpuJobSpec['docker']): GpuDockerParametersInput {
  const volumes = docker.volumes?.map(
    (volume): GpuVolumeInput =>
      present({ image: volume.image, mount: volume.mount, registry: volume.registry, secret: volume.secret, tag: volume.tag, user: volume.user }),
  );
  return present({
    image: docker.image,
    tag: docker.tag,
    host: docker.host,
    user: docker.user,
    secret: docker.secret,
    sshkey: docker.sshkey,
    imagesrc: docker.imageSource,
    env: docker.env ? Object.fromEntries(docker.env.map((variable) => [variable.name, variable.value])) : undefined,
    ports: docker.ports ? [...docker.ports] : undefined,
    allowed_ips: docker.allowedIps ? [...docker.allowedIps] : undefined,
    volumes,
  });
}

/** The `POST /v1/jobs` body (seed 004) for a new job. */
export function toCreateBody(spec: GpuJobSpec): GpuCreateJobBody {
  return {
    parameters: { type: 'docker', parameters: dockerParameters(spec.docker) },
    title: spec.title,
    task: spec.task,
    max_timeout_run_ms: spec.maxTimeoutRunMs,
    ...present({
      description: spec.description,
      cpu_count: spec.cpuCount,
      gpu_count: spec.gpuCount,
      gpu_name: spec.gpuName,
      gpu_registry_uuid: spec.gpuRegistryUuid,
      max_node_count: spec.maxNodeCount,
      max_retry_count: spec.maxRetryCount,
      max_timeout_assign_ms: spec.maxTimeoutAssignMs,
      max_timeout_start_ms: spec.maxTimeoutStartMs,
      min_ram_gb: spec.minRamGb,
      min_vram_gb: spec.minVramGb,
      min_storage_gb: spec.minStorageGb,
    }),
  };
}
