// The one key of everything the live layer shares: watchers, leases and transport topics.
import type { JobProvider } from '../providers/job.js';

/**
 * Whose credential the backend is read with: a fingerprint of it, never the credential itself.
 * Every live read uses the gateway's own credentials for now, hence one value.
 */
export type CredentialSlot = string;
export const SERVICE_CREDENTIAL: CredentialSlot = 'service';

/**
 * What is watched: one job, or a backend's live jobs for `jobsUpdated`. A list carries no filter:
 * subscribers' filters are applied in memory, so that however they filter they share one poll.
 */
export type WatchTarget = { readonly kind: 'job'; readonly id: string } | { readonly kind: 'list' } | { readonly kind: 'scope' };

/** One backend read with one credential: what batched reads can share (a poll group). */
export interface WatchScope {
  readonly backend: JobProvider;
  readonly credential: CredentialSlot;
}

export interface WatchKey<T extends WatchTarget = WatchTarget> extends WatchScope {
  readonly target: T;
}
export type JobKey = WatchKey<Extract<WatchTarget, { kind: 'job' }>>;
export type ListKey = WatchKey<Extract<WatchTarget, { kind: 'list' }>>;
/** Every followed job of a backend read with one credential: what one replica polls together. */
export type ScopeKey = WatchKey<Extract<WatchTarget, { kind: 'scope' }>>;

export function jobKey(backend: JobProvider, id: string, credential: CredentialSlot = SERVICE_CREDENTIAL): JobKey {
  return { backend, credential, target: { kind: 'job', id } };
}

export function listKey(backend: JobProvider, credential: CredentialSlot = SERVICE_CREDENTIAL): ListKey {
  return { backend, credential, target: { kind: 'list' } };
}

export function scopeKey(scope: WatchScope): ScopeKey {
  return { backend: scope.backend, credential: scope.credential, target: { kind: 'scope' } };
}

/**
 * The string form of a key (map keys here; topic and lease names across replicas), built here
 * only, as JSON, so that no id can make two keys read alike whatever characters it holds.
 */
export function keyString(key: WatchKey): string {
  // Once per key object: a watcher's key is asked for by every one of its subscribers, and each
  // would otherwise keep a string of its own (a transport topic) for as long as it subscribes.
  let found = strings.get(key);
  if (found === undefined) {
    const { target } = key;
    found = encode(key, target.kind === 'job' ? [target.kind, target.id] : [target.kind]);
    strings.set(key, found);
  }
  return found;
}
const strings = new WeakMap<WatchKey, string>();

/** The string form of a key's scope alone (any key of it gives the same). */
export function scopeString(scope: WatchScope): string {
  return encode(scope, []);
}

function encode(scope: WatchScope, target: readonly string[]): string {
  return JSON.stringify([scope.credential, scope.backend, ...target]);
}
