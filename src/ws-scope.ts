// The async scope a graphql-ws operation was admitted in, for the execution graphql-ws starts later.
import { AsyncResource } from 'node:async_hooks';
import type { ExecutionArgs } from 'graphql';

/**
 * graphql-ws calls `execute`/`subscribe` after `onSubscribe` has returned, outside the scope it ran
 * in: without this, the first execution (a subscription's first backend read) would log under no
 * request id and trace under no span. One AsyncResource holds that scope (every AsyncLocalStorage
 * store at once: request id, trace context). `AsyncLocalStorage.bind` would do the same per
 * function, but each bound function also gets two deprecated accessor closures and a map of its
 * own (≈2.7 KB each), and this object lives as long as the subscription (it is the root value).
 *
 * It is the operation's root value too: graphql-ws hands it back in the arguments it executes.
 */
export class OperationScope<X, S> {
  /** Let go once used: graphql-ws runs an operation once, and the scope need not live as long as it. */
  private scope: AsyncResource | null = new AsyncResource('graphql-ws.operation');

  constructor(
    private readonly executeIn: (args: ExecutionArgs) => X,
    private readonly subscribeIn: (args: ExecutionArgs) => S,
  ) {}

  execute(args: ExecutionArgs): X {
    return this.run(this.executeIn, args);
  }

  subscribe(args: ExecutionArgs): S {
    return this.run(this.subscribeIn, args);
  }

  private run<R>(fn: (args: ExecutionArgs) => R, args: ExecutionArgs): R {
    const { scope } = this;
    this.scope = null;
    return scope ? scope.runInAsyncScope(fn, null, args) : fn(args);
  }
}
