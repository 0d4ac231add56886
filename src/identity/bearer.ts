import { AuthError } from './errors.js';

// RFC 6750's b64token: base64url, base64 and a few more, optionally '='-padded. Anything else after
// "Bearer " (a space inside, a second token, a quoted string) is a client bug worth naming.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The token of an `Authorization: Bearer <token>` header, or null when the header is absent or
 * empty. A header that is present but is not a Bearer credential is an error rather than "absent":
 * a client sending `Basic ...` or a bare token should learn why it was refused.
 */
export function bearerToken(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const match = BEARER.exec(value.trim());
  if (!match?.[1]) throw new AuthError('the Authorization header is not a Bearer token', 'malformed');
  return match[1];
}
