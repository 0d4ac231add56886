// A backend's failure (`ProviderError`) as the typed mutation failure a client acts on. A mutation
// is never retried, so when the backend may have applied it (timeout, 5xx, connection lost after
// sending, unreadable 2xx) the failure says so.
import { log } from '../log.js';
import type { Operation } from '../providers/contract.js';
import { isProviderError, type ProviderError } from '../providers/errors.js';
import type { JobProvider } from '../providers/job.js';
import { redact } from '../providers/redact.js';
import { notFound, type MutationFailure, type UnavailableFailure } from './result.js';
import type { Target } from './target.js';

/**
 * The failure of a mutation call. `target` is the job acted on (null for a create: a 404 there is a
 * refusal, not an unknown job); `secrets` are values of the request that must not come back.
 */
export function mutationFailure(error: ProviderError, target: Target | null, secrets: readonly string[] = []): MutationFailure {
  const { provider } = error;
  if (error.code === 'NOT_FOUND' && target !== null) {
    return notFound(provider, target.id, target.globalId);
  }
  if (error.code === 'UNAUTHENTICATED') {
    // Nothing was applied: a 401 is answered before any change.
    return { code: 'UNAUTHENTICATED', message: redact(error.message, secrets), provider };
  }
  if (error.code === 'REJECTED' || error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND') {
    const reason = error.backendMessage;
    const message = reason ?? `${provider} refused the request (HTTP ${error.status ?? 'error'}) without giving a reason.`;
    return { code: 'REJECTED', message: redact(message, secrets), provider, status: error.status };
  }
  // An answer that arrived but could not be read was a 2xx: the change most likely happened.
  const outcomeUnknown = error.outcomeUnknown || error.code === 'BAD_RESPONSE';
  const detail = redact(error.message, secrets);
  // A typed result never reaches the server's error masking (which logs backend failures), and an
  // operator needs to hear of a change that may or may not have happened.
  log.warn('a mutation\'s backend call failed', { provider, code: error.code, outcomeUnknown, message: detail });
  const advice = outcomeUnknown
    ? ' The outcome is unknown: the change may have been applied. Read the job before trying again.'
    : ' Nothing was changed.';
  return { code: 'UNAVAILABLE', message: `${detail}.${advice}`, provider, outcomeUnknown };
}

/**
 * Any failure once a change has been sent. A backend error is mapped as above; anything else is a
 * defect of the gateway (reading the backend's answer, say): the change may well have been applied,
 * so the client is told exactly that rather than an opaque internal error.
 */
export function sentFailure(error: unknown, provider: JobProvider, target: Target | null, secrets: readonly string[] = []): MutationFailure {
  if (isProviderError(error)) return mutationFailure(error, target, secrets);
  log.error('a mutation failed in the gateway after it was sent', {
    provider,
    error: redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error), secrets),
  });
  return {
    code: 'UNAVAILABLE',
    message: `The gateway could not read ${provider}'s answer to the change. The outcome is unknown: the change may have been applied. Read the job before trying again.`,
    provider,
    outcomeUnknown: true,
  };
}

/** A failed read before any change was sent: nothing happened, whatever the read's error. */
export function readFailure(error: ProviderError, operation: Operation): UnavailableFailure {
  log.warn('the read before a mutation failed', { provider: error.provider, code: error.code, operation, message: error.message });
  return {
    code: 'UNAVAILABLE',
    message: `Could not read the job before ${operation}: ${error.message}. Nothing was changed.`,
    provider: error.provider,
    outcomeUnknown: false,
  };
}
