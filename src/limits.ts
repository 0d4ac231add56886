// Operation limits: what one request may ask of the gateway and, through it, of the backends.
// - Tokens: the parser stops at `maxTokens` (graphql-js's own option), so a huge document costs
//   no more than lexing that many tokens.
// - Depth, nesting, aliases, directives: one walk over the document before graphql-js's validation
//   rules run (a document nested thousands of levels deep would exhaust the stack in them).
//   Fragments are expanded where they are spread, so they count as if written out.
// - Cost and writes: before execution, with the operation's variables: `jobs(first: n)` costs n per
//   backend it reaches, `nodes(ids)` one per id, mutations count the upstream writes they make.
//   The whole operation is summed, aliases included.
// A refused operation makes no upstream call; its error names the limit (code OPERATION_LIMIT).
import {
  GraphQLError,
  Kind,
  getOperationAST,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

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

/**
 * Whether brackets nest deeper than `max` in a GraphQL document's text (strings, block strings and
 * comments skipped). One pass, no recursion.
 */
export function bracketsTooDeep(text: string, max: number): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x28 || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x29 || c === 0x5d) {
      if (depth > 0) depth--;
    } else if (c === 0x23) {
      // A comment runs to the end of the line.
      while (i < n && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x22) {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        // Escaped triple quotes (\""") inside a block string.
        let close = end;
        while (close > 0 && text.charCodeAt(close - 1) === 0x5c) close = text.indexOf('"""', close + 3);
        if (close < 0) return false;
        i = close + 2;
      } else {
        i++;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 0x5c) i += 2;
          else if (d === 0x22 || d === 0x0a || d === 0x0d) break;
          else i++;
        }
      }
    }
  }
  return false;
}

/** Largest page and ID list the schema accepts; larger values are refused by the field itself. */
const PAGE_MAX = 100;
const JOBS_DEFAULT_FIRST = 20;

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

interface Shape {
  depth: number;
  nesting: number;
  aliases: number;
  directives: number;
}

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * The shape of each operation of a document. Recursion is bounded by MAX_NESTING (a deeper set
 * answers nesting Infinity at once), and fragments are summarised once each, so neither a deep nor
 * an exponentially spread document costs more than its size.
 */
export function documentShapes(document: DocumentNode): { operation: OperationDefinitionNode; shape: Shape }[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, Shape>();
  const inProgress = new Set<string>();
  const TOO_DEEP: Shape = { depth: Infinity, nesting: Infinity, aliases: 0, directives: 0 };

  const ofSet = (set: SelectionSetNode, level: number, introspection: boolean): Shape => {
    if (level > MAX_NESTING) return TOO_DEEP;
    const total: Shape = { depth: 0, nesting: 1, aliases: 0, directives: 0 };
    const add = (inner: Shape, depthStep: number) => {
      total.depth = Math.max(total.depth, inner.depth + depthStep);
      total.nesting = Math.max(total.nesting, inner.nesting + 1);
      total.aliases += inner.aliases;
      total.directives += inner.directives;
    };
    for (const selection of set.selections) {
      total.directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) total.aliases += 1;
        const inIntrospection = introspection || INTROSPECTION_ROOTS.has(selection.name.value);
        const step = inIntrospection ? 0 : 1;
        total.depth = Math.max(total.depth, step);
        if (selection.selectionSet) add(ofSet(selection.selectionSet, level + 1, inIntrospection), step);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(ofSet(selection.selectionSet, level + 1, introspection), 0);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // An unknown fragment or a cycle is graphql-js's to report (NoFragmentCycles, KnownFragmentNames).
        if (!fragment || inProgress.has(name)) continue;
        const key = `${introspection}:${name}`;
        let shape = memo.get(key);
        if (!shape) {
          inProgress.add(name);
          // The fragment's own directives count where it is spread.
          const inner = ofSet(fragment.selectionSet, level + 1, introspection);
          inProgress.delete(name);
          shape = { ...inner, directives: inner.directives + (fragment.directives?.length ?? 0) };
          if (Number.isFinite(inner.nesting)) memo.set(key, shape);
        }
        add(shape, 0);
      }
      if (total.nesting > MAX_NESTING) return TOO_DEEP;
    }
    return total;
  };

  return document.definitions
    .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => {
      const shape = ofSet(operation.selectionSet, 1, false);
      return { operation, shape: { ...shape, directives: shape.directives + (operation.directives?.length ?? 0) } };
    });
}

function named(operation: OperationDefinitionNode): string {
  return operation.name ? `Operation "${operation.name.value}"` : 'The operation';
}

/** The first limit the document's shape breaks, or null. */
export function checkShape(document: DocumentNode, limits: OperationLimits): GraphQLError | null {
  for (const { operation, shape } of documentShapes(document)) {
    const who = named(operation);
    if (shape.nesting > MAX_NESTING) {
      return limitError('MAX_NESTING', `${who} nests selections more than ${MAX_NESTING} levels deep (MAX_NESTING, fragments included).`, MAX_NESTING);
    }
    if (shape.depth > limits.maxDepth) {
      return limitError('MAX_DEPTH', `${who} is ${shape.depth} fields deep; at most ${limits.maxDepth} are allowed (MAX_DEPTH, fragments included).`, limits.maxDepth, shape.depth);
    }
    if (shape.aliases > limits.maxAliases) {
      return limitError('MAX_ALIASES', `${who} has ${shape.aliases} aliases; at most ${limits.maxAliases} are allowed (MAX_ALIASES, fragments included).`, limits.maxAliases, shape.aliases);
    }
    if (shape.directives > limits.maxDirectives) {
      return limitError('MAX_DIRECTIVES', `${who} has ${shape.directives} directives; at most ${limits.maxDirectives} are allowed (MAX_DIRECTIVES).`, limits.maxDirectives, shape.directives);
    }
  }
  return null;
}

// ---- Cost: what the operation asks of the backends ----

export interface OperationCost {
  /** Estimated backend load: jobs listed per backend, objects fetched, probes, watches. */
  cost: number;
  /** Upstream write calls (mutations). */
  writes: number;
  /** Jobs created. */
  creates: number;
}

type Variables = Readonly<Record<string, unknown>> | null | undefined;

function valueOf(node: ValueNode | undefined, variables: Variables): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((value) => valueOf(value, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, valueOf(field.value, variables)]));
  }
}

function argument(field: FieldNode, name: string, variables: Variables): unknown {
  return valueOf(field.arguments?.find((arg) => arg.name.value === name)?.value, variables);
}

/** A size argument as the field will take it, capped at what the field accepts (it refuses more itself). */
function sizeOf(value: unknown, fallback: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? value : Array.isArray(value) ? value.length : fallback;
  return Math.min(PAGE_MAX, Math.max(0, Math.ceil(n)));
}

/** The backends a `filter` lets a list reach: its `providers`, when given, else all enabled. */
function backendsReached(filter: unknown, backends: number): number {
  if (typeof filter === 'object' && filter !== null && Array.isArray((filter as { providers?: unknown }).providers)) {
    return Math.min(backends, new Set((filter as { providers: unknown[] }).providers).size);
  }
  return backends;
}

/** What one root field costs. Nested fields cost nothing: resolving them never calls a backend per object. */
function fieldCost(field: FieldNode, variables: Variables, backends: number): OperationCost {
  const none = { cost: 0, writes: 0, creates: 0 };
  switch (field.name.value) {
    case 'jobs': {
      const first = sizeOf(argument(field, 'first', variables) ?? JOBS_DEFAULT_FIRST, JOBS_DEFAULT_FIRST);
      // Every page needs a list request per backend, even an empty one.
      return { ...none, cost: backendsReached(argument(field, 'filter', variables), backends) * Math.max(1, first) };
    }
    case 'nodes':
      return { ...none, cost: Math.max(1, sizeOf(argument(field, 'ids', variables), PAGE_MAX)) };
    case 'job':
    case 'node':
      return { ...none, cost: 1 };
    case 'providers':
      return { ...none, cost: backends };
    // Subscriptions: a watch of one job, a follow of its output, a list poll per backend.
    case 'jobUpdated':
    case 'jobLogs':
      return { ...none, cost: 1 };
    case 'jobsUpdated':
      return { ...none, cost: backendsReached(argument(field, 'filter', variables), backends) * JOBS_DEFAULT_FIRST };
    case 'cancelJobs': {
      const ids = sizeOf(argument(field, 'ids', variables), PAGE_MAX);
      return { cost: ids, writes: ids, creates: 0 };
    }
    case 'createGpuJob':
    case 'createUCloudJob':
      return { cost: 1, writes: 1, creates: 1 };
    case 'cancelJob':
    case 'extendJob':
    case 'suspendJob':
    case 'resumeJob':
      return { cost: 1, writes: 1, creates: 0 };
    default:
      return none;
  }
}

/**
 * The cost of one operation: its root fields (fragments at the root expanded), aliases each
 * counted. Call only on a document whose shape passed `checkShape` (nesting is bounded).
 */
export function operationCost(document: DocumentNode, operation: OperationDefinitionNode, variables: Variables, backends: number): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, OperationCost>();
  const ofSet = (set: SelectionSetNode, seen: ReadonlySet<string>): OperationCost => {
    const total: OperationCost = { cost: 0, writes: 0, creates: 0 };
    const add = (inner: OperationCost) => {
      total.cost += inner.cost;
      total.writes += inner.writes;
      total.creates += inner.creates;
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) add(fieldCost(selection, variables, backends));
      else if (selection.kind === Kind.INLINE_FRAGMENT) add(ofSet(selection.selectionSet, seen));
      else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        let inner = memo.get(name);
        if (!inner) {
          inner = ofSet(fragment.selectionSet, new Set([...seen, name]));
          memo.set(name, inner);
        }
        add(inner);
      }
    }
    return total;
  };
  return ofSet(operation.selectionSet, new Set());
}

/** The first cost limit the operation breaks, or null. */
export function checkCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Variables,
  limits: OperationLimits,
  backends: number,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return null; // graphql-js reports it
  const { cost, writes, creates } = operationCost(document, operation, variables, backends);
  const who = named(operation);
  if (creates > limits.maxCreates) {
    return limitError('MAX_CREATES', `${who} creates ${creates} jobs; at most ${limits.maxCreates} are allowed in one operation (MAX_CREATES).`, limits.maxCreates, creates);
  }
  if (writes > limits.maxWrites) {
    return limitError('MAX_WRITES', `${who} makes ${writes} backend writes; at most ${limits.maxWrites} are allowed in one operation (MAX_WRITES).`, limits.maxWrites, writes);
  }
  if (cost > limits.maxCost) {
    return limitError(
      'MAX_COST',
      `${who} costs ${cost}; at most ${limits.maxCost} is allowed (MAX_COST). A jobs page costs its size per backend, nodes one per ID: ask for fewer or smaller pages.`,
      limits.maxCost,
      cost,
    );
  }
  return null;
}

// ---- The plugin ----

const SUGGESTION = / ?Did you mean .*\?$/;

/**
 * Yoga/envelop plugin enforcing the limits. It works wherever the envelop runs: HTTP and SSE through
 * Yoga, graphql-ws through `yoga.getEnveloped()` (parse, validate, execute and subscribe there are
 * the enveloped ones). Rejections are results or validation errors, never throws.
 */
export function useOperationLimits(limits: OperationLimits, backends: () => number): Plugin {
  const reject = (error: GraphQLError) => ({ errors: [error] });
  return {
    onParse: ({ setParseFn }) => {
      setParseFn((source, options) => {
        // graphql-js's parser recurses per bracket: a deeper document would overflow the stack
        // before any rule saw it.
        if (bracketsTooDeep(typeof source === 'string' ? source : source.body, MAX_BRACKETS)) {
          throw limitError('MAX_NESTING', `Syntax Error: The document nests brackets more than ${MAX_BRACKETS} levels deep (MAX_NESTING).`, MAX_BRACKETS);
        }
        try {
          return parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /Document contains more th\w+ \d+ tokens/.test(error.message)) {
            throw limitError('MAX_TOKENS', `Syntax Error: The document has more than ${limits.maxTokens} tokens (MAX_TOKENS); parsing stopped.`, limits.maxTokens);
          }
          throw error;
        }
      });
    },
    onValidate: ({ params, setResult }) => {
      // Before graphql-js's rules: a refused document never reaches them.
      const error = checkShape(params.documentAST, limits);
      if (error) setResult([error]);
      return ({ result, setResult: replace }) => {
        // No field suggestions: they would map the schema for anyone who cannot introspect it.
        if (result.some((e) => SUGGESTION.test(e.message))) {
          replace(
            result.map((e) =>
              SUGGESTION.test(e.message)
                ? new GraphQLError(e.message.replace(SUGGESTION, ''), { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: e.extensions })
                : e,
            ),
          );
        }
      };
    },
    onExecute: ({ args, setResultAndStopExecution }) => {
      const error = checkCost(args.document, args.operationName, args.variableValues, limits, backends());
      if (error) setResultAndStopExecution(reject(error));
    },
    onSubscribe: ({ args, setResultAndStopExecution }) => {
      const error = checkCost(args.document, args.operationName, args.variableValues, limits, backends());
      if (error) setResultAndStopExecution(reject(error));
    },
  };
}

/**
 * Request parsing errors are client errors: a GET whose `variables` or `extensions` is not JSON
 * answers 400 (graphql-yoga would let JSON.parse's SyntaxError through as an internal error), and no
 * parse error carries the request body back (Yoga puts JSON.parse's message, which quotes the
 * body, in `extensions.originalError`).
 */
export function useRequestParseErrors(): Plugin {
  return {
    onRequestParse: ({ requestParser, setRequestParser }) => {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (error instanceof GraphQLError) {
            if (!('originalError' in error.extensions)) throw error;
            const { originalError: _dropped, ...extensions } = error.extensions;
            throw new GraphQLError(error.message, { extensions });
          }
          throw new GraphQLError('The request has a parameter that is not valid JSON (variables or extensions).', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
  };
}

// ---- graphql-ws: connections per address, operations per connection ----

/** WebSocket close code for a connection refused by a cap (1013: try again later). */
export const WS_CLOSE_TOO_MANY = 1013;

/** Open graphql-ws connections per client address. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Takes a place for `address`; false when it has none left. Call `release` once when it closes. */
  acquire(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.max) return false;
    this.open.set(address, count + 1);
    return true;
  }

  release(address: string): void {
    const count = (this.open.get(address) ?? 1) - 1;
    if (count <= 0) this.open.delete(address);
    else this.open.set(address, count);
  }

  get reason(): string {
    return `Too many connections from this address (at most ${this.max}, WS_MAX_CONNECTIONS_PER_ADDRESS)`;
  }
}

/** Operations under way per graphql-ws connection. */
export class SubscriptionCounter {
  private readonly bySocket = new WeakMap<object, Set<string>>();
  constructor(private readonly max: number) {}

  /** Takes a place for operation `id` on `socket`; an error when the connection has none left. */
  acquire(socket: object, id: string): GraphQLError | null {
    let ids = this.bySocket.get(socket);
    if (!ids) {
      ids = new Set();
      this.bySocket.set(socket, ids);
    }
    if (!ids.has(id) && ids.size >= this.max) {
      return new GraphQLError(
        `Too many operations on this connection: at most ${this.max} may run at once (WS_MAX_SUBSCRIPTIONS). Complete one, or open another connection.`,
        { extensions: { code: 'OPERATION_LIMIT', limit: 'WS_MAX_SUBSCRIPTIONS', max: this.max } },
      );
    }
    ids.add(id);
    return null;
  }

  release(socket: object, id: string): void {
    this.bySocket.get(socket)?.delete(id);
  }
}

/** Backends a list reaches when its filter names none: the enabled ones (at least one). */
export function enabledBackends(config: { ucloud: unknown; rime: unknown; dataManager: unknown; gpu: unknown }): number {
  return Math.max(1, [config.ucloud, config.rime, config.dataManager, config.gpu].filter((settings) => settings != null).length);
}
