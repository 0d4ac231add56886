// A UCloud Jobs API simulator: HTTP calls under `/api/jobs`, `POST /auth/refresh`, and the `follow`
// WebSocket on the same port, in the Kotlin or the Go backend's dialect.
import { realClock } from '../common/clock.js';
import { Drift } from '../common/drift.js';
import { DEMO_PEOPLE, type SimPerson } from '../common/people.js';
import { SimServer, type BaseSimulatorOptions, type RunningSimulator } from '../common/server.js';
import { TokenStore } from './auth.js';
import { DEMO_USERNAME } from './catalog.js';
import { World } from './data.js';
import { ucloudDrift } from './drift.js';
import { FollowServer } from './follow.js';
import { Ownership, type ForeignJobs } from './people.js';
import type { Dialect } from './plan.js';
import { authenticate, routes } from './routes.js';
import { errorBody, forDialect, jobJson, type Json } from './serialize.js';

export interface SimulatorOptions extends BaseSimulatorOptions {
  /** Which backend to imitate (default kotlin). */
  dialect?: Dialect;
  /** Exchanged for access tokens at `POST /auth/refresh`. */
  refreshToken?: string;
  /** A static access token that never expires (null: none). */
  token?: string | null;
  /** The `Project` the returned credentials select (null: no header, every workspace). */
  project?: string | null;
  /** The user every token belongs to (owner of the personal jobs and of created jobs). */
  username?: string;
  /** Lifetime of refreshed access tokens on the simulator's clock (default 10 min). */
  accessTokenTtlMs?: number;
  /** Real-time interval at which a follow stream looks at its job (default 500 ms). */
  followPollMs?: number;
  /** Real-time interval of Kotlin's keep-alive frames (default 60 s). */
  pingIntervalMs?: number;
  /**
   * People with static tokens of their own, each seeing only their jobs (and the shared project's,
   * with its `Project` header). Default `DEMO_PEOPLE`; `[]`: only the service account.
   */
  people?: readonly SimPerson[];
  /**
   * What a person gets for someone else's job: `not-found` (default, as for an unknown id: the
   * wire notes give retrieve "404 if unknown") or `forbidden` (403).
   */
  foreignJobs?: ForeignJobs;
}

export type { ForeignJobs };

export const DEMO_CREDENTIALS = {
  refreshToken: 'ucloud-demo-refresh-7f3c9a2e41b84d06b1e5',
  token: 'ucloud-demo-static-5d21e8b0c4a94f17a3c2',
  project: null,
} as const;

export interface InventoryItem {
  id: string;
  createdAtMs: number;
  name: string | null;
  state: string;
}

export interface RankOutput {
  rank: number;
  stdout: string;
  stderr: string;
}

export interface UCloudSimulator extends RunningSimulator {
  /** What a client needs besides the URL: the refresh token and the project. */
  readonly credentials: { token: string | null; refreshToken: string | null; project: string | null };
  readonly dialect: Dialect;
  readonly username: string;
  /** Project ids the user is a member of (valid `Project` header values). */
  readonly projects: readonly string[];
  /** Every job the API lists right now for `project` (default: the credentials' project; null: no header). */
  inventory(project?: string | null): InventoryItem[];
  /** Output written so far by each rank of the job. */
  output(jobId: string): RankOutput[];
  /** The job as `retrieve` would answer it with every include flag, in this dialect; null if unknown. */
  job(jobId: string): Json | null;
  /** The job's planned phases, past and future (state and clock time). */
  phases(jobId: string): { state: string; at: number }[];
  /** Follow streams currently open. */
  activeFollows(): number;
  /** Cuts every open follow connection (no final frame): a dropped network link. */
  dropFollows(): void;
  /** Makes every refreshed access token invalid at once (as a server restart with new keys would). */
  expireAccessTokens(): void;
  /** The people besides the service account. */
  readonly people: readonly SimPerson[];
  /** Id of the project every person is a member of (their `Project` header for the shared jobs). */
  readonly sharedProject: string;
  /**
   * Ids of the jobs `username` lists right now in `project` (default: the person's configured
   * project; null: their personal workspace), in `inventory()`'s order; [] for an unknown person or
   * a project they are not a member of.
   */
  visibleTo(username: string, project?: string | null): string[];
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<UCloudSimulator> {
  const clock = options.clock ?? realClock;
  const seed = options.seed ?? 1;
  const dialect = options.dialect ?? 'kotlin';
  const username = options.username ?? DEMO_USERNAME;
  const refreshToken = options.refreshToken ?? DEMO_CREDENTIALS.refreshToken;
  const world = new World({ seed, clock, jobCount: options.jobCount ?? 320, dialect, username });
  const tokens = new TokenStore({
    clock,
    seed,
    refreshToken,
    staticToken: options.token === undefined ? DEMO_CREDENTIALS.token : options.token,
    accessTokenTtlMs: options.accessTokenTtlMs ?? 10 * 60_000,
    username,
  });
  const drift = new Drift(options.drift, seed, ucloudDrift(dialect));
  const people = new Ownership(options.people ?? DEMO_PEOPLE, seed);
  const foreignJobs = options.foreignJobs ?? 'not-found';
  const context = { world, tokens, clock, dialect, drift, people, foreignJobs };
  const server = new SimServer({
    name: 'ucloud',
    routes: routes(context),
    authenticate: authenticate(context),
    errorBody: (status, message) => errorBody(dialect, status, message),
    seed,
  });
  const follow = new FollowServer({
    httpServer: server.httpServer,
    sim: server,
    world,
    tokens,
    clock,
    dialect,
    drift,
    seed,
    pollMs: options.followPollMs ?? 500,
    pingMs: options.pingIntervalMs ?? 60_000,
    people,
    foreignJobs,
  });
  const url = await server.start(options.port ?? 0, options.host ?? '127.0.0.1');
  const configuredProject = options.project ?? null;

  const ALL_FLAGS = { includeUpdates: true, includeParameters: true, includeApplication: true, includeProduct: true, includeSupport: true };
  return {
    url,
    server,
    drift,
    dialect,
    username,
    projects: world.projects.map((project) => project.id),
    credentials: { token: null, refreshToken, project: configuredProject },
    inventory(project = configuredProject) {
      const now = clock.now();
      return world.visible(project, now).map((job) => ({ id: job.id, createdAtMs: job.createdAt, name: job.name, state: world.stateOf(job, now) }));
    },
    output(jobId) {
      const job = world.find(jobId);
      return job ? world.output(job, clock.now()) : [];
    },
    job(jobId) {
      const job = world.find(jobId);
      const now = clock.now();
      return job && job.createdAt <= now ? drift.apply(job.id, forDialect(jobJson(world, job, now, ALL_FLAGS), dialect)) : null;
    },
    phases(jobId) {
      const job = world.find(jobId);
      return job ? job.timeline.history(Number.POSITIVE_INFINITY).map((phase) => ({ state: phase.state, at: phase.at })) : [];
    },
    activeFollows: () => follow.active,
    dropFollows: () => follow.drop(),
    expireAccessTokens: () => tokens.expireAll(),
    people: people.people,
    sharedProject: people.sharedProject.id,
    visibleTo(name, project) {
      const person = people.person(name);
      if (!person) return [];
      const workspace = project === undefined ? person.ucloud.project : project;
      if (workspace !== null && workspace !== people.sharedProject.id) return [];
      const now = clock.now();
      return world.jobs.filter((job) => job.createdAt <= now && people.sees(person, job, workspace)).map((job) => job.id);
    },
    async close() {
      await follow.close();
      await server.close();
    },
  };
}

export type { Dialect };
