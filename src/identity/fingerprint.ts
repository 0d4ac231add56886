// The one name a credential has wherever the gateway shares work between requests (live watchers,
// poll groups, follow streams, replayed output, coalesced reads): an HMAC under a key that exists
// only in this process, so the name says nothing about the credential, cannot be computed from
// outside, and two credentials never share one.
import { createHmac, randomBytes } from 'node:crypto';
import type { CredentialOf } from '../providers/credentials.js';
import type { JobProvider } from '../providers/job.js';

const PROCESS_KEY = randomBytes(32);

/** `fp:` and 128 bits of the HMAC, in base64url: short enough for map keys and lease names. */
export function credentialFingerprint<P extends JobProvider>(backend: P, credential: CredentialOf<P>): string {
  // Every field, in a fixed order, as JSON: no two credentials can encode alike.
  const fields = Object.entries(credential).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = createHmac('sha256', PROCESS_KEY).update(JSON.stringify([backend, fields])).digest();
  return `fp:${digest.subarray(0, 16).toString('base64url')}`;
}
