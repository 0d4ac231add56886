// A Squonk Data Manager (instances and tasks) on a local port.
import { realClock } from '../common/clock.js';
import { Drift } from '../common/drift.js';
import { DEMO_PEOPLE, type SimPerson } from '../common/people.js';
import { SimServer, type BaseSimulatorOptions, type RunningSimulator } from '../common/server.js';
import { World, type SimProject } from './data.js';
import { datamanagerDrift } from './drift.js';
import type { OutputsStyle } from './payloads.js';
import { DmAccess, type ForeignJobs } from './people.js';
import { authenticate, errorBody, routes } from './routes.js';

export type { ForeignJobs } from './people.js';

export const BASE_PATH = '/data-manager-api';
export const DEMO_TOKEN = 'dm-demo-4f7c2a91e6b84d05a3c9d1e27b6f8a40';
/** The user the demo token belongs to. */
export const DEMO_USER = 'demo.user';
export const DEMO_CREDENTIALS = { token: DEMO_TOKEN } as const;

export interface SimulatorOptions extends BaseSimulatorOptions {
  /** The one bearer token accepted (default `DEMO_TOKEN`). */
  token?: string;
  /** Whom the token belongs to: owner of launches, the only one who may delete their instances. */
  user?: string;
  /** `outputs` as a JSON string (the seed's client, default) or as an object (newer releases). */
  outputs?: OutputsStyle;
  /** How long a deleted instance stays visible (clock ms, default 5000). */
  deleteVisibleMs?: number;
  /**
   * People besides the service account, each with a token of their own that sees only their
   * instances and those of the shared project (default `DEMO_PEOPLE`; `[]`: nobody).
   */
  people?: readonly SimPerson[];
  /**
   * How a person's request for an instance or task they may not see is answered (default
   * `not-found`: the notes only give 404 for an instance the caller cannot get).
   */
  foreignJobs?: ForeignJobs;
}

export interface InventoryItem {
  id: string;
  createdAtMs: number;
  name: string | null;
  /** The phase. */
  state: string;
  owner: string;
  project: string;
  type: 'APPLICATION' | 'JOB';
}

export interface WrittenEvent {
  ordinal: number;
  level: string;
  message: string;
  timeMs: number;
}

export interface DataManagerSimulator extends RunningSimulator {
  readonly credentials: { token: string };
  readonly user: string;
  /** The people whose tokens are accepted besides the service's. */
  readonly people: readonly SimPerson[];
  /** The world's project every person is a member of (`SHARED_PROJECT_NAME`): they all see its instances. */
  readonly sharedProjectId: string;
  /** The ids a person's token lists now, in `inventory()` order (empty for anyone else). */
  visibleTo(username: string): string[];
  /** Every instance `GET /instance` would list now, in its order (by id). */
  inventory(): InventoryItem[];
  /** The instance's task ids, creation task first (empty once it is gone). */
  taskIds(instanceId: string): string[];
  /** Every event the task has written by now, oldest first. */
  events(taskId: string): WrittenEvent[];
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<DataManagerSimulator> {
  const clock = options.clock ?? realClock;
  const token = options.token ?? DEMO_TOKEN;
  const user = options.user ?? DEMO_USER;
  const seed = options.seed ?? 1;
  const world = new World({ clock, seed, jobCount: options.jobCount ?? 320, user, deleteVisibleMs: options.deleteVisibleMs ?? 5_000 });
  const drift = new Drift(options.drift, seed, datamanagerDrift);
  const people = options.people ?? DEMO_PEOPLE;
  // The first project stands for the shared one: a real project of the world, so that `project_id` filters find it.
  const access = new DmAccess(token, user, people, world.projects[0] as SimProject);
  // After generation, so the seeded draws (and every other field the service sees) stay as they were.
  for (const instance of world.visible()) instance.owner = access.ownerFor(instance);
  const server = new SimServer({
    name: 'datamanager',
    basePath: BASE_PATH,
    routes: routes(world, { access, foreignJobs: options.foreignJobs ?? 'not-found', outputs: options.outputs ?? 'string', drift }),
    authenticate: authenticate(access),
    errorBody,
    seed,
  });
  const url = await server.start(options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url,
    server,
    drift,
    credentials: { token },
    user,
    people,
    sharedProjectId: access.sharedProject.id,
    visibleTo: (username) => world.visible().flatMap((instance) => (access.personSees(username, instance) ? [instance.id] : [])),
    inventory: () =>
      world.visible().map((instance) => ({
        id: instance.id,
        createdAtMs: instance.launchedAt,
        name: instance.name,
        state: world.phase(instance).state,
        owner: instance.owner,
        project: instance.project.id,
        type: instance.type,
      })),
    taskIds: (instanceId) => {
      const instance = world.find(instanceId);
      return instance ? world.tasksOf(instance).map((task) => task.id) : [];
    },
    events: (taskId) => {
      const task = world.task(taskId);
      if (!task) return [];
      return world.events(task).map((e) => ({ ordinal: e.ordinal, level: e.level, message: e.message, timeMs: e.time }));
    },
    close: () => server.close(),
  };
}
