// UCloud's token flow (../shared/upstreams/ucloud.md) as a Hive Gateway plugin: the refresh token
// buys a short-lived access token (`POST /auth/refresh`), kept and renewed before it expires, and
// `onFetch` puts it on every subgraph fetch to UCloud. A static access token, when configured, is
// used as it is. Our gateway does the same in src/providers/ucloud/client.ts (it renews on a 401
// instead; Mesh's REST transport has no hook to retry a request, so this one renews ahead).
import type { GatewayPlugin } from '@graphql-hive/gateway';

export interface UCloudAuthOptions {
  baseUrl: string;
  /** A static access token (an API token that does not expire); null: use the refresh token. */
  token: string | null;
  refreshToken: string | null;
  /** The `Project` header; null: none. */
  project: string | null;
}

/** Renew this long before the token's `exp`, so no request goes out with one about to lapse. */
const RENEW_BEFORE_MS = 60_000;
/** When the token's payload cannot be read: renew after this long (UCloud's tokens last 10 min). */
const FALLBACK_LIFETIME_MS = 5 * 60_000;

/** When to renew, from the JWT's `exp` (seconds); UCloud's access tokens are JWTs. */
function renewAt(token: string, now: number): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof payload.exp === 'number') return Math.max(now, payload.exp * 1000 - RENEW_BEFORE_MS);
  } catch {
    // Not a JWT: the fallback below.
  }
  return now + FALLBACK_LIFETIME_MS;
}

export function useUCloudAuth(options: UCloudAuthOptions): GatewayPlugin {
  const prefix = options.baseUrl.replace(/\/+$/, '');
  const refreshUrl = `${prefix}/auth/refresh`;
  let current: { token: string; renewAt: number } | null = options.token === null ? null : { token: options.token, renewAt: Number.POSITIVE_INFINITY };
  // Concurrent requests share one refresh.
  let refreshing: Promise<string> | null = null;

  async function refresh(): Promise<string> {
    if (options.refreshToken === null) throw new Error('ucloud-auth: neither UCLOUD_TOKEN nor UCLOUD_REFRESH_TOKEN is set');
    const response = await fetch(refreshUrl, { method: 'POST', headers: { authorization: `Bearer ${options.refreshToken}` } });
    const body = (await response.json()) as { accessToken?: unknown };
    if (response.status !== 200 || typeof body.accessToken !== 'string') throw new Error(`ucloud-auth: POST /auth/refresh answered ${response.status}`);
    current = { token: body.accessToken, renewAt: renewAt(body.accessToken, Date.now()) };
    return body.accessToken;
  }

  const headers = (token: string): Record<string, string> => ({
    authorization: `Bearer ${token}`,
    ...(options.project === null ? {} : { project: options.project }),
  });

  return {
    onFetch({ url, options: init, setOptions }) {
      if (!url.startsWith(`${prefix}/`) || url.startsWith(refreshUrl)) return;
      // The common case stays synchronous: a fresh token is added without awaiting anything.
      if (current !== null && Date.now() < current.renewAt) {
        setOptions({ ...init, headers: { ...init.headers, ...headers(current.token) } });
        return;
      }
      refreshing ??= refresh().finally(() => {
        refreshing = null;
      });
      return refreshing.then((token) => {
        setOptions({ ...init, headers: { ...init.headers, ...headers(token) } });
      });
    },
  };
}
