import type { JobProvider } from './job.js';

export const PROVIDER_ERROR_CODES = [
  'UNAVAILABLE',
  'TIMEOUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_RESPONSE',
  'REJECTED',
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

/**
 * Every failure of a backend call. The message is built from the request line and the backend's own
 * error text, never from request headers, so a credential cannot leak through it.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly code: ProviderErrorCode;
  readonly provider: JobProvider;
  readonly status: number | null;
  /**
   * True when a non-idempotent request may have been applied although no answer arrived
   * (deadline passed or the connection dropped after the request was sent).
   */
  readonly outcomeUnknown: boolean;
  /** The backend's own reason, when it gave one in an error answer (credentials already redacted). */
  readonly backendMessage: string | null;

  constructor(init: {
    code: ProviderErrorCode;
    provider: JobProvider;
    message: string;
    status?: number | null;
    outcomeUnknown?: boolean;
    backendMessage?: string | null;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.provider = init.provider;
    this.status = init.status ?? null;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.backendMessage = init.backendMessage ?? null;
  }
}

export function isProviderError(value: unknown): value is ProviderError {
  return value instanceof ProviderError;
}

/** Maps an HTTP error status to the code a client can act on. */
export function codeForStatus(status: number): ProviderErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status === 429 || status >= 500) return 'UNAVAILABLE';
  return 'REJECTED';
}
