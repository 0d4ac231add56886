// A RIME JobReader API (grpc-gateway over `ri/api/jobs/job_reader.proto`) with a seeded workspace.
import { realClock, type Clock } from '../common/clock.js';
import { Drift } from '../common/drift.js';
import { DEMO_PEOPLE, type SimPerson } from '../common/people.js';
import { SimServer, type BaseSimulatorOptions, type RunningSimulator } from '../common/server.js';
import { rimeDrift } from './drift.js';
import { RimeWorld, type InventoryItem, type JobFacts, type ProgressSnapshot } from './data.js';
import { Ownership, type ForeignJobs } from './people.js';
import { authenticate, errorBody, routes, type RouteContext } from './routes.js';

export type { InventoryItem, JobFacts, ProgressSnapshot } from './data.js';
export type { ForeignJobs } from './people.js';
export { API_PREFIX } from './routes.js';

export const DEMO_API_KEY = 'rime-demo-key-7c1e5a93d2b84f06a9e1';
export const DEMO_CREDENTIALS = { apiKey: DEMO_API_KEY } as const;

export interface SimulatorOptions extends BaseSimulatorOptions {
  /** The workspace's API key (`rime-api-key` header). */
  apiKey?: string;
  /**
   * Marshal like grpc-gateway v2's default (`EmitUnpopulated: true`): defaults sent explicitly and
   * unset messages as null. Off (default): defaults left out, as the wire notes describe.
   */
  emitUnpopulated?: boolean;
  /** Where the workspace's web app lives (archived log links point there). */
  workspaceUrl?: string;
  /**
   * People with API keys of their own, each seeing only their jobs and the shared project's.
   * Default `DEMO_PEOPLE`; `[]`: only the service key.
   */
  people?: readonly SimPerson[];
  /**
   * What a person gets for someone else's job: `not-found` (default: 5 NOT_FOUND, as for an
   * unknown id, so a key learns nothing of jobs it cannot read) or `forbidden` (7 PERMISSION_DENIED).
   */
  foreignJobs?: ForeignJobs;
}

export interface RimeSimulator extends RunningSimulator {
  readonly credentials: { apiKey: string };
  readonly clock: Clock;
  /** Project ids of the workspace (stress tests run in them; firewalls belong to them). */
  readonly projects: readonly string[];
  /** Every job ListJobs would return now, in its order (jobId), with the current status. */
  inventory(): InventoryItem[];
  describe(jobId: string): JobFacts | null;
  /** The progress texts and batch statuses the job went through so far. */
  progressHistory(jobId: string): ProgressSnapshot[];
  /** The people besides the service key. */
  readonly people: readonly SimPerson[];
  /** The project every person shares (its jobs are listed for each of them). */
  readonly sharedProject: string;
  /**
   * Ids of the jobs `username`'s key lists right now (their own and the shared project's), in
   * `inventory()`'s order; with `project`, only those the person reads in that project. [] for an
   * unknown person.
   */
  visibleTo(username: string, project?: string | null): string[];
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RimeSimulator> {
  const clock = options.clock ?? realClock;
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? DEMO_API_KEY;
  const emitUnpopulated = options.emitUnpopulated ?? false;
  const world = new RimeWorld({ seed, jobCount: options.jobCount ?? 320, clock });
  const drift = new Drift(options.drift, seed, rimeDrift);
  const people = new Ownership(options.people ?? DEMO_PEOPLE, seed);
  const context: RouteContext = {
    world,
    now: () => clock.now(),
    emitUnpopulated,
    workspaceUrl: options.workspaceUrl ?? 'https://acme.rbst.io',
    drift,
    apiKey,
    people,
    foreignJobs: options.foreignJobs ?? 'not-found',
  };
  const server = new SimServer({
    name: 'RIME',
    seed,
    routes: routes(context),
    authenticate: authenticate(context),
    errorBody: (status, message) => errorBody(status, message, emitUnpopulated),
  });
  const url = await server.start(options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url,
    server,
    drift,
    clock,
    credentials: { apiKey },
    projects: world.projects,
    inventory: () => world.inventory(),
    describe: (jobId) => world.describe(jobId),
    progressHistory: (jobId) => world.progressHistory(jobId),
    people: people.people,
    sharedProject: people.sharedProject,
    visibleTo(username, project) {
      const person = people.person(username);
      if (!person) return [];
      return world.jobs
        .filter((job) => people.sees(person, job) && (project == null || people.projectIdFor(job) === project))
        .map((job) => job.jobId);
    },
    close: () => server.close(),
  };
}
