// New jobs in the gateway's own terms. Each provider writes its backend's create body from these,
// so nothing above `providers/` builds a wire format. Absent values leave the backend's defaults.

export interface GpuVolumeSpec {
  image: string;
  mount: string;
  registry?: string | null;
  /** A registry credential: sent, never read back. */
  secret?: string | null;
  tag?: string | null;
  user?: string | null;
}

export interface GpuDockerSpec {
  image: string;
  tag?: string | null;
  host?: string | null;
  user?: string | null;
  /** Credentials: sent, never read back. */
  secret?: string | null;
  sshkey?: string | null;
  imageSource?: string | null;
  /** Values may be credentials: sent, never read back (only the names are). */
  env?: readonly { name: string; value: string }[] | null;
  ports?: readonly number[] | null;
  allowedIps?: readonly string[] | null;
  volumes?: readonly GpuVolumeSpec[] | null;
}

export interface GpuJobSpec {
  title: string;
  description?: string | null;
  task: 'BATCH';
  maxTimeoutRunMs: number;
  maxTimeoutAssignMs?: number | null;
  maxTimeoutStartMs?: number | null;
  maxNodeCount?: number | null;
  maxRetryCount?: number | null;
  cpuCount?: number | null;
  gpuCount?: number | null;
  minRamGb?: number | null;
  minVramGb?: number | null;
  minStorageGb?: number | null;
  gpuName?: string | null;
  gpuRegistryUuid?: string | null;
  docker: GpuDockerSpec;
}

export interface UCloudJobSpec {
  application: { name: string; version: string };
  product: { id: string; category: string; provider: string };
  name?: string | null;
  replicas?: number | null;
  /** Null or absent: the job does not expire on its own. */
  timeAllocationSeconds?: number | null;
  parameters?: Record<string, unknown> | null;
  resources?: readonly unknown[] | null;
  allowDuplicateJob?: boolean | null;
  sshEnabled?: boolean | null;
}
