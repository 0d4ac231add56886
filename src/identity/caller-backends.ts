// Which backends one request can reach, and with whose credential: the gateway's own for a backend
// on `service`, the caller's for one on `forward` (missing: the backend is not called at all).
// Made per set of forwarded credentials (context.ts), so a forwarded credential lives exactly as long
// as the request or graphql-ws connection that brought it.
import type { CredentialSlot } from '../live/key.js';
import { SERVICE_CREDENTIAL } from '../live/key.js';
import type { Provider } from '../providers/contract.js';
import type { CredentialOf } from '../providers/credentials.js';
import { ProviderError } from '../providers/errors.js';
import type { JobProvider } from '../providers/job.js';
import { backendFor, type BackendRegistry, type ProviderRegistry } from '../providers/registry.js';
import { credentialFingerprint } from './fingerprint.js';
import { FORWARDED_HEADERS, type ForwardedCredentials } from './forwarded.js';

/** Where a missing credential would have come from, for the error that says so. */
const WHERE: Record<JobProvider, string> = {
  UCLOUD: FORWARDED_HEADERS.ucloudToken,
  RIME: FORWARDED_HEADERS.rimeApiKey,
  DATA_MANAGER: FORWARDED_HEADERS.dataManagerToken,
  GPU: `${FORWARDED_HEADERS.gpuApiKey} and ${FORWARDED_HEADERS.gpuApiSecret}`,
};

export class CallerBackends {
  /** The backends this caller can use, each reading with the right credential. */
  readonly providers: ProviderRegistry;
  /** Enabled backends that forward credentials, for which this request brought none. */
  readonly missing: ReadonlySet<JobProvider>;
  private readonly slots = new Map<JobProvider, CredentialSlot>();
  private slotsKey: string | null = null;

  constructor(
    private readonly backends: BackendRegistry,
    forwarded: ForwardedCredentials,
  ) {
    const providers = new Map<JobProvider, Provider>();
    const missing = new Set<JobProvider>();
    for (const [id, backend] of backends) {
      if (backend.service) {
        providers.set(id, backend.service);
        this.slots.set(id, SERVICE_CREDENTIAL);
        continue;
      }
      const bound = bind(backends, id, forwarded);
      if (bound === null) {
        missing.add(id);
        continue;
      }
      providers.set(id, bound.provider);
      this.slots.set(id, bound.slot);
    }
    this.providers = providers;
    this.missing = missing;
  }

  /** Whose credential reads each backend, as one string (the backends it cannot read are absent); made once. */
  get key(): string {
    this.slotsKey ??= JSON.stringify([...this.slots]);
    return this.slotsKey;
  }

  /** The backend is configured on this gateway, whether or not this caller can use it. */
  enabled(id: JobProvider): boolean {
    return this.backends.has(id);
  }

  /** Whose credential this caller reads `id` with: its fingerprint, or the service account's slot. */
  slot(id: JobProvider): CredentialSlot {
    return this.slots.get(id) ?? SERVICE_CREDENTIAL;
  }

  /** Why a backend this caller lacks a credential for was not called. */
  unauthenticated(id: JobProvider): ProviderError {
    return new ProviderError({
      code: 'UNAUTHENTICATED',
      provider: id,
      message: `${id} takes each caller's own credential and this request sent none (${WHERE[id]})`,
    });
  }
}

function bind(backends: BackendRegistry, id: JobProvider, forwarded: ForwardedCredentials): { provider: Provider; slot: CredentialSlot } | null {
  // Spelled out per backend so that each credential reaches the backend of its own type.
  switch (id) {
    case 'UCLOUD':
      return bindOne(backends, id, forwarded.UCLOUD);
    case 'RIME':
      return bindOne(backends, id, forwarded.RIME);
    case 'DATA_MANAGER':
      return bindOne(backends, id, forwarded.DATA_MANAGER);
    case 'GPU':
      return bindOne(backends, id, forwarded.GPU);
  }
}

function bindOne<P extends JobProvider>(backends: BackendRegistry, id: P, credential: CredentialOf<P> | undefined): { provider: Provider; slot: CredentialSlot } | null {
  const backend = backendFor(backends, id);
  if (!backend || credential === undefined) return null;
  return { provider: backend.withCredential(credential), slot: credentialFingerprint(id, credential) };
}
