// What a subscriber joining a watch on a replica that does not hold its lease starts from: the
// holder's last published snapshot and the output so far, kept beside the transport (Redis).
import type { LogEntry } from '../providers/contract.js';
import type { Job } from '../providers/job.js';
import type { JobKey } from './key.js';

export interface ReplayState {
  /** The last snapshot published for the key; null when none was yet. */
  job: Job | null;
  /** The output published so far, oldest first (capped: the newest entries when there were more). */
  entries: LogEntry[];
  /** The job has ended and its output was read to the end. */
  logsEnded: boolean;
}

export interface LiveReplay {
  /** What is known of `key` from whichever replica watches it; null when nothing is. */
  load(key: JobKey): Promise<ReplayState | null>;
}

/** In one process the watcher itself holds everything: there is nothing to load. */
export const NO_REPLAY: LiveReplay = { load: () => Promise.resolve(null) };
