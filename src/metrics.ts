// Prometheus metrics, one registry per gateway instance (DESIGN.md "Operating it"). What is
// measured where:
// - operations: an envelop plugin here (onParse/onValidate/onExecute/onSubscribe), so HTTP, SSE and
//   graphql-ws are all seen; plus Yoga's own prometheus plugin (phases, HTTP durations, no `url`);
// - upstream calls: the `HttpObserver` hook of `providers/http.ts`, one event per attempt on the wire;
// - payload anomalies and the live layer: read at scrape time from their own tallies;
// - WebSocket connections: counted by server.ts on the WebSocket server's `connection`/`close`;
// - event-loop lag and process metrics: prom-client's default metrics, on this registry.
// Labels never carry a job id (routes are templates), a credential, a query string or a URL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LiveStats } from './live/hub.js';
import type { AnomalyLog } from './providers/anomalies.js';
import type { HttpObserver } from './providers/http.js';

export const METRICS_PATH = '/metrics';

/** What the operation ended as: answered without errors, with data and errors, errors only, or refused before running. */
export type OperationOutcome = 'success' | 'partial' | 'error' | 'rejected';

export interface MetricsSources {
  /** The live layer's counters (`LiveHub.stats()`), read at every scrape. */
  live: () => LiveStats;
  /** Tolerated payload anomalies, read at every scrape (process-wide tally). */
  anomalies: AnomalyLog;
  /** Several replicas: whether the live layer reaches Redis now; absent in one process. */
  shared?: () => 'connected' | 'degraded';
}

export interface GatewayMetrics {
  readonly registry: Registry;
  /** For Yoga's `plugins`. */
  readonly plugins: Plugin[];
  /** Subscription events: one execution of an event serves every alike subscription (event-execution.ts). */
  readonly subscriptionEvents: { executed(): void; served(): void };
  /** For the HTTP clients of this gateway's providers. */
  readonly upstream: HttpObserver;
  /** A graphql-ws socket opened; returns the function to call once when it closes. */
  webSocketOpened(): () => void;
  /** Serves `GET`/`HEAD /metrics`; false (nothing written) for any other request. */
  serve(request: IncomingMessage, response: ServerResponse): boolean;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** A client-chosen operation name, bounded: GraphQL names up to 64 characters; anything else is one bucket. */
function operationLabel(name: string | null | undefined): string {
  if (name === null || name === undefined || name === '') return 'anonymous';
  return GRAPHQL_NAME.test(name) ? name : 'invalid';
}

function outcomeOf(result: ExecutionResult): OperationOutcome {
  if (!result.errors || result.errors.length === 0) return 'success';
  return result.data !== null && result.data !== undefined ? 'partial' : 'error';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

export function createMetrics(sources: MetricsSources): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // ---- Operations ----
  const operations = new Counter({
    name: 'jobgateway_operations_total',
    help: 'GraphQL operations by name, type and outcome (HTTP, SSE and graphql-ws); subscriptions are counted when they end',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers,
  });
  const operationDuration = new Histogram({
    name: 'jobgateway_operation_duration_seconds',
    help: 'Execution time of GraphQL queries and mutations by name, type and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const ended = (operation: string, type: string, outcome: OperationOutcome, startedAt?: number) => {
    operations.inc({ operation, type, outcome });
    if (startedAt !== undefined) operationDuration.observe({ operation, type, outcome }, (performance.now() - startedAt) / 1000);
  };
  const paramsName = (context: unknown): string | undefined => {
    const params = (context as { params?: { operationName?: unknown } } | undefined)?.params;
    return typeof params?.operationName === 'string' ? params.operationName : undefined;
  };
  const describe = (document: DocumentNode, name: string | null | undefined) => {
    const ast = getOperationAST(document, name);
    return { operation: operationLabel(ast?.name?.value ?? name), type: ast?.operation ?? 'unknown' };
  };

  const operationPlugin: Plugin = {
    onParse: ({ context }) => ({ result }) => {
      if (result instanceof Error) ended(operationLabel(paramsName(context)), 'unknown', 'rejected');
    },
    onValidate: ({ params, context }) => ({ valid }) => {
      if (valid) return;
      const { operation, type } = describe(params.documentAST, paramsName(context));
      ended(operation, type, 'rejected');
    },
    onExecute: ({ args }) => {
      const startedAt = performance.now();
      const { operation, type } = describe(args.document, args.operationName);
      return {
        onExecuteDone: ({ result }) => {
          if (!isAsyncIterable(result)) {
            ended(operation, type, outcomeOf(result), startedAt);
            return undefined;
          }
          // Incremental delivery: the outcome is known at the end of the stream.
          let outcome: OperationOutcome = 'success';
          return {
            onNext: ({ result: part }) => {
              if ('errors' in part && part.errors && part.errors.length > 0) outcome = 'partial';
            },
            onEnd: () => ended(operation, type, outcome, startedAt),
          };
        },
      };
    },
    // Method shorthand for the hooks a subscription keeps as long as it lasts: `npm start` runs
    // this file through tsx, which wraps every arrow function bound to a name (here, each of
    // these made per subscription) to set its `name`, at ~230 B a function.
    onSubscribe: ({ args }) => {
      const { operation, type } = describe(args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) {
            // Refused at subscribe time (a bad argument, a backend that cannot be followed).
            ended(operation, type, outcomeOf(result as ExecutionResult));
            return undefined;
          }
          let outcome: OperationOutcome = 'success';
          return {
            onNext({ result: event }) {
              if (event.errors && event.errors.length > 0) outcome = 'partial';
            },
            onEnd() {
              ended(operation, type, outcome);
            },
          };
        },
        onSubscribeError() {
          ended(operation, type, 'error');
        },
      };
    },
  };

  // ---- Upstream calls ----
  const upstreamRequests = new Counter({
    name: 'jobgateway_upstream_requests_total',
    help: 'HTTP requests sent to a backend (every attempt, retries included) by backend, method, route template and status',
    labelNames: ['backend', 'method', 'route', 'status'] as const,
    registers,
  });
  const upstreamDuration = new Histogram({
    name: 'jobgateway_upstream_request_duration_seconds',
    help: 'Duration of one attempt against a backend, by backend, method, route template and status',
    labelNames: ['backend', 'method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const upstreamRetries = new Counter({
    name: 'jobgateway_upstream_retries_total',
    help: 'Attempts of idempotent backend requests repeated, by backend, method, route template and the reason (status or network_error)',
    labelNames: ['backend', 'method', 'route', 'reason'] as const,
    registers,
  });
  const upstream: HttpObserver = {
    attempt: ({ provider, method, route, status, durationMs }) => {
      const labels = { backend: provider, method, route, status: String(status) };
      upstreamRequests.inc(labels);
      upstreamDuration.observe(labels, durationMs / 1000);
    },
    retry: ({ provider, method, route, reason }) => upstreamRetries.inc({ backend: provider, method, route, reason: String(reason) }),
  };

  new Counter({
    name: 'jobgateway_upstream_payload_anomalies_total',
    help: 'Backend payload anomalies tolerated (repaired: field read as null/default; dropped: item left out), by backend, field path and kind; process-wide',
    labelNames: ['backend', 'path', 'kind'] as const,
    registers,
    collect() {
      this.reset();
      for (const { provider, path, kind, count } of sources.anomalies.counts()) this.inc({ backend: provider, path, kind }, count);
    },
  });

  // ---- Live layer and WebSockets ----
  // One read of the live stats per scrape, shared by the gauges below.
  let snapshot: { at: number; stats: LiveStats } | null = null;
  const live = (): LiveStats => {
    const now = Date.now();
    if (snapshot === null || now - snapshot.at > 100) snapshot = { at: now, stats: sources.live() };
    return snapshot.stats;
  };
  new Gauge({
    name: 'jobgateway_live_job_watchers',
    help: 'Jobs followed right now (one watcher each, however many subscribers)',
    registers,
    collect() {
      this.set(live().jobWatchers);
    },
  });
  new Gauge({
    name: 'jobgateway_live_subscriptions',
    help: 'Open subscriptions by kind (job: jobUpdated and jobLogs; list: jobsUpdated), every transport',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const stats = live();
      this.set({ kind: 'job' }, stats.jobSubscriptions);
      this.set({ kind: 'list' }, stats.listSubscriptions);
    },
  });
  new Gauge({
    name: 'jobgateway_live_follows',
    help: 'Backend streams open (UCloud follow)',
    registers,
    collect() {
      this.set(live().follows);
    },
  });
  if (sources.shared) {
    const shared = sources.shared;
    new Gauge({
      name: 'jobgateway_live_redis_connected',
      help: 'Several replicas: 1 while the live layer is shared through Redis, 0 while Redis cannot be reached (each replica then watches for its own subscribers)',
      registers,
      collect() {
        this.set(shared() === 'connected' ? 1 : 0);
      },
    });
  }
  new Counter({
    name: 'jobgateway_live_poll_rounds_total',
    help: 'Poll rounds done by the live layer, by backend and kind (jobs: status/logs, list: jobsUpdated)',
    labelNames: ['backend', 'kind'] as const,
    registers,
    collect() {
      this.reset();
      for (const [backend, counts] of Object.entries(live().rounds)) {
        if (!counts) continue;
        this.inc({ backend, kind: 'jobs' }, counts.jobs);
        this.inc({ backend, kind: 'list' }, counts.list);
      }
    },
  });
  const eventExecutions = new Counter({
    name: 'jobgateway_subscription_event_executions_total',
    help: 'Subscription events executed: one execution serves every subscription alike in document, variables, caller and credentials',
    registers,
  });
  const eventResults = new Counter({
    name: 'jobgateway_subscription_event_results_total',
    help: 'Subscription event results handed to subscriptions, executed for them or shared with an alike one',
    registers,
  });
  const webSockets = new Gauge({
    name: 'jobgateway_websocket_connections',
    help: 'graphql-ws connections open',
    registers,
  });
  webSockets.set(0);

  return {
    registry,
    plugins: [
      operationPlugin,
      usePrometheus({
        registry,
        // Served by `serve` (on METRICS_PORT when set), never by Yoga on the GraphQL port.
        endpoint: false,
        // The URL label carries query strings (GET operations, possibly secrets): off.
        labels: { url: false },
      }),
    ],
    subscriptionEvents: { executed: () => eventExecutions.inc(), served: () => eventResults.inc() },
    upstream,
    webSocketOpened: () => {
      webSockets.inc();
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        webSockets.dec();
      };
    },
    serve: (request, response) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      if (new URL(request.url ?? '/', 'http://gateway').pathname !== METRICS_PATH) return false;
      registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
          response.end(request.method === 'HEAD' ? undefined : text);
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(`metrics failed: ${(error as Error).message}\n`);
        },
      );
      return true;
    },
  };
}
