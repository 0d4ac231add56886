// The operations under way on graphql-ws, each with the abort signal that HTTP gets from its request.
import type { RawData, WebSocket, WebSocketServer } from 'ws';

/**
 * The operations under way on graphql-ws, each with the abort signal that HTTP gets from its
 * request: aborted when the client completes the operation before it has finished, or when its
 * socket closes. graphql-ws itself only stops a subscription's stream then; a query or mutation
 * would go on calling the backends for nobody. Also lets shutdown wait for their `complete`.
 */
export class WsOperations {
  private readonly bySocket = new Map<WebSocket, Map<string, AbortController>>();
  // graphql-ws hands onComplete/onError the same payload object as onSubscribe, which tells one
  // execution from a later one that reuses its id.
  private readonly byPayload = new WeakMap<object, { socket: WebSocket; id: string; controller: AbortController }>();
  private readonly running = new Set<AbortController>();

  constructor(wsServer: WebSocketServer) {
    wsServer.on('connection', (socket) => {
      // graphql-ws has no hook for a client's `complete` of an operation still executing, so the
      // message is read here too (it is small: `{"id":"…","type":"complete"}`).
      socket.on('message', (data: RawData) => {
        const text = String(data);
        if (!text.includes('"complete"')) return;
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch {
          return; // graphql-ws closes the socket for it
        }
        if (isCompleteMessage(message)) this.abort(socket, message.id);
      });
      socket.once('close', () => {
        const operations = this.bySocket.get(socket);
        this.bySocket.delete(socket);
        for (const controller of operations?.values() ?? []) this.end(controller, true);
      });
    });
  }

  /** Operations started and not yet finished or aborted. */
  get size(): number {
    return this.running.size;
  }

  started(socket: WebSocket, id: string, payload: object): AbortSignal {
    const controller = new AbortController();
    if (socket.readyState !== socket.OPEN) {
      controller.abort();
      return controller.signal;
    }
    let operations = this.bySocket.get(socket);
    if (!operations) {
      operations = new Map();
      this.bySocket.set(socket, operations);
    }
    operations.set(id, controller);
    this.byPayload.set(payload, { socket, id, controller });
    this.running.add(controller);
    return controller.signal;
  }

  /** The operation ran to its end, or failed: like an answered HTTP request, nothing to abort. */
  finished(payload: object): void {
    const operation = this.byPayload.get(payload);
    if (!operation) return;
    this.byPayload.delete(payload);
    const operations = this.bySocket.get(operation.socket);
    if (operations?.get(operation.id) === operation.controller) operations.delete(operation.id);
    this.end(operation.controller, false);
  }

  private abort(socket: WebSocket, id: string): void {
    const operations = this.bySocket.get(socket);
    const controller = operations?.get(id);
    if (!operations || !controller) return;
    operations.delete(id);
    this.end(controller, true);
  }

  private end(controller: AbortController, abort: boolean): void {
    if (this.running.delete(controller) && abort) controller.abort();
  }
}

function isCompleteMessage(message: unknown): message is { type: 'complete'; id: string } {
  return typeof message === 'object' && message !== null && 'type' in message && message.type === 'complete' && 'id' in message && typeof message.id === 'string';
}
