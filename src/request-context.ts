// The request id of whatever is being handled, carried by AsyncLocalStorage so that a log record
// written deep in a provider names the request it was written for without the id being passed down.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';

export const REQUEST_ID_HEADER = 'x-request-id';

/** An id a caller may choose: a short token of letters, digits and `._:-` (no spaces, quotes or control characters). */
const SANE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

interface RequestScope {
  reqId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** The caller's `x-request-id` when it is a sane token, a new UUID otherwise. */
export function requestIdFrom(header: string | string[] | undefined | null): string {
  const value = Array.isArray(header) ? header[0] : header;
  const trimmed = value?.trim();
  return trimmed && SANE_ID.test(trimmed) ? trimmed : newRequestId();
}

/**
 * A new UUID as one flat string. `randomUUID` builds its answer by concatenation, a tree of some
 * twenty string pieces (≈450 B where 36 characters would do) that lives as long as the request's
 * scope, which for a subscription is the whole subscription; split and joined, it is copied flat.
 */
function newRequestId(): string {
  return randomUUID().split('-').join('-');
}

/** Runs `fn` (and everything it starts) as part of the request `reqId`. */
export function withRequestId<T>(reqId: string, fn: () => T): T {
  return storage.run({ reqId }, fn);
}

/** The id of the request being handled; undefined outside of one (start-up, shared pollers). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.reqId;
}

/**
 * Runs `fn` as no request's, and in no trace: for work a request only happens to start but that
 * outlives it and serves others too (a shared poller, a follow stream), so that its records and
 * spans are not filed under the first subscriber's request forever.
 */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(() => context.with(ROOT_CONTEXT, fn));
}
