import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Config } from './config.js';
import { createContext, type GatewayContext, type GatewayServices } from './context.js';
import { maskError } from './errors.js';
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
  const services: GatewayServices = { config, providers, live: new LiveHub(providers, config.pollIntervalMs, options.live) };

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
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });
  // Operations under way on graphql-ws, so shutdown can let their `complete` go out first.
  const operations = new Set<string>();
  const ws = useServer(
    {
      onComplete: (context, id) => {
        operations.delete(`${String(context.extra.request.socket.remotePort)}:${id}`);
      },
      onError: (context, id) => {
        operations.delete(`${String(context.extra.request.socket.remotePort)}:${id}`);
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (context, id, payload) => {
        const enveloped = yoga.getEnveloped({ ...context, req: context.extra.request, socket: context.extra.socket, params: payload });
        const args = {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document: enveloped.parse(payload.query),
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
        const errors = enveloped.validate(args.schema, args.document);
        if (errors.length > 0) return errors;
        operations.add(`${String(context.extra.request.socket.remotePort)}:${id}`);
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
          resolve(`http://${config.host}:${port}${GRAPHQL_PATH}`);
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
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        });
        await closeProviders(services.providers);
      })();
      return closing;
    },
  };
}

type Enveloped = ReturnType<Gateway['yoga']['getEnveloped']>;

/** graphql-ws calls these; they run through Yoga's envelop so plugins and masking apply to WebSockets too. */
interface EnvelopedRoot {
  execute: Enveloped['execute'];
  subscribe: Enveloped['subscribe'];
}
