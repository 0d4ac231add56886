// A Squonk Data Manager (instances and tasks) on a local port.
import { realClock } from '../common/clock.js';
import { Drift } from '../common/drift.js';
import { SimServer, type BaseSimulatorOptions, type RunningSimulator } from '../common/server.js';
import { World } from './data.js';
import { datamanagerDrift } from './drift.js';
import type { OutputsStyle } from './payloads.js';
import { authenticate, errorBody, routes } from './routes.js';

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
  const server = new SimServer({
    name: 'datamanager',
    basePath: BASE_PATH,
    routes: routes(world, { user, outputs: options.outputs ?? 'string', drift }),
    authenticate: authenticate(token),
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
