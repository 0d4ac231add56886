// The seeded UCloud world: jobs with planned lives, their output, and what mutations do to them.
import type { Clock } from '../common/clock.js';
import { Random } from '../common/random.js';
import { Timeline, type Phase } from '../common/timeline.js';
import { creationTimes } from '../common/world.js';
import { APPS, MEMBERS, PRODUCTS, PROJECT_TITLES, SLURM_PROVIDERS, STATUS_TEXT, type AppDef, type ProductDef } from './catalog.js';
import { rankStreams, type OutputStream } from './output.js';
import {
  FINAL,
  UCLOUD_STATES,
  pickOutcome,
  planLife,
  queueWait,
  running,
  terminationPhases,
  type Dialect,
  type Outcome,
  type Plan,
  type UCloudState,
} from './plan.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface ProjectDef {
  id: string;
  title: string;
  members: readonly string[];
  driveId: number;
}

/** An update without a state change (a new time allocation). */
export interface Note {
  timestamp: number;
  status: string;
  newTimeAllocation: number | null;
}

export interface SimJob {
  id: string;
  idNumber: number;
  createdAt: number;
  createdBy: string;
  project: string | null;
  app: AppDef;
  product: ProductDef;
  name: string | null;
  replicas: number;
  allocationMs: number | null;
  expiresAtMs: number | null;
  parameters: Record<string, unknown>;
  resources: unknown[];
  sshEnabled: boolean;
  restartOnExit: boolean | null;
  allowDuplicateJob: boolean;
  openedFile: string | null;
  outputFolder: string;
  providerGeneratedId: string | null;
  timeline: Timeline<UCloudState>;
  notes: Note[];
  /** While SUSPENDED: what was planned after the suspension, to resume it. */
  suspended: { since: number; future: Phase<UCloudState>[] } | null;
  streams: { stdout: OutputStream; stderr: OutputStream }[] | null;
}

export interface RankOutput {
  rank: number;
  stdout: string;
  stderr: string;
}

export interface UpdateView {
  state: UCloudState | null;
  outputFolder: string | null;
  status: string | null;
  newTimeAllocation: number | null;
  timestamp: number;
}

/** A mutation the backend refuses: HTTP status and UCloud's `why`. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface NewJobSpec {
  application: { name: string; version: string };
  product: { id: string; category: string; provider: string };
  name: string | null;
  replicas: number;
  allowDuplicateJob: boolean;
  parameters: Record<string, unknown> | null;
  resources: unknown[] | null;
  allocationMs: number | null;
  openedFile: string | null;
  restartOnExit: boolean | null;
  sshEnabled: boolean | null;
}

export interface WorldOptions {
  seed: number | string;
  clock: Clock;
  jobCount: number;
  dialect: Dialect;
  username: string;
}

const APP_WEIGHTS: Readonly<Record<string, number>> = {
  'jupyter-lab': 22,
  rstudio: 10,
  coder: 8,
  'terminal-ubuntu': 10,
  matlab: 5,
  gromacs: 14,
  openfoam: 8,
  'quantum-espresso': 6,
  pytorch: 8,
};

export class World {
  /** By id, ascending (ids grow with creation time). */
  readonly jobs: SimJob[] = [];
  readonly projects: ProjectDef[] = [];
  readonly personalDriveId: number;
  private readonly byId = new Map<string, SimJob>();
  private readonly createRandom: Random;
  private nextId: number;
  private slurmId: number;
  private mutations = 0;

  constructor(private readonly options: WorldOptions) {
    const random = new Random(options.seed).fork('ucloud-world');
    this.personalDriveId = random.int(40_000, 99_999);
    for (const title of PROJECT_TITLES) {
      const members = [options.username, ...MEMBERS.filter(() => random.chance(0.6))];
      this.projects.push({ id: random.uuid(), title, members, driveId: random.int(100_000, 999_999) });
    }
    this.createRandom = random.fork('create');
    this.slurmId = random.int(700_000, 800_000);
    const now = options.clock.now();
    const times = creationTimes(random.fork('times'), options.jobCount, now).reverse();
    let id = random.int(48_000, 49_000);
    for (const createdAt of times) {
      id += random.int(1, 37);
      this.add(this.seedJob(String(id), createdAt));
    }
    this.nextId = id;
    this.ensureEveryState(now);
  }

  get dialect(): Dialect {
    return this.options.dialect;
  }

  get username(): string {
    return this.options.username;
  }

  find(id: string): SimJob | undefined {
    return this.byId.get(id);
  }

  /** Jobs a caller with the `Project` header `project` sees (undefined/null: every workspace). */
  visible(project: string | null | undefined, now: number): SimJob[] {
    return this.jobs.filter((job) => job.createdAt <= now && (project == null || job.project === project));
  }

  stateOf(job: SimJob, now: number): UCloudState {
    return job.timeline.at(now).state;
  }

  /** Latest transition into RUNNING (UCloud's `startedAt`). */
  startedAt(job: SimJob, now: number): number | null {
    return job.timeline.history(now).findLast((phase) => phase.state === 'RUNNING')?.at ?? null;
  }

  updates(job: SimJob, now: number): UpdateView[] {
    let folderSent = false;
    const fromPhases = job.timeline.history(now).map((phase): UpdateView => {
      const firstRun = phase.state === 'RUNNING' && !folderSent;
      if (firstRun) folderSent = true;
      return {
        state: phase.state,
        outputFolder: firstRun ? job.outputFolder : null,
        status: phase.message ?? null,
        newTimeAllocation: null,
        timestamp: phase.at,
      };
    });
    const notes = job.notes
      .filter((note) => note.timestamp <= now)
      .map((note): UpdateView => ({ state: null, outputFolder: null, status: note.status, newTimeAllocation: note.newTimeAllocation, timestamp: note.timestamp }));
    // Stable: at equal timestamps the state change comes first.
    return [...fromPhases, ...notes].sort((a, b) => a.timestamp - b.timestamp);
  }

  /** Milliseconds spent RUNNING by `now` (output is written only then). */
  runningMs(job: SimJob, now: number): number {
    const history = job.timeline.history(now);
    let total = 0;
    history.forEach((phase, i) => {
      if (phase.state !== 'RUNNING') return;
      const end = history[i + 1]?.at ?? now;
      total += Math.max(0, Math.min(end, now) - phase.at);
    });
    return total;
  }

  output(job: SimJob, now: number): RankOutput[] {
    const firstRun = job.timeline.firstTime(['RUNNING'], now);
    if (firstRun === null) return Array.from({ length: job.replicas }, (_, rank) => ({ rank, stdout: '', stderr: '' }));
    job.streams ??= Array.from({ length: job.replicas }, (_, rank) => rankStreams(`${this.options.seed}:${job.id}`, job.app, rank, firstRun));
    const runMs = this.runningMs(job, now);
    const final = FINAL.has(this.stateOf(job, now));
    return job.streams.map((streams, rank) => ({ rank, stdout: streams.stdout.upTo(runMs, final), stderr: streams.stderr.upTo(runMs, final) }));
  }

  // ---- mutations (check every item first with `check*`, then apply: bulk calls are all-or-nothing) ----

  checkTerminate(job: SimJob, now: number): void {
    if (FINAL.has(this.stateOf(job, now))) throw new Refusal(400, `Job ${job.id} has already terminated`);
  }

  terminate(job: SimJob, now: number): void {
    if (this.stateOf(job, now) === 'CANCELING') return;
    job.suspended = null;
    job.timeline.replan(now, terminationPhases(this.options.dialect, now, this.mutationRandom(job)));
  }

  checkExtend(job: SimJob, now: number): void {
    const state = this.stateOf(job, now);
    if (state !== 'RUNNING' && state !== 'IN_QUEUE') throw new Refusal(400, `Job ${job.id} is not running and cannot be extended`);
    if (job.allocationMs === null) throw new Refusal(400, `Job ${job.id} has no time allocation to extend`);
  }

  extend(job: SimJob, ms: number, now: number): void {
    job.allocationMs = (job.allocationMs ?? 0) + ms;
    if (job.expiresAtMs !== null) {
      const expiresAt = job.expiresAtMs + ms;
      job.expiresAtMs = expiresAt;
      const future = job.timeline.future(now);
      if (future.some((phase) => phase.state === 'EXPIRED')) {
        job.timeline.replan(now, future.map((phase) => (phase.state === 'EXPIRED' ? { ...phase, at: expiresAt } : phase)));
      }
    }
    const hours = Math.floor(ms / HOUR);
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    job.notes.push({ timestamp: now, status: `Extended the time allocation by ${hours} hours and ${minutes} minutes`, newTimeAllocation: job.allocationMs });
  }

  checkSuspend(job: SimJob, now: number): void {
    if (this.stateOf(job, now) !== 'RUNNING') throw new Refusal(400, `Job ${job.id} is not running and cannot be suspended`);
  }

  suspend(job: SimJob, now: number): void {
    job.suspended = { since: now, future: job.timeline.future(now) };
    job.timeline.replan(now, [{ state: 'SUSPENDED', at: now, message: STATUS_TEXT.SUSPENDED }]);
  }

  checkUnsuspend(job: SimJob, now: number): void {
    if (this.stateOf(job, now) !== 'SUSPENDED') throw new Refusal(400, `Job ${job.id} is not suspended`);
  }

  unsuspend(job: SimJob, now: number): void {
    const { since, future } = job.suspended ?? { since: now, future: [] };
    const pause = now - since;
    job.timeline.replan(now, [running(now), ...future.map((phase) => ({ ...phase, at: phase.at + pause }))]);
    if (job.expiresAtMs !== null) job.expiresAtMs += pause;
    job.suspended = null;
  }

  /**
   * A running job with the very same configuration among the creator's earlier ones (`earlier`
   * tells which: UCloud refuses a duplicate unless `allowDuplicateJob`).
   */
  duplicateOf(spec: NewJobSpec, earlier: (job: SimJob) => boolean, now: number): SimJob | undefined {
    const parameters = JSON.stringify(spec.parameters ?? {});
    return this.jobs.find(
      (job) =>
        earlier(job) &&
        job.app.name === spec.application.name &&
        job.app.version === spec.application.version &&
        job.product.id === spec.product.id &&
        job.name === spec.name &&
        JSON.stringify(job.parameters) === parameters &&
        !FINAL.has(this.stateOf(job, now)),
    );
  }

  create(spec: NewJobSpec, owner: string, project: string | null, now: number): SimJob {
    const app = APPS.find((candidate) => candidate.name === spec.application.name && candidate.version === spec.application.version);
    const product = PRODUCTS.find(
      (candidate) => candidate.id === spec.product.id && candidate.category === spec.product.category && candidate.provider === spec.product.provider,
    );
    if (!app) throw new Refusal(400, `Unknown application: ${spec.application.name}@${spec.application.version}`);
    if (!product) throw new Refusal(400, `Unknown product: ${spec.product.id} (${spec.product.category}/${spec.product.provider})`);
    this.nextId += this.createRandom.int(1, 25);
    const id = String(this.nextId);
    const random = new Random(`${this.options.seed}:created:${id}`);
    // Interactive sessions run until their allocation ends (or the user stops them); batch jobs finish.
    const outcome: Outcome =
      app.kind === 'interactive' || spec.allocationMs === null
        ? 'open'
        : random.weighted<Outcome>([['success', 80], ['expire', 15], ['fail-run', 5]]);
    const plan = planLife({ random, dialect: this.options.dialect, createdAt: now, allocationMs: spec.allocationMs, outcome, queueMs: random.int(3 * SECOND, 20 * SECOND) });
    const job = this.build({
      id,
      createdAt: now,
      createdBy: owner,
      project,
      app,
      product,
      name: spec.name,
      replicas: spec.replicas,
      allocationMs: spec.allocationMs,
      plan,
      parameters: spec.parameters ?? {},
      resources: spec.resources ?? [],
      sshEnabled: spec.sshEnabled ?? false,
      restartOnExit: spec.restartOnExit,
      allowDuplicateJob: spec.allowDuplicateJob,
      openedFile: spec.openedFile,
    });
    this.add(job);
    return job;
  }

  // ---- seeding ----

  private add(job: SimJob): void {
    this.jobs.push(job);
    this.byId.set(job.id, job);
  }

  private mutationRandom(job: SimJob): Random {
    return new Random(`${this.options.seed}:mutation:${job.id}:${++this.mutations}`);
  }

  private build(init: {
    id: string;
    createdAt: number;
    createdBy: string;
    project: string | null;
    app: AppDef;
    product: ProductDef;
    name: string | null;
    replicas: number;
    allocationMs: number | null;
    plan: Plan;
    parameters: Record<string, unknown>;
    resources: unknown[];
    sshEnabled: boolean;
    restartOnExit: boolean | null;
    allowDuplicateJob: boolean;
    openedFile: string | null;
  }): SimJob {
    const drive = init.project === null ? this.personalDriveId : (this.projects.find((p) => p.id === init.project)?.driveId ?? this.personalDriveId);
    return {
      id: init.id,
      idNumber: Number(init.id),
      createdAt: init.createdAt,
      createdBy: init.createdBy,
      project: init.project,
      app: init.app,
      product: init.product,
      name: init.name,
      replicas: init.replicas,
      allocationMs: init.allocationMs,
      expiresAtMs: init.plan.expiresAtMs,
      parameters: init.parameters,
      resources: init.resources,
      sshEnabled: init.sshEnabled,
      restartOnExit: init.restartOnExit,
      allowDuplicateJob: init.allowDuplicateJob,
      openedFile: init.openedFile,
      outputFolder: `/${drive}/Jobs/${init.app.title}/${init.id}`,
      providerGeneratedId: SLURM_PROVIDERS.has(init.product.provider) ? String(this.slurmId++) : null,
      timeline: new Timeline(init.plan.phases),
      notes: [],
      suspended: null,
      streams: null,
    };
  }

  private seedJob(id: string, createdAt: number): SimJob {
    const random = new Random(`${this.options.seed}:job:${id}`);
    const personal = random.chance(0.35);
    const project = personal ? null : random.pick(this.projects);
    const createdBy = project === null ? this.options.username : random.pick(project.members);
    const app = random.weighted(APPS.map((candidate) => [candidate, APP_WEIGHTS[candidate.name] ?? 1] as const));
    const category = random.pick(app.categories);
    const products = PRODUCTS.filter((product) => product.category === category);
    const product = random.weighted(products.map((candidate, i) => [candidate, products.length - i] as const));
    const replicas = app.maxReplicas > 1 ? Math.min(app.maxReplicas, random.weighted([[1, 70], [2, 15], [3, 8], [4, 7]] as const)) : 1;
    const allocated = !random.chance(0.04);
    const hours = app.kind === 'interactive' ? random.pick([1, 2, 3, 4, 5, 8, 12, 24]) : random.pick([4, 8, 12, 24, 48, 72]);
    const allocationMs = allocated ? hours * HOUR + (random.chance(0.2) ? 30 * MINUTE : 0) : null;
    const outcome = pickOutcome(random, app.kind, allocated);
    const plan = planLife({ random, dialect: this.options.dialect, createdAt, allocationMs, outcome });
    return this.build({
      id,
      createdAt,
      createdBy,
      project: project?.id ?? null,
      app,
      product,
      name: random.chance(0.4) ? null : random.pick(app.names),
      replicas,
      allocationMs,
      plan,
      parameters: parametersFor(app, random, project?.driveId ?? this.personalDriveId),
      resources: random.chance(0.3) ? [{ type: 'file', path: `/${project?.driveId ?? this.personalDriveId}/Data`, readOnly: random.chance(0.5) }] : [],
      sshEnabled: (app.name === 'terminal-ubuntu' || app.name === 'coder') && random.chance(0.4),
      restartOnExit: app.kind === 'interactive' ? random.pick([null, false]) : null,
      allowDuplicateJob: random.chance(0.1),
      openedFile: app.name === 'jupyter-lab' && random.chance(0.15) ? `/${this.personalDriveId}/Home/analysis.ipynb` : null,
    });
  }

  /**
   * Every state the dialect has must be present when the simulator starts: live states on recent
   * jobs, final ones on old jobs. Natural plans nearly always cover them; this makes it certain.
   */
  private ensureEveryState(now: number): void {
    const wanted = UCLOUD_STATES.filter((state) => this.options.dialect === 'kotlin' || state !== 'CANCELING');
    const count = (state: UCloudState): number => this.jobs.filter((job) => this.stateOf(job, now) === state).length;
    const minimum = (state: UCloudState): number => (state === 'IN_QUEUE' || state === 'RUNNING' ? 3 : 1);
    const newestFirst = [...this.jobs].reverse();
    const forced = new Set<SimJob>();
    for (const state of wanted) {
      const live = !FINAL.has(state);
      while (count(state) < minimum(state)) {
        const candidate = newestFirst.find((job) => {
          const age = now - job.createdAt;
          const current = this.stateOf(job, now);
          return !forced.has(job) && current !== state && (live ? age > 2 * MINUTE && age < 6 * HOUR : age > 5 * DAY) && count(current) > minimum(current);
        });
        if (!candidate) break;
        forced.add(candidate);
        this.force(candidate, state, now);
      }
    }
  }

  private force(job: SimJob, state: UCloudState, now: number): void {
    const random = new Random(`${this.options.seed}:force:${job.id}`);
    const since = now - job.createdAt;
    if (FINAL.has(state)) {
      const outcome: Outcome = state === 'SUCCESS' ? 'success' : state === 'FAILURE' ? 'fail-run' : 'expire';
      const plan = planLife({ random, dialect: this.options.dialect, createdAt: job.createdAt, allocationMs: job.allocationMs ?? 4 * HOUR, outcome });
      this.replace(job, plan, job.allocationMs ?? 4 * HOUR);
      return;
    }
    if (state === 'IN_QUEUE') {
      const queueMs = since + random.int(20 * SECOND, 3 * MINUTE);
      this.replace(job, planLife({ random, dialect: this.options.dialect, createdAt: job.createdAt, allocationMs: job.allocationMs, outcome: 'open', queueMs }), job.allocationMs);
      return;
    }
    // Running now, with the allocation reaching well past now.
    const queueMs = Math.min(queueWait(random), Math.floor(since / 3));
    const allocationMs = job.allocationMs === null ? null : Math.max(job.allocationMs, Math.ceil((since + HOUR) / HOUR) * HOUR);
    const plan = planLife({ random, dialect: this.options.dialect, createdAt: job.createdAt, allocationMs, outcome: 'open', queueMs });
    this.replace(job, plan, allocationMs);
    const start = job.createdAt + queueMs;
    if (state === 'SUSPENDED') {
      const at = start + Math.floor((now - start) / 2);
      job.suspended = { since: at, future: job.timeline.future(at) };
      job.timeline.replan(at, [{ state: 'SUSPENDED', at, message: STATUS_TEXT.SUSPENDED }]);
    } else if (state === 'CANCELING') {
      const at = now - 1_500;
      job.timeline.replan(at, terminationPhases('kotlin', at, random));
    }
  }

  private replace(job: SimJob, plan: Plan, allocationMs: number | null): void {
    job.timeline = new Timeline(plan.phases);
    job.expiresAtMs = plan.expiresAtMs;
    job.allocationMs = allocationMs;
  }
}

function parametersFor(app: AppDef, random: Random, driveId: number): Record<string, unknown> {
  const file = (path: string) => ({ type: 'file', path: `/${driveId}/${path}`, readOnly: false });
  switch (app.name) {
    case 'jupyter-lab':
      return { requirements: file('Home/requirements.txt'), condaEnv: { type: 'text', value: random.pick(['base', 'torch', 'geo']) } };
    case 'rstudio':
      return { packages: file('Home/install.R') };
    case 'gromacs':
      return { input: file(`Simulations/run${random.int(1, 40)}/topol.tpr`), nsteps: { type: 'integer', value: random.pick([50_000, 500_000, 5_000_000]) }, gpu: { type: 'boolean', value: random.chance(0.5) } };
    case 'openfoam':
      return { case: file(`CFD/${random.pick(['pitzDaily', 'motorBike', 'windAroundBuildings'])}`), parallel: { type: 'boolean', value: true } };
    case 'quantum-espresso':
      return { input: file(`QE/${random.pick(['si', 'graphene', 'mos2'])}.scf.in`), pools: { type: 'integer', value: random.int(1, 8) } };
    case 'pytorch':
      return { script: file('ml/train.py'), args: { type: 'text', value: `--epochs ${random.int(5, 60)} --batch-size ${random.pick([32, 64, 128])}` } };
    case 'matlab':
      return { script: file('Home/simulate.m') };
    default:
      return {};
  }
}


