// The graphql-ws adapter (src/ws-adapter.ts) and the operations' signals (src/ws-operations.ts) over
// real sockets: keep-alive pings that end a client which stopped answering, a client whose
// messages keep it alive, graphql-ws served as usual; a subscription's signal is its socket's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { serveGraphqlWs, type GraphqlWsServer } from '../../src/ws-adapter.js';
import { WsOperations } from '../../src/ws-operations.js';

const schema = buildSchema('type Query { hello: String }');
const rootValue = { hello: () => 'world' };

interface Served {
  url: string;
  wsServer: WebSocketServer;
  sockets: WebSocket[];
  close(): Promise<void>;
}

const opened: Served[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((served) => served.close()));
});

async function serve(keepAliveMs: number, withGraphqlWs = true): Promise<Served> {
  const http: Server = createServer();
  const wsServer = new WebSocketServer({ server: http, allowSynchronousEvents: false });
  const sockets: WebSocket[] = [];
  wsServer.on('connection', (socket) => sockets.push(socket));
  const graphqlWs: GraphqlWsServer | null = withGraphqlWs ? serveGraphqlWs({ schema, roots: { query: rootValue } }, wsServer, keepAliveMs) : null;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const served: Served = {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    wsServer,
    sockets,
    close: async () => {
      if (graphqlWs) await graphqlWs.dispose();
      else await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  opened.push(served);
  return served;
}

/** A raw client speaking graphql-transport-ws; `autoPong: false` makes it one that never answers pings. */
async function rawClient(url: string, autoPong: boolean): Promise<{ socket: WebSocket; closed: Promise<number>; pings: () => number }> {
  const socket = new WebSocket(url, 'graphql-transport-ws', { autoPong });
  let pings = 0;
  socket.on('ping', () => pings++);
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await new Promise<void>((resolve) => socket.once('message', () => resolve()));
  return { socket, closed, pings: () => pings };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graphql-ws over the adapter', () => {
  it('serves operations as graphql-ws does', async () => {
    const served = await serve(60_000);
    const client = createClient({ url: served.url, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const result = await new Promise((resolve, reject) => {
        client.subscribe({ query: '{ hello }' }, { next: resolve, error: reject, complete: () => undefined });
      });
      expect(result).toEqual({ data: { hello: 'world' } });
    } finally {
      await client.dispose();
    }
  });

  it('pings every client, keeps those that answer, and ends one that stopped answering', async () => {
    const served = await serve(200);
    const answering = await rawClient(served.url, true);
    const silent = await rawClient(served.url, false);
    // One ping within a period; no answer by the next: the silent one is cut off (1006: no close frame).
    expect(await Promise.race([silent.closed, sleep(2_000).then(() => 'still open')])).toBe(1006);
    expect(silent.pings()).toBeGreaterThanOrEqual(1);
    await sleep(500);
    expect(answering.pings()).toBeGreaterThanOrEqual(2);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    answering.socket.close();
  });

  it('counts a message from the client as an answer: a client busy talking is not cut off', async () => {
    const served = await serve(200);
    const talking = await rawClient(served.url, false);
    const timer = setInterval(() => talking.socket.send(JSON.stringify({ type: 'ping' })), 50);
    try {
      await sleep(1_000);
      expect(talking.pings()).toBeGreaterThanOrEqual(2);
      expect(talking.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      clearInterval(timer);
      talking.socket.close();
    }
  });

  it('closes every connection with 1001 on dispose', async () => {
    const served = await serve(60_000);
    const client = await rawClient(served.url, true);
    await served.close();
    opened.splice(opened.indexOf(served), 1);
    expect(await client.closed).toBe(1001);
  });
});

describe('operation signals', () => {
  it("a query's is its own, aborted by its complete; subscriptions share their socket's, aborted when it closes", async () => {
    const served = await serve(60_000, false);
    const operations = new WsOperations(served.wsServer);
    const client = new WebSocket(served.url);
    await new Promise<void>((resolve) => client.once('open', () => resolve()));
    await until(() => served.sockets.length === 1);
    const socket = served.sockets[0]!;
    const [one, two, query] = [{}, {}, {}];
    const first = operations.started(socket, 'a', one, true);
    const second = operations.started(socket, 'b', two, true);
    const own = operations.started(socket, 'q', query, false);
    expect(second).toBe(first);
    expect(own).not.toBe(first);
    expect(operations.size).toBe(3);

    client.send(JSON.stringify({ id: 'q', type: 'complete' }));
    client.send(JSON.stringify({ id: 'a', type: 'complete' }));
    await until(() => own.aborted);
    // Completing one subscription leaves the others' signal alone.
    expect(first.aborted).toBe(false);
    expect(operations.size).toBe(1);
    operations.finished(one);
    operations.finished(query);
    expect(operations.size).toBe(1);

    client.close();
    await until(() => first.aborted);
    expect(operations.size).toBe(0);
    // A finish after the socket went is nothing more.
    operations.finished(two);
    expect(operations.size).toBe(0);
  });
});

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
