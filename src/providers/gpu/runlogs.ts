// Incremental reading of job-run logs: the API only offers each run's whole output so far.
import { z } from 'zod';
import type { GpuJobRunWire } from './wire.js';

/** Run statuses after which a run's logs no longer change. */
const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export function isFinishedRun(status: string): boolean {
  return FINISHED.has(status.trim().toUpperCase());
}

/**
 * What a poll has read: characters seen per run, and the runs whose logs were read after they had
 * finished. The second part is needed because a run that finishes between two polls still has a
 * last piece of output to fetch; only a read made after it finished is complete.
 */
export interface RunCursor {
  runs: Record<string, number>;
  done: string[];
}

const cursorSchema = z.object({
  runs: z.record(z.string(), z.number().int().min(0)),
  done: z.array(z.string()),
});

/** An unreadable cursor starts over: repeating output is better than losing it. */
export function parseRunCursor(cursor: string | null): RunCursor {
  if (cursor === null) return { runs: {}, done: [] };
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(cursor));
    return parsed.success ? parsed.data : { runs: {}, done: [] };
  } catch {
    return { runs: {}, done: [] };
  }
}

export function serializeRunCursor(cursor: RunCursor): string {
  return JSON.stringify(cursor);
}

/** A list of lines is read as lines: each ends with a newline, so appending lines only appends text. */
export function runLogText(logs: string | readonly string[] | null): string {
  if (logs === null) return '';
  if (typeof logs === 'string') return logs;
  return logs.map((line) => (line.endsWith('\n') ? line : `${line}\n`)).join('');
}

/** Started order (the API lists runs in no particular order); a rank is the index in it. */
export function inStartedOrder(runs: readonly GpuJobRunWire[]): GpuJobRunWire[] {
  return [...runs].sort((a, b) => {
    const at = a.started_at_ms ?? Number.POSITIVE_INFINITY;
    const bt = b.started_at_ms ?? Number.POSITIVE_INFINITY;
    if (at !== bt) return at < bt ? -1 : 1;
    return a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
  });
}
