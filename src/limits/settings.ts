// What one operation may ask of the gateway: the limits, their defaults and their error.
import { GraphQLError } from 'graphql';

export interface OperationLimits {
  /** Nested fields, fragments expanded (`MAX_DEPTH`). Introspection fields have graphql-js's own cap. */
  maxDepth: number;
  /** Aliased fields in one operation, fragments expanded (`MAX_ALIASES`). */
  maxAliases: number;
  /** Tokens of the whole document (`MAX_TOKENS`). */
  maxTokens: number;
  /** Directives in one operation, fragments expanded (`MAX_DIRECTIVES`). */
  maxDirectives: number;
  /** Estimated backend load of one operation (`MAX_COST`): see `operationCost`. */
  maxCost: number;
  /** Upstream writes of one mutation operation (`MAX_WRITES`): each cancelled ID, each other mutation 1. */
  maxWrites: number;
  /** Jobs created by one operation (`MAX_CREATES`). */
  maxCreates: number;
  /** graphql-ws: operations under way on one connection (`WS_MAX_SUBSCRIPTIONS`). */
  maxSubscriptionsPerConnection: number;
  /** graphql-ws: open connections from one client address (`WS_MAX_CONNECTIONS_PER_ADDRESS`). */
  maxConnectionsPerAddress: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 10,
  maxAliases: 30,
  maxTokens: 3_000,
  maxDirectives: 50,
  maxCost: 2_000,
  maxWrites: 100,
  maxCreates: 10,
  maxSubscriptionsPerConnection: 100,
  maxConnectionsPerAddress: 100,
};

/**
 * Selection sets nested in one another (fields, inline fragments and spreads alike), whatever the
 * limits are set to: the bound that keeps graphql-js's recursive rules and executor off the end of
 * the stack. GraphiQL's introspection query nests about 15.
 */
export const MAX_NESTING = 64;

/** Brackets (`{`, `(`, `[`) nested in one another in the text of a document, checked before parsing. */
export const MAX_BRACKETS = 2 * MAX_NESTING;

export type LimitName = 'MAX_DEPTH' | 'MAX_ALIASES' | 'MAX_TOKENS' | 'MAX_DIRECTIVES' | 'MAX_COST' | 'MAX_WRITES' | 'MAX_CREATES' | 'MAX_NESTING';

/** A refused operation: a request error (400), never sent anywhere. */
export function limitError(limit: LimitName, message: string, max: number, found?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'OPERATION_LIMIT',
      limit,
      max,
      ...(found !== undefined && Number.isFinite(found) ? { found } : {}),
      http: { spec: true, status: 400 },
    },
  });
}

export function resolveLimits(overrides: Partial<OperationLimits> | undefined): OperationLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (typeof value === 'number') limits[key as keyof OperationLimits] = value;
  }
  return limits;
}

// ---- The shape of a document: depth, nesting, aliases, directives ----

/** Backends a list reaches when its filter names none: the enabled ones (at least one). */
export function enabledBackends(config: { ucloud: unknown; rime: unknown; dataManager: unknown; gpu: unknown }): number {
  return Math.max(1, [config.ucloud, config.rime, config.dataManager, config.gpu].filter((settings) => settings != null).length);
}
