// The operations under way on graphql-ws, each with the abort signal that HTTP gets from its request.
import type { RawData, WebSocket, WebSocketServer } from 'ws';

interface Operation {
  readonly socket: WebSocket;
  readonly id: string;
  /** A query's or mutation's own; null for a subscription, which reads its socket's. */
  readonly controller: AbortController | null;
}

interface SocketOperations {
  readonly byId: Map<string, Operation>;
  /** The signal of the socket's subscriptions, made with the first of them: aborted when the socket closes. */
  shared: AbortController | null;
}

/**
 * The operations under way on graphql-ws, each with the abort signal that HTTP gets from its
 * request. A query's or mutation's is its own: aborted when the client completes the operation
 * before it has finished, or when its socket closes; graphql-ws itself would let it go on calling
 * the backends for nobody. A subscription's upstream work is shared (watchers) and stops when the
 * subscription leaves, so its signal is its socket's, one for all of them: aborted when the socket
 * closes (an AbortController costs ~0.8 KB, and a connection may carry a thousand subscriptions).
 * Also lets shutdown wait for their `complete`.
 */
export class WsOperations {
  private readonly bySocket = new Map<WebSocket, SocketOperations>();
  // graphql-ws hands onComplete/onError the same payload object as onSubscribe, which tells one
  // execution from a later one that reuses its id.
  private readonly byPayload = new WeakMap<object, Operation>();
  private readonly running = new Set<Operation>();

  constructor(wsServer: WebSocketServer) {
    // One listener of each for every socket (ws calls it with the socket as `this`): nothing per socket.
    const operations = this;
    // graphql-ws has no hook for a client's `complete` of an operation still executing, so the
    // message is read here too (it is small: `{"id":"…","type":"complete"}`).
    function onMessage(this: WebSocket, data: RawData): void {
      // Looked for in the bytes: most messages are not completes, and need not be decoded twice.
      if (Buffer.isBuffer(data) ? !data.includes('"complete"') : !String(data).includes('"complete"')) return;
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return; // graphql-ws closes the socket for it
      }
      if (isCompleteMessage(message)) operations.abort(this, message.id);
    }
    function onClose(this: WebSocket): void {
      operations.closed(this);
    }
    wsServer.on('connection', (socket) => {
      socket.on('message', onMessage);
      socket.on('close', onClose);
    });
  }

  /** Operations started and not yet finished or aborted. */
  get size(): number {
    return this.running.size;
  }

  started(socket: WebSocket, id: string, payload: object, subscription: boolean): AbortSignal {
    if (socket.readyState !== socket.OPEN) return AbortSignal.abort();
    let operations = this.bySocket.get(socket);
    if (!operations) {
      operations = { byId: new Map(), shared: null };
      this.bySocket.set(socket, operations);
    }
    let signal: AbortSignal;
    let controller: AbortController | null = null;
    if (subscription) {
      operations.shared ??= new AbortController();
      signal = operations.shared.signal;
    } else {
      controller = new AbortController();
      signal = controller.signal;
    }
    const operation: Operation = { socket, id, controller };
    operations.byId.set(id, operation);
    this.byPayload.set(payload, operation);
    this.running.add(operation);
    return signal;
  }

  /** The operation ran to its end, or failed: like an answered HTTP request, nothing to abort. */
  finished(payload: object): void {
    const operation = this.byPayload.get(payload);
    if (!operation) return;
    this.byPayload.delete(payload);
    const operations = this.bySocket.get(operation.socket);
    if (operations?.byId.get(operation.id) === operation) operations.byId.delete(operation.id);
    this.end(operation, false);
  }

  private closed(socket: WebSocket): void {
    const operations = this.bySocket.get(socket);
    this.bySocket.delete(socket);
    if (!operations) return;
    for (const operation of operations.byId.values()) this.end(operation, true);
    operations.shared?.abort();
  }

  private abort(socket: WebSocket, id: string): void {
    const operations = this.bySocket.get(socket);
    const operation = operations?.byId.get(id);
    if (!operations || !operation) return;
    operations.byId.delete(id);
    this.end(operation, true);
  }

  private end(operation: Operation, abort: boolean): void {
    if (this.running.delete(operation) && abort) operation.controller?.abort();
  }
}

function isCompleteMessage(message: unknown): message is { type: 'complete'; id: string } {
  return typeof message === 'object' && message !== null && 'type' in message && message.type === 'complete' && 'id' in message && typeof message.id === 'string';
}
