import { isForwarding, type Config, type HttpSettings } from '../config.js';
import type { Backend } from './backend.js';
import type { Provider, ProviderOptions } from './contract.js';
import type { JobProvider } from './job.js';
import * as datamanager from './datamanager/provider.js';
import * as gpu from './gpu/provider.js';
import * as rime from './rime/provider.js';
import * as ucloud from './ucloud/provider.js';

/** Providers by backend, each reading with one credential (the gateway's, or one caller's). */
export type ProviderRegistry = ReadonlyMap<JobProvider, Provider>;
/** The enabled backends, in the list's tie order. */
export type BackendRegistry = ReadonlyMap<JobProvider, Backend>;

/** The enabled backends, in the list's tie order. A backend is enabled when its URL is set. */
export function createBackends(config: Config): BackendRegistry {
  const tuning = tuningOf(config);
  const backends = new Map<JobProvider, Backend>();
  const sharing = { listSnapshotMs: config.listSnapshotMs ?? 0 };
  if (config.dataManager) backends.set('DATA_MANAGER', datamanager.createBackend(config.dataManager, tuning(config.dataManager), sharing));
  if (config.gpu) backends.set('GPU', gpu.createBackend(config.gpu, tuning(config.gpu), sharing));
  if (config.rime) backends.set('RIME', rime.createBackend(config.rime, tuning(config.rime), sharing));
  if (config.ucloud) backends.set('UCLOUD', ucloud.createBackend(config.ucloud, tuning(config.ucloud), sharing));
  return backends;
}

/** The providers of the backends that read with the gateway's own credential. */
export function serviceProviders(backends: BackendRegistry): ProviderRegistry {
  return new Map([...backends].flatMap(([id, backend]) => (backend.service ? [[id, backend.service] as const] : [])));
}

/**
 * The gateway's own providers of every backend `config` enables with the gateway's credentials,
 * each with connections of its own that its `close` releases (tests, benchmarks).
 */
export function createProviders(config: Config): ProviderRegistry {
  const tuning = tuningOf(config);
  const providers = new Map<JobProvider, Provider>();
  const { dataManager: d, gpu: g, rime: r, ucloud: u } = config;
  if (d && !isForwarding(d)) providers.set('DATA_MANAGER', datamanager.createProvider(d, tuning(d)));
  if (g && !isForwarding(g)) providers.set('GPU', gpu.createProvider(g, tuning(g)));
  if (r && !isForwarding(r)) providers.set('RIME', rime.createProvider(r, tuning(r)));
  if (u && !isForwarding(u)) providers.set('UCLOUD', ucloud.createProvider(u, tuning(u)));
  return providers;
}

/** A backend's own settings win over the gateway-wide deadline; the HTTP client fills in the rest. */
function tuningOf(config: Config): (settings: { http?: Partial<HttpSettings> | undefined }) => ProviderOptions {
  return (settings) => ({ timeoutMs: config.upstreamTimeoutMs, ...settings.http });
}

export async function closeBackends(backends: BackendRegistry): Promise<void> {
  await Promise.allSettled([...backends.values()].map((backend) => backend.close()));
}

export async function closeProviders(providers: ProviderRegistry): Promise<void> {
  await Promise.allSettled([...providers.values()].map((provider) => provider.close()));
}

/** The provider of one backend, typed as that backend's (its `create` takes that backend's spec). */
export function providerFor<P extends JobProvider>(providers: ProviderRegistry, id: P): Provider<P> | undefined {
  // Every registry files each provider under its own id, so the entry for `id` is a Provider<P>.
  return providers.get(id) as Provider<P> | undefined;
}

/** The backend of one id, typed as that backend's (its `withCredential` takes that backend's credential). */
export function backendFor<P extends JobProvider>(backends: BackendRegistry, id: P): Backend<P> | undefined {
  return backends.get(id) as Backend<P> | undefined;
}
