import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Config } from './config.js';
import { createContext, type GatewayContext, type GatewayServices } from './context.js';
import { maskError } from './errors.js';
import { ProviderHealth } from './health.js';
import { LiveHub, type LiveHubOptions } from './live/hub.js';
import { closeProviders, createProviders, type ProviderRegistry } from './providers/registry.js';
import { schema } from './schema/index.js';

export const GRAPHQL_PATH = '/graphql';
const WS_KEEP_ALIVE_MS = 12_000;

export interface Gateway {
  readonly yoga: YogaServerInstance<Record<string, never>, GatewayContext>;
  readonly httpServer: Server;
  readonly services: GatewayServices;
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
export function createGateway(config: Config, options: { providers?: ProviderRegistry; live?: LiveHubOptions } = {}): Gateway {
  const providers = options.providers ?? createProviders(config);
  const services: GatewayServices = {
    config,
    providers,
    live: new LiveHub(providers, config.pollIntervalMs, options.live),
    health: new ProviderHealth(providers),
  };

  const yoga = createYoga<Record<string, never>, GatewayContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: { title: 'Job Gateway', subscriptionsProtocol: 'WS' },
    // GraphiQL's assets come with the package instead of from a CDN: it works offline too.
    renderGraphiQL,
    maskedErrors: { maskError },
    // Client errors are answers, not incidents; defects and backend failures are logged by maskError.
    logging: false,
    context: ({ request }) => createContext(services, request?.signal),
  });

  const httpServer = createServer(yoga);
  // Upgrades are routed by hand (noServer) so the HTTP server's own errors (a port in use, an
  // unknown host) stay start-up errors instead of being re-emitted as WebSocket server faults.
  const wsServer = new WebSocketServer({ noServer: true });
  httpServer.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path !== GRAPHQL_PATH) {
      socket.destroy();
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (client) => wsServer.emit('connection', client, request));
  });
  // Operations under way on graphql-ws, so shutdown can let their `complete` go out first.
  const operations = new Set<string>();
  const connectionIds = new WeakMap<object, number>();
  let connections = 0;
  const operationKey = (socket: object, id: string): string => {
    if (!connectionIds.has(socket)) connectionIds.set(socket, ++connections);
    return `${connectionIds.get(socket) ?? 0}:${id}`;
  };
  const ws = useServer(
    {
      onComplete: (context, id) => {
        operations.delete(operationKey(context.extra.socket, id));
      },
      onError: (context, id) => {
        operations.delete(operationKey(context.extra.socket, id));
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (context, id, payload) => {
        const enveloped = yoga.getEnveloped({ ...context, req: context.extra.request, socket: context.extra.socket, params: payload });
        let document: ReturnType<Enveloped['parse']>;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          // A bad document is this operation's error, not a reason to close the client's socket
          // (which would end every other subscription on it).
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        const args = {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
        operations.add(operationKey(context.extra.socket, id));
        return args;
      },
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
    listen: () =>
      new Promise<string>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          resolve(`http://${hostForUrl(config.host)}:${port}${GRAPHQL_PATH}`);
        });
      }),
    close: () => {
      closing ??= (async () => {
        // Subscriptions first: each one completes properly (graphql-ws `complete`, SSE end of
        // stream) before the sockets go away.
        await services.live.close();
        const deadline = Date.now() + 2_000;
        while (operations.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
        await ws.dispose();
        await new Promise<void>((resolve) => {
          wsServer.close(() => resolve());
        });
        await drainHttp(httpServer, config.upstreamTimeoutMs + 1_000);
        await closeProviders(services.providers);
      })();
      return closing;
    },
  };
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
interface EnvelopedRoot {
  execute: Enveloped['execute'];
  subscribe: Enveloped['subscribe'];
}
