import type { Config, HttpSettings } from '../config.js';
import type { Provider, ProviderOptions } from './contract.js';
import type { JobProvider } from './job.js';
import { createProvider as createDataManager } from './datamanager/provider.js';
import { createProvider as createGpu } from './gpu/provider.js';
import { createProvider as createRime } from './rime/provider.js';
import { createProvider as createUCloud } from './ucloud/provider.js';

export type ProviderRegistry = ReadonlyMap<JobProvider, Provider>;

/** The enabled backends, in the list's tie order. A backend is enabled when its URL is set. */
export function createProviders(config: Config): ProviderRegistry {
  // A backend's own settings win over the gateway-wide deadline; the HTTP client fills in the rest.
  const tuning = (settings: { http?: Partial<HttpSettings> | undefined }): ProviderOptions => ({ timeoutMs: config.upstreamTimeoutMs, ...settings.http });
  const providers = new Map<JobProvider, Provider>();
  if (config.dataManager) providers.set('DATA_MANAGER', createDataManager(config.dataManager, tuning(config.dataManager)));
  if (config.gpu) providers.set('GPU', createGpu(config.gpu, tuning(config.gpu)));
  if (config.rime) providers.set('RIME', createRime(config.rime, tuning(config.rime)));
  if (config.ucloud) providers.set('UCLOUD', createUCloud(config.ucloud, tuning(config.ucloud)));
  return providers;
}

export async function closeProviders(providers: ProviderRegistry): Promise<void> {
  await Promise.allSettled([...providers.values()].map((provider) => provider.close()));
}

/** The provider of one backend, typed as that backend's (its `create` takes that backend's spec). */
export function providerFor<P extends JobProvider>(providers: ProviderRegistry, id: P): Provider<P> | undefined {
  // `createProviders` files each provider under its own id, so the entry for `id` is a Provider<P>.
  return providers.get(id) as Provider<P> | undefined;
}
