// Which browser pages may use the gateway: CORS grants and WebSocket upgrades answer to one list,
// `ALLOWED_ORIGINS`. Clients that send no Origin are not browsers (curl, servers, graphql-ws in
// Node) and are not affected; a page served by the gateway itself (GraphiQL) is same-origin.
import type { IncomingMessage } from 'node:http';

export interface OriginPolicy {
  /** May a page of `origin` use the gateway at all (a WebSocket, a CORS grant)? */
  allows(origin: string | undefined, host: string | undefined): boolean;
  /** The CORS answer for a request: a grant for its origin only, or none. */
  cors(request: Request): { origin: string; credentials: true } | false;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * `origins`: exact origins (`https://app.example.org`). `loopback`: any origin on this machine too
 * (demo mode, where the gateway only listens on loopback and serves fixed demo credentials).
 */
export function originPolicy(origins: readonly string[], options: { loopback?: boolean } = {}): OriginPolicy {
  const listed = new Set(origins.map((origin) => origin.toLowerCase()));
  const granted = (origin: string): boolean => {
    if (listed.has(origin.toLowerCase())) return true;
    if (!options.loopback) return false;
    try {
      const url = new URL(origin);
      return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK.has(url.hostname);
    } catch {
      return false;
    }
  };
  return {
    allows: (origin, host) => {
      if (origin === undefined) return true;
      if (granted(origin)) return true;
      // Same-origin: the page came from this gateway (GraphiQL), whatever name it was reached by.
      try {
        return host !== undefined && new URL(origin).host.toLowerCase() === host.toLowerCase();
      } catch {
        return false;
      }
    },
    cors: (request) => {
      const origin = request.headers.get('origin');
      return origin !== null && granted(origin) ? { origin, credentials: true } : false;
    },
  };
}

/** The Origin header of an upgrade request (absent for non-browser clients). */
export function originOf(request: IncomingMessage): string | undefined {
  const origin = request.headers.origin;
  return typeof origin === 'string' ? origin : undefined;
}
