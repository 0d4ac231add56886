import type { Config } from './config.js';
import type { ProviderHealth } from './health.js';
import { JobLoaders } from './loaders.js';
import type { LiveHub } from './live/hub.js';
import type { ProviderRegistry } from './providers/registry.js';

/** What lives as long as the gateway: configuration and the enabled backends. */
export interface GatewayServices {
  config: Config;
  providers: ProviderRegistry;
  /** Watchers and subscriptions (`jobUpdated`, `jobsUpdated`, `jobLogs`). */
  live: LiveHub;
  /** Whether each backend answers (`providers`). */
  health: ProviderHealth;
}

/** What lives as long as one GraphQL operation. */
export interface GatewayContext {
  services: GatewayServices;
  loaders: JobLoaders;
  /**
   * Aborts upstream calls when the client goes away: the HTTP request's, or on graphql-ws the
   * operation's own (completed by the client, or its socket closed; see server.ts).
   */
  signal: AbortSignal | undefined;
}

export function createContext(services: GatewayServices, signal?: AbortSignal): GatewayContext {
  return { services, loaders: new JobLoaders(services.providers, signal), signal };
}
