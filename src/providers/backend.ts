// A backend as the gateway holds it: its shared connections, and a provider per credential that
// reads through them. The gateway's own credential has one long-lived provider; a caller's
// forwarded credential gets one as short-lived as the request or subscription that brought it.
import { isForwarding, type ForwardSettings } from '../config.js';
import { operationsOf, type Provider, type ProviderOperations } from './contract.js';
import type { CredentialMode, CredentialOf } from './credentials.js';
import type { HttpClient } from './http.js';
import type { JobProvider } from './job.js';

export interface Backend<P extends JobProvider = JobProvider> {
  readonly id: P;
  readonly credentials: CredentialMode;
  /** What the backend can do at all, whoever calls it. */
  readonly operations: ProviderOperations;
  /** Reads with the gateway's own credential; null when the backend takes each caller's. */
  readonly service: Provider<P> | null;
  /** A provider reading with `credential` over the backend's shared connections (cheap: make one per request). */
  withCredential(credential: CredentialOf<P>): Provider<P>;
  /** Closes the shared connections; every provider of the backend is unusable afterwards. */
  close(): Promise<void>;
}

/** What the providers of one backend share besides connections. */
export interface BackendSharing {
  /** How long a listing of a backend without order serves further operations (`LIST_SNAPSHOT_MS`; 0: only while in flight). */
  listSnapshotMs?: number;
}

/**
 * The backend of `settings`: `forCredential` builds a provider over `transport` for one credential,
 * `service` the one of the gateway's own settings (absent when they forward).
 */
export function backendOf<P extends JobProvider, S extends object>(
  id: P,
  settings: S | ForwardSettings,
  transport: HttpClient,
  make: {
    /** The provider class: its methods are the backend's capabilities. */
    kind: { prototype: Provider<P> };
    service: (settings: S) => Provider<P>;
    forCredential: (credential: CredentialOf<P>) => Provider<P>;
  },
): Backend<P> {
  const forwarding = isForwarding(settings);
  const service = forwarding ? null : make.service(settings as S);
  return {
    id,
    credentials: forwarding ? 'forward' : 'service',
    operations: operationsOf(make.kind.prototype),
    service,
    withCredential: make.forCredential,
    close: async () => {
      await service?.close();
      await transport.close();
    },
  };
}
