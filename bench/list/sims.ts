// Parent side of sims-child.ts: starts the simulators' process, and reads their request and
// response-byte counters over HTTP (`/_sim/counters`, the admin API every SimServer has).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { ServiceBackendSettings } from '../../src/config.js';
import { JOB_PROVIDERS, type JobProvider } from '../../src/providers/job.js';
import { processCpuMs } from '../lib/proc.js';

const CHILD = fileURLToPath(new URL('./sims-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** 20,000 jobs per backend take a while to generate. */
const START_TIMEOUT_MS = 120_000;

export interface SimsChildOptions {
  seed: number;
  latencyMs: number;
  /** Jobs RIME and Data Manager hold (null: the simulators' default). */
  jobs: number | null;
}

export interface SimsReady {
  kind: 'ready';
  settings: ServiceBackendSettings;
  /** Base URL of each simulator; its admin API is at the origin's `/_sim/`. */
  admin: Record<JobProvider, string>;
}

/** What one simulator has answered so far: requests and response body bytes, in all and per route. */
export interface BackendCounters {
  requests: number;
  bytes: number;
  routes: Record<string, number>;
  routeBytes: Record<string, number>;
}

export type Counters = Record<JobProvider, BackendCounters>;

interface AdminCounters {
  total: number;
  routes: Record<string, number>;
  bytes?: { total: number; routes: Record<string, number> };
}

function isReady(message: unknown): message is SimsReady {
  return typeof message === 'object' && message !== null && (message as Record<string, unknown>).kind === 'ready';
}

export class Sims {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: SimsReady,
    private readonly exited: Promise<void>,
  ) {}

  static async start(options: SimsChildOptions): Promise<Sims> {
    const child = fork(CHILD, [JSON.stringify(options)], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // The benchmark ending any way at all must not leave the simulators behind.
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        process.off('exit', killOnExit);
        resolve();
      }),
    );
    const ready = await new Promise<SimsReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the simulators did not start in time')), START_TIMEOUT_MS);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error('the simulators process exited while starting'));
      });
      child.on('message', (message: unknown) => {
        if (!isReady(message)) return;
        clearTimeout(timer);
        resolve(message);
      });
    });
    return new Sims(child, ready, exited);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  cpuMs(): number | null {
    return this.child.pid === undefined ? null : processCpuMs(this.child.pid);
  }

  async counters(): Promise<Counters> {
    const entries = await Promise.all(
      JOB_PROVIDERS.map(async (provider): Promise<[JobProvider, BackendCounters]> => {
        const { statusCode, body } = await request(`${new URL(this.ready.admin[provider]).origin}/_sim/counters`);
        const data = (await body.json()) as AdminCounters;
        if (statusCode !== 200) throw new Error(`${provider} /_sim/counters answered ${statusCode}`);
        if (!data.bytes) throw new Error(`${provider} /_sim/counters has no response bytes (SimServer without its byte counter)`);
        return [provider, { requests: data.total, bytes: data.bytes.total, routes: data.routes, routeBytes: data.bytes.routes }];
      }),
    );
    return Object.fromEntries(entries) as Counters;
  }

  async stop(): Promise<void> {
    // Letting go of the channel is the child's signal to close (see sims-child.ts).
    if (this.child.connected) this.child.disconnect();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** b − a, backend by backend. */
export function countersDelta(a: Counters, b: Counters): Counters {
  const routes = (x: Record<string, number>, y: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(y).map(([route, n]) => [route, n - (x[route] ?? 0)]).filter(([, n]) => n !== 0));
  const delta = (x: BackendCounters, y: BackendCounters): BackendCounters => ({
    requests: y.requests - x.requests,
    bytes: y.bytes - x.bytes,
    routes: routes(x.routes, y.routes),
    routeBytes: routes(x.routeBytes, y.routeBytes),
  });
  return Object.fromEntries(JOB_PROVIDERS.map((p) => [p, delta(a[p], b[p])])) as Counters;
}
