import type { FetchImplementation } from 'jose';

/** Thrown instead of fetching while the issuer is in its back-off after a failure. */
export class IssuerBackoff extends Error {
  constructor() {
    super('the issuer failed moments ago; not asking it again yet');
    this.name = 'IssuerBackoff';
  }
}

/**
 * Every fetch of the issuer's documents (discovery and JWKS) goes through here, so that after a
 * failure no request at all reaches the issuer for `retryAfterMs`. jose's own cooldown only spaces
 * refetches after a *successful* load; with no keys loaded yet it fetches on every verify, and a
 * flood of requests while the issuer is down would become a flood on the issuer.
 *
 * Failures are reported by the caller (`failed()`), not detected here, because some of them (a
 * JWKS that is not JSON, a discovery document naming another issuer) are only seen after the body
 * is read. A refusal by the back-off itself is not a failure: counting it would keep the gate shut
 * for as long as requests keep coming.
 */
export class IssuerGate {
  private failedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly retryAfterMs: number) {}

  failed(): void {
    this.failedAt = Date.now();
  }

  readonly fetch: FetchImplementation = async (url, init) => {
    if (Date.now() - this.failedAt < this.retryAfterMs) throw new IssuerBackoff();
    return fetch(url, init);
  };
}
