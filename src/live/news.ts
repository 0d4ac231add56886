// What watchers publish for subscribers: what changed, already diffed (see transport.ts).
import type { LogEntry } from '../providers/contract.js';
import type { Job, JobState } from '../providers/job.js';

/** A change of one job among a backend's jobs (`jobsUpdated`). */
export interface JobEvent {
  job: Job;
  /** Null for a job seen for the first time. */
  previousState: JobState | null;
}

/** News of one followed job (`jobUpdated`, `jobLogs`). */
export type JobNews =
  | { readonly type: 'snapshot'; readonly job: Job }
  | { readonly type: 'logs'; readonly entries: readonly LogEntry[] }
  /** The job has ended and its output has been read to the end. */
  | { readonly type: 'logsEnd' };

/** News of a backend's list; `before` lets a subscriber tell a job leaving its filter. */
export interface ListNews {
  readonly type: 'listed';
  readonly event: JobEvent;
  readonly before: Job | null;
}

/**
 * Several replicas: a replica whose subscribers follow `id` asks the one that polls the job's scope
 * (backend and credential) to read it too, so that one batched poll serves every replica.
 */
export interface WantNews {
  readonly type: 'want';
  readonly id: string;
  /** Its output is read too (`jobLogs`), not only its state. */
  readonly logs: boolean;
}

export type LiveNews = JobNews | ListNews | WantNews;
