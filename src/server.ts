import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AddressInfo } from 'node:net';
import { getOperationAST, GraphQLError } from 'graphql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { WsOperations } from './ws-operations.js';
import { OperationScope } from './ws-scope.js';
import { serveGraphqlWs } from './ws-adapter.js';
import type { Config } from './config.js';
import { createContext, resultScope, sharedContext, type GatewayContext, type GatewayServices } from './context.js';
import { useSharedEventExecution } from './event-execution.js';
import { maskError } from './errors.js';
import { log } from './log.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { originOf, originPolicy } from './origins.js';
import { createGraphiQLPage } from './graphiql.js';
import { createDashboard } from './dashboard/page.js';
import { forWebSocket, useNoIntrospection, useRequestErrors } from './request-errors.js';
import { ConnectionCounter, SubscriptionCounter, WS_CLOSE_TOO_MANY, enabledBackends, resolveLimits, useOperationLimits, useRequestParseErrors } from './limits/index.js';
import { ProviderHealth } from './health.js';
import { LiveHub, type LiveHubOptions } from './live/hub.js';
import { upstreamAnomalies } from './providers/anomalies.js';
import { withHttpObserver } from './providers/http.js';
import { closeBackends, createBackends, serviceProviders } from './providers/registry.js';
import { authenticatorFor } from './identity/authenticate.js';
import type { RequestIdentity } from './identity/caller.js';
import { forwardedFromConnectionParams, paramNamed } from './identity/forwarded.js';
import type { JwtVerifierOptions } from './identity/jwt.js';
import { isAuthError } from './identity/jwt.js';
import { useCallerIdentity, useCallerScopes } from './identity/plugins.js';
import type { JobProvider } from './providers/job.js';
import { REQUEST_ID_HEADER, requestIdFrom, withRequestId } from './request-context.js';
import { schema } from './schema/index.js';
import { operationTracing, withIncomingTrace } from './tracing.js';

export const GRAPHQL_PATH = '/graphql';
export const READINESS_PATH = '/readiness';
/** What a GET (or a simple POST) must carry to be taken for a real client, not a cross-site form. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';
/** A graphql-ws message is a small JSON document; ws would accept up to 100 MiB. */
const WS_MAX_PAYLOAD = 1024 * 1024;
const WS_KEEP_ALIVE_MS = 12_000;

/** What a transport adds to Yoga's initial context. */
export interface TransportContext {
  /**
   * graphql-ws: aborted when the client completes the operation or its socket closes; a
   * subscription's is its socket's, aborted when the socket closes (ws-operations.ts).
   */
  signal?: AbortSignal;
  /** graphql-ws: who opened the connection and the credentials its `connection_init` forwarded. */
  identity?: RequestIdentity;
}

/** graphql-ws close codes for a `connection_init` that cannot be accepted (DESIGN: 4401 for a token). */
const WS_CLOSE_UNAUTHENTICATED = 4401;
const WS_CLOSE_BAD_REQUEST = 4400;

export interface Gateway {
  readonly yoga: YogaServerInstance<TransportContext, GatewayContext>;
  readonly httpServer: Server;
  readonly services: GatewayServices;
  /** This gateway's Prometheus registry and instruments (`GET /metrics`). */
  readonly metrics: GatewayMetrics;
  /** The server of `/metrics` when `METRICS_PORT` is set; null when `/metrics` is on the main port. */
  readonly metricsServer: Server | null;
  /** Starts listening on the configured host and port; resolves to the GraphQL URL. */
  listen(): Promise<string>;
  /** Completes every subscription, closes every connection and the backends' pools. */
  close(): Promise<void>;
}

/**
 * The gateway: a Yoga instance (HTTP, SSE, GraphiQL) served by a node HTTP server, with graphql-ws
 * on the same port and path. `providers` replaces the ones built from the configuration (tests);
 * `live` instruments the live layer (benchmarks).
 */
export interface GatewayOptions {
  /** Tunes token verification (`AUTH_MODE=jwt`): key refetch cooldown, issuer timeout (tests). */
  auth?: JwtVerifierOptions;
  /** Instruments the live layer (benchmarks), or shares it between replicas (transport, lease, replay). */
  live?: LiveHubOptions;
  /** Several replicas: whether the shared live layer reaches Redis now (metrics, readiness detail). */
  liveState?: () => 'connected' | 'degraded';
  /**
   * How long `close()` keeps serving after readiness has gone 503, so that a load balancer stops
   * sending new work before connections drain (0: drain at once).
   */
  drainDelayMs?: number;
  /** Pages from this machine may use the gateway too (demo mode, which listens on loopback only). */
  loopbackOrigins?: boolean;
}

export function createGateway(config: Config, options: GatewayOptions = {}): Gateway {
  // Read at scrape time only, after `services` exists.
  const metrics = createMetrics({
    live: () => services.live.stats(),
    anomalies: upstreamAnomalies,
    ...(options.liveState ? { shared: options.liveState } : {}),
  });
  const backends = withHttpObserver(metrics.upstream, () => createBackends(config));
  const forwarding: ReadonlySet<JobProvider> = new Set([...backends.values()].filter((backend) => backend.credentials === 'forward').map((backend) => backend.id));
  const authenticate = authenticatorFor(config.auth, options.auth);
  const identity = useCallerIdentity(authenticate, forwarding);
  // Ready from the moment it listens until shutdown begins.
  let accepting = true;
  const origins = originPolicy(config.allowedOrigins ?? [], { loopback: options.loopbackOrigins === true });
  const services: GatewayServices = {
    config,
    backends,
    providers: serviceProviders(backends),
    forwarding,
    live: new LiveHub([...backends.keys()], config.pollIntervalMs, options.live),
    health: new ProviderHealth(),
  };

  const limits = resolveLimits(config.limits);
  const yoga = createYoga<TransportContext, GatewayContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    // GraphiQL is served before Yoga (`graphiql.ts`): compressed, cacheable, with useful first tabs.
    graphiql: false,
    maskedErrors: { maskError },
    // `/health`: the process serves (Yoga's default endpoint). `/readiness`: it takes new work.
    plugins: [
      // Who is calling, before anything else is looked at: a refused caller learns nothing more.
      identity.plugin,
      // Malformed request parameters are 400s; operation limits before any backend is called (limits.ts).
      useRequestParseErrors(),
      useOperationLimits(limits, () => enabledBackends(config)),
      // What the caller's token allows, before execution: a refused operation calls no backend.
      useCallerScopes(),
      // An event reaching several alike subscriptions is executed once for them all.
      useSharedEventExecution<GatewayContext>({
        scope: resultScope,
        sharedContext,
        onExecuted: metrics.subscriptionEvents.executed,
        onServed: metrics.subscriptionEvents.served,
      }),
      ...(config.introspection === false ? [useNoIntrospection()] : []),
      useRequestErrors(),
      // Never unready for Redis: a degraded live layer still serves (each replica watches for its
      // own subscribers), so the detail is told, not acted on.
      useReadinessCheck({ endpoint: READINESS_PATH, check: () => (accepting ? readinessDetail(options.liveState?.()) : false) }),
      // A simple (form, text/plain) POST or a GET without this header is refused: no page can make a
      // visitor's browser send an operation without a CORS preflight.
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      // Operations by name and outcome, phases; `/metrics` itself is served below, not by Yoga.
      ...metrics.plugins,
      // A span per operation when tracing is on (tracing.ts); nothing otherwise.
      ...operationTracing(),
    ],
    cors: (request) => origins.cors(request),
    // Client errors are answers, not incidents; defects and backend failures are logged by maskError.
    logging: false,
    // HTTP and SSE: the request's signal, aborted when the client goes away. graphql-ws has no
    // request per operation; its operations bring a signal of their own (WsOperations).
    context: ({ request, signal, identity: carried }) => {
      // graphql-ws brings the identity of its connection; HTTP's was read before parsing.
      const found = carried ?? (request ? identity.identityOf(request) : undefined);
      if (!found) throw new GraphQLError('The request was not authenticated.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      return createContext(services, found, signal ?? request?.signal);
    },
  });

  const graphiql = createGraphiQLPage(GRAPHQL_PATH);
  // The jobs dashboard at `/` (dashboard/): a client of this API like any other, served from here.
  const dashboard = createDashboard({ graphqlPath: GRAPHQL_PATH, auth: config.auth?.mode ?? 'none', pollIntervalMs: config.pollIntervalMs });
  const metricsServer =
    config.metricsPort === undefined
      ? null
      : createServer((request, response) => {
          if (metrics.serve(request, response)) return;
          response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(`Not found: metrics are at /metrics\n`);
        });
  // Every HTTP request (SSE included) runs under its request id, logged with every record written
  // meanwhile and sent back in `x-request-id`; and in the caller's trace when it sent `traceparent`.
  const httpServer = createServer((request, response) => {
    const reqId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    response.setHeader(REQUEST_ID_HEADER, reqId);
    withRequestId(reqId, () => {
      // Binding the record to the request's scope costs every request; only debug logging needs it.
      if (log.enabled('debug')) {
        const startedAt = performance.now();
        // The path only: a GET's query string holds the operation's variables.
        const finished = AsyncLocalStorage.bind(() =>
          log.debug('request finished', {
            method: request.method,
            path: new URL(request.url ?? '/', 'http://gateway').pathname,
            status: response.statusCode,
            durationMs: Math.round(performance.now() - startedAt),
          }),
        );
        response.once('close', finished);
      }
      withIncomingTrace(request.headers, () => handleHttp(request, response));
    });
  });
  function handleHttp(request: IncomingMessage, response: ServerResponse): void {
    if (metricsServer === null && metrics.serve(request, response)) return;
    if (graphiql.wants(request, GRAPHQL_PATH)) {
      graphiql.serve(request, response);
      return;
    }
    if (dashboard.wants(request)) {
      dashboard.serve(request, response);
      return;
    }
    void yoga(request, response);
  }
  // Upgrades are routed by hand (noServer) so the HTTP server's own errors (a port in use, an
  // unknown host) stay start-up errors instead of being re-emitted as WebSocket server faults.
  // One message per socket per event-loop turn (allowSynchronousEvents: false): a client sending
  // a thousand subscribes at once would otherwise have them all handled in one go, starving every
  // other socket, the backends' answers and the timers (a first read timing out at 10 s, a
  // connection_init missing its 3 s) for as long as that takes.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD, allowSynchronousEvents: false });
  const connectionsByAddress = new ConnectionCounter(limits.maxConnectionsPerAddress);
  const wsOperations = new SubscriptionCounter(limits.maxSubscriptionsPerConnection);
  httpServer.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path !== GRAPHQL_PATH) {
      socket.destroy();
      return;
    }
    // CORS does not cover WebSockets: a page from a foreign origin is refused before the 101.
    if (!origins.allows(originOf(request), request.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nThis origin may not open a WebSocket to this gateway.\n');
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (client) => {
      // At most so many connections per client address: the one over is closed with a reason.
      const address = request.socket.remoteAddress ?? 'unknown';
      if (!connectionsByAddress.acquire(address)) {
        client.close(WS_CLOSE_TOO_MANY, connectionsByAddress.reason);
        return;
      }
      releaseOnClose(client, connectionsByAddress, address);
      wsServer.emit('connection', client, request);
    });
  });
  wsServer.on('connection', (socket) => socket.on('close', metrics.webSocketOpened()));
  const operations = new WsOperations(wsServer);
  // Who opened each connection, from its `connection_init`: as long-lived as the socket, no longer.
  const connections = new WeakMap<object, RequestIdentity>();
  const ws = serveGraphqlWs(
    {
      onConnect: async (context) => {
        const { socket } = context.extra;
        const params = context.connectionParams ?? {};
        try {
          const authorization = paramNamed(params, 'authorization');
          const caller = await authenticate(typeof authorization === 'string' ? authorization : null);
          connections.set(socket, { caller, forwarded: forwardedFromConnectionParams(params, forwarding) });
          return true;
        } catch (error) {
          // graphql-ws would close a refused connection with 4403; a missing or bad token is 4401.
          if (isAuthError(error)) {
            const why = error.reason === 'missing' ? 'send {"authorization": "Bearer <token>"} in connection_init' : error.message;
            socket.close(WS_CLOSE_UNAUTHENTICATED, closeReason(`Unauthorized: ${why}`));
          } else if (error instanceof GraphQLError) {
            socket.close(WS_CLOSE_BAD_REQUEST, closeReason(error.message));
          } else {
            throw error;
          }
          return false;
        }
      },
      onComplete: (context, id, payload) => {
        wsOperations.release(context.extra.socket, id);
        operations.finished(payload);
      },
      onError: (context, id, payload, errors) => {
        wsOperations.release(context.extra.socket, id);
        operations.finished(payload);
        return forWebSocket(errors);
      },
      onNext: (_context, _id, _payload, _args, result) => (result.errors ? { ...result, errors: forWebSocket(result.errors) } : result),
      execute: (args) => (args.rootValue as EnvelopedScope).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedScope).subscribe(args),
      // Each graphql-ws operation is a request of its own, with an id of its own.
      onSubscribe: (context, id, payload) => withRequestId(requestIdFrom(null), async () => {
        // What Yoga's context is made from. Not graphql-ws's own context (connection state, the
        // socket): nothing reads it there, and every property is kept as long as the operation.
        const initial: TransportContext & { params: typeof payload } = {
          params: payload,
          signal: undefined,
          identity: connections.get(context.extra.socket),
        };
        const enveloped = yoga.getEnveloped(initial);
        let document: ReturnType<Enveloped['parse']>;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          // A bad document is this operation's error, not a reason to close the client's socket
          // (which would end every other subscription on it).
          if (error instanceof GraphQLError) return forWebSocket([error]);
          throw error;
        }
        // Known once parsed: a subscription shares its socket's signal (WsOperations).
        const subscription = getOperationAST(document, payload.operationName)?.operation === 'subscription';
        initial.signal = operations.started(context.extra.socket, id, payload, subscription);
        // Limits and validation answer errors, never throw; a GraphQLError thrown anyway (or by the
        // context factory) is this operation's error too, not the socket's end (4500).
        let contextValue: Awaited<ReturnType<Enveloped['contextFactory']>>;
        try {
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) return forWebSocket(errors);
          const tooMany = wsOperations.acquire(context.extra.socket, id);
          if (tooMany) return forWebSocket([tooMany]);
          contextValue = await enveloped.contextFactory();
        } catch (error) {
          wsOperations.release(context.extra.socket, id);
          if (error instanceof GraphQLError) return forWebSocket([error]);
          throw error;
        }
        return {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: new OperationScope(enveloped.execute, enveloped.subscribe),
        };
      }),
    },
    wsServer,
    // Pings keep idle subscriptions alive through proxies and detect dead clients.
    WS_KEEP_ALIVE_MS,
  );

  let closing: Promise<void> | null = null;
  return {
    yoga,
    httpServer,
    services,
    metrics,
    metricsServer,
    listen: async () => {
      if (metricsServer !== null) {
        await new Promise<void>((resolve, reject) => {
          metricsServer.once('error', reject);
          metricsServer.listen(config.metricsPort, config.host, () => {
            metricsServer.off('error', reject);
            resolve();
          });
        });
      }
      return new Promise<string>((resolve, reject) => {
        httpServer.once('error', (error) => {
          // The main port failed: the metrics port does not stay open on its own.
          metricsServer?.close();
          reject(error);
        });
        httpServer.listen(config.port, config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          resolve(`http://${hostForUrl(config.host)}:${port}${GRAPHQL_PATH}`);
        });
      });
    },
    close: () => {
      closing ??= (async () => {
        accepting = false;
        if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
        // Subscriptions first: each one completes properly (graphql-ws `complete`, SSE end of
        // stream) before the sockets go away.
        await services.live.close();
        const deadline = Date.now() + 2_000;
        while (operations.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
        await ws.dispose();
        await new Promise<void>((resolve) => {
          wsServer.close(() => resolve());
        });
        await drainHttp(httpServer, longestUpstreamTimeout(config) + 1_000);
        if (metricsServer?.listening) await drainHttp(metricsServer, 1_000);
        await closeBackends(services.backends);
      })();
      return closing;
    },
  };
}

/** `true`, or, with several replicas, a 200 that says how the live layer is shared. */
function readinessDetail(live: 'connected' | 'degraded' | undefined): true | Response {
  if (live === undefined) return true;
  return new Response(JSON.stringify({ ready: true, live: live === 'connected' ? 'shared' : 'degraded: Redis unreachable, watching locally' }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * Gives the address's place back when the socket closes. Out here so that the listener holds the
 * address only: made inside the upgrade handler, it would keep the upgrade request (headers and
 * all) alive as long as the socket. `on`, not `once`: 'close' comes once, and `once` costs a
 * wrapper per socket.
 */
function releaseOnClose(socket: WebSocket, counter: ConnectionCounter, address: string): void {
  socket.on('close', () => counter.release(address));
}

/** A WebSocket close reason is at most 123 bytes. */
function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = `${out.slice(0, -2)}…`;
  return out;
}

/** A request under way may wait this long for a backend: the global deadline or a backend's own. */
function longestUpstreamTimeout(config: Config): number {
  const own = [config.ucloud, config.rime, config.dataManager, config.gpu].map((settings) => settings?.http?.timeoutMs ?? 0);
  return Math.max(config.upstreamTimeoutMs, ...own);
}

/** An IPv6 address needs brackets inside a URL. */
export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Stops taking requests and lets the ones under way finish (a mutation already sent upstream should
 * reach its client), up to `limitMs`; then cuts whatever is left.
 */
async function drainHttp(server: Server, limitMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), limitMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

type Enveloped = ReturnType<Gateway['yoga']['getEnveloped']>;

/** graphql-ws calls these; they run through Yoga's envelop so plugins and masking apply to WebSockets too. */
type EnvelopedScope = OperationScope<ReturnType<Enveloped['execute']>, ReturnType<Enveloped['subscribe']>>;
