// Reading a `jobs.follow` stream: each frame is folded into the job as last known, and its log
// chunks become log entries. Wire level only; the provider maps the folded job.
import type { LogEntry } from '../contract.js';
import type { Job as WireJob, JobsFollowResponse, JobUpdate } from './wire.js';

export interface Folded {
  job: WireJob | null;
  /** True when this frame changed the job (initial job, new updates or a new status). */
  changed: boolean;
}

function sameUpdate(a: JobUpdate, b: JobUpdate): boolean {
  return a.timestamp === b.timestamp && a.state === b.state && a.status === b.status && a.newTimeAllocation === b.newTimeAllocation;
}

/**
 * Applies one frame: `initialJob` replaces everything, `updates` are appended (skipping any the job
 * already holds: two updates may share a millisecond, so timestamps alone cannot tell), a state
 * carried by an update moves `status.state`, and `newStatus` replaces the status.
 */
export function foldFrame(previous: WireJob | null, frame: JobsFollowResponse): Folded {
  const base = frame.initialJob ?? previous;
  if (base === null) return { job: null, changed: false };
  let job = base;
  let changed = frame.initialJob !== null;

  const fresh = frame.updates.filter((update) => !base.updates.some((known) => sameUpdate(known, update)));
  if (fresh.length > 0) {
    const last = fresh.findLast((update) => update.state !== null);
    const folder = fresh.findLast((update) => update.outputFolder !== null)?.outputFolder ?? null;
    job = {
      ...job,
      updates: [...job.updates, ...fresh],
      status: last?.state ? { ...job.status, state: last.state } : job.status,
      output: folder !== null ? { outputFolder: folder } : job.output,
    };
    changed = true;
  }
  if (frame.newStatus !== null) {
    job = { ...job, status: frame.newStatus };
    changed = true;
  }
  return { job, changed };
}

/** Each chunk exactly as received; a `JobsLog` carries stdout or stderr (both are read if both came). */
export function logEntries(frame: JobsFollowResponse, receivedAt: Date): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const log of frame.log) {
    if (log.stdout) entries.push({ rank: log.rank, stream: 'STDOUT', text: log.stdout, timestamp: receivedAt });
    if (log.stderr) entries.push({ rank: log.rank, stream: 'STDERR', text: log.stderr, timestamp: receivedAt });
  }
  return entries;
}
