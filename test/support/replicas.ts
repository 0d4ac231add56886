// Gateway replicas as separate processes (`node --import tsx src/main.ts`), as a platform runs them
// behind a load balancer, over simulators that live in the test process: what each replica does is
// read from outside only, through its banner, its /metrics, its /readiness and the leases in Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { startDemoBackends, type DemoBackends } from '../../src/demo.js';
import { REDIS_PREFIX } from '../../src/live/redis/index.js';
import type { JobProvider } from '../../src/providers/job.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { FINAL } from './live.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BANNER = /Job Gateway ready: GraphiQL at (http:\/\/\S+)\n/;
/** Variables of the gateway that the test runner's own environment must not leak into a replica. */
const GATEWAY_VARIABLE = /^(PORT|HOST|METRICS_PORT|POLL_INTERVAL_MS|UPSTREAM_TIMEOUT_MS|LOG_|INTROSPECTION|ALLOWED_ORIGINS|AUTH_|REDIS_URL|UCLOUD_|RIME_|DATAMANAGER_|GPU_|MAX_|WS_MAX_|OTEL_)/;

export type Env = Record<string, string | undefined>;

/**
 * The environment of a replica over the simulators with the service account's credentials.
 * `overrides` win; an undefined value removes a variable (a forwarding backend has no key of its own).
 */
export function replicaEnv(demo: DemoBackends, redisUrl: string, pollIntervalMs: number, overrides: Env = {}): Record<string, string> {
  const { ucloud, rime, dataManager, gpu } = demo.settings;
  const env: Env = {
    AUTH_MODE: 'none',
    REDIS_URL: redisUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    POLL_INTERVAL_MS: String(pollIntervalMs),
    UPSTREAM_TIMEOUT_MS: '3000',
    LOG_LEVEL: 'warn',
    UCLOUD_URL: ucloud.url,
    UCLOUD_TOKEN: ucloud.token ?? undefined,
    UCLOUD_REFRESH_TOKEN: ucloud.refreshToken ?? undefined,
    UCLOUD_PROJECT: ucloud.project ?? undefined,
    RIME_URL: rime.url,
    RIME_API_KEY: rime.apiKey,
    DATAMANAGER_URL: dataManager.url,
    DATAMANAGER_TOKEN: dataManager.token,
    GPU_URL: gpu.url,
    GPU_API_KEY: gpu.apiKey,
    GPU_API_SECRET: gpu.apiSecret,
    ...overrides,
  };
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !GATEWAY_VARIABLE.test(name)));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...base, ...env })) if (value !== undefined) out[name] = value;
  return out;
}

/** One scrape of /metrics, summed over the samples that carry the given labels. */
export class Metrics {
  constructor(readonly text: string) {}

  value(name: string, labels: Record<string, string> = {}): number {
    let sum = 0;
    let found = false;
    for (const line of this.text.split('\n')) {
      if (line.startsWith('#')) continue;
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const have = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1], label[2]]));
      if (Object.entries(labels).some(([key, value]) => have[key] !== value)) continue;
      sum += Number(match[4]);
      found = true;
    }
    if (!found) throw new Error(`no sample of ${name}${JSON.stringify(labels)} in /metrics`);
    return sum;
  }

  /** Status/log poll rounds this replica did for `backend` (only while it holds that backend's scope lease). */
  rounds(backend: JobProvider): number {
    return this.value('jobgateway_live_poll_rounds_total', { backend, kind: 'jobs' });
  }
}

export interface Replica {
  readonly name: string;
  readonly pid: number;
  /** The GraphQL endpoint from the banner. */
  readonly url: string;
  readonly exited: boolean;
  /** Everything it wrote (banner and log records), for failure messages. */
  output(): string;
  metrics(): Promise<Metrics>;
  readiness(): Promise<{ status: number; body: string }>;
  /** SIGTERM, then waits for the exit (releases its leases on the way out). */
  stop(): Promise<void>;
  /** SIGKILL, then waits for the exit: no lease is released, nothing is said to anyone. */
  kill(): Promise<void>;
}

/** Starts a replica and resolves once its banner names its URL. */
export async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exit = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no banner within 30 s:\n${out}`)), 30_000);
    const look = (): void => {
      const found = BANNER.exec(out);
      if (!found?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', look);
      resolve(found[1]);
    };
    child.stdout?.on('data', look);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before its banner:\n${out}`));
    });
  });
  const origin = new URL(url).origin;
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exit;
  };
  return {
    name,
    pid: child.pid ?? -1,
    url,
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    output: () => out,
    async metrics() {
      const response = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`${name}: /metrics answered ${response.status}`);
      return new Metrics(await response.text());
    },
    async readiness() {
      const response = await fetch(`${origin}/readiness`, { signal: AbortSignal.timeout(5_000) });
      return { status: response.status, body: await response.text() };
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

/**
 * The lease of a backend scope (one backend read with one credential): src/live/affinity.ts makes a
 * job watcher's lease its scope's, so one replica polls every followed job of the scope. The name
 * is keyString(scopeKey(...)) of src/live/key.ts: `[credential, backend, "scope"]`, as JSON.
 */
export function scopeLeaseName(backend: JobProvider, credential = 'service'): string {
  return `${REDIS_PREFIX}lease:${JSON.stringify([credential, backend, 'scope'])}`;
}

export interface LeaseRecord {
  /** The lease's key string: `[credential, backend, 'scope']` (job watchers) or `[credential, backend, 'list']`. */
  readonly key: readonly string[];
  /** The pid in the holder's replicaId (`<host>-<pid>-<hex>:<token>`). */
  readonly pid: number;
}

const holderPid = (value: string | null | undefined): number | null => {
  const pid = value ? /-(\d+)-[0-9a-f]+:[0-9a-f]+$/.exec(value)?.[1] : undefined;
  return pid === undefined ? null : Number(pid);
};

/** Every lease in Redis now, with the pid of the replica holding it. */
export async function leases(admin: Redis): Promise<LeaseRecord[]> {
  const names = await admin.keys(`${REDIS_PREFIX}lease:*`);
  const values = names.length > 0 ? await admin.mget(...names) : [];
  return names.flatMap((name, i) => {
    const pid = holderPid(values[i]);
    if (pid === null) return [];
    return [{ key: JSON.parse(name.slice(`${REDIS_PREFIX}lease:`.length)) as string[], pid }];
  });
}

/** The scope leases in Redis now (job watchers'; list watchers' left out). */
export async function scopeLeases(admin: Redis): Promise<LeaseRecord[]> {
  return (await leases(admin)).filter((lease) => lease.key[2] === 'scope');
}

/** The pid holding the lease of a backend's scope (service credential unless given), or null. */
export async function holderOf(admin: Redis, backend: JobProvider, credential = 'service'): Promise<number | null> {
  return holderPid(await admin.get(scopeLeaseName(backend, credential)));
}

export interface Foreseen {
  readonly provider: JobProvider;
  readonly id: string;
  /** The backend's state now and after each step (index 0: now). */
  readonly states: readonly string[];
  /** The first step after which the job is in a final state, or null within the steps looked at. */
  readonly endsAt: number | null;
}

/**
 * What the jobs of a seeded world will do: a second set of simulators with the same seed, its clock
 * brought to `nowMs` and then moved by `steps` steps of `stepMs`. Simulated jobs live on their
 * timelines alone (reads change nothing), so the world under test will do exactly this.
 */
export async function foresee(seed: number, jobCount: number, startMs: number, nowMs: number, stepMs: number, steps: number): Promise<Foreseen[]> {
  const clock = new ManualClock(startMs);
  const demo = await startDemoBackends({ clock, seed, jobCount });
  try {
    clock.set(nowMs);
    const state = (provider: JobProvider, id: string): string | null => simulatedState(demo, provider, id);
    const live = (provider: JobProvider, id: string): boolean => {
      const now = state(provider, id);
      return now !== null && !FINAL[provider].includes(now);
    };
    const candidates: [JobProvider, string][] = [
      ...demo.gpu.inventory().map((job): [JobProvider, string] => ['GPU', job.id]),
      ...demo.rime.inventory().map((job): [JobProvider, string] => ['RIME', job.id]),
      ...demo.dataManager.inventory().filter((job) => job.type === 'JOB').map((job): [JobProvider, string] => ['DATA_MANAGER', job.id]),
      ...demo.ucloud.inventory().map((job): [JobProvider, string] => ['UCLOUD', job.id]),
    ].filter(([provider, id]) => live(provider, id));
    const histories = candidates.map(([provider, id]) => ({ provider, id, states: [state(provider, id) ?? 'gone'], endsAt: null as number | null }));
    for (let step = 1; step <= steps; step++) {
      clock.advance(stepMs);
      for (const history of histories) {
        const now = state(history.provider, history.id) ?? 'gone';
        history.states.push(now);
        if (history.endsAt === null && FINAL[history.provider].includes(now)) history.endsAt = step;
      }
    }
    return histories;
  } finally {
    await demo.close();
  }
}

/** Backends whose simulators say what output a job has written (`writtenOutput`). */
export type OutputProvider = 'GPU' | 'UCLOUD';

/**
 * The output a job has written so far, straight from its simulator, per `<rank>:<stream>` (GPU: one
 * rank per run, in the order they started, all STDOUT; UCloud: each rank's STDOUT and STDERR).
 * Empty texts left out.
 */
export function writtenOutput(demo: DemoBackends, provider: OutputProvider, id: string): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (rank: number, stream: string, text: string): void => {
    if (text !== '') out[`${rank}:${stream}`] = text;
  };
  if (provider === 'GPU') demo.gpu.runLogs(id).forEach((run, rank) => put(rank, 'STDOUT', run.logs));
  else for (const rank of demo.ucloud.output(id)) {
    put(rank.rank, 'STDOUT', rank.stdout);
    put(rank.rank, 'STDERR', rank.stderr);
  }
  return out;
}

/** Log entries as delivered (`jobLogs`), joined per `<rank>:<stream>` in the order they came (empty texts left out), as `writtenOutput` says them. */
export function joinedOutput(entries: readonly { rank: number; stream: string; text: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    if (entry.text === '') continue;
    const key = `${entry.rank}:${entry.stream}`;
    out[key] = (out[key] ?? '') + entry.text;
  }
  return out;
}

/** Creates a job through a replica's own mutation (`createGpuJob`, `createUCloudJob`); resolves to the backend's id of it. */
export async function createJob(replica: Replica, provider: OutputProvider, input: Record<string, unknown>): Promise<string> {
  const [field, type] = provider === 'GPU' ? ['createGpuJob', 'CreateGpuJobInput'] : ['createUCloudJob', 'CreateUCloudJobInput'];
  const query = `mutation Create($input: ${type}!) { ${field}(input: $input) { __typename ... on JobMutationSuccess { job { providerJobId } } ... on MutationError { message } } }`;
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables: { input } }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { data?: Record<string, { __typename: string; job?: { providerJobId: string } }> };
  const result = body.data?.[field];
  if (result?.__typename !== 'JobMutationSuccess' || !result.job) throw new Error(`${replica.name}: ${field} answered ${JSON.stringify(body)}`);
  return result.job.providerJobId;
}

/** The backend's own state word for a job, straight from its simulator (null once it is gone). */
export function simulatedState(demo: DemoBackends, provider: JobProvider, id: string): string | null {
  switch (provider) {
    case 'UCLOUD':
      return demo.ucloud.inventory().find((job) => job.id === id)?.state ?? null;
    case 'RIME':
      return demo.rime.describe(id)?.status ?? null;
    case 'DATA_MANAGER':
      return demo.dataManager.inventory().find((job) => job.id === id)?.state ?? null;
    case 'GPU':
      return (demo.gpu.snapshot(id) as { status?: string } | null)?.status ?? null;
  }
}

/** Waits (real time) until `condition` resolves true; `what` names it in the timeout's message. */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await condition()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
