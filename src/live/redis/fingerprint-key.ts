// The HMAC key of credential fingerprints, the same on every replica so that one credential maps
// to one watch key wherever it is used: the first replica to ask creates it (SET NX), every one
// reads it back. Not cached here: should Redis lose it (a restart without persistence), replicas
// asking later get the new one, and the caller decides how long to keep what it got.
import { randomBytes } from 'node:crypto';
import { log } from '../../log.js';
import type { RedisLink } from './link.js';
import { FINGERPRINT_KEY_NAME } from './names.js';

const KEY_BYTES = 32;
const HEX = /^[0-9a-f]{64}$/;

export async function sharedFingerprintKey(link: RedisLink, waitMs: number): Promise<Buffer | null> {
  if (!(await link.whenReady(waitMs))) return null;
  try {
    await link.command.set(FINGERPRINT_KEY_NAME, randomBytes(KEY_BYTES).toString('hex'), 'NX');
    const stored = await link.command.get(FINGERPRINT_KEY_NAME);
    link.succeeded();
    if (stored === null || !HEX.test(stored)) {
      // Never log the value: it is the key itself.
      log.error('live: the shared fingerprint key in Redis is not 32 bytes of hex; not using it');
      return null;
    }
    return Buffer.from(stored, 'hex');
  } catch (error) {
    link.failed(error);
    return null;
  }
}
