import { GraphQLError } from 'graphql';
import { isProviderError } from './providers/errors.js';
import { log } from './log.js';
import { asRequestError } from './request-errors.js';

/**
 * What a client sees of an error. Our own GraphQL errors pass unchanged; a backend failure becomes
 * a GraphQL error with its code and provider; an operation aborted because its client went away is
 * logged at debug only; anything else is a defect: logged, and masked so no internal detail reaches
 * the client.
 */
export function maskError(error: unknown, fallbackMessage: string): Error {
  const graphqlError = error instanceof GraphQLError ? error : null;
  const original = graphqlError ? graphqlError.originalError : error;
  const location = graphqlError ? { nodes: graphqlError.nodes, path: graphqlError.path } : {};
  if (isProviderError(original)) {
    log.warn('backend call failed', { provider: original.provider, code: original.code, message: original.message });
    return new GraphQLError(original.message, {
      ...location,
      extensions: { code: original.code, provider: original.provider, ...(original.outcomeUnknown ? { outcomeUnknown: true } : {}) },
    });
  }
  if (isAbort(original)) {
    // The client went away (its HTTP request closed, its graphql-ws operation was completed or its
    // socket closed) and no one reads this answer: an everyday event, not a defect.
    log.debug('operation aborted: its client went away', { path: graphqlError?.path });
    return new GraphQLError('The operation was aborted.', { ...location, extensions: { code: 'ABORTED' } });
  }
  if (graphqlError && (original === undefined || original === null || original instanceof GraphQLError)) {
    // graphql-js's own wrapping carries what was wrong (`Variable "$n" got invalid value ...`):
    // the outer message is the one to keep, never the inner one alone.
    return asRequestError(graphqlError);
  }
  log.error('unexpected error while executing an operation', {
    error: original instanceof Error ? `${original.name}: ${original.message}` : String(original),
    path: graphqlError?.path,
  });
  return new GraphQLError(fallbackMessage, { ...location, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/** What a caller's aborted signal makes an upstream call throw (`AbortController.abort()` without a reason). */
function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
