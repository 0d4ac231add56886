// The GPU compute cloud simulator: HMAC-verified HTTP API over a seeded, clock-driven world.
import { realClock, type Clock } from '../common/clock.js';
import { Drift } from '../common/drift.js';
import { DEMO_PEOPLE, type SimPerson } from '../common/people.js';
import { SimServer, type BaseSimulatorOptions, type RunningSimulator, type SimResponse } from '../common/server.js';
import { AuthFailure, SignatureVerifier } from './auth.js';
import { gpuDrift } from './drift.js';
import { GpuWorld, type InventoryItem, type RunLogRecord } from './data.js';
import { GpuOwners, type ForeignJobs } from './people.js';
import { errorBody, gpuRoutes, type RangeReading } from './routes.js';

export type { InventoryItem, RunLogRecord } from './data.js';
export type { ForeignJobs } from './people.js';

/** A demo key pair; the `pk_`/`sk_` prefixes are the service's. */
export const DEMO_CREDENTIALS = {
  apiKey: 'pk_demo_5f3c2a9e81b74d06a3e1c7b92d4f6e08',
  apiSecret: 'sk_demo_9b1e7c4a20d64f3e8a5c1b7d3e9f2a64',
} as const;

export interface SimulatorOptions extends BaseSimulatorOptions {
  apiKey?: string;
  apiSecret?: string;
  /** Accepted distance between a request's `X-Time` and the wall clock (default 5 min). */
  maxClockSkewMs?: number;
  /** Serve under a path prefix (a deployment behind a proxy); the signature covers it. */
  basePath?: string;
  /** `lines`: a run's `logs` come as a list of lines, as older deployments send them. */
  runLogsFormat?: 'text' | 'lines';
  /** `date`: `created_at` as a bare date, as the seed's schema types it (default `datetime`). */
  createdAtFormat?: 'datetime' | 'date';
  /**
   * How `filter[created_at]=from,to` is read. `lenient` (default): either side may be empty.
   * `strict`: empty parts are dropped, so `,X` means "from X" with no upper bound.
   */
  rangeReading?: RangeReading;
  /**
   * People besides the service account, each with a key pair of their own whose requests see only
   * that person's jobs (default `DEMO_PEOPLE`; `[]`: nobody). The API has no teams, so no job is shared.
   */
  people?: readonly SimPerson[];
  /**
   * How a person's request for another account's job or run is answered (default `not-found`:
   * the notes give no 403, and an account-scoped API cannot tell another's job from none).
   */
  foreignJobs?: ForeignJobs;
}

export interface GpuSimulator extends RunningSimulator {
  readonly credentials: { apiKey: string; apiSecret: string };
  readonly clock: Clock;
  /** The people whose key pairs are accepted besides the service's. */
  readonly people: readonly SimPerson[];
  /** The uuids a person's key pair lists now, in `inventory()` order (empty for anyone else). */
  visibleTo(username: string): string[];
  /** Every job the list would return now, newest first, with the backend's own status. */
  inventory(): InventoryItem[];
  /** What the job's runs have written so far, in started order. */
  runLogs(jobUuid: string): RunLogRecord[];
  /** The job exactly as `GET /v1/jobs/{uuid}` would return it now (null when unknown). */
  snapshot(jobUuid: string): Record<string, unknown> | null;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<GpuSimulator> {
  const clock = options.clock ?? realClock;
  const seed = String(options.seed ?? 1);
  const credentials = { apiKey: options.apiKey ?? DEMO_CREDENTIALS.apiKey, apiSecret: options.apiSecret ?? DEMO_CREDENTIALS.apiSecret };
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const drift = new Drift(options.drift, seed, gpuDrift);
  const world = new GpuWorld(seed, options.jobCount ?? 320, clock.now(), drift, options.createdAtFormat);
  const people = options.people ?? DEMO_PEOPLE;
  const owners = new GpuOwners(people);
  const verifier = new SignatureVerifier({
    keys: new Map([...owners.keys(), [credentials.apiKey, credentials.apiSecret]]),
    maxSkewMs: options.maxClockSkewMs ?? 5 * 60_000,
    basePath,
  });
  const server = new SimServer({
    name: 'GPU',
    basePath,
    seed,
    routes: gpuRoutes({ world, clock, runLogsFormat: options.runLogsFormat ?? 'text', rangeReading: options.rangeReading ?? 'lenient',
      owners,
      foreignJobs: options.foreignJobs ?? 'not-found',
    }),
    errorBody,
    authenticate: (request): SimResponse | null => {
      try {
        verifier.verify(request);
        return null;
      } catch (error) {
        if (error instanceof AuthFailure) return { status: 401, json: errorBody(401, error.message) };
        throw error;
      }
    },
  });
  const url = await server.start(options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url,
    server,
    drift,
    credentials,
    clock,
    people,
    visibleTo: (username) => world.inventory(clock.now()).flatMap((item) => (owners.personSees(username, item.id) ? [item.id] : [])),
    inventory: () => world.inventory(clock.now()),
    runLogs: (jobUuid) => world.runLogRecords(jobUuid, clock.now()),
    snapshot: (jobUuid) => {
      const job = world.job(jobUuid);
      return job ? world.jobJson(job, clock.now()) : null;
    },
    close: () => server.close(),
  };
}
