// The seeded RIME workspace: its jobs, what listing and cancelling do to them, and the ground truth
// tests compare against.
import type { Clock } from '../common/clock.js';
import { Random } from '../common/random.js';
import { creationTimes } from '../common/world.js';
import { ACTIVE_STATUSES, CANCELLABLE_TYPES, TYPE_WEIGHTS, type JobType, type Status } from './catalog.js';
import { planJob, type Firewall, type PlanContext, type SimJob, type Target } from './plan.js';
import { changeTimes, progressAt } from './progress.js';

const DAY = 86_400_000;
/** The release that added `completionTime`, `errorMsg` and NOT_TERMINATED/COMPLETED reasons. */
const RELEASE_AGE_MS = 75 * DAY;

/**
 * The newest jobs are made to be in these states when the simulator starts, so every live status
 * (and a pending cancellation, and a running job that cannot be cancelled) is there to be seen.
 */
const LIVE_JOBS: readonly (readonly [Target, JobType])[] = [
  ['RUNNING', 'JOB_TYPE_MODEL_STRESS_TEST'],
  ['PENDING', 'JOB_TYPE_FIREWALL_BATCH_TEST'],
  ['RUNNING', 'JOB_TYPE_FIREWALL_BATCH_TEST'],
  ['REQUESTED', 'JOB_TYPE_MODEL_STRESS_TEST'],
  ['RECONCILING', 'JOB_TYPE_MODEL_STRESS_TEST'],
  ['RUNNING', 'JOB_TYPE_IMAGE_BUILDER'],
  ['CANCELLING', 'JOB_TYPE_MODEL_STRESS_TEST'],
  ['RUNNING', 'JOB_TYPE_FILE_SCAN'],
  ['PENDING', 'JOB_TYPE_GENERATIVE_MODEL_TEST'],
  ['RUNNING', 'JOB_TYPE_GENERATIVE_MODEL_TEST'],
  ['RUNNING', 'JOB_TYPE_MODEL_STRESS_TEST'],
  ['RUNNING', 'JOB_TYPE_CROSS_PLANE_TASK'],
];

/** The oldest jobs predate the status field being filled in: they read JOB_STATUS_UNSPECIFIED. */
const LEGACY_JOBS: readonly JobType[] = ['JOB_TYPE_UNSPECIFIED', 'JOB_TYPE_MODEL_STRESS_TEST'];

export interface InventoryItem {
  id: string;
  createdAtMs: number;
  name: string | null;
  state: string;
}

/** What a test may want to know about one job, straight from the simulator's plan. */
export interface JobFacts {
  jobId: string;
  jobType: JobType;
  status: Status;
  cancellationRequested: boolean;
  cancellable: boolean;
  projectId: string | null;
  firewallId: string | null;
  agentId: string;
  /** The stress test's run, once it has one. */
  testRunId: string | null;
  createdAtMs: number;
  startedAtMs: number | null;
  finishedAtMs: number | null;
}

export interface ProgressSnapshot {
  atMs: number;
  status: Status;
  cancellationRequested: boolean;
  /** `jobProgressStr` as the FULL view shows it then; null while there is none. */
  progressText: string | null;
  batches: { testRunId: string; type: string; status: string }[];
}

export interface ListFilter {
  statuses: ReadonlySet<string>;
  types: ReadonlySet<string>;
  objectId: string | null;
}

/**
 * Whose listing it is: which jobs the caller may see and the project each shows them (the service
 * key: every job, as seeded).
 */
export interface ListScope {
  visible(job: SimJob): boolean;
  projectIdOf(job: SimJob): string | null;
}

const SERVICE_SCOPE: ListScope = { visible: () => true, projectIdOf: (job) => job.projectId };

export type CancelOutcome = 'requested' | 'not-found' | 'not-cancellable' | 'not-active';

export interface WorldOptions {
  seed: number | string;
  jobCount: number;
  clock: Clock;
}

export class RimeWorld {
  /** In jobId order: the order ListJobs answers in. */
  readonly jobs: readonly SimJob[];
  readonly projects: readonly string[];
  readonly firewalls: readonly Firewall[];
  private readonly byId: ReadonlyMap<string, SimJob>;
  private readonly clock: Clock;
  private readonly mutations: Random;

  constructor(options: WorldOptions) {
    this.clock = options.clock;
    const now = options.clock.now();
    const random = new Random(options.seed);
    const setup = random.fork('workspace');
    this.mutations = random.fork('mutations');
    const agents = Array.from({ length: 3 }, () => setup.uuid());
    this.projects = Array.from({ length: 6 }, () => setup.uuid());
    this.firewalls = Array.from({ length: 4 }, (_, i) => ({ firewallId: setup.uuid(), projectId: this.projects[i] as string }));
    const context: PlanContext = { now, releaseAt: now - RELEASE_AGE_MS, agents, projects: this.projects, firewalls: this.firewalls };

    const times = creationTimes(random.fork('creation'), options.jobCount, now);
    const jobs = times.map((createdAt, i) => {
      const r = random.fork(`job:${i}`);
      const live = LIVE_JOBS[i];
      const legacyIndex = times.length - 1 - i;
      const legacy = i >= LIVE_JOBS.length ? LEGACY_JOBS[legacyIndex] : undefined;
      if (live) return planJob(r, { createdAt, jobType: live[1], target: live[0] }, context);
      if (legacy) return planJob(r, { createdAt, jobType: legacy, target: 'LEGACY' }, context);
      return planJob(r, { createdAt, jobType: r.weighted(TYPE_WEIGHTS) }, context);
    });
    this.jobs = jobs.sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0));
    this.byId = new Map(this.jobs.map((job) => [job.jobId, job]));
  }

  get(jobId: string): SimJob | undefined {
    return this.byId.get(jobId);
  }

  status(job: SimJob, t = this.clock.now()): Status {
    return job.timeline.at(t).state;
  }

  /** The jobs after `afterId` (jobId order) that match, at most `limit`, and whether more follow. */
  list(filter: ListFilter, afterId: string | null, limit: number, scope: ListScope = SERVICE_SCOPE): { jobs: SimJob[]; hasMore: boolean } {
    const now = this.clock.now();
    const matching = this.jobs.filter(
      (job) =>
        scope.visible(job) &&
        (afterId === null || job.jobId > afterId) &&
        (filter.statuses.size === 0 || filter.statuses.has(this.status(job, now))) &&
        (filter.types.size === 0 || filter.types.has(job.jobType)) &&
        (filter.objectId === null || objectIdOf(job, scope) === filter.objectId),
    );
    return { jobs: matching.slice(0, limit), hasMore: matching.length > limit };
  }

  /** CancelJob: marks the request at once; the job reaches CANCELLED a few seconds later. */
  cancel(jobId: string): CancelOutcome {
    const job = this.byId.get(jobId);
    if (!job) return 'not-found';
    if (!CANCELLABLE_TYPES.includes(job.jobType)) return 'not-cancellable';
    const now = this.clock.now();
    if (!ACTIVE_STATUSES.includes(this.status(job, now))) return 'not-active';
    if (job.cancelRequestedAt !== null) return 'requested';
    job.cancelRequestedAt = now;
    job.timeline.replan(now, [{ state: 'JOB_STATUS_CANCELLED', at: now + this.mutations.int(2_000, 6_000) }]);
    return 'requested';
  }

  inventory(): InventoryItem[] {
    const now = this.clock.now();
    // RIME jobs have no name of their own.
    return this.jobs.map((job) => ({ id: job.jobId, createdAtMs: job.createdAt, name: null, state: this.status(job, now) }));
  }

  describe(jobId: string): JobFacts | null {
    const job = this.byId.get(jobId);
    if (!job) return null;
    const now = this.clock.now();
    const status = this.status(job, now);
    const cancellationRequested = job.cancelRequestedAt !== null && job.cancelRequestedAt <= now;
    const run = job.jobType === 'JOB_TYPE_MODEL_STRESS_TEST' ? progressAt(job, now).testRuns[0] : undefined;
    return {
      jobId: job.jobId,
      jobType: job.jobType,
      status,
      cancellationRequested,
      cancellable: CANCELLABLE_TYPES.includes(job.jobType) && ACTIVE_STATUSES.includes(status) && !cancellationRequested,
      projectId: job.projectId,
      firewallId: job.firewallId,
      agentId: job.agentId,
      testRunId: run?.testRunId ?? null,
      createdAtMs: job.createdAt,
      startedAtMs: job.timeline.firstTime(['JOB_STATUS_RUNNING'], now),
      finishedAtMs: job.timeline.firstTime(['JOB_STATUS_SUCCEEDED', 'JOB_STATUS_FAILED', 'JOB_STATUS_CANCELLED'], now),
    };
  }

  /** Every distinct observable state the job has been in so far, oldest first. */
  progressHistory(jobId: string): ProgressSnapshot[] {
    const job = this.byId.get(jobId);
    if (!job) return [];
    const snapshots: ProgressSnapshot[] = [];
    let previous = '';
    for (const t of changeTimes(job, this.clock.now())) {
      const progress = progressAt(job, t);
      const snapshot: ProgressSnapshot = {
        atMs: t,
        status: this.status(job, t),
        cancellationRequested: job.cancelRequestedAt !== null && job.cancelRequestedAt <= t,
        progressText: progress.text,
        batches: progress.testRuns.flatMap((run) =>
          run.batches.map((batch) => ({ testRunId: run.testRunId, type: batch.type, status: batch.status })),
        ),
      };
      const { atMs: _at, ...rest } = snapshot;
      const key = JSON.stringify(rest);
      if (key !== previous) snapshots.push(snapshot);
      previous = key;
    }
    return snapshots;
  }
}

/** The object a ListJobs `objectId` filter matches: a stress test's project, a continuous test's firewall. */
function objectIdOf(job: SimJob, scope: ListScope): string | null {
  if (job.jobType === 'JOB_TYPE_MODEL_STRESS_TEST') return scope.projectIdOf(job);
  if (job.jobType === 'JOB_TYPE_FIREWALL_BATCH_TEST') return job.firewallId;
  return null;
}
