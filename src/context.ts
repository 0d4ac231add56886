import type { Config } from './config.js';
import type { ProviderHealth } from './health.js';
import { CallerBackends } from './identity/caller-backends.js';
import type { Caller, RequestIdentity } from './identity/caller.js';
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
   * operation's own (completed by the client, or its socket closed; see server.ts).
   */
  signal: AbortSignal | undefined;
}

export function createContext(services: GatewayServices, identity: RequestIdentity, signal?: AbortSignal): GatewayContext {
  const backends = new CallerBackends(services.backends, identity.forwarded);
  return { services, caller: identity.caller, backends, loaders: new JobLoaders(backends, signal), signal };
}
