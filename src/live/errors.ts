// The live layer's own failures, free of GraphQL: the schema edge (`schema/live.ts`) turns them
// into what clients see, and a transport between replicas can carry them as plain data.
import type { ProviderErrorCode } from '../providers/errors.js';
import type { JobProvider } from '../providers/job.js';

export type LiveErrorCode = ProviderErrorCode | 'PROVIDER_DISABLED' | 'SUBSCRIBER_TOO_SLOW';

export class LiveError extends Error {
  override readonly name = 'LiveError';

  constructor(
    readonly code: LiveErrorCode,
    message: string,
    /** The backend concerned, when the error is about one of its jobs. */
    readonly provider: JobProvider | null = null,
  ) {
    super(message);
  }
}

export function isLiveError(value: unknown): value is LiveError {
  return value instanceof LiveError;
}

export function shuttingDown(): LiveError {
  return new LiveError('UNAVAILABLE', 'The gateway is shutting down.');
}
