// The unified job model: what every provider hands back and everything above `providers/` reads.
// Nothing here knows a wire format.

export const JOB_PROVIDERS = ['UCLOUD', 'RIME', 'DATA_MANAGER', 'GPU'] as const;
export type JobProvider = (typeof JOB_PROVIDERS)[number];

export const JOB_STATES = [
  'PENDING',
  'QUEUED',
  'RUNNING',
  'SUSPENDED',
  'CANCELLING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'EXPIRED',
  'UNKNOWN',
] as const;
export type JobState = (typeof JOB_STATES)[number];

const TERMINAL: ReadonlySet<JobState> = new Set<JobState>(['SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED']);

export function isTerminal(state: JobState): boolean {
  return TERMINAL.has(state);
}

/** What a client may do with a job right now (depends on backend, job kind and state). */
export interface Capabilities {
  cancel: boolean;
  extend: boolean;
  suspend: boolean;
  resume: boolean;
  logs: boolean;
}

export interface JobCommon {
  provider: JobProvider;
  /** The backend's own id (UCloud numeric string, RIME job id, `instance-<uuid>`, GPU uuid). */
  providerJobId: string;
  name: string | null;
  state: JobState;
  /** The backend's own state string, untouched. */
  providerState: string;
  owner: string | null;
  project: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  runningTimeSeconds: number | null;
  statusMessage: string | null;
  capabilities: Capabilities;
}

export interface UCloudJobUpdate {
  state: string | null;
  status: string | null;
  timestamp: Date;
}

export interface UCloudJob extends JobCommon {
  provider: 'UCLOUD';
  applicationName: string;
  applicationVersion: string;
  productId: string;
  productCategory: string;
  productProvider: string;
  replicas: number;
  /** Null: the job does not expire on its own. */
  timeAllocationSeconds: number | null;
  expiresAt: Date | null;
  outputFolder: string | null;
  providerGeneratedId: string | null;
  sshEnabled: boolean | null;
  restartOnExit: boolean | null;
  /** Only filled when the backend was asked for parameters. */
  parameters: unknown;
  resources: unknown;
  updates: UCloudJobUpdate[];
}

export interface RimeTestBatch {
  type: string | null;
  status: string | null;
}

export interface RimeJob extends JobCommon {
  provider: 'RIME';
  jobType: string;
  terminationReason: string | null;
  cancellationRequested: boolean;
  agentId: string | null;
  testRunId: string | null;
  firewallId: string | null;
  continuousTestRunIds: string[];
  progressText: string | null;
  testRunStatus: string | null;
  testBatches: RimeTestBatch[];
  archivedLogsUrl: string | null;
  archivedLogsExpireAt: Date | null;
}

export interface DataManagerInstance extends JobCommon {
  provider: 'DATA_MANAGER';
  applicationId: string;
  applicationVersion: string;
  applicationType: string;
  archived: boolean;
  /** Decimal string, exactly as the backend reports it. */
  coins: string | null;
  url: string | null;
  outputs: unknown;
  applicationSpecification: unknown;
  runTime: string;
  jobCollection: string | null;
  jobJob: string | null;
  jobName: string | null;
  jobVersion: string | null;
  jobDefinitionId: number | null;
  jobImageType: string | null;
  fixPermissions: boolean | null;
  /** Task ids come with a single-instance get only; null on an instance from the list. */
  taskIds: string[] | null;
}

export interface GpuVolume {
  image: string | null;
  mount: string | null;
  registry: string | null;
  tag: string | null;
  user: string | null;
}

export interface GpuJob extends JobCommon {
  provider: 'GPU';
  task: string;
  description: string | null;
  updatedAt: Date | null;
  cpuCount: number | null;
  gpuCount: number | null;
  gpuName: string | null;
  gpuRegistryUuid: string | null;
  minRamGb: number | null;
  minVramGb: number | null;
  minStorageGb: number | null;
  maxTimeoutAssignMs: number | null;
  maxTimeoutStartMs: number | null;
  maxTimeoutRunMs: number | null;
  maxRetryCount: number | null;
  maxNodeCount: number | null;
  timeoutAssignAtMs: number | null;
  imageSizeBytes: number | null;
  sourceRecipeUuid: string | null;
  dockerImage: string | null;
  dockerTag: string | null;
  dockerHost: string | null;
  dockerUser: string | null;
  dockerImageSource: string | null;
  /** Names only: values may hold credentials. */
  envNames: string[];
  ports: number[];
  allowedIps: string[];
  volumes: GpuVolume[];
}

export type Job = UCloudJob | RimeJob | DataManagerInstance | GpuJob;
