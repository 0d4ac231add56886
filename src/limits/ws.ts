// graphql-ws caps: connections per client address, operations at once per connection.
import { GraphQLError } from 'graphql';

/** WebSocket close code for a connection refused by a cap (1013: try again later). */
export const WS_CLOSE_TOO_MANY = 1013;

/** Open graphql-ws connections per client address. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Takes a place for `address`; false when it has none left. Call `release` once when it closes. */
  acquire(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.max) return false;
    this.open.set(address, count + 1);
    return true;
  }

  release(address: string): void {
    const count = (this.open.get(address) ?? 1) - 1;
    if (count <= 0) this.open.delete(address);
    else this.open.set(address, count);
  }

  get reason(): string {
    return `Too many connections from this address (at most ${this.max}, WS_MAX_CONNECTIONS_PER_ADDRESS)`;
  }
}

/** Operations under way per graphql-ws connection. */
export class SubscriptionCounter {
  private readonly bySocket = new WeakMap<object, Set<string>>();
  constructor(private readonly max: number) {}

  /** Takes a place for operation `id` on `socket`; an error when the connection has none left. */
  acquire(socket: object, id: string): GraphQLError | null {
    let ids = this.bySocket.get(socket);
    if (!ids) {
      ids = new Set();
      this.bySocket.set(socket, ids);
    }
    if (!ids.has(id) && ids.size >= this.max) {
      return new GraphQLError(
        `Too many operations on this connection: at most ${this.max} may run at once (WS_MAX_SUBSCRIPTIONS). Complete one, or open another connection.`,
        { extensions: { code: 'OPERATION_LIMIT', limit: 'WS_MAX_SUBSCRIPTIONS', max: this.max } },
      );
    }
    ids.add(id);
    return null;
  }

  release(socket: object, id: string): void {
    this.bySocket.get(socket)?.delete(id);
  }
}
