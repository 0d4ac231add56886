import type { Provider } from '../providers/contract.js';
import { FollowGroup } from './follow-group.js';
import type { JobWatcher } from './job-watcher.js';
import { PollGroup } from './poll-group.js';

/** How the followed jobs of one backend (read with one credential) reach their watchers. */
export interface JobFeed {
  /** Feeds `watcher` from now on; its first snapshot is read with others that start in the same turn. */
  add(watcher: JobWatcher): void;
  remove(watcher: JobWatcher): void;
  /** Someone is about to read `watcher`'s output. */
  outputWanted(watcher: JobWatcher): void;
  /** Someone subscribed to `watcher`, which has its first snapshot. */
  subscribed(watcher: JobWatcher): void;
  /** Stops for good; resolves once no stream is open. */
  stop(): Promise<void>;
  /** Backend streams open right now. */
  readonly streams: number;
  /** Watchers it feeds. */
  readonly size: number;
}

/**
 * Read off the backend's contract alone: one with its own stream (`follow`) brings state and
 * output as they happen, one stream per job; any other is polled, one batched read per interval
 * (`refreshMany` or `getMany`, and `pollLogs` for output).
 */
export function feedFor(provider: Provider, intervalMs: number, onRound: () => void): JobFeed {
  const follow = provider.follow?.bind(provider);
  return follow ? new FollowGroup(provider, follow, intervalMs) : new PollGroup(provider, intervalMs, onRound);
}
