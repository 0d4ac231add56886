// A RIME JobReader API (grpc-gateway over `ri/api/jobs/job_reader.proto`) with a seeded workspace.
import { realClock, type Clock } from '../common/clock.js';
import { Drift } from '../common/drift.js';
import { SimServer, type BaseSimulatorOptions, type RunningSimulator, type SimRequest, type SimResponse } from '../common/server.js';
import { rimeDrift } from './drift.js';
import { RimeWorld, type InventoryItem, type JobFacts, type ProgressSnapshot } from './data.js';
import { errorBody, routes } from './routes.js';

export type { InventoryItem, JobFacts, ProgressSnapshot } from './data.js';
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
}

function authenticate(apiKey: string, emitUnpopulated: boolean) {
  return (request: SimRequest): SimResponse | null => {
    const given = request.headers['rime-api-key'];
    if (given === apiKey) return null;
    const message = given === undefined ? 'request is missing the rime-api-key header' : 'invalid api key';
    return { status: 401, json: errorBody(401, message, emitUnpopulated) };
  };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RimeSimulator> {
  const clock = options.clock ?? realClock;
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? DEMO_API_KEY;
  const emitUnpopulated = options.emitUnpopulated ?? false;
  const world = new RimeWorld({ seed, jobCount: options.jobCount ?? 320, clock });
  const drift = new Drift(options.drift, seed, rimeDrift);
  const server = new SimServer({
    name: 'RIME',
    seed,
    routes: routes({
      world,
      now: () => clock.now(),
      emitUnpopulated,
      workspaceUrl: options.workspaceUrl ?? 'https://acme.rbst.io',
      drift,
    }),
    authenticate: authenticate(apiKey, emitUnpopulated),
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
    close: () => server.close(),
  };
}
