import { z } from 'zod';
import type { IssuerGate } from './issuer-gate.js';

/** The part of an OpenID Provider Configuration document that verifying tokens needs. */
const Configuration = z.object({
  issuer: z.string(),
  jwks_uri: z.url({ protocol: /^https?$/ }),
});

/** Where an issuer publishes its discovery document (OpenID Connect Discovery 1.0, section 4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** The discovery document could not be fetched or used; the message is for the log only. */
export class DiscoveryFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DiscoveryFailed';
  }
}

/**
 * The issuer's `jwks_uri`, found once by OIDC discovery and kept. Concurrent callers share one
 * request; a failure is forgotten so that a later call tries again (spaced by the gate), since an
 * issuer that was down at start-up must not lock the gateway out until a restart.
 */
export function createJwksUriDiscovery(issuer: string, gate: IssuerGate, timeoutMs: number): () => Promise<URL> {
  let found: Promise<URL> | null = null;
  return () => {
    found ??= discover(issuer, gate, timeoutMs).catch((error: unknown) => {
      found = null;
      throw error;
    });
    return found;
  };
}

async function discover(issuer: string, gate: IssuerGate, timeoutMs: number): Promise<URL> {
  const url = discoveryUrl(issuer);
  const signal = AbortSignal.timeout(timeoutMs);
  // No redirects, as jose does for the JWKS: the document must come from the issuer itself.
  const response = await gate.fetch(url, {
    method: 'GET',
    redirect: 'manual',
    signal,
    headers: new Headers({ accept: 'application/json' }),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new DiscoveryFailed(`GET ${url} answered ${response.status}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new DiscoveryFailed(`GET ${url} did not answer JSON`, { cause });
  }
  const parsed = Configuration.safeParse(body);
  if (!parsed.success) throw new DiscoveryFailed(`GET ${url} is not an OpenID configuration: ${z.prettifyError(parsed.error)}`);
  // OIDC Discovery 4.3: a document naming another issuer must not be used, or anyone able to serve
  // that URL could pick the keys the gateway trusts.
  if (parsed.data.issuer !== issuer) {
    throw new DiscoveryFailed(`GET ${url} names the issuer ${JSON.stringify(parsed.data.issuer)}, not ${JSON.stringify(issuer)}`);
  }
  return new URL(parsed.data.jwks_uri);
}
