// One simulated RIME job planned out in full: its status timeline and the work (test batches,
// scanned files, build steps) it does while RUNNING. Everything observable is read off this plan
// and the clock.
import type { Random } from '../common/random.js';
import { Timeline, type Phase } from '../common/timeline.js';
import {
  CONTINUOUS_TEST_BATCHES,
  CROSS_PLANE_STEPS,
  FAILURES,
  GENERATIVE_ATTACKS,
  IMAGE_BUILD_STEPS,
  NOT_SCHEDULED,
  RUN_MINUTES,
  SCANNED_FILES,
  STRESS_TEST_BATCHES,
  CANCELLABLE_TYPES,
  type JobType,
  type Status,
  type TerminationReason,
} from './catalog.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A unit of work with its planned window. */
export interface Step {
  label: string;
  start: number;
  end: number;
}

export interface TestRunPlan {
  testRunId: string;
  /** The data bin a continuous test run covers. */
  binStart: number | null;
  binEnd: number | null;
  batches: Step[];
}

/** How a job's progress reads: test runs with batches, plain steps, or nothing. */
export type WorkKind = 'stress' | 'continuous' | 'steps' | 'none';

export interface SimJob {
  readonly jobId: string;
  readonly jobType: JobType;
  readonly createdAt: number;
  readonly timeline: Timeline<Status>;
  readonly agentId: string;
  /** Stress tests carry it in their job data; firewall and generative tests only answer GetProjectID. */
  readonly projectId: string | null;
  readonly firewallId: string | null;
  readonly work: WorkKind;
  readonly testRuns: TestRunPlan[];
  readonly steps: Step[];
  /** What the progress text calls one step ("Step", "File", "Attack"). */
  readonly stepNoun: string;
  readonly failure: { reason: TerminationReason; message: string } | null;
  /** Created after the release that added `completionTime`, `errorMsg` and richer termination reasons. */
  readonly newerRelease: boolean;
  cancelRequestedAt: number | null;
}

/** A state a job is made to be in when the simulator starts, so every status is live somewhere. */
export type Target = 'REQUESTED' | 'PENDING' | 'RUNNING' | 'RECONCILING' | 'CANCELLING' | 'LEGACY';

export interface Firewall {
  firewallId: string;
  projectId: string;
}

export interface PlanContext {
  now: number;
  /** Jobs created from here on come from the newer release. */
  releaseAt: number;
  agents: readonly string[];
  projects: readonly string[];
  firewalls: readonly Firewall[];
}

export interface PlanRequest {
  createdAt: number;
  jobType: JobType;
  target?: Target;
}

interface Durations {
  requested: number;
  pending: number;
  run: number;
  reconcile: number;
}

type Outcome = 'succeeded' | 'failed' | 'cancelled' | 'stuck';

function naturalDurations(r: Random, jobType: JobType): Durations {
  const [minMinutes, maxMinutes] = RUN_MINUTES[jobType];
  return {
    requested: r.int(SECOND, 20 * SECOND),
    pending: r.int(5 * SECOND, 4 * MINUTE),
    run: r.int(minMinutes * MINUTE, maxMinutes * MINUTE),
    reconcile: r.chance(0.15) ? r.int(15 * SECOND, 5 * MINUTE) : 0,
  };
}

/** Durations that put the job in `target` at `now`, scaled to however old it is. */
function forcedDurations(r: Random, target: Target, age: number, natural: Durations): Durations {
  switch (target) {
    case 'REQUESTED':
      return { ...natural, requested: age + r.int(15 * SECOND, 90 * SECOND), reconcile: 0 };
    case 'PENDING':
      return { ...natural, requested: age * 0.25, pending: age * 0.75 + r.int(20 * SECOND, 3 * MINUTE), reconcile: 0 };
    case 'RUNNING':
    case 'CANCELLING':
      return { requested: age * 0.1, pending: age * 0.2, run: age * 0.7 + r.int(3 * MINUTE, 25 * MINUTE), reconcile: 0 };
    case 'RECONCILING':
      return { requested: age * 0.1, pending: age * 0.2, run: age * 0.5, reconcile: age * 0.2 + r.int(30 * SECOND, 4 * MINUTE) };
    case 'LEGACY':
      return natural;
  }
}

/** Splits [from, to) into consecutive windows, one per label, of random relative length. */
function split(r: Random, labels: readonly string[], from: number, to: number): Step[] {
  const weights = labels.map(() => r.int(2, 6));
  const total = weights.reduce((a, b) => a + b, 0);
  let at = from;
  return labels.map((label, i) => {
    const end = i === labels.length - 1 ? to : at + ((to - from) * (weights[i] ?? 1)) / total;
    const step = { label, start: Math.round(at), end: Math.round(end) };
    at = end;
    return step;
  });
}

function sample(r: Random, pool: readonly string[], min: number, max: number): string[] {
  const left = [...pool];
  const count = Math.min(left.length, r.int(min, max));
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(left.splice(r.int(0, left.length - 1), 1)[0] as string);
  return out;
}

interface Work {
  work: WorkKind;
  testRuns: TestRunPlan[];
  steps: Step[];
  stepNoun: string;
}

function planWork(r: Random, jobType: JobType, createdAt: number, from: number, to: number): Work {
  switch (jobType) {
    case 'JOB_TYPE_MODEL_STRESS_TEST': {
      const batches = split(r, sample(r, STRESS_TEST_BATCHES, 6, 12), from, to);
      return { work: 'stress', testRuns: [{ testRunId: r.uuid(), binStart: null, binEnd: null, batches }], steps: [], stepNoun: '' };
    }
    case 'JOB_TYPE_FIREWALL_BATCH_TEST': {
      const binLength = r.pick([HOUR, DAY]);
      const bins = r.int(2, 5);
      const lastEnd = Math.floor(createdAt / binLength) * binLength;
      const perBin = Array.from({ length: bins }, () => sample(r, CONTINUOUS_TEST_BATCHES, 3, 6));
      const all = split(r, perBin.flat(), from, to);
      let offset = 0;
      const testRuns = perBin.map((labels, b) => {
        const batches = all.slice(offset, offset + labels.length);
        offset += labels.length;
        const binEnd = lastEnd - (bins - 1 - b) * binLength;
        return { testRunId: r.uuid(), binStart: binEnd - binLength, binEnd, batches };
      });
      return { work: 'continuous', testRuns, steps: [], stepNoun: '' };
    }
    case 'JOB_TYPE_FILE_SCAN':
      return { work: 'steps', testRuns: [], steps: split(r, sample(r, SCANNED_FILES, 3, 10), from, to), stepNoun: 'File' };
    case 'JOB_TYPE_IMAGE_BUILDER': {
      const steps = IMAGE_BUILD_STEPS.filter((_, i) => i !== 2 || r.chance(0.5));
      return { work: 'steps', testRuns: [], steps: split(r, steps, from, to), stepNoun: 'Step' };
    }
    case 'JOB_TYPE_CROSS_PLANE_TASK':
      return { work: 'steps', testRuns: [], steps: split(r, CROSS_PLANE_STEPS, from, to), stepNoun: 'Step' };
    case 'JOB_TYPE_GENERATIVE_MODEL_TEST':
      return { work: 'steps', testRuns: [], steps: split(r, sample(r, GENERATIVE_ATTACKS, 4, 8), from, to), stepNoun: 'Attack' };
    case 'JOB_TYPE_UNSPECIFIED':
      return { work: 'none', testRuns: [], steps: [], stepNoun: '' };
  }
}

function pickFailure(r: Random, jobType: JobType): { reason: TerminationReason; message: string } {
  const memoryHungry = jobType === 'JOB_TYPE_MODEL_STRESS_TEST' || jobType === 'JOB_TYPE_GENERATIVE_MODEL_TEST';
  const kind = r.weighted<'generic' | 'oom' | 'internal'>([
    ['generic', 5],
    ['oom', memoryHungry ? 3 : 0],
    ['internal', 2],
  ]);
  const reason: TerminationReason =
    kind === 'oom' ? 'TERMINATION_REASON_OOMKILLED' : kind === 'internal' ? 'TERMINATION_REASON_INTERNAL_ERROR' : 'TERMINATION_REASON_GENERIC_ERROR';
  return { reason, message: r.pick(FAILURES[kind]) };
}

export function planJob(r: Random, request: PlanRequest, context: PlanContext): SimJob {
  const { createdAt, jobType, target } = request;
  const age = Math.max(0, context.now - createdAt);
  const natural = naturalDurations(r, jobType);
  const d = target ? forcedDurations(r, target, age, natural) : natural;
  const cancellable = CANCELLABLE_TYPES.includes(jobType);
  const outcome: Outcome = target
    ? 'succeeded'
    : r.weighted<Outcome>([
        ['succeeded', 72],
        ['failed', 17],
        ['cancelled', cancellable ? 9 : 0],
        ['stuck', 2],
      ]);

  const runStart = Math.round(createdAt + d.requested + d.pending);
  const runEnd = Math.round(runStart + d.run);
  const end = Math.round(runEnd + d.reconcile);
  const phases: Phase<Status>[] = [
    { state: 'JOB_STATUS_REQUESTED', at: createdAt },
    { state: 'JOB_STATUS_PENDING', at: Math.round(createdAt + d.requested) },
    { state: 'JOB_STATUS_RUNNING', at: runStart },
  ];
  if (d.reconcile > 0) phases.push({ state: 'JOB_STATUS_RECONCILING', at: runEnd });
  phases.push({ state: 'JOB_STATUS_SUCCEEDED', at: end });
  const timeline = new Timeline<Status>(target === 'LEGACY' ? [{ state: 'JOB_STATUS_UNSPECIFIED', at: createdAt }] : phases);

  // The model and data load before the first batch; the last batch ends just before the run does.
  const prepare = Math.min(r.int(10 * SECOND, 60 * SECOND), d.run * 0.2);
  const work = target === 'LEGACY' ? planWork(r, 'JOB_TYPE_UNSPECIFIED', createdAt, 0, 0) : planWork(r, jobType, createdAt, runStart + prepare, runEnd - Math.min(2 * SECOND, d.run * 0.05));

  let failure: SimJob['failure'] = null;
  let cancelRequestedAt: number | null = null;
  if (outcome === 'failed') {
    failure = pickFailure(r, jobType);
    const at = Math.round(runStart + d.run * (0.05 + 0.9 * r.next()));
    timeline.replan(at - 1, [{ state: 'JOB_STATUS_FAILED', at }]);
  } else if (outcome === 'stuck') {
    failure = { reason: 'TERMINATION_REASON_INTERNAL_ERROR', message: NOT_SCHEDULED };
    const at = createdAt + 15 * MINUTE;
    timeline.replan(createdAt, [{ state: 'JOB_STATUS_FAILED', at }]);
  } else if (outcome === 'cancelled') {
    cancelRequestedAt = Math.round(createdAt + d.requested * 0.2 + (end - createdAt) * 0.95 * r.next());
    timeline.replan(cancelRequestedAt, [{ state: 'JOB_STATUS_CANCELLED', at: cancelRequestedAt + r.int(2 * SECOND, 8 * SECOND) }]);
  }
  if (target === 'CANCELLING') {
    cancelRequestedAt = Math.round(createdAt + age * 0.95);
    timeline.replan(context.now, [{ state: 'JOB_STATUS_CANCELLED', at: context.now + r.int(20 * SECOND, 90 * SECOND) }]);
  }

  const firewall = jobType === 'JOB_TYPE_FIREWALL_BATCH_TEST' ? r.pick(context.firewalls) : null;
  const projectId =
    jobType === 'JOB_TYPE_MODEL_STRESS_TEST' || jobType === 'JOB_TYPE_GENERATIVE_MODEL_TEST'
      ? r.pick(context.projects)
      : (firewall?.projectId ?? null);
  return {
    jobId: r.uuid(),
    jobType,
    createdAt,
    timeline,
    agentId: r.pick(context.agents),
    projectId,
    firewallId: firewall?.firewallId ?? null,
    ...work,
    failure,
    newerRelease: createdAt >= context.releaseAt,
    cancelRequestedAt,
  };
}
