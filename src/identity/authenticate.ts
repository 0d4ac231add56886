// Who is calling, from what the transport carries (`Authorization` over HTTP and SSE, the
// `connection_init` payload's `authorization` over graphql-ws): the same rule for every transport.
import type { AuthSettings } from '../config.js';
import { log } from '../log.js';
import { ANYONE, type Caller } from './caller.js';
import { AuthError, bearerToken, createJwtVerifier, DEFAULT_CLOCK_TOLERANCE_SEC, isAuthError, type JwtVerifierOptions } from './jwt.js';

/** Resolves to the caller, or rejects with an `AuthError` whose message is safe to show them. */
export type Authenticate = (authorization: string | null | undefined) => Promise<Caller>;

export function authenticatorFor(auth: AuthSettings | undefined, options: JwtVerifierOptions = {}): Authenticate {
  if (auth === undefined || auth.mode === 'none') return () => Promise.resolve(ANYONE);
  const verifier = createJwtVerifier({ issuer: auth.issuer, audience: auth.audience, jwksUrl: auth.jwksUrl }, options);
  // The token lasts, for the gateway, as long as the verifier accepts it: the same leeway, or a
  // token just past its exp would be let in and then refused by every operation (as a 200).
  const leewayMs = (options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC) * 1000;
  return async (authorization) => {
    try {
      const token = bearerToken(authorization);
      if (token === null) throw new AuthError('no access token was sent', 'missing');
      const verified = await verifier.verify(token);
      return { subject: verified.subject, scopes: verified.scopes, expiresAt: verified.expiresAt === null ? null : verified.expiresAt + leewayMs };
    } catch (error) {
      if (!isAuthError(error)) throw error;
      // The issuer being unreachable is the operator's problem; a bad token is the caller's.
      if (error.reason === 'issuer_unreachable') {
        log.warn('the token issuer could not be reached', { cause: error.cause instanceof Error ? error.cause.message : String(error.cause) });
      } else {
        log.debug('a caller was refused', { reason: error.reason });
      }
      throw error;
    }
  };
}
