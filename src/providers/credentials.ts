// What each backend authenticates a caller by, when the gateway forwards the caller's own
// credential instead of using its service account (`<BACKEND>_CREDENTIALS=forward`).
import type { JobProvider } from './job.js';

export interface BackendCredentials {
  /** A UCloud access token, and the project whose workspace it acts in (null: the personal one). */
  UCLOUD: { readonly token: string; readonly project: string | null };
  RIME: { readonly apiKey: string };
  DATA_MANAGER: { readonly token: string };
  /** The key names the caller; the secret signs each request and never travels. */
  GPU: { readonly apiKey: string; readonly apiSecret: string };
}
export type CredentialOf<P extends JobProvider> = BackendCredentials[P];

/** `service`: the gateway's own credential for everyone; `forward`: each caller's own. */
export type CredentialMode = 'service' | 'forward';
export const CREDENTIAL_MODES = ['service', 'forward'] as const satisfies readonly CredentialMode[];
