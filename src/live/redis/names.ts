// Where a key's shared state lives in Redis. Everything sits under one versioned prefix, so that a
// release that changes a layout can move to `v2:` and run beside this one during a rolling deploy.
// Only keyString(key) goes in a name: its credential slot is a fingerprint (or 'service'), never a
// credential.
import { keyString, type WatchKey } from '../key.js';

export const REDIS_PREFIX = 'jobgateway:v1:';

/** The lease of the one replica that watches a key (a random token, with a TTL). */
export const leaseName = (key: WatchKey): string => `${REDIS_PREFIX}lease:${keyString(key)}`;
/** The pub/sub channel a key's news travel on. */
export const newsChannel = (key: WatchKey): string => `${REDIS_PREFIX}news:${keyString(key)}`;
/** A hash: the key's last snapshot and its logsEnd, each as an envelope, with their seqs. */
export const snapName = (key: WatchKey): string => `${REDIS_PREFIX}snap:${keyString(key)}`;
/** A capped stream of the key's log entries, one stream entry per log entry. */
export const logsName = (key: WatchKey): string => `${REDIS_PREFIX}logs:${keyString(key)}`;
/** The HMAC key of credential fingerprints, shared by every replica. */
export const FINGERPRINT_KEY_NAME = `${REDIS_PREFIX}fingerprint-key`;
