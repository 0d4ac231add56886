// Size and shape of a document: brackets before parsing, depth, nesting, aliases and directives
// after (fragments expanded where they are spread). One walk, no recursion into graphql-js's rules.
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { MAX_NESTING, type OperationLimits, limitError } from './settings.js';

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

export function named(operation: OperationDefinitionNode): string {
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
