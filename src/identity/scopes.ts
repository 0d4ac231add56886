import type { JWTPayload } from 'jose';
import { AuthError } from './errors.js';

export const READ_SCOPE = 'jobs:read';
export const WRITE_SCOPE = 'jobs:write';

export interface Scoped {
  readonly scopes: ReadonlySet<string>;
}

export function hasScope(caller: Scoped, scope: string): boolean {
  return caller.scopes.has(scope);
}

/**
 * The scopes a token grants. RFC 8693's `scope` is a space-separated string; issuers differ on `scp`
 * (Okta: an array, Entra ID: a space-separated string), so both shapes are read from both claims
 * and the union taken. A claim of another type is refused rather than read as "no scopes", so a
 * misconfigured issuer shows up as such instead of as a puzzling FORBIDDEN.
 */
export function scopesOf(payload: JWTPayload): ReadonlySet<string> {
  const scopes = new Set<string>();
  for (const claim of ['scope', 'scp'] as const) {
    const value = payload[claim];
    if (value === undefined) continue;
    const words = typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value : null;
    if (words === null || !words.every((word): word is string => typeof word === 'string')) {
      throw new AuthError(`the token's ${claim} claim is not valid`, 'claims');
    }
    for (const word of words) if (word !== '') scopes.add(word);
  }
  return scopes;
}
