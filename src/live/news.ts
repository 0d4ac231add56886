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

export type LiveNews = JobNews | ListNews;
