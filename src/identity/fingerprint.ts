// The one name a credential has wherever the gateway shares work between requests (live watchers,
// poll groups, follow streams, replayed output, coalesced reads): an HMAC under a key that only the
// gateway knows, so the name says nothing about the credential, cannot be computed from outside,
// and two credentials never share one. One process: a random key of its own. Several replicas
// (`REDIS_URL`): one random key they share through Redis, so the same credential has the same name
// on every replica and its watchers are shared across them too.
import { createHmac, randomBytes } from 'node:crypto';
import type { CredentialOf } from '../providers/credentials.js';
import type { JobProvider } from '../providers/job.js';

let key = randomBytes(32);

/** Replaces the process's own key with the replicas' shared one; before the gateway serves anyone. */
export function useFingerprintKey(shared: Buffer): void {
  if (shared.length < 32) throw new Error('the fingerprint key must be at least 32 bytes');
  key = Buffer.from(shared);
}

/** `fp:` and 128 bits of the HMAC, in base64url: short enough for map keys and lease names. */
export function credentialFingerprint<P extends JobProvider>(backend: P, credential: CredentialOf<P>): string {
  // Every field, in a fixed order, as JSON: no two credentials can encode alike.
  const fields = Object.entries(credential).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = createHmac('sha256', key).update(JSON.stringify([backend, fields])).digest();
  return `fp:${digest.subarray(0, 16).toString('base64url')}`;
}
