// Subscriptions executed as graphql-js does (a source stream from the subscription field's resolver,
// then each event executed with the event as root value), except that an event is executed once
// for all the subscriptions that would get the same result from it, instead of once each.
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface SharedEventOptions<C> {
  /**
   * What a subscription's results may depend on besides its document, operation, variables and
   * the event, read from its context (whose credentials read the backends, who asks); null: its
   * results are never shared.
   */
  scope(contextValue: C): string | null;
  /**
   * The context a shared execution runs with, made from one of its subscriptions' own: nothing in
   * it may belong to that one subscription (its abort signal, its request-scoped caches), since
   * the others get the result too, and it may leave while the execution is under way.
   */
  sharedContext(contextValue: C): C;
  /** Told of every event executed, and of every result served (executed or shared), for metrics. */
  onExecuted?(): void;
  onServed?(): void;
}

/**
 * A live job's change reaches every subscriber as the same object (the watcher's snapshot), so
 * subscriptions alike in everything their result depends on can share one execution of it: with
 * 10,000 subscribers of a job, one execution per change instead of 10,000. Results are shared
 * objects and must not be changed; nothing downstream does (masking and graphql-ws make new ones).
 *
 * Replaces Yoga's executor for subscriptions, whose per-subscription machinery (an execution
 * context kept for the whole subscription, two async-iterator layers for incremental delivery,
 * which this schema does not offer) came to some 4 KB per subscription.
 */
export function useSharedEventExecution<C extends object>(options: SharedEventOptions<C>): Plugin {
  const subscribe = (args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> =>
    // Envelop hands the context the plugin is typed for.
    subscribeSharing(args, options as SharedEventOptions<unknown>);
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe);
    },
  };
}

/**
 * The subscriptions alike in what their results depend on: one per distinct key, shared by them
 * (their key string is made once and let go), forgotten with the last of them.
 */
interface Share {
  readonly key: string;
  subscribers: number;
}
const shares = new Map<string, Share>();

function joinShare(key: string): Share {
  let share = shares.get(key);
  if (!share) {
    share = { key, subscribers: 0 };
    shares.set(key, share);
  }
  share.subscribers++;
  return share;
}

function leaveShare(share: Share): void {
  if (--share.subscribers === 0 && shares.get(share.key) === share) shares.delete(share.key);
}

type Executed = ExecutionResult | Promise<ExecutionResult>;
/** Results of each event, per share; kept as long as the event object is (a job's current snapshot). */
const executed = new WeakMap<object, WeakMap<Share, Executed>>();
/** A small number per document object (Yoga caches parsed documents, so alike queries are one object). */
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

async function subscribeSharing(args: ExecutionArgs, options: SharedEventOptions<unknown>): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return { errors: [new GraphQLError('Must provide an operation.')] };
  // Bad variables are the client's input error, as Yoga's executor reports them.
  const variables = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {}, { maxErrors: 50 });
  if (variables.errors) return { errors: variables.errors.map(badUserInput) };
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return stream;
  const key = shareKey(args, operation, options);
  return new EventResults(stream[Symbol.asyncIterator](), args, operation, key === null ? null : joinShare(key), options);
}

function shareKey(args: ExecutionArgs, operation: OperationDefinitionNode, options: SharedEventOptions<unknown>): string | null {
  const scope = options.scope(args.contextValue);
  if (scope === null) return null;
  let id = documentIds.get(args.document);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(args.document, id);
  }
  return JSON.stringify([id, operation.name?.value ?? null, args.variableValues ?? null, scope]);
}

/**
 * One subscription's results: its source's events, each executed (or taken from an alike
 * subscription's execution of the same event). A class rather than an async generator: `return()`
 * must reach the source at once, even while a `next()` waits for an event.
 */
class EventResults implements AsyncGenerator<ExecutionResult, void, void> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly args: ExecutionArgs,
    private readonly operation: OperationDefinitionNode,
    private share: Share | null,
    private readonly options: SharedEventOptions<unknown>,
  ) {}

  next(): Promise<IteratorResult<ExecutionResult, void>> {
    return this.source.next().then(
      (step) => {
        if (!step.done) return this.resultOf(step.value);
        this.leave();
        return DONE;
      },
      (error: unknown) => {
        this.leave();
        throw wrapError(error, this.operation);
      },
    );
  }

  async return(): Promise<IteratorResult<ExecutionResult, void>> {
    this.leave();
    await this.source.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult, void>> {
    this.leave();
    if (this.source.throw) await this.source.throw(error);
    else throw error;
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private resultOf(event: unknown): IteratorResult<ExecutionResult, void> | Promise<IteratorResult<ExecutionResult, void>> {
    const { share, options } = this;
    options.onServed?.();
    if (share === null || typeof event !== 'object' || event === null) {
      options.onExecuted?.();
      return stepOf(execute({ ...this.args, rootValue: event }));
    }
    let results = executed.get(event);
    let result = results?.get(share);
    if (result === undefined) {
      options.onExecuted?.();
      result = execute({ ...this.args, contextValue: options.sharedContext(this.args.contextValue), rootValue: event });
      if (!results) {
        results = new WeakMap();
        executed.set(event, results);
      }
      results.set(share, result);
    }
    return stepOf(result);
  }

  private leave(): void {
    if (this.share) leaveShare(this.share);
    this.share = null;
  }
}

const DONE: IteratorReturnResult<void> = { value: undefined, done: true };

function stepOf(result: Executed): IteratorResult<ExecutionResult, void> | Promise<IteratorResult<ExecutionResult, void>> {
  return isPromise(result) ? result.then((value) => ({ value, done: false })) : { value: result, done: false };
}

/** A source failure as Yoga's executor reports it: located at the operation, the original kept. */
function wrapError(error: unknown, operation: OperationDefinitionNode): Error {
  if (error instanceof AggregateError) return new AggregateError(error.errors.map((each: unknown) => wrapError(each, operation)), error.message);
  const original = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(original.message, { originalError: original, nodes: [operation] });
}

function badUserInput(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}
