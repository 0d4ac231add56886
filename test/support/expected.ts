import type { DemoBackends } from '../../src/demo.js';
import type { JobState, JobProvider } from '../../src/providers/job.js';

/** A job as the simulators know it: the ground truth a gateway answer is checked against. */
export interface Truth {
  provider: JobProvider;
  id: string;
  createdAtMs: number;
  /** The backend's own state word. */
  state: string;
}

export function truth(demo: DemoBackends): Truth[] {
  const of = (provider: JobProvider, items: { id: string; createdAtMs: number; state: string }[]) =>
    items.map((item) => ({ provider, id: item.id, createdAtMs: item.createdAtMs, state: item.state }));
  return [
    ...of('UCLOUD', demo.ucloud.inventory()),
    ...of('RIME', demo.rime.inventory()),
    ...of('DATA_MANAGER', demo.dataManager.inventory()),
    ...of('GPU', demo.gpu.inventory()),
  ];
}

/** DESIGN.md's order, written out independently of the gateway's: newest first, then provider, then id. */
export function designOrder(a: Truth, b: Truth): number {
  if (a.createdAtMs !== b.createdAtMs) return b.createdAtMs - a.createdAtMs;
  if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const key = (job: { provider: string; providerJobId?: string; id?: string }): string =>
  `${job.provider}:${job.providerJobId ?? job.id}`;

/** DESIGN.md's state table (RIME's cancellation-requested case needs the job's details). */
export const DESIGN_STATES: Record<JobProvider, Record<string, JobState>> = {
  UCLOUD: {
    IN_QUEUE: 'QUEUED',
    RUNNING: 'RUNNING',
    SUSPENDED: 'SUSPENDED',
    CANCELING: 'CANCELLING',
    SUCCESS: 'SUCCEEDED',
    FAILURE: 'FAILED',
    EXPIRED: 'EXPIRED',
  },
  RIME: {
    JOB_STATUS_REQUESTED: 'PENDING',
    JOB_STATUS_PENDING: 'QUEUED',
    JOB_STATUS_RUNNING: 'RUNNING',
    JOB_STATUS_RECONCILING: 'RUNNING',
    JOB_STATUS_SUCCEEDED: 'SUCCEEDED',
    JOB_STATUS_FAILED: 'FAILED',
    JOB_STATUS_CANCELLED: 'CANCELLED',
    JOB_STATUS_UNSPECIFIED: 'UNKNOWN',
  },
  DATA_MANAGER: {
    PENDING: 'QUEUED',
    IMAGE_PULL_BACKOFF: 'QUEUED',
    RUNNING: 'RUNNING',
    CRASH_LOOP_BACKOFF: 'RUNNING',
    COMPLETED: 'SUCCEEDED',
    SUCCEEDED: 'SUCCEEDED',
    FAILED: 'FAILED',
    UNKNOWN: 'UNKNOWN',
  },
  GPU: {
    PENDING: 'QUEUED',
    ASSIGNED: 'QUEUED',
    RUNNING: 'RUNNING',
    CANCELLING: 'CANCELLING',
    COMPLETED: 'SUCCEEDED',
    CANCELLED: 'CANCELLED',
    FAILED: 'FAILED',
  },
};
