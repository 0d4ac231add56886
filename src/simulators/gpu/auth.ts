// The service's request authentication: HMAC-SHA256 over a canonical string rebuilt from what arrived.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SimRequest } from '../common/server.js';
import { canonicalQuery, pythonJsonDumps } from './python.js';

export interface VerifierOptions {
  keys: ReadonlyMap<string, string>;
  /** Largest accepted distance between `X-Time` and the server's wall clock. */
  maxSkewMs: number;
  /** Prefix the routes are mounted under; the signed path includes it. */
  basePath: string;
  /** The wall clock: clients sign with theirs, not with a simulated one. */
  wallClock?: () => number;
}

/** A rejection with the reason the service gives (never the expected signature). */
export class AuthFailure extends Error {}

function header(request: SimRequest, name: 'X-API-Key' | 'X-Time' | 'X-Nonce' | 'X-Signature'): string {
  const value = request.headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(', ') : value;
  if (text === undefined || text === '') throw new AuthFailure(`Missing ${name} header`);
  return text;
}

export class SignatureVerifier {
  /** Nonce → wall time after which it could not be replayed anyway (its X-Time is out of the window). */
  private readonly nonces = new Map<string, number>();
  private readonly wallClock: () => number;

  constructor(private readonly options: VerifierOptions) {
    this.wallClock = options.wallClock ?? Date.now;
  }

  /** Throws `AuthFailure` naming the first check the request fails. */
  verify(request: SimRequest): void {
    const apiKey = header(request, 'X-API-Key');
    const time = header(request, 'X-Time');
    const nonce = header(request, 'X-Nonce');
    const given = header(request, 'X-Signature');

    const secret = this.options.keys.get(apiKey);
    if (secret === undefined) throw new AuthFailure('Unknown API key');
    if (!/^\d{1,16}$/.test(time)) throw new AuthFailure('X-Time must be a Unix timestamp in milliseconds');
    const now = this.wallClock();
    if (Math.abs(now - Number(time)) > this.options.maxSkewMs) {
      throw new AuthFailure(`X-Time is more than ${Math.round(this.options.maxSkewMs / 1000)} s away from server time`);
    }
    if (!/^[0-9a-f]{32}$/i.test(nonce)) throw new AuthFailure('X-Nonce must be 32 hexadecimal characters');
    if (request.rawBody !== '' && !isCanonicalJson(request.rawBody)) {
      throw new AuthFailure('Request body must be canonical JSON (sorted keys, no whitespace, non-ASCII escaped)');
    }
    const query = canonicalQuery(request.rawQuery);
    if (query === null) throw new AuthFailure('Malformed query string');

    const canonical = [
      apiKey,
      time,
      nonce,
      request.method,
      `${this.options.basePath}${request.path}`,
      query,
      createHash('sha256').update(Buffer.from(request.rawBody, 'utf8')).digest('hex'),
    ].join('|');
    const expected = Buffer.from(createHmac('sha256', secret).update(canonical).digest('hex'), 'utf8');
    const actual = Buffer.from(given, 'utf8');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new AuthFailure('Invalid signature');

    this.forgetExpired(now);
    if (this.nonces.has(nonce)) throw new AuthFailure('Nonce has already been used');
    // Once its X-Time is out of the window the request fails the skew check, so that is how long to keep it.
    this.nonces.set(nonce, Number(time) + this.options.maxSkewMs);
  }

  /** Oldest first, stopping at the first live one: insertion order is close enough to expiry order. */
  private forgetExpired(now: number): void {
    for (const [nonce, until] of this.nonces) {
      if (until >= now) break;
      this.nonces.delete(nonce);
    }
  }
}

function isCanonicalJson(raw: string): boolean {
  try {
    return pythonJsonDumps(JSON.parse(raw)) === raw;
  } catch {
    return false;
  }
}
