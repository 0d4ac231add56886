import {
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  type CryptoKey,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  type RemoteJWKSet,
} from 'jose';
import { AuthError, ISSUER_UNREACHABLE_MESSAGE } from './errors.js';
import { createJwksUriDiscovery } from './discovery.js';
import { IssuerBackoff, IssuerGate } from './issuer-gate.js';
import { scopesOf } from './scopes.js';

export { AuthError, isAuthError, type AuthReason } from './errors.js';
export { bearerToken } from './bearer.js';
export { hasScope, READ_SCOPE, WRITE_SCOPE } from './scopes.js';

export interface JwtSettings {
  issuer: string;
  audience: string;
  /** null: found by OIDC discovery from `issuer`. */
  jwksUrl: string | null;
}

export interface VerifiedCaller {
  subject: string;
  scopes: ReadonlySet<string>;
  /** epoch ms */
  expiresAt: number | null;
}

export interface JwtVerifier {
  /** Resolves to the caller, or rejects with an AuthError (never anything else). */
  verify(token: string): Promise<VerifiedCaller>;
}

export interface JwtVerifierOptions {
  /** The longest one verify may take, fetching the issuer's documents included. Default 5000. */
  timeoutMs?: number;
  /**
   * The least time between two JWKS fetches prompted by a token with an unknown kid (jose's
   * cooldown), so random kids cannot make the gateway hammer its issuer. After a *failed* fetch,
   * the issuer is asked again no sooner than min(cooldownMs, 5000) later. Default 30000.
   */
  cooldownMs?: number;
  /** Leeway for exp and nbf, for clocks that disagree a little. Default 30. */
  clockToleranceSec?: number;
}

export const DEFAULT_CLOCK_TOLERANCE_SEC = 30;

/**
 * Asymmetric algorithms only. Allowing an HMAC one would let anyone holding the issuer's *public*
 * key (everyone) sign tokens with it; `none` would need no key at all. Ed25519 is the RFC 9864
 * fully-specified name of what EdDSA means in practice, which jose 6 also accepts.
 */
const ALGORITHMS: JWTVerifyOptions['algorithms'] = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
];

const FAILURE_RETRY_CAP_MS = 5_000;

/** A failure to obtain or use the issuer's keys, as opposed to a fault of the token. */
class IssuerUnreachable extends Error {
  constructor(cause: unknown) {
    super(ISSUER_UNREACHABLE_MESSAGE, { cause });
    this.name = 'IssuerUnreachable';
  }
}

export function createJwtVerifier(settings: JwtSettings, options: JwtVerifierOptions = {}): JwtVerifier {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const gate = new IssuerGate(Math.min(cooldownMs, FAILURE_RETRY_CAP_MS));
  const remoteSet = (url: URL): RemoteJWKSet =>
    createRemoteJWKSet(url, { timeoutDuration: timeoutMs, cooldownDuration: cooldownMs, [customFetch]: gate.fetch });

  // With a configured URL the key set exists from the start; with discovery it is made once the
  // jwks_uri is known and then kept, so jose's key cache and cooldown live as long as the verifier.
  let keySet: () => Promise<RemoteJWKSet>;
  if (settings.jwksUrl !== null) {
    const fixed = remoteSet(new URL(settings.jwksUrl));
    keySet = () => Promise.resolve(fixed);
  } else {
    const jwksUri = createJwksUriDiscovery(settings.issuer, gate, timeoutMs);
    // The promise is what is kept, not the set: concurrent first verifies must share one set (and
    // so one JWKS fetch), and `x ??= f(await y)` would let each of them make its own.
    let discovered: Promise<RemoteJWKSet> | null = null;
    keySet = () => {
      discovered ??= jwksUri().then(remoteSet, (error: unknown) => {
        discovered = null;
        throw error;
      });
      return discovered;
    };
  }

  const getKey = async (header: JWSHeaderParameters, jws: FlattenedJWSInput): Promise<CryptoKey> => {
    let set: RemoteJWKSet;
    try {
      set = await keySet();
    } catch (error) {
      throw new IssuerUnreachable(error);
    }
    try {
      return await set(header, jws);
    } catch (error) {
      // These say something about the token (its kid or alg), not about the issuer.
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported
      ) {
        throw error;
      }
      throw new IssuerUnreachable(error);
    }
  };

  const verifyOptions: JWTVerifyOptions = {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: ALGORITHMS,
    requiredClaims: ['exp', 'sub'],
    clockTolerance: options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
  };

  const verifyOnce = async (token: string): Promise<VerifiedCaller> => {
    let payload: JWTPayload;
    try {
      payload = (await verifyWithCandidates(token, getKey, verifyOptions)).payload;
    } catch (error) {
      if (error instanceof IssuerUnreachable && !(error.cause instanceof IssuerBackoff)) gate.failed();
      throw authErrorFor(error);
    }
    return callerOf(payload);
  };

  return {
    async verify(token) {
      // jose bounds each fetch by timeoutMs, but discovery then JWKS would be two of them in a row:
      // one deadline over the whole verify keeps the promise to the caller. The fetches still
      // in flight end by their own timeouts.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new AuthError(ISSUER_UNREACHABLE_MESSAGE, 'issuer_unreachable', { cause: new Error(`no answer from the issuer within ${timeoutMs} ms`) })),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([verifyOnce(token), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * jwtVerify, plus the case jose leaves to its caller: a token without a kid while the JWKS holds
 * several keys that fit (during a rotation, say). Each candidate is tried, as jose's docs advise.
 */
async function verifyWithCandidates(
  token: string,
  getKey: (header: JWSHeaderParameters, jws: FlattenedJWSInput) => Promise<CryptoKey>,
  verifyOptions: JWTVerifyOptions,
): Promise<{ payload: JWTPayload }> {
  try {
    return await jwtVerify(token, getKey, verifyOptions);
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error) {
      try {
        return await jwtVerify(token, key, verifyOptions);
      } catch (inner) {
        if (inner instanceof errors.JWSSignatureVerificationFailed) continue;
        throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

function callerOf(payload: JWTPayload): VerifiedCaller {
  const { sub, exp } = payload;
  if (typeof sub !== 'string' || sub === '') throw new AuthError('the token names no subject', 'claims');
  return { subject: sub, scopes: scopesOf(payload), expiresAt: typeof exp === 'number' ? exp * 1000 : null };
}

/** The client-safe AuthError for whatever verifying threw. */
function authErrorFor(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof IssuerUnreachable) {
    return new AuthError(ISSUER_UNREACHABLE_MESSAGE, 'issuer_unreachable', { cause: error.cause });
  }
  if (error instanceof errors.JWTExpired) return new AuthError('the token has expired', 'expired');
  if (error instanceof errors.JWTClaimValidationFailed) return claimError(error.claim, error.reason);
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError("the token's signature does not verify", 'signature');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AuthError("no key of the issuer matches the token's kid", 'unknown_key');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthError("the token's signing algorithm is not allowed", 'algorithm');
  }
  if (error instanceof errors.JOSENotSupported) {
    return new AuthError("the token's signing algorithm is not supported", 'algorithm');
  }
  // JWSInvalid, JWTInvalid, and anything else jose or a malformed input threw (a TypeError from a
  // non-string, say): all say the input is not a usable JWT.
  return new AuthError('the token is not a JWT', 'malformed');
}

function claimError(claim: string, reason: string): AuthError {
  switch (claim) {
    case 'nbf':
      return reason === 'check_failed'
        ? new AuthError('the token is not yet valid', 'not_yet_valid')
        : new AuthError("the token's not-before time is not valid", 'claims');
    case 'iss':
      return new AuthError('the token was issued by another issuer', 'issuer');
    case 'aud':
      return new AuthError('the token is meant for another audience', 'audience');
    case 'exp':
      return reason === 'missing'
        ? new AuthError('the token has no expiry time', 'claims')
        : new AuthError("the token's expiry time is not valid", 'claims');
    case 'sub':
      return new AuthError('the token names no subject', 'claims');
    case 'iat':
      return new AuthError("the token's issue time is not valid", 'claims');
    default:
      return new AuthError("the token's claims are not valid", 'claims');
  }
}
