// The simulated GPU cloud: jobs whose whole lives (statuses and runs) are planned up front and read
// off the clock, plus the two mutations the API offers (create, cancel).
import type { Drift } from '../common/drift.js';
import { Random } from '../common/random.js';
import { Timeline, type Phase } from '../common/timeline.js';
import { creationTimes } from '../common/world.js';
import { CANCEL_REASONS, DESCRIPTIONS, GPUS, IMAGES, RECIPES, REGIONS, RUN_FAILURES, type ImageSpec, type WorkloadKind } from './catalog.js';
import { RunLog, type RunEnding } from './logs.js';
import { pythonDateIsoformat, pythonIsoformat } from './python.js';
import type { CreateJobInput, DockerInput } from './validate.js';

export const JOB_STATUSES = ['PENDING', 'ASSIGNED', 'RUNNING', 'CANCELLING', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const RUN_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const FINAL: ReadonlySet<JobStatus> = new Set<JobStatus>(['COMPLETED', 'CANCELLED', 'FAILED']);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Jobs older than this come from before a migration that left `updated_at` as a bare date. */
const LEGACY_AGE = 150 * DAY;

export interface SimRun {
  uuid: string;
  startedAt: number;
  /** Null: runs until something stops it (a persistent service nobody has stopped yet). */
  ending: RunEnding | null;
  hostname: string;
  ports: { container: number; external: number }[];
  sshPort: number | null;
  log: RunLog;
}

export interface SimJob {
  uuid: string;
  createdAt: number;
  /** The backend keeps microseconds; the clock only has milliseconds. */
  createdMicros: number;
  legacy: boolean;
  task: 'BATCH' | 'PERSISTENT';
  title: string;
  description: string | null;
  cpuCount: number;
  gpuCount: number;
  gpuName: string | null;
  gpuRegistryUuid: string | null;
  minRamGb: number;
  minVramGb: number;
  minStorageGb: number;
  maxTimeoutAssignMs: number;
  maxTimeoutStartMs: number;
  maxTimeoutRunMs: number | null;
  maxRetryCount: number;
  maxNodeCount: number;
  imageSizeBytes: number;
  kind: WorkloadKind;
  /** The GPUs the node actually has (what the logs print). */
  gpuLabel: string;
  docker: DockerInput;
  accessTokens: { port: number; token: string }[];
  sourceRecipeUuid: string | null;
  timeline: Timeline<JobStatus>;
  runs: SimRun[];
}

export interface InventoryItem {
  id: string;
  createdAtMs: number;
  name: string | null;
  state: string;
}

export interface RunLogRecord {
  runUuid: string;
  startedAtMs: number;
  status: RunStatus;
  logs: string;
}

export type CancelOutcome = { kind: 'not_found' } | { kind: 'final'; status: JobStatus } | { kind: 'ok'; job: SimJob };

/** How long things take: history is slower and more varied than a job created in a test. */
interface Profile {
  assignDelay(r: Random): number;
  startDelay(r: Random): number;
  batchDuration(r: Random): number;
  persistentLifetime(r: Random): number;
  cancelChance: number;
  successChance: number;
}

const HISTORY: Profile = {
  assignDelay: (r) => (r.chance(0.8) ? r.int(2_000, 45_000) : r.int(MINUTE, 10 * MINUTE)),
  startDelay: (r) => r.int(8_000, 150_000),
  batchDuration: (r) => (r.chance(0.6) ? r.int(2 * MINUTE, 30 * MINUTE) : r.int(30 * MINUTE, 9 * HOUR)),
  persistentLifetime: (r) => r.int(30 * MINUTE, 12 * DAY),
  cancelChance: 0.06,
  successChance: 0.72,
};

const FRESH: Profile = {
  assignDelay: (r) => r.int(3_000, 20_000),
  startDelay: (r) => r.int(10_000, 60_000),
  batchDuration: (r) => r.int(MINUTE, 12 * MINUTE),
  persistentLifetime: (r) => r.int(HOUR, 2 * DAY),
  cancelChance: 0,
  successChance: 0.85,
};

/** What the newest jobs are doing when the simulator starts, so every live state is there. */
type Target = 'PENDING' | 'ASSIGNED' | 'RUNNING' | 'RETRYING' | 'CANCELLING';
const LIVE_TARGETS: readonly Target[] = [
  'RUNNING', 'PENDING', 'RUNNING', 'ASSIGNED', 'RETRYING', 'CANCELLING', 'RUNNING', 'PENDING',
  'ASSIGNED', 'RUNNING', 'CANCELLING', 'RUNNING', 'RETRYING', 'PENDING',
];

const ceilTo = (value: number, unit: number): number => Math.ceil(value / unit) * unit;
const settleDelay = (r: Random): number => r.int(3_000, 8_000);
const fill = (template: string, r: Random): string => template.replace('{secret}', () => r.hex(36));

/** Writes one job's life: status phases and runs, in time order. */
class Life {
  readonly phases: Phase<JobStatus>[];
  readonly runs: SimRun[] = [];

  constructor(
    private readonly job: SimJob,
    private readonly r: Random,
    private readonly seed: string,
  ) {
    this.phases = [{ state: 'PENDING', at: job.createdAt }];
  }

  assign(at: number): void {
    this.phases.push({ state: 'ASSIGNED', at });
  }

  start(at: number): void {
    this.phases.push({ state: 'RUNNING', at });
    this.runs.push(newRun(this.job, at, this.r, this.seed));
  }

  endRun(ending: RunEnding): void {
    const run = this.runs[this.runs.length - 1];
    if (run) run.ending = ending;
  }

  requeue(at: number, message: string): void {
    this.phases.push({ state: 'PENDING', at, message });
  }

  finish(at: number, state: 'COMPLETED' | 'FAILED', message?: string): void {
    this.phases.push(message === undefined ? { state, at } : { state, at, message });
  }

  cancel(at: number, reason: string, settleMs: number): void {
    this.phases.push({ state: 'CANCELLING', at, message: reason }, { state: 'CANCELLED', at: at + settleMs, message: reason });
    const run = this.runs[this.runs.length - 1];
    if (run && (run.ending === null || run.ending.at > at)) {
      run.ending = { at: at + settleMs, outcome: 'CANCELLED', exitCode: null, lastLine: null, timeoutMs: null };
    }
  }
}

function newRun(job: SimJob, startedAt: number, r: Random, seed: string): SimRun {
  const uuid = r.uuid();
  const hostname = `n${r.int(1000, 9999)}.${r.pick(REGIONS)}.nodes.dispersed.network`;
  const imageRef = `${job.docker.host ? `${job.docker.host}/` : ''}${job.docker.image ?? 'unknown'}:${job.docker.tag ?? 'latest'}`;
  return {
    uuid,
    startedAt,
    ending: null,
    hostname,
    ports: job.docker.ports.map((container) => ({ container, external: r.int(30_000, 32_767) })),
    sshPort: job.docker.sshkey ? r.int(30_000, 32_767) : null,
    log: new RunLog(
      { kind: job.kind, imageRef, imageSizeBytes: job.imageSizeBytes, gpuLabel: job.gpuLabel, hostname, ports: job.docker.ports },
      startedAt,
      `${seed}:run:${uuid}`,
    ),
  };
}

/** A run from `startAt` to its end; returns when it is requeued for a retry, or null when the job ends. */
function runTail(life: Life, job: SimJob, r: Random, profile: Profile, startAt: number, attempt: number, fixedEnd?: number): number | null {
  if (job.task === 'PERSISTENT') {
    life.cancel(fixedEnd ?? startAt + profile.persistentLifetime(r), r.pick(CANCEL_REASONS), settleDelay(r));
    return null;
  }
  const duration = fixedEnd !== undefined ? fixedEnd - startAt : profile.batchDuration(r);
  if (fixedEnd === undefined && r.chance(profile.cancelChance)) {
    life.cancel(startAt + Math.floor(duration * r.next()), r.pick(CANCEL_REASONS), settleDelay(r));
    return null;
  }
  if (job.maxTimeoutRunMs !== null && duration > job.maxTimeoutRunMs) {
    const at = startAt + job.maxTimeoutRunMs;
    life.endRun({ at, outcome: 'FAILED', exitCode: 137, lastLine: null, timeoutMs: job.maxTimeoutRunMs });
    life.finish(at, 'FAILED', `Job exceeded max_timeout_run_ms (${job.maxTimeoutRunMs} ms)`);
    return null;
  }
  const endAt = startAt + duration;
  if (r.chance(profile.successChance)) {
    life.endRun({ at: endAt, outcome: 'COMPLETED', exitCode: 0, lastLine: null, timeoutMs: null });
    life.finish(endAt, 'COMPLETED');
    return null;
  }
  const failure = r.pick(RUN_FAILURES);
  life.endRun({ at: endAt, outcome: 'FAILED', exitCode: failure.exitCode, lastLine: failure.last, timeoutMs: null });
  if (attempt < job.maxRetryCount) {
    life.requeue(endAt, `Run ${attempt + 1} failed (${failure.reason}); retry ${attempt + 1} of ${job.maxRetryCount}`);
    return endAt;
  }
  life.finish(endAt, 'FAILED', failure.reason);
  return null;
}

/** Plans the rest of a job's life from `queuedAt`, when it waits for attempt number `first` (0-based). */
function planNatural(life: Life, job: SimJob, r: Random, profile: Profile, queuedAt = job.createdAt, first = 0): void {
  for (let attempt = first; ; attempt++) {
    const assignAt = queuedAt + profile.assignDelay(r);
    if (attempt === 0 && assignAt - job.createdAt > job.maxTimeoutAssignMs) {
      life.finish(job.createdAt + job.maxTimeoutAssignMs, 'FAILED', `Job was not assigned to a node within max_timeout_assign_ms (${job.maxTimeoutAssignMs} ms)`);
      return;
    }
    if (r.chance(profile.cancelChance / 4)) {
      life.cancel(queuedAt + Math.floor((assignAt - queuedAt) / 2), r.pick(CANCEL_REASONS), settleDelay(r));
      return;
    }
    life.assign(assignAt);
    const startDelay = profile.startDelay(r);
    if (startDelay > job.maxTimeoutStartMs || r.chance(0.02)) {
      life.finish(assignAt + job.maxTimeoutStartMs, 'FAILED', `Node did not finish preparing the job within max_timeout_start_ms (${job.maxTimeoutStartMs} ms)`);
      return;
    }
    life.start(assignAt + startDelay);
    const requeuedAt = runTail(life, job, r, profile, assignAt + startDelay, attempt);
    if (requeuedAt === null) return;
    queuedAt = requeuedAt;
  }
}

/** A run that failed with retries left is queued again: its job carries on naturally from there. */
function afterRun(life: Life, job: SimJob, r: Random, requeuedAt: number | null, attempt: number): void {
  if (requeuedAt !== null) planNatural(life, job, r, FRESH, requeuedAt, attempt + 1);
}

/** Plans a job so that at `now` it is in `target`, and carries on naturally from there. */
function planTarget(life: Life, job: SimJob, r: Random, target: Target, now: number): void {
  const age = now - job.createdAt;
  const at = (fraction: number) => job.createdAt + Math.floor(age * fraction);
  switch (target) {
    case 'PENDING': {
      const assignAt = now + r.int(20_000, 180_000);
      job.maxTimeoutAssignMs = Math.max(job.maxTimeoutAssignMs, ceilTo(assignAt - job.createdAt, 300_000));
      life.assign(assignAt);
      const startAt = assignAt + FRESH.startDelay(r);
      life.start(startAt);
      afterRun(life, job, r, runTail(life, job, r, FRESH, startAt, 0), 0);
      return;
    }
    case 'ASSIGNED': {
      const assignAt = at(0.5);
      const startAt = now + r.int(10_000, 90_000);
      job.maxTimeoutStartMs = Math.max(job.maxTimeoutStartMs, ceilTo(startAt - assignAt, MINUTE));
      life.assign(assignAt);
      life.start(startAt);
      afterRun(life, job, r, runTail(life, job, r, FRESH, startAt, 0), 0);
      return;
    }
    case 'RUNNING': {
      const startAt = at(0.3);
      const endAt = now + (job.task === 'PERSISTENT' ? FRESH.persistentLifetime(r) : r.int(3 * MINUTE, 2 * HOUR));
      if (job.maxTimeoutRunMs !== null) job.maxTimeoutRunMs = Math.max(job.maxTimeoutRunMs, ceilTo(endAt - startAt, HOUR));
      life.assign(at(0.15));
      life.start(startAt);
      afterRun(life, job, r, runTail(life, job, r, FRESH, startAt, 0, endAt), 0);
      return;
    }
    case 'RETRYING': {
      const failure = r.pick(RUN_FAILURES);
      const failedAt = at(0.45);
      const startAt = at(0.7);
      const endAt = now + r.int(3 * MINUTE, HOUR);
      job.maxRetryCount = Math.max(job.maxRetryCount, 2);
      job.maxTimeoutRunMs = Math.max(job.maxTimeoutRunMs ?? 0, ceilTo(endAt - startAt, HOUR));
      life.assign(at(0.1));
      life.start(at(0.2));
      life.endRun({ at: failedAt, outcome: 'FAILED', exitCode: failure.exitCode, lastLine: failure.last, timeoutMs: null });
      life.requeue(failedAt, `Run 1 failed (${failure.reason}); retry 1 of ${job.maxRetryCount}`);
      life.assign(at(0.55));
      life.start(startAt);
      afterRun(life, job, r, runTail(life, job, r, FRESH, startAt, 1, endAt), 1);
      return;
    }
    case 'CANCELLING': {
      const startAt = at(0.25);
      const cancelAt = Math.max(startAt + 1, now - r.int(0, 1_500));
      life.assign(at(0.1));
      life.start(startAt);
      life.cancel(cancelAt, r.pick(CANCEL_REASONS), now - cancelAt + r.int(3_000, 6_000));
      return;
    }
  }
}

function dockerFor(spec: ImageSpec, persistent: boolean, r: Random): DockerInput {
  const ports = persistent ? [...spec.ports] : [];
  return {
    image: spec.image,
    tag: r.pick(spec.tags),
    host: spec.host,
    user: spec.user,
    secret: spec.secretPrefix ? `${spec.secretPrefix}${r.hex(36)}` : null,
    sshkey: r.chance(0.3) ? `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.hex(40)} ${r.pick(['maria', 'jonas', 'wei', 'priya'])}@laptop` : null,
    imagesrc: spec.host ? 'registry' : 'dockerhub',
    env: Object.fromEntries(Object.entries(spec.env).map(([name, template]) => [name, fill(template, r)])),
    ports,
    allowed_ips: ports.length === 0 ? [] : r.chance(0.5) ? ['0.0.0.0/0'] : [`203.0.113.${r.int(1, 254)}/32`],
    volumes: r.chance(0.2)
      ? [{ image: 'acme-ml/datasets', mount: '/workspace/data', registry: 'ghcr.io', secret: `ghp_${r.hex(36)}`, tag: r.pick(['imagenet-1k', 'laion-aesthetic-6.5', 'librispeech']), user: 'acme-ml-bot' }]
      : [],
  };
}

function generatedJob(r: Random, createdAt: number, now: number, forceBatch: boolean): SimJob {
  const spec = forceBatch ? r.pick(IMAGES.filter((image) => image.kind === 'train')) : r.pick(IMAGES);
  const persistent = !forceBatch && (spec.kind === 'serve' || spec.kind === 'notebook' || spec.kind === 'triton') && r.chance(0.8);
  const gpu = r.pick(GPUS);
  const targeting = r.weighted([['name', 7], ['registry', 1.5], ['any', 1.5]] as const);
  const gpuCount = spec.kind === 'notebook' ? 1 : r.weighted([[1, 7], [2, 2], [4, 1], [8, 0.3]] as const);
  const docker = dockerFor(spec, persistent, r);
  const suffix = r.chance(0.5) ? ` #${r.int(2, 40)}` : '';
  return {
    uuid: r.uuid(),
    createdAt,
    createdMicros: r.int(0, 999),
    legacy: now - createdAt > LEGACY_AGE,
    task: persistent ? 'PERSISTENT' : 'BATCH',
    title: `${r.pick(spec.titles)}${suffix}`,
    description: r.pick(DESCRIPTIONS),
    cpuCount: gpuCount * r.pick([4, 8, 16]),
    gpuCount,
    gpuName: targeting === 'name' ? gpu.name : null,
    gpuRegistryUuid: targeting === 'registry' ? gpu.registryUuid : null,
    minRamGb: r.pick([16, 32, 64, 128]),
    minVramGb: r.chance(0.5) ? gpu.vramGb : 0,
    minStorageGb: r.pick([20, 50, 100, 200]),
    maxTimeoutAssignMs: r.weighted([[300_000, 6], [900_000, 2], [HOUR, 1]] as const),
    maxTimeoutStartMs: r.weighted([[300_000, 6], [600_000, 2], [120_000, 1]] as const),
    maxTimeoutRunMs: persistent ? null : r.pick([HOUR, 4 * HOUR, 8 * HOUR, 12 * HOUR, DAY]),
    maxRetryCount: persistent ? 0 : r.weighted([[0, 6], [1, 2], [2, 1], [3, 1]] as const),
    maxNodeCount: r.chance(0.05) ? 2 : 1,
    imageSizeBytes: Math.round(spec.sizeBytes * (0.95 + r.next() * 0.1)),
    kind: spec.kind,
    gpuLabel: `${gpuCount}x ${gpu.name}`,
    docker,
    accessTokens: docker.ports.map((port) => ({ port, token: `cat_${r.hex(40)}` })),
    sourceRecipeUuid: r.chance(0.15) ? r.pick(RECIPES) : null,
    timeline: new Timeline<JobStatus>([{ state: 'PENDING', at: createdAt }]),
    runs: [],
  };
}

const ms = (at: number | null): string | null => (at === null ? null : pythonIsoformat(at));

export class GpuWorld {
  private readonly jobs = new Map<string, SimJob>();
  private createdCount = 0;

  constructor(
    private readonly seed: string,
    count: number,
    now: number,
    /** Applied to every job as it is serialised. */
    private readonly drift: Drift,
    /** `date`: `created_at` as the seed types it (`string<date>`), a bare date; filters still use the full time. */
    private readonly createdAtFormat: 'datetime' | 'date' = 'datetime',
  ) {
    const random = new Random(`${seed}:world`);
    const times = creationTimes(random.fork('times'), count, now);
    times.forEach((createdAt, index) => {
      const r = random.fork(`job:${index}`);
      const target = LIVE_TARGETS[index];
      const job = generatedJob(r, createdAt, now, target === 'RETRYING');
      const life = new Life(job, r, seed);
      if (target) planTarget(life, job, r, target, now);
      else planNatural(life, job, r, HISTORY);
      this.attach(job, life);
    });
  }

  all(): SimJob[] {
    return [...this.jobs.values()];
  }

  job(uuid: string): SimJob | undefined {
    return this.jobs.get(uuid.toLowerCase());
  }

  status(job: SimJob, now: number): JobStatus {
    return job.timeline.at(now).state;
  }

  /** Runs appear when they start. */
  runsOf(job: SimJob, now: number): SimRun[] {
    return job.runs.filter((run) => run.startedAt <= now);
  }

  findRun(runUuid: string, now: number): { job: SimJob; run: SimRun } | undefined {
    const wanted = runUuid.toLowerCase();
    for (const job of this.jobs.values()) {
      const run = job.runs.find((candidate) => candidate.uuid === wanted && candidate.startedAt <= now);
      if (run) return { job, run };
    }
    return undefined;
  }

  runStatus(run: SimRun, now: number): RunStatus {
    return run.ending === null || now < run.ending.at ? 'RUNNING' : run.ending.outcome;
  }

  runLogs(run: SimRun, now: number): string {
    return run.log.text(now, run.ending);
  }

  /** The job as the API shows it at `now` (secrets included: the real service echoes them back). */
  jobJson(job: SimJob, now: number): Record<string, unknown> {
    return this.drift.apply(job.uuid, this.currentJson(job, now));
  }

  /** The job in this release's own shape. */
  private currentJson(job: SimJob, now: number): Record<string, unknown> {
    const phase = job.timeline.at(now);
    const assigned = job.timeline.firstTime(['ASSIGNED'], now) !== null;
    const final = FINAL.has(phase.state);
    return {
      object: 'job',
      created_at: this.createdAtFormat === 'date' ? pythonDateIsoformat(job.createdAt) : pythonIsoformat(job.createdAt, job.createdMicros),
      updated_at: job.legacy ? pythonDateIsoformat(phase.at) : pythonIsoformat(phase.at),
      status: phase.state,
      task: job.task,
      title: job.title,
      cpu_count: job.cpuCount,
      gpu_count: job.gpuCount,
      min_ram_gb: job.minRamGb,
      min_vram_gb: job.minVramGb,
      min_storage_gb: job.minStorageGb,
      parameters: { parameters: job.docker, type: 'docker' },
      timeout_assign_at_ms: job.createdAt + job.maxTimeoutAssignMs,
      uuid: job.uuid,
      started_at: ms(job.timeline.firstTime(['RUNNING'], now)),
      completed_at: final ? pythonIsoformat(phase.at) : null,
      description: job.description,
      gpu_name: job.gpuName,
      gpu_registry_uuid: job.gpuRegistryUuid,
      max_timeout_assign_ms: job.maxTimeoutAssignMs,
      max_timeout_run_ms: job.maxTimeoutRunMs,
      max_timeout_start_ms: job.maxTimeoutStartMs,
      max_retry_count: job.maxRetryCount,
      max_node_count: job.maxNodeCount,
      // Known once a node has pulled the image.
      image_size_bytes: assigned ? job.imageSizeBytes : null,
      container_access_tokens: phase.state === 'RUNNING' ? job.accessTokens : [],
      status_reason: phase.message ?? null,
      source_recipe_uuid: job.sourceRecipeUuid,
    };
  }

  runJson(run: SimRun, now: number): Record<string, unknown> {
    const status = this.runStatus(run, now);
    const live = status === 'RUNNING';
    const urls = live
      ? [
          ...run.ports.map(({ container, external }) => ({ description: `Port ${container}`, hostname: run.hostname, port: external, protocol: 'http' })),
          ...(run.sshPort === null ? [] : [{ description: 'SSH', hostname: run.hostname, port: run.sshPort, protocol: 'ssh' }]),
        ]
      : [];
    return { uuid: run.uuid, status, started_at_ms: run.startedAt, node_urls: urls };
  }

  /** Cancel as the service does it: a live job goes CANCELLING, then CANCELLED a few seconds later. */
  cancel(uuid: string, reason: string, now: number): CancelOutcome {
    const job = this.job(uuid);
    if (!job) return { kind: 'not_found' };
    const status = this.status(job, now);
    if (FINAL.has(status)) return { kind: 'final', status };
    if (status === 'CANCELLING') return { kind: 'ok', job };
    const settle = settleDelay(new Random(`${this.seed}:cancel:${job.uuid}`));
    job.timeline.replan(now, [
      { state: 'CANCELLING', at: now, message: reason },
      { state: 'CANCELLED', at: now + settle, message: reason },
    ]);
    job.runs = job.runs.filter((run) => run.startedAt <= now);
    const current = job.runs[job.runs.length - 1];
    if (current && (current.ending === null || current.ending.at > now)) {
      current.ending = { at: now + settle, outcome: 'CANCELLED', exitCode: null, lastLine: null, timeoutMs: null };
    }
    return { kind: 'ok', job };
  }

  create(input: CreateJobInput, now: number): SimJob {
    this.createdCount++;
    const r = new Random(`${this.seed}:create:${this.createdCount}`);
    const spec = IMAGES.find((image) => image.image === input.docker.image);
    const gpu = GPUS.find((candidate) => candidate.name === input.gpu_name || candidate.registryUuid === input.gpu_registry_uuid) ?? r.pick(GPUS);
    const job: SimJob = {
      uuid: r.uuid(),
      createdAt: now,
      createdMicros: r.int(0, 999),
      legacy: false,
      task: input.task,
      title: input.title,
      description: input.description,
      cpuCount: input.cpu_count,
      gpuCount: input.gpu_count,
      gpuName: input.gpu_name,
      gpuRegistryUuid: input.gpu_registry_uuid,
      minRamGb: input.min_ram_gb,
      minVramGb: input.min_vram_gb,
      minStorageGb: input.min_storage_gb,
      maxTimeoutAssignMs: input.max_timeout_assign_ms,
      maxTimeoutStartMs: input.max_timeout_start_ms,
      maxTimeoutRunMs: input.max_timeout_run_ms,
      maxRetryCount: input.max_retry_count,
      maxNodeCount: input.max_node_count,
      imageSizeBytes: spec ? spec.sizeBytes : r.int(300_000_000, 12_000_000_000),
      kind: spec?.kind ?? 'batch',
      gpuLabel: `${Math.max(1, input.gpu_count)}x ${gpu.name}`,
      docker: input.docker,
      accessTokens: [],
      sourceRecipeUuid: null,
      timeline: new Timeline<JobStatus>([{ state: 'PENDING', at: now }]),
      runs: [],
    };
    const life = new Life(job, r, this.seed);
    planNatural(life, job, r, FRESH);
    this.attach(job, life);
    return job;
  }

  inventory(now: number): InventoryItem[] {
    return newestFirst(this.all()).map((job) => ({ id: job.uuid, createdAtMs: job.createdAt, name: job.title, state: this.status(job, now) }));
  }

  runLogRecords(jobUuid: string, now: number): RunLogRecord[] {
    const job = this.job(jobUuid);
    if (!job) return [];
    return [...this.runsOf(job, now)]
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((run) => ({ runUuid: run.uuid, startedAtMs: run.startedAt, status: this.runStatus(run, now), logs: this.runLogs(run, now) }));
  }

  private attach(job: SimJob, life: Life): void {
    job.timeline = new Timeline(life.phases);
    job.runs = life.runs;
    this.jobs.set(job.uuid, job);
  }
}

/** Creation time with microseconds, newest first; ties by uuid. */
export function createdAtMicros(job: SimJob): number {
  return job.createdAt * 1000 + job.createdMicros;
}

export function newestFirst(jobs: readonly SimJob[]): SimJob[] {
  return [...jobs].sort((a, b) => createdAtMicros(b) - createdAtMicros(a) || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
}
