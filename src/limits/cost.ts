// What an operation would cost the backends: `jobs(first: n)` n per backend it reaches, `nodes(ids)`
// one per id, mutations their upstream writes; summed over the whole operation, aliases included.
import { GraphQLError, Kind, getOperationAST, valueFromASTUntyped, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { type OperationLimits, limitError } from './settings.js';
import { named } from './shape.js';

/** Largest page and ID list the schema accepts; larger values are refused by the field itself. */
const PAGE_MAX = 100;
const JOBS_DEFAULT_FIRST = 20;

export interface OperationCost {
  /** Estimated backend load: jobs listed per backend, objects fetched, probes, watches. */
  cost: number;
  /** Upstream write calls (mutations). */
  writes: number;
  /** Jobs created. */
  creates: number;
}

type Variables = Readonly<Record<string, unknown>> | null | undefined;

/** A literal or variable argument's value (graphql-js reads literals the way variables arrive). */
function valueOf(node: ValueNode | undefined, variables: Variables): unknown {
  return node ? valueFromASTUntyped(node, variables ?? undefined) : undefined;
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
