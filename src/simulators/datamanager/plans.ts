// The lives Data Manager instances lead, as timelines of phases.
import type { Random } from '../common/random.js';
import { Timeline, type Phase } from '../common/timeline.js';
import { JOB_MESSAGES, type ApplicationDef, type JobDef } from './catalog.js';

export const PHASES = [
  'PENDING',
  'IMAGE_PULL_BACKOFF',
  'RUNNING',
  'CRASH_LOOP_BACKOFF',
  'COMPLETED',
  'SUCCEEDED',
  'FAILED',
  'UNKNOWN',
] as const;
export type DmPhase = (typeof PHASES)[number];

/**
 * `complete`/`succeed`: a job that runs and ends well (NEXTFLOW workflows report SUCCEEDED);
 * `running`: an application that runs until someone deletes it; the rest end (or stall) in trouble.
 */
export type PlanKind = 'complete' | 'succeed' | 'running' | 'failed' | 'imagePull' | 'crashLoop' | 'unknown';

export interface PlanSubject {
  launchedAt: number;
  job: JobDef | null;
  app: ApplicationDef | null;
}

export interface PlanTimes {
  /** When the container starts (default: 4–90 s after the launch). */
  start?: number;
  /** How long a job runs (default: 20 s to 4 h, most of them short). */
  runMs?: number;
}

export function plan(kind: PlanKind, subject: PlanSubject, random: Random, times: PlanTimes = {}): Phase<DmPhase>[] {
  const image = subject.job?.image ?? subject.app?.image ?? 'unknown';
  const start = times.start ?? subject.launchedAt + random.int(4_000, 90_000);
  const runMs = times.runMs ?? Math.round(20_000 * 720 ** random.next());
  const pending: Phase<DmPhase> = { state: 'PENDING', at: subject.launchedAt, message: JOB_MESSAGES.pending(image) };
  const running: Phase<DmPhase> = { state: 'RUNNING', at: start, message: JOB_MESSAGES.started };
  switch (kind) {
    case 'running':
      return [pending, running];
    case 'complete':
      return [pending, running, { state: 'COMPLETED', at: start + runMs, message: JOB_MESSAGES.completed }];
    case 'succeed':
      return [pending, running, { state: 'SUCCEEDED', at: start + runMs, message: JOB_MESSAGES.succeeded }];
    case 'failed':
      if (!subject.job) return [pending, { state: 'FAILED', at: start, message: JOB_MESSAGES.appFailed }];
      return [
        pending,
        running,
        { state: 'FAILED', at: start + Math.round(runMs * (0.1 + 0.8 * random.next())), message: random.pick(subject.job.failures) },
      ];
    case 'imagePull':
      return [pending, { state: 'IMAGE_PULL_BACKOFF', at: start, message: JOB_MESSAGES.imagePull(image) }];
    case 'crashLoop':
      return [pending, running, { state: 'CRASH_LOOP_BACKOFF', at: start + random.int(10_000, 600_000), message: JOB_MESSAGES.crashLoop }];
    case 'unknown':
      return [pending, running, { state: 'UNKNOWN', at: start + random.int(60_000, 7_200_000), message: JOB_MESSAGES.unknown }];
  }
}

/** The good ending of a subject: jobs finish, applications keep running. */
export function normalKind(subject: PlanSubject): PlanKind {
  if (!subject.job) return 'running';
  return subject.job.imageType === 'NEXTFLOW' ? 'succeed' : 'complete';
}

export interface Plannable extends PlanSubject {
  timeline: Timeline<DmPhase>;
}

/**
 * Rewrites a few plans so that every phase is present at `now`, whatever the seed drew. `planned`
 * is newest first; live phases are given to the newest instances, settled ones to the oldest.
 */
export function ensureEveryPhase(planned: readonly Plannable[], random: Random, now: number, reserved: ReadonlySet<number>): void {
  const used = new Set(reserved);
  const holders = (phase: DmPhase) => planned.filter((p) => p.timeline.at(now).state === phase).length;
  for (const phase of PHASES) {
    if (holders(phase) > 0) continue;
    const live = phase === 'PENDING' || phase === 'RUNNING';
    const order = planned.map((_, index) => index);
    if (!live) order.reverse();
    const jobOnly = phase === 'COMPLETED' || phase === 'SUCCEEDED';
    const index = order.find((i) => {
      const candidate = planned[i] as Plannable;
      return !used.has(i) && (!jobOnly || candidate.job !== null) && holders(candidate.timeline.at(now).state) > 1;
    });
    if (index === undefined) continue;
    used.add(index);
    const subject = planned[index] as Plannable;
    subject.timeline = new Timeline(planFor(phase, subject, random, now));
  }
}

function planFor(phase: DmPhase, subject: PlanSubject, random: Random, now: number): Phase<DmPhase>[] {
  const start = Math.min(subject.launchedAt + 30_000, now);
  switch (phase) {
    case 'PENDING':
      return plan(normalKind(subject), subject, random, { start: now + random.int(15_000, 90_000) });
    case 'RUNNING':
      return plan(normalKind(subject), subject, random, { start, runMs: now - start + 30 * 60_000 });
    case 'COMPLETED':
      return plan('complete', subject, random);
    case 'SUCCEEDED':
      return plan('succeed', subject, random);
    case 'FAILED':
      return plan('failed', subject, random);
    case 'IMAGE_PULL_BACKOFF':
      return plan('imagePull', subject, random);
    case 'CRASH_LOOP_BACKOFF':
      return plan('crashLoop', subject, random);
    case 'UNKNOWN':
      return plan('unknown', subject, random);
  }
}
