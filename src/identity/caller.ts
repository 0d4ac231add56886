// Who is calling the gateway, as far as the gateway can tell (`AUTH_MODE`).
import type { JobProvider } from '../providers/job.js';
import type { ForwardedCredentials } from './forwarded.js';

export interface Caller {
  /** The token's subject; null when callers are not authenticated (`AUTH_MODE=none`, demo mode). */
  readonly subject: string | null;
  /** What the caller's token grants; null: everything (callers are not authenticated). */
  readonly scopes: ReadonlySet<string> | null;
  /** When the caller's token stops being valid (epoch ms); null: never. */
  readonly expiresAt: number | null;
}

/** Anyone at all: the caller when the gateway does not authenticate callers. */
export const ANYONE: Caller = { subject: null, scopes: null, expiresAt: null };

/** What a request or a graphql-ws connection brought: who it is, and its own backend credentials. */
export interface RequestIdentity {
  readonly caller: Caller;
  readonly forwarded: ForwardedCredentials;
}

export const NOBODY_FORWARDS: ReadonlySet<JobProvider> = new Set();

export function may(caller: Caller, scope: string): boolean {
  return caller.scopes === null || caller.scopes.has(scope);
}
