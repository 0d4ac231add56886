// UCloud's tokens: a long-lived refresh token buys short-lived access tokens (`POST /auth/refresh`);
// a static access token can be configured too (an API token that does not expire).
import type { Clock } from '../common/clock.js';
import { Random } from '../common/random.js';

export interface TokenOptions {
  clock: Clock;
  seed: number | string;
  refreshToken: string;
  /** Accepted forever; null: none. */
  staticToken: string | null;
  /** Lifetime of an access token from `/auth/refresh`, on the simulator's clock. */
  accessTokenTtlMs: number;
  username: string;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export class TokenStore {
  /** Issued access token → expiry (clock ms). */
  private readonly issued = new Map<string, number>();
  private readonly random: Random;
  private counter = 0;

  constructor(private readonly options: TokenOptions) {
    this.random = new Random(`${options.seed}:tokens`);
  }

  /** A new access token, shaped like UCloud's JWTs (the simulator checks it by lookup, not signature). */
  issue(): string {
    const now = this.options.clock.now();
    const exp = now + this.options.accessTokenTtlMs;
    const token = [
      base64url({ alg: 'RS256', typ: 'JWT' }),
      base64url({ sub: this.options.username, role: 'USER', iat: Math.floor(now / 1000), exp: Math.floor(exp / 1000), jti: ++this.counter }),
      Buffer.from(this.random.hex(64), 'hex').toString('base64url'),
    ].join('.');
    this.issued.set(token, exp);
    return token;
  }

  isValidAccess(token: string | null | undefined): boolean {
    if (!token) return false;
    if (this.options.staticToken !== null && token === this.options.staticToken) return true;
    const exp = this.issued.get(token);
    return exp !== undefined && this.options.clock.now() < exp;
  }

  isValidRefresh(token: string | null | undefined): boolean {
    return !!token && token === this.options.refreshToken;
  }

  /** Every issued access token stops working now (the static one stays). */
  expireAll(): void {
    for (const token of this.issued.keys()) this.issued.set(token, Number.NEGATIVE_INFINITY);
  }

  get username(): string {
    return this.options.username;
  }
}

/** The bearer value of an `Authorization` header, if any. */
export function bearer(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match ? (match[1] ?? null) : null;
}
