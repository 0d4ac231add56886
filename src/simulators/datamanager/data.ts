// The seeded Data Manager world: projects, instances with planned lives, their tasks, the events
// those tasks write as the clock moves, and the two mutations (launch, delete).
import type { Clock } from '../common/clock.js';
import { Random } from '../common/random.js';
import { Timeline, type Phase } from '../common/timeline.js';
import { creationTimes } from '../common/world.js';
import { APPLICATIONS, JOB_APPLICATION, JOB_MESSAGES, JOBS, TARGETS, USERS, type ApplicationDef, type JobDef, type Level } from './catalog.js';
import { Chatter } from './chatter.js';
import { ensureEveryPhase, normalKind, plan, type DmPhase, type Plannable, type PlanKind } from './plans.js';

const FINISHED: readonly DmPhase[] = ['COMPLETED', 'SUCCEEDED', 'FAILED'];
/** Phases whose step message is what `error_message` shows. */
const TROUBLED: ReadonlySet<DmPhase> = new Set<DmPhase>(['FAILED', 'IMAGE_PULL_BACKOFF', 'CRASH_LOOP_BACKOFF']);
/** A notebook left running for months would otherwise chatter without end. */
const CHATTER_CAP = 1_500;

export interface SimProject {
  id: string;
  unitId: string;
  orgId: string;
}

export interface SimInstance extends Plannable {
  id: string;
  name: string;
  owner: string;
  project: SimProject;
  type: 'APPLICATION' | 'JOB';
  applicationId: string;
  applicationVersion: string;
  /** The job definition version asked for (jobs only). */
  jobVersion: string | null;
  launchedAt: number;
  launchedMicros: number;
  timeline: Timeline<DmPhase>;
  archived: boolean;
  /** A secret of the real service; the simulator sends it so clients prove they drop it. */
  authorisationCode: number | null;
  fixPermissions: boolean | null;
  specification: Record<string, unknown>;
  /** Coins per hour while running. */
  rate: number;
  createTaskId: string;
  deleteTaskId: string | null;
  deleteRequestedAt: number | null;
  goneAt: number | null;
  chatter: Chatter;
}

export interface SimTask {
  id: string;
  purpose: 'CREATE' | 'DELETE';
  instance: SimInstance;
}

export interface SimEvent {
  ordinal: number;
  level: Level;
  message: string;
  /** Epoch ms; `micros` holds the sub-millisecond digits the wire shows. */
  time: number;
  micros: number;
}

export interface SimTaskState {
  state: 'PENDING' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE';
  message: string | null;
  time: number;
}

export interface WorldOptions {
  clock: Clock;
  seed: number | string;
  jobCount: number;
  /** The user the credentials belong to: owner of many instances and of every launch. */
  user: string;
  /** How long a deleted instance stays visible before it is gone. */
  deleteVisibleMs: number;
}

export interface LaunchInput {
  applicationId: string;
  projectId: string;
  name: string;
  specification: Record<string, unknown> | null;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; error: string };

interface Draft {
  id: string;
  createTaskId: string;
  name: string | null;
  owner: string;
  project: SimProject;
  launchedAt: number;
  launchedMicros: number;
  archived: boolean;
  authorisationCode: number | null;
  fixPermissions: boolean | null;
  definition: { job: JobDef; version: string } | { app: ApplicationDef };
  specification: Record<string, unknown> | null;
}

export class World {
  readonly projects: SimProject[];
  private readonly instances = new Map<string, SimInstance>();
  private readonly tasks = new Map<string, SimTask>();
  private readonly launchRandom: Random;
  private launches = 0;

  constructor(private readonly options: WorldOptions) {
    const root = new Random(options.seed);
    this.launchRandom = root.fork('launch');
    this.projects = makeProjects(root.fork('projects'));
    const now = this.now;
    const times = creationTimes(root.fork('created'), options.jobCount, now);
    const built = times.map((launchedAt, index) => this.generate(root.fork(`instance:${index}`), launchedAt, index, now));
    ensureEveryPhase(built, root.fork('fixups'), now, new Set([0, 1, 2, 3, 4, 5, 6, 7]));
    for (const instance of built) this.add(instance);
  }

  get now(): number {
    return this.options.clock.now();
  }

  /** What the API shows now (a deleted instance lingers a few seconds), ordered by id. */
  visible(): SimInstance[] {
    return [...this.instances.values()].filter((i) => this.isVisible(i)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  find(id: string): SimInstance | null {
    const instance = this.instances.get(id);
    return instance && this.isVisible(instance) ? instance : null;
  }

  /** Tasks outlive their instance. */
  task(id: string): SimTask | null {
    return this.tasks.get(id) ?? null;
  }

  tasksOf(instance: SimInstance): SimTask[] {
    return [instance.createTaskId, instance.deleteTaskId].flatMap((id) => (id === null ? [] : [this.tasks.get(id) as SimTask]));
  }

  phase(instance: SimInstance): Phase<DmPhase> {
    return instance.timeline.at(this.now);
  }

  startedAt(instance: SimInstance): number | null {
    return instance.timeline.firstTime(['RUNNING'], this.now);
  }

  stoppedAt(instance: SimInstance): number | null {
    return instance.timeline.firstTime(FINISHED, this.now);
  }

  errorMessage(instance: SimInstance): string | null {
    const phase = this.phase(instance);
    return TROUBLED.has(phase.state) ? (phase.message ?? null) : null;
  }

  /** Running time so far: start to stop, or to now. */
  runMs(instance: SimInstance): number {
    const started = this.startedAt(instance);
    return started === null ? 0 : (this.stoppedAt(instance) ?? this.now) - started;
  }

  /** Every event a task has written by now, oldest first, ordinals from 1. */
  events(task: SimTask): SimEvent[] {
    const now = this.now;
    const instance = task.instance;
    const planned: Omit<SimEvent, 'ordinal'>[] = [];
    const at = (time: number, level: Level, message: string, micros = 0) => planned.push({ time, micros, level, message });
    if (task.purpose === 'DELETE') {
      at(instance.deleteRequestedAt ?? now, 'INFO', JOB_MESSAGES.deleting(instance.id));
      if (instance.goneAt !== null) at(instance.goneAt, 'INFO', JOB_MESSAGES.deleted(instance.id));
    } else {
      for (const phase of instance.timeline.history(now)) at(phase.at, levelOf(phase.state), phase.message ?? phase.state);
      const started = this.startedAt(instance);
      if (started !== null) {
        // Chatter stops when a delete is asked for; the rest of the plan was dropped then.
        const end = Math.min(now, (instance.deleteRequestedAt ?? Number.POSITIVE_INFINITY) - 1);
        for (const chat of instance.chatter.upTo(end - started)) {
          const time = started + chat.offset;
          if (time > end) break;
          if (instance.timeline.at(time).state === 'RUNNING') at(time, chat.level, chat.message, chat.micros);
        }
      }
      if (instance.deleteRequestedAt !== null) at(instance.deleteRequestedAt, 'INFO', JOB_MESSAGES.stopping(instance.owner));
    }
    return planned
      .filter((event) => event.time <= now)
      .sort((a, b) => a.time - b.time || a.micros - b.micros)
      .map((event, index) => ({ ...event, ordinal: index + 1 }));
  }

  taskStates(task: SimTask): SimTaskState[] {
    const now = this.now;
    const instance = task.instance;
    if (task.purpose === 'DELETE') {
      const at = instance.deleteRequestedAt ?? now;
      const states: SimTaskState[] = [
        { state: 'PENDING', message: null, time: at },
        { state: 'STARTED', message: null, time: at },
      ];
      if (instance.goneAt !== null && instance.goneAt <= now) states.push({ state: 'SUCCESS', message: null, time: instance.goneAt });
      return states;
    }
    return instance.timeline.history(now).flatMap((phase): SimTaskState[] => {
      const state = TASK_STATES[phase.state];
      return state ? [{ state, message: state === 'RETRY' || state === 'FAILURE' ? (phase.message ?? null) : null, time: phase.at }] : [];
    });
  }

  /** Done once the instance has finished or is gone; exit code 0 unless it failed. */
  taskOutcome(task: SimTask): { done: boolean; exitCode: number | null } {
    const instance = task.instance;
    const gone = instance.goneAt !== null && instance.goneAt <= this.now;
    if (task.purpose === 'DELETE') return { done: gone, exitCode: gone ? 0 : null };
    const phase = this.phase(instance).state;
    if (!gone && !FINISHED.includes(phase)) return { done: false, exitCode: null };
    return { done: true, exitCode: phase === 'FAILED' ? 1 : 0 };
  }

  taskCreatedAt(task: SimTask): number {
    return task.purpose === 'DELETE' ? (task.instance.deleteRequestedAt ?? this.now) : task.instance.launchedAt;
  }

  /**
   * DELETE: only the owner may stop an instance. It keeps its phase, stays visible for a few
   * seconds, then is gone; a second delete in the meantime is a conflict.
   */
  requestDelete(instance: SimInstance, user: string): Outcome<SimTask> {
    if (instance.owner !== user) return { ok: false, status: 403, error: `You are not the owner of Instance ${instance.id}` };
    if (instance.deleteTaskId !== null) return { ok: false, status: 409, error: `Instance ${instance.id} is already being deleted` };
    const now = this.now;
    instance.timeline.replan(now, []);
    instance.deleteRequestedAt = now;
    instance.goneAt = now + this.options.deleteVisibleMs;
    const task: SimTask = { id: `task-${this.launchRandom.uuid()}`, purpose: 'DELETE', instance };
    instance.deleteTaskId = task.id;
    this.tasks.set(task.id, task);
    return { ok: true, value: task };
  }

  /** POST /instance: starts within seconds; a job then runs for a minute or two and completes. */
  launch(input: LaunchInput, owner: string): Outcome<SimInstance> {
    const project = this.projects.find((p) => p.id === input.projectId);
    if (!project) return { ok: false, status: 404, error: `Project ${input.projectId} does not exist` };
    let definition: Draft['definition'];
    if (input.applicationId === JOB_APPLICATION.id) {
      const spec = input.specification ?? {};
      const job = JOBS.find((j) => j.collection === spec.collection && j.job === spec.job);
      if (!job) return { ok: false, status: 404, error: `Job ${String(spec.collection)}/${String(spec.job)} does not exist` };
      definition = { job, version: typeof spec.version === 'string' ? spec.version : job.version };
    } else {
      const app = APPLICATIONS.find((a) => a.id === input.applicationId);
      if (!app) return { ok: false, status: 404, error: `Application ${input.applicationId} does not exist` };
      definition = { app };
    }
    const random = this.launchRandom.fork(`launch:${this.launches++}`);
    const now = this.now;
    const instance = build(
      {
        id: `instance-${random.uuid()}`,
        createTaskId: `task-${random.uuid()}`,
        name: input.name,
        owner,
        project,
        launchedAt: now,
        launchedMicros: random.int(0, 999),
        archived: false,
        authorisationCode: null,
        fixPermissions: 'job' in definition ? true : null,
        definition,
        specification: input.specification,
      },
      random,
    );
    const start = now + random.int(3_000, 10_000);
    instance.timeline = new Timeline(plan(normalKind(instance), instance, random, { start, runMs: random.int(30_000, 120_000) }));
    this.add(instance);
    return { ok: true, value: instance };
  }

  private isVisible(instance: SimInstance): boolean {
    return instance.goneAt === null || instance.goneAt > this.now;
  }

  private add(instance: SimInstance): void {
    this.instances.set(instance.id, instance);
    this.tasks.set(instance.createTaskId, { id: instance.createTaskId, purpose: 'CREATE', instance });
  }

  private generate(random: Random, launchedAt: number, index: number, now: number): SimInstance {
    const isJob = random.chance(0.7);
    const job = random.pick(JOBS);
    const instance = build(
      {
        id: `instance-${random.uuid()}`,
        createTaskId: `task-${random.uuid()}`,
        name: null,
        owner: random.chance(0.45) ? this.options.user : random.pick(USERS),
        project: random.pick(this.projects),
        launchedAt,
        launchedMicros: random.int(0, 999),
        archived: random.chance(0.08),
        authorisationCode: random.chance(0.3) ? random.int(10_000_000, 99_999_999) : null,
        fixPermissions: isJob ? random.chance(0.4) : null,
        definition: isJob ? { job, version: job.version } : { app: random.pick(APPLICATIONS) },
        specification: null,
      },
      random,
    );
    const trouble = random.weighted<PlanKind | null>(
      isJob
        ? [[null, 74], ['failed', 16], ['imagePull', 3], ['crashLoop', 3], ['unknown', 4]]
        : [[null, 78], ['failed', 8], ['imagePull', 4], ['crashLoop', 6], ['unknown', 4]],
    );
    // The newest two are still waiting for a node when the simulator starts, the next few are
    // running (jobs included: most jobs are short, so chance alone would leave none live).
    const waiting = index < 2;
    const live = index >= 2 && index < 8;
    const kind = waiting || live || trouble === null ? normalKind(instance) : trouble;
    const start = launchedAt + random.int(4_000, 90_000);
    const times = waiting
      ? { start: now + random.int(15_000, 90_000) }
      : live
        ? { start: Math.min(start, now), runMs: Math.max(0, now - start) + random.int(5 * 60_000, 2 * 3_600_000) }
        : {};
    instance.timeline = new Timeline(plan(kind, instance, random, times));
    return instance;
  }
}

const TASK_STATES: Partial<Record<DmPhase, SimTaskState['state']>> = {
  PENDING: 'PENDING',
  RUNNING: 'STARTED',
  CRASH_LOOP_BACKOFF: 'RETRY',
  COMPLETED: 'SUCCESS',
  SUCCEEDED: 'SUCCESS',
  FAILED: 'FAILURE',
};

function levelOf(phase: DmPhase): Level {
  if (phase === 'FAILED') return 'ERROR';
  if (phase === 'IMAGE_PULL_BACKOFF' || phase === 'CRASH_LOOP_BACKOFF' || phase === 'UNKNOWN') return 'WARNING';
  return 'INFO';
}

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

function build(draft: Draft, random: Random): SimInstance {
  const target = random.pick(TARGETS);
  const common = {
    id: draft.id,
    owner: draft.owner,
    project: draft.project,
    launchedAt: draft.launchedAt,
    launchedMicros: draft.launchedMicros,
    archived: draft.archived,
    authorisationCode: draft.authorisationCode,
    fixPermissions: draft.fixPermissions,
    createTaskId: draft.createTaskId,
    deleteTaskId: null,
    deleteRequestedAt: null,
    goneAt: null,
    // Replaced by the caller's plan.
    timeline: new Timeline<DmPhase>([{ state: 'PENDING', at: draft.launchedAt }]),
  };
  const chatRandom = random.fork('chatter');
  if ('job' in draft.definition) {
    const { job, version } = draft.definition;
    const step = random.int(5, 200);
    const scale = 0.5 + random.next() * 4;
    return {
      ...common,
      name: draft.name ?? fill(random.pick(job.names), { target, user: draft.owner }),
      type: 'JOB',
      applicationId: JOB_APPLICATION.id,
      applicationVersion: JOB_APPLICATION.version,
      job,
      jobVersion: version,
      app: null,
      specification: draft.specification ?? { collection: job.collection, job: job.job, version, variables: job.variables },
      rate: job.rate,
      chatter: new Chatter(
        chatRandom,
        [3_000, 30_000],
        (k, r) => fill(r.pick(job.progress), { target, n: (k + 1) * step, pct: Math.min(99, Math.floor(k * scale)) }),
        CHATTER_CAP,
      ),
    };
  }
  const { app } = draft.definition;
  return {
    ...common,
    name: draft.name ?? fill(random.pick(app.names), { target, user: draft.owner }),
    type: 'APPLICATION',
    applicationId: app.id,
    applicationVersion: app.version,
    job: null,
    jobVersion: null,
    app,
    specification: draft.specification ?? { variables: app.variables },
    rate: app.rate,
    chatter: new Chatter(chatRandom, [120_000, 1_200_000], (_k, r) => r.pick(app.chatter), CHATTER_CAP),
  };
}

/** Two organisations, three units, six projects. */
function makeProjects(random: Random): SimProject[] {
  const orgs = [`org-${random.uuid()}`, `org-${random.uuid()}`];
  const units = [0, 0, 1].map((org) => ({ id: `unit-${random.uuid()}`, orgId: orgs[org] as string }));
  return [0, 0, 1, 1, 2, 2].map((unit) => {
    const { id: unitId, orgId } = units[unit] as { id: string; orgId: string };
    return { id: `project-${random.uuid()}`, unitId, orgId };
  });
}
