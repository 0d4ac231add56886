// The identity rules as Yoga plugins, so that every transport (HTTP, SSE, graphql-ws through
// `getEnveloped`) goes through the same ones: who the caller is (HTTP and SSE here; graphql-ws at
// `connection_init`, see server.ts), what their token's scopes allow, and how long their token lasts.
import { getOperationAST, GraphQLError, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { JobProvider } from '../providers/job.js';
import type { Authenticate } from './authenticate.js';
import { may, type Caller, type RequestIdentity } from './caller.js';
import { forwardedFromHeaders } from './forwarded.js';
import { isAuthError, READ_SCOPE, WRITE_SCOPE } from './jwt.js';

/** What a 401 tells a client about how to authenticate (RFC 6750). */
const CHALLENGE = 'Bearer realm="job-gateway"';

/** The error of a caller that could not be authenticated, as HTTP answers it. */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'www-authenticate': CHALLENGE } } },
  });
}

/**
 * HTTP and SSE: the caller and their forwarded credentials, read once per request before anything
 * is parsed; a bad or missing token is a 401 before any limit, validation or backend call.
 */
export function useCallerIdentity(authenticate: Authenticate, forwarding: ReadonlySet<JobProvider>): {
  plugin: Plugin;
  identityOf(request: Request): RequestIdentity | undefined;
} {
  const identities = new WeakMap<Request, RequestIdentity>();
  return {
    identityOf: (request) => identities.get(request),
    plugin: {
      async onRequestParse({ request }) {
        let caller: Caller;
        try {
          caller = await authenticate(request.headers.get('authorization'));
        } catch (error) {
          if (!isAuthError(error)) throw error;
          throw unauthenticated(
            error.reason === 'missing' ? 'This gateway needs an access token: send Authorization: Bearer <token>.' : `The access token was refused: ${error.message}.`,
          );
        }
        identities.set(request, { caller, forwarded: forwardedFromHeaders(request.headers, forwarding) });
      },
    },
  };
}

/** The scope an operation needs: reads and subscriptions `jobs:read`, mutations `jobs:write`. */
function requiredScope(args: ExecutionArgs): string {
  const operation = getOperationAST(args.document, args.operationName);
  return operation?.operation === 'mutation' ? WRITE_SCOPE : READ_SCOPE;
}

function refusal(caller: Caller, args: ExecutionArgs, now: number): GraphQLError | null {
  // A graphql-ws connection outlives its token: every operation after expiry is refused.
  if (caller.expiresAt !== null && caller.expiresAt <= now) return expired();
  const scope = requiredScope(args);
  if (may(caller, scope)) return null;
  return new GraphQLError(`This operation needs the ${scope} scope, which the access token does not grant.`, {
    extensions: { code: 'FORBIDDEN', scope, http: { status: 403 } },
  });
}

function expired(): GraphQLError {
  return new GraphQLError('The access token has expired: get a new one and subscribe again.', { extensions: { code: 'UNAUTHENTICATED' } });
}

interface WithCaller {
  caller: Caller;
}

/**
 * Scopes before execution, so a refused operation costs no backend call; and a subscription
 * ends, with UNAUTHENTICATED, when the token it was made with expires.
 */
export function useCallerScopes(): Plugin<WithCaller> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const problem = refusal((args.contextValue as WithCaller).caller, args, Date.now());
      if (problem) setResultAndStopExecution({ errors: [problem] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const { caller } = args.contextValue as WithCaller;
      const problem = refusal(caller, args, Date.now());
      if (problem) {
        setResultAndStopExecution({ errors: [problem] });
        return undefined;
      }
      const { expiresAt } = caller;
      if (expiresAt === null) return undefined;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(untilExpiry(result, expiresAt));
        },
      };
    },
  };
}

function isAsyncIterable<T>(value: T | AsyncIterable<T>): value is AsyncIterable<T> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** The longest a timer can wait; a token valid for longer than ~24 days is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `source`'s results until `expiresAt`, then one UNAUTHENTICATED error result and the end. Not an
 * async generator: a generator's `return()` waits until its pending `await` settles, so a client
 * unsubscribing would not reach `source` (and stop its watcher) before the next event came.
 */
function untilExpiry<R>(source: AsyncIterable<R>, expiresAt: number): AsyncIterableIterator<R | { errors: GraphQLError[] }> {
  const iterator = source[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  const expiry = new Promise<'expired'>((resolve) => {
    const arm = () => {
      const left = expiresAt - Date.now();
      if (left <= 0) resolve('expired');
      else timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    arm();
  });
  const finish = (): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    // Not awaited: the source may be waiting for its next event, and leaving must not wait for it.
    Promise.resolve(iterator.return?.()).catch(() => undefined);
  };
  const end: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return end;
      const next = await Promise.race([iterator.next(), expiry]);
      if (finished) return end;
      if (next === 'expired') {
        finish();
        return { done: false, value: { errors: [expired()] } };
      }
      if (next.done) {
        finished = true;
        clearTimeout(timer);
        return end;
      }
      return { done: false, value: next.value };
    },
    return() {
      finish();
      return Promise.resolve(end);
    },
  };
}
