/**
 * Why a caller was refused. `issuer_unreachable` is the one that is not the caller's fault: the
 * gateway logs it (with `cause`), while the others are everyday refusals of a bad token.
 */
export type AuthReason =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'signature'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'issuer'
  | 'audience'
  | 'claims'
  | 'issuer_unreachable';

/**
 * A caller that could not be authenticated. The message is safe to send to the client: it states
 * a standard reason and never carries the token, a part of it or a claim's value. Only an
 * `issuer_unreachable` error carries a `cause` (the fetch or JOSE failure, for the log); token
 * errors carry none, because jose's claim errors hold the token's whole payload.
 */
export class AuthError extends Error {
  readonly code = 'UNAUTHENTICATED' as const;
  readonly reason: AuthReason;

  constructor(message: string, reason: AuthReason = 'malformed', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthError';
    this.reason = reason;
  }
}

export const ISSUER_UNREACHABLE_MESSAGE = "the token's issuer could not be reached";

export function isAuthError(error: unknown): error is AuthError {
  return error instanceof AuthError;
}
