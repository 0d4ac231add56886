// A job's life as UCloud would report it: queue, run, and how it ends. Plans are laid out once (at
// creation) as timeline phases; mutations later rewrite the future part.
import type { Phase } from '../common/timeline.js';
import type { Random } from '../common/random.js';
import { FAILURE_TEXT, STATUS_TEXT, type AppKind } from './catalog.js';

export type UCloudState = 'IN_QUEUE' | 'RUNNING' | 'CANCELING' | 'SUCCESS' | 'FAILURE' | 'EXPIRED' | 'SUSPENDED';
export const UCLOUD_STATES: readonly UCloudState[] = ['IN_QUEUE', 'RUNNING', 'CANCELING', 'SUCCESS', 'FAILURE', 'EXPIRED', 'SUSPENDED'];
export const FINAL: ReadonlySet<string> = new Set<UCloudState>(['SUCCESS', 'FAILURE', 'EXPIRED']);

export type Dialect = 'kotlin' | 'go';
export type Outcome = 'success' | 'expire' | 'terminate' | 'fail-queue' | 'fail-run' | 'open';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

export interface Plan {
  phases: Phase<UCloudState>[];
  /** When the job will hit its time allocation (null: no allocation). */
  expiresAtMs: number | null;
}

export const queued = (at: number): Phase<UCloudState> => ({ state: 'IN_QUEUE', at, message: STATUS_TEXT.IN_QUEUE });
export const running = (at: number): Phase<UCloudState> => ({ state: 'RUNNING', at, message: STATUS_TEXT.RUNNING });

/** How a user's termination shows: Kotlin passes through CANCELING, Go has no such state. */
export function terminationPhases(dialect: Dialect, at: number, random: Random): Phase<UCloudState>[] {
  const stopped = at + random.int(2 * SECOND, 5 * SECOND);
  const done: Phase<UCloudState> = { state: 'SUCCESS', at: stopped, message: STATUS_TEXT.TERMINATED };
  return dialect === 'kotlin' ? [{ state: 'CANCELING', at, message: STATUS_TEXT.CANCELING }, done] : [done];
}

export function queueWait(random: Random): number {
  return random.weighted<() => number>([
    [() => random.int(2 * SECOND, 30 * SECOND), 6],
    [() => random.int(30 * SECOND, 5 * MINUTE), 3],
    [() => random.int(5 * MINUTE, 40 * MINUTE), 1],
  ])();
}

export function pickOutcome(random: Random, kind: AppKind, allocated: boolean): Outcome {
  const outcome: Outcome =
    kind === 'interactive'
      ? random.weighted<Outcome>([['expire', 45], ['terminate', 45], ['success', 4], ['fail-run', 3], ['fail-queue', 3]])
      : random.weighted<Outcome>([['success', 74], ['expire', 10], ['terminate', 7], ['fail-run', 5], ['fail-queue', 4]]);
  // Without an allocation nothing expires: the user stops it eventually.
  return outcome === 'expire' && !allocated ? 'terminate' : outcome;
}

/** The whole life of a job created at `createdAt`. */
export function planLife(options: {
  random: Random;
  dialect: Dialect;
  createdAt: number;
  allocationMs: number | null;
  outcome: Outcome;
  queueMs?: number;
}): Plan {
  const { random, dialect, createdAt, allocationMs, outcome } = options;
  const start = createdAt + (options.queueMs ?? queueWait(random));
  const expiresAtMs = allocationMs === null ? null : start + allocationMs;
  const limit = allocationMs ?? 48 * 60 * MINUTE;
  const runFor = (min: number, max: number): number => Math.max(SECOND, random.int(Math.min(min, max), max));
  const phases: Phase<UCloudState>[] = [queued(createdAt)];
  switch (outcome) {
    case 'fail-queue':
      phases.push({ state: 'FAILURE', at: start, message: random.pick(FAILURE_TEXT) });
      break;
    case 'fail-run':
      phases.push(running(start), { state: 'FAILURE', at: start + runFor(MINUTE, limit * 0.8), message: random.pick(FAILURE_TEXT) });
      break;
    case 'success':
      phases.push(running(start), { state: 'SUCCESS', at: start + runFor(Math.min(10 * MINUTE, limit / 3), limit * 0.9), message: STATUS_TEXT.SUCCESS });
      break;
    case 'expire':
      phases.push(running(start), { state: 'EXPIRED', at: expiresAtMs ?? start + limit, message: STATUS_TEXT.EXPIRED });
      break;
    case 'terminate':
      phases.push(running(start), ...terminationPhases(dialect, start + runFor(3 * MINUTE, limit * 0.95), random));
      break;
    case 'open':
      phases.push(running(start));
      if (expiresAtMs !== null) phases.push({ state: 'EXPIRED', at: expiresAtMs, message: STATUS_TEXT.EXPIRED });
      break;
  }
  return { phases, expiresAtMs };
}
