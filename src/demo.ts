// Demo mode: the four simulators on free local ports, and the settings that point the gateway at
// them. Tests and benchmarks use the same function with a clock of their own.
import type { ServiceBackendSettings } from './config.js';
import type { Clock } from './simulators/common/clock.js';
import type { DriftOptions } from './simulators/common/drift.js';
import { DEMO_PEOPLE, type SimPerson } from './simulators/common/people.js';
import * as datamanager from './simulators/datamanager/index.js';
import * as gpu from './simulators/gpu/index.js';
import * as rime from './simulators/rime/index.js';
import * as ucloud from './simulators/ucloud/index.js';

export interface DemoOptions {
  host?: string;
  clock?: Clock;
  seed?: number | string;
  jobCount?: number;
  /** Serve a share of every backend's jobs in drifted shapes (tests of the gateway's tolerance). */
  drift?: DriftOptions;
  /**
   * The people every simulator knows besides the service account, each with their own credential
   * for every backend (default `DEMO_PEOPLE`, so forwarded credentials can be tried from GraphiQL).
   */
  people?: readonly SimPerson[];
  /** Options of one simulator on top of the common ones (a dialect, a way of reading ranges). */
  simulators?: {
    ucloud?: ucloud.SimulatorOptions;
    rime?: rime.SimulatorOptions;
    dataManager?: datamanager.SimulatorOptions;
    gpu?: gpu.SimulatorOptions;
  };
}

export interface DemoBackends {
  ucloud: ucloud.UCloudSimulator;
  rime: rime.RimeSimulator;
  dataManager: datamanager.DataManagerSimulator;
  gpu: gpu.GpuSimulator;
  /** The people all four simulators know: their credentials are what a forwarding gateway is sent. */
  people: readonly SimPerson[];
  /** The backend part of a `Config` that points at the simulators, with the service account's credentials. */
  settings: ServiceBackendSettings;
  close(): Promise<void>;
}

export async function startDemoBackends(options: DemoOptions | string = {}): Promise<DemoBackends> {
  const { host = '127.0.0.1', simulators = {}, people = DEMO_PEOPLE, ...world } = typeof options === 'string' ? { host: options } : options;
  // The same people on every backend, so one person's forwarded credentials line up across all
  // four; a simulator's own `people` under `simulators` still wins.
  const shared = { host, ...world, people };
  const [u, r, d, g] = await Promise.all([
    ucloud.startSimulator({ ...shared, ...simulators.ucloud }),
    rime.startSimulator({ ...shared, ...simulators.rime }),
    datamanager.startSimulator({ ...shared, ...simulators.dataManager }),
    gpu.startSimulator({ ...shared, ...simulators.gpu }),
  ]);
  return {
    ucloud: u,
    rime: r,
    dataManager: d,
    gpu: g,
    people,
    settings: {
      ucloud: { url: u.url, ...u.credentials },
      rime: { url: r.url, ...r.credentials },
      dataManager: { url: d.url, ...d.credentials },
      gpu: { url: g.url, ...g.credentials },
    },
    close: async () => {
      await Promise.all([u.close(), r.close(), d.close(), g.close()]);
    },
  };
}
