import type { Config } from './config.js';
import type { ProviderHealth } from './health.js';
import { CallerBackends } from './identity/caller-backends.js';
import type { Caller, RequestIdentity } from './identity/caller.js';
import type { ForwardedCredentials } from './identity/forwarded.js';
import { JobLoaders } from './loaders.js';
import type { LiveHub } from './live/hub.js';
import type { JobProvider } from './providers/job.js';
import type { BackendRegistry, ProviderRegistry } from './providers/registry.js';

/** What lives as long as the gateway: configuration and the enabled backends. */
export interface GatewayServices {
  config: Config;
  /** Every enabled backend, whichever credential it is read with. */
  backends: BackendRegistry;
  /** The providers that read with the gateway's own credentials (backends on `service`). */
  providers: ProviderRegistry;
  /** The backends that read with each caller's own credential (`<BACKEND>_CREDENTIALS=forward`). */
  forwarding: ReadonlySet<JobProvider>;
  /** Watchers and subscriptions (`jobUpdated`, `jobsUpdated`, `jobLogs`). */
  live: LiveHub;
  /** Whether each backend answers (`providers`). */
  health: ProviderHealth;
}

/** What lives as long as one GraphQL operation. */
export interface GatewayContext {
  services: GatewayServices;
  caller: Caller;
  /** The backends this caller can reach, each with the credential it is read with. */
  backends: CallerBackends;
  loaders: JobLoaders;
  /**
   * Aborts upstream calls when the client goes away: the HTTP request's, or on graphql-ws the
   * operation's own (completed by the client, or its socket closed), a subscription's socket's
   * (closed; see ws-operations.ts).
   */
  signal: AbortSignal | undefined;
}

export function createContext(services: GatewayServices, identity: RequestIdentity, signal?: AbortSignal): GatewayContext {
  const backends = callerBackends(services, identity.forwarded);
  return { services, caller: identity.caller, backends, loaders: new JobLoaders(backends, signal), signal };
}

interface BackendViews {
  /** For every caller who forwards no credential: they all read the same backends the same way. */
  readonly anyone: CallerBackends;
  readonly byCredentials: WeakMap<ForwardedCredentials, CallerBackends>;
}
const views = new WeakMap<GatewayServices, BackendViews>();

/**
 * CallerBackends never change once made, so they are made once per set of forwarded credentials
 * instead of once per operation: a graphql-ws connection brings its credentials once, for all of
 * its subscriptions. Keyed by the credentials object itself (weakly), so a forwarded credential
 * still lives no longer than the request or connection that brought it.
 */
function callerBackends(services: GatewayServices, forwarded: ForwardedCredentials): CallerBackends {
  let known = views.get(services);
  if (!known) {
    known = { anyone: new CallerBackends(services.backends, {}), byCredentials: new WeakMap() };
    views.set(services, known);
  }
  if (!hasAny(forwarded)) return known.anyone;
  let backends = known.byCredentials.get(forwarded);
  if (!backends) {
    backends = new CallerBackends(services.backends, forwarded);
    known.byCredentials.set(forwarded, backends);
  }
  return backends;
}

function hasAny(forwarded: ForwardedCredentials): boolean {
  for (const key in forwarded) if (forwarded[key as keyof ForwardedCredentials] !== undefined) return true;
  return false;
}

/**
 * What a result may depend on besides the operation and what it reads from the live layer: whose
 * credential reads each backend, and who asks (subject and scopes, should a field ever look at
 * them). Subscriptions alike in all of that share one execution per event (event-execution.ts).
 */
export function resultScope(context: GatewayContext): string {
  let caller = callerKeys.get(context.caller);
  if (caller === undefined) {
    const { subject, scopes } = context.caller;
    caller = JSON.stringify([subject, scopes === null ? null : [...scopes].sort()]);
    callerKeys.set(context.caller, caller);
  }
  return `${context.backends.key} ${caller}`;
}
const callerKeys = new WeakMap<Caller, string>();

/**
 * The context of work done once for several operations (one execution of a subscription event for
 * every alike subscription): the same caller and backends, but no operation's abort signal (the
 * one whose it was may leave while the others still wait) and loaders of its own.
 */
export function sharedContext(context: GatewayContext): GatewayContext {
  return { ...context, signal: undefined, loaders: new JobLoaders(context.backends) };
}
