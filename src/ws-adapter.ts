// graphql-ws on `ws` sockets: what graphql-ws's own adapter (`useServer` from graphql-ws/use/ws)
// does, with less kept per connection, since one gateway holds tens of thousands of them:
// - the upgrade request is not kept: graphql-ws's adapter holds it (headers and all) for the whole
//   connection, and nothing here reads it after the upgrade (origin and address are checked before);
// - keep-alive pings come from one timer for every socket, a slice of them per tick, instead of an
//   interval per socket and a `once('pong')` wrapper per ping; a message counts as a pong;
// - the socket events go to one listener each, shared by every socket, and a message is handed to
//   graphql-ws without an async frame of its own (a subscription's message handler runs as long
//   as the subscription).
import { CloseCode, DEPRECATED_GRAPHQL_WS_PROTOCOL, handleProtocols, makeServer, type ServerOptions, type WebSocket as GraphqlWsSocket } from 'graphql-ws';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { log } from './log.js';

/** What graphql-ws's context carries of each connection (`context.extra`). */
export interface SocketExtra {
  readonly socket: WebSocket;
}

export interface GraphqlWsServer {
  /** Closes every connection (1001), stops the keep-alive timer and the WebSocket server. */
  dispose(): Promise<void>;
}

/**
 * Keep-alive ticks per period: each tick pings one slice of the sockets, so that no tick holds up
 * deliveries for long (10,000 sockets: 84 pings, ~1.5 ms, every 100 ms).
 */
const SLICES = 120;

/**
 * A socket as graphql-ws sees it. A class, not an object of closures: one small object per
 * connection, its methods shared.
 */
class Link implements GraphqlWsSocket {
  /** graphql-ws's handler of this connection's messages, given once by `onMessage`. */
  private handle: ((data: string) => Promise<void>) | null = null;
  /** Made once per connection, not per message: a subscribe message's handling lasts as long as the subscription. */
  private readonly failed: (error: unknown) => void;

  constructor(
    private readonly socket: WebSocket,
    onFailure: (socket: WebSocket, error: unknown) => void,
  ) {
    this.failed = (error) => onFailure(socket, error);
  }

  /** Hands a message to graphql-ws; a failure to handle it closes the socket (4500). */
  receive(data: string): void {
    this.handle?.(data).catch(this.failed);
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN) {
        resolve();
        return;
      }
      this.socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.handle = handle;
  }
}

interface Connection {
  readonly slice: number;
  readonly link: Link;
  readonly closed: (code?: number, reason?: string) => Promise<void>;
}

/**
 * Serves graphql-ws on `wsServer`'s connections. Every `keepAliveMs` each socket is pinged; one that
 * has not answered the previous ping by then is terminated (0: no pings).
 */
export function serveGraphqlWs<P extends Record<PropertyKey, unknown> | undefined>(
  options: ServerOptions<P, SocketExtra>,
  wsServer: WebSocketServer,
  keepAliveMs: number,
): GraphqlWsServer {
  const server = makeServer<P, SocketExtra>(options);
  const connections = new Map<WebSocket, Connection>();
  const slices = Array.from({ length: SLICES }, () => new Set<WebSocket>());
  const awaitingPong = new Set<WebSocket>();
  let nextSlice = 0;
  let tick = 0;
  let timer: NodeJS.Timeout | null = null;
  wsServer.options.handleProtocols = handleProtocols;

  const keepAlive = (): void => {
    for (const socket of slices[tick++ % SLICES] ?? []) {
      if (socket.readyState !== socket.OPEN) continue;
      if (awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  };

  const internalError = (socket: WebSocket, what: string, error: unknown): void => {
    log.error(what, { error: error instanceof Error ? error.message : String(error) });
    // Never the error's text: it may say more about the gateway than a client should learn.
    socket.close(CloseCode.InternalServerError, 'Internal server error');
  };

  const handlingFailed = (socket: WebSocket, error: unknown): void => internalError(socket, 'graphql-ws message handling failed', error);

  // `this` is the socket: ws calls listeners on the emitter, so one function serves every socket.
  function onMessage(this: WebSocket, data: RawData): void {
    // Anything heard from the client shows it is there, as a pong would: with one message handled
    // per turn (server.ts), a pong can wait behind a long backlog of the client's own messages.
    awaitingPong.delete(this);
    connections.get(this)?.link.receive(String(data));
  }
  function onPong(this: WebSocket): void {
    awaitingPong.delete(this);
  }
  function onError(this: WebSocket, error: Error): void {
    internalError(this, 'graphql-ws socket error', error);
  }
  function onClose(this: WebSocket, code: number, reason: Buffer): void {
    const connection = connections.get(this);
    if (!connection) return;
    connections.delete(this);
    slices[connection.slice]?.delete(this);
    awaitingPong.delete(this);
    if (connections.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
    if (code === CloseCode.SubprotocolNotAcceptable && this.protocol === DEPRECATED_GRAPHQL_WS_PROTOCOL) {
      log.warn('a client spoke the deprecated subscriptions-transport-ws protocol (graphql-ws); it needs graphql-transport-ws');
    }
    connection.closed(code, String(reason)).catch((error: unknown) => log.error('graphql-ws close handling failed', { error: error instanceof Error ? error.message : String(error) }));
  }

  wsServer.once('error', (error) => {
    log.error('WebSocket server error', { error: error.message });
    for (const socket of wsServer.clients) socket.close(CloseCode.InternalServerError, 'Internal server error');
  });

  wsServer.on('connection', (socket) => {
    const link = new Link(socket, handlingFailed);
    const closed = server.opened(link, { socket });
    const slice = nextSlice++ % SLICES;
    connections.set(socket, { slice, link, closed });
    if (keepAliveMs > 0 && Number.isFinite(keepAliveMs)) {
      slices[slice]?.add(socket);
      if (!timer) {
        timer = setInterval(keepAlive, keepAliveMs / SLICES);
        timer.unref();
      }
    }
    socket.on('message', onMessage);
    socket.on('pong', onPong);
    socket.on('error', onError);
    socket.on('close', onClose);
  });

  return {
    dispose: async () => {
      for (const socket of wsServer.clients) socket.close(1001, 'Going away');
      if (timer) clearInterval(timer);
      timer = null;
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
