// What the cluster benchmark's three kinds of process answer and send: the simulators (one
// process), the gateway replicas (one process each) and the clients (one or more processes).
import type { ServiceBackendSettings } from '../../../src/config.js';
import type { LiveStats } from '../../../src/live/hub.js';
import type { JobProvider } from '../../../src/providers/job.js';
import type { BaseMethods } from './ipc.js';
import type { LoadSample, MemorySample, Observation, PickedJob, UpstreamCounters } from '../protocol.js';

// ---- Simulators ----

export interface SimsOptions {
  seed: number;
}

export interface SimsMethods extends BaseMethods {
  prepare: { params: { jobs: number }; result: { jobs: PickedJob[]; warmup: PickedJob } };
  advance: { params: { ms: number }; result: { clockMs: number } };
  counters: { params: Record<string, never>; result: Partial<Record<JobProvider, UpstreamCounters>> };
}

export interface SimsReady {
  settings: ServiceBackendSettings;
}

// ---- Gateway replicas ----

export interface ReplicaOptions {
  index: number;
  pollIntervalMs: number;
  settings: ServiceBackendSettings;
  /** Null: the in-process live layer (no Redis), as a lone gateway runs. */
  redisUrl: string | null;
  /** Raised above the defaults so that the benchmark's own connections (all from 127.0.0.1) fit. */
  limits: { maxConnectionsPerAddress: number; maxSubscriptionsPerConnection: number };
}

export interface ReplicaMethods extends BaseMethods {
  memory: { params: Record<string, never>; result: MemorySample };
  stats: { params: Record<string, never>; result: LiveStats };
  load: { params: Record<string, never>; result: LoadSample };
}

export interface ReplicaReady {
  url: string;
  /** The Redis link's state once started; null without Redis. */
  shared: 'connected' | 'degraded' | null;
  /** The soft open-file limit of the process. */
  openFiles: number | null;
}

export interface ReplicaEvent {
  kind: 'changes';
  changes: Observation[];
}

// ---- Clients ----

/** One graphql-ws connection and the subscriptions it carries (subscriber indexes are global). */
export interface ConnectionPlan {
  url: string;
  subscribers: { index: number; globalId: string }[];
}

export interface ClientMethods extends BaseMethods {
  /**
   * Opens the connections `batch` at a time (a burst of thousands of handshakes would measure the
   * listen backlog, not the gateway), each batch once all its subscribers have their first value.
   */
  subscribe: { params: { connections: ConnectionPlan[]; batch: number; timeoutMs: number }; result: { ms: number; withFirstValue: number; failed: number } };
  /** Completes every subscription (graphql-ws `complete`), connections stay open. */
  unsubscribe: { params: Record<string, never>; result: Record<string, never> };
  /** Closes every connection. */
  close: { params: Record<string, never>; result: Record<string, never> };
  memory: { params: Record<string, never>; result: MemorySample };
}

export interface ClientReady {
  openFiles: number | null;
}

/** A value received: [subscriber index, change key, when (client clock)]. */
export type Received = [number, string, number];

export type ClientEvent =
  | { kind: 'received'; values: Received[] }
  | { kind: 'failed'; index: number; error: string }
  | { kind: 'completed'; index: number };
