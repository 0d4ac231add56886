// The IPC protocol between the benchmark (parent) and the process that runs the gateway and the
// simulators (child). The child is a separate process so that its memory is the gateway's alone,
// not the clients'. Requests are answered by id; `change` messages flow on their own.
import type { LiveStats } from '../../src/live/hub.js';
import type { JobState, JobProvider } from '../../src/providers/job.js';

/** How the parent starts the child (argv[2], JSON). */
export interface ChildOptions {
  seed: number;
  pollIntervalMs: number;
  /** Operations at once per graphql-ws connection: raised so that N/C subscriptions fit on each (WS_MAX_SUBSCRIPTIONS). */
  maxSubscriptionsPerConnection: number;
}

/** A job the benchmark follows. */
export interface PickedJob {
  provider: JobProvider;
  providerJobId: string;
  /** `Job.id`, what `jobUpdated(id)` takes. */
  globalId: string;
  state: JobState;
  /** Created for the benchmark (GPU) or taken from the simulator's seeded world. */
  origin: 'created' | 'seeded';
}

/** A change of a followed job as the gateway observed it (`LiveHubOptions.onChange`), before delivery. */
export interface Observation {
  provider: JobProvider;
  providerJobId: string;
  state: JobState;
  providerState: string;
  /** Epoch ms on the child's clock (performance.timeOrigin + performance.now()). */
  at: number;
}

export interface MemorySample {
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
  arrayBuffers: number;
}

export interface UpstreamCounters {
  /** Requests (and WebSocket streams opened) the simulator has seen. */
  total: number;
  /** The same per route (`GET /v1/jobs`, `WS jobs.follow`, ...). */
  routes: Record<string, number>;
}

/** CPU time and event-loop delay of the child since the previous sample. */
export interface LoadSample {
  cpuUserMs: number;
  cpuSystemMs: number;
  loopDelayMs: { p50: number; p99: number; max: number; mean: number };
}

/** Every request the parent can make, with its parameters and result. */
export interface ChildMethods {
  /** Chooses `jobs` live jobs over the four backends (creating GPU jobs), and a terminal one for warming up. */
  prepare: { params: { jobs: number }; result: { jobs: PickedJob[]; warmup: PickedJob } };
  /** Moves the simulators' clock: the only way jobs change. */
  advance: { params: { ms: number }; result: { clockMs: number } };
  /** `process.memoryUsage()` after full garbage collections. */
  memory: { params: Record<string, never>; result: MemorySample };
  stats: { params: Record<string, never>; result: LiveStats };
  counters: { params: Record<string, never>; result: Partial<Record<JobProvider, UpstreamCounters>> };
  load: { params: Record<string, never>; result: LoadSample };
  /** The child's clock, to estimate the offset between the two processes' clocks. */
  ping: { params: Record<string, never>; result: { at: number } };
  /** Closes the gateway (completing every subscription) and the simulators; the child then exits. */
  shutdown: { params: Record<string, never>; result: { closeMs: number } };
}

export type MethodName = keyof ChildMethods;

export type Request = { [M in MethodName]: { kind: 'request'; id: number; method: M; params: ChildMethods[M]['params'] } }[MethodName];

export type ChildMessage =
  | { kind: 'ready'; url: string }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string }
  | { kind: 'changes'; changes: Observation[] };

const METHODS: ReadonlySet<string> = new Set<MethodName>(['prepare', 'advance', 'memory', 'stats', 'counters', 'load', 'ping', 'shutdown']);

export function isRequest(message: unknown): message is Request {
  if (typeof message !== 'object' || message === null) return false;
  const { kind, id, method } = message as Record<string, unknown>;
  return kind === 'request' && typeof id === 'number' && typeof method === 'string' && METHODS.has(method);
}

export function isChildMessage(message: unknown): message is ChildMessage {
  if (typeof message !== 'object' || message === null) return false;
  const kind = (message as Record<string, unknown>).kind;
  return kind === 'ready' || kind === 'response' || kind === 'changes';
}
