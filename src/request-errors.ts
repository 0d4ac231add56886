// Request errors: the document or its variables are wrong, so nothing ran. A client must learn
// which variable, argument or input field was wrong, under one shape on every transport.
// - graphql-js names the variable and the path inside it (`Variable "$input" got invalid value
//   "soon" at "input.maxTimeoutRunMs"; ...`): that message is kept as it is.
// - For a literal, graphql-js names only the type and the value; the argument and the input field
//   are added from the document (`Invalid value for argument "filter" at "filter.createdAfter": ...`).
// - The code is BAD_USER_INPUT unless graphql-js or Yoga gave one, and the HTTP status hint Yoga
//   reads (400 under `application/graphql-response+json`) rides on the error only over HTTP.
import { BREAK, GraphQLError, Kind, NoSchemaIntrospectionCustomRule, parse, visit, type ASTNode, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const VALUE_KINDS: ReadonlySet<string> = new Set([
  Kind.STRING,
  Kind.INT,
  Kind.FLOAT,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.VARIABLE,
]);

/** `argument "filter" at "filter.createdAfter"` for the value `node` of `document`; null when it is no argument's. */
function whereInDocument(document: DocumentNode, node: ASTNode): string | null {
  const start = node.loc?.start;
  let found: string | null = null;
  visit(document, {
    enter(current, _key, parent, _path, ancestors) {
      if (current.kind !== node.kind || current.loc?.start !== start) return undefined;
      const names: string[] = [];
      // `ancestors` stops short of the direct parent.
      for (const ancestor of [...ancestors, parent]) {
        if (ancestor === undefined || ancestor === null) continue;
        if (Array.isArray(ancestor) || !('kind' in ancestor)) continue;
        const step = ancestor as ASTNode;
        if (step.kind === Kind.ARGUMENT) names.splice(0, names.length, step.name.value);
        else if (step.kind === Kind.OBJECT_FIELD && names.length > 0) names.push(step.name.value);
      }
      const [argument] = names;
      if (argument !== undefined) found = names.length > 1 ? `argument "${argument}" at "${names.join('.')}"` : `argument "${argument}"`;
      return BREAK;
    },
  });
  return found;
}

/** A validation error about a literal value, with the argument and input field it stands at. */
function locateLiteral<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError)) return error;
  const node = error.nodes?.[0];
  const body = error.source?.body;
  if (!node || !VALUE_KINDS.has(node.kind) || node.kind === Kind.VARIABLE || body === undefined) return error;
  let document: DocumentNode;
  try {
    document = parse(body);
  } catch {
    return error;
  }
  const where = whereInDocument(document, node);
  if (where === null) return error;
  return new GraphQLError(`Invalid value for ${where}: ${error.message}`, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/** Validation errors name the argument and field of a bad literal, on every transport. */
export function useRequestErrors(): Plugin {
  return {
    onValidate: () => ({ result, setResult }) => {
      if (result.length > 0) setResult(result.map(locateLiteral));
    },
  };
}

/**
 * A request error raised while starting execution (variables that do not coerce): graphql-js's own
 * message, BAD_USER_INPUT, and a 400 under `application/graphql-response+json`. Field errors (with
 * a path) are not request errors and are left alone.
 */
export function asRequestError(error: GraphQLError): GraphQLError {
  if (error.path !== undefined) return error;
  const code = typeof error.extensions['code'] === 'string' ? error.extensions['code'] : 'BAD_USER_INPUT';
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    // A status someone chose (403 for a missing CSRF header) stands; otherwise the spec's 400.
    extensions: { ...error.extensions, code, http: error.extensions['http'] ?? { spec: true, status: 400 } },
  });
}

/** Errors as graphql-ws sends them: what HTTP sends, less what only an HTTP answer means (its status). */
export function forWebSocket<E extends GraphQLError>(errors: readonly E[]): GraphQLError[] {
  return errors.map((error) => {
    if (!('http' in error.extensions)) return error;
    const { http: _http, ...extensions } = error.extensions;
    return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions });
  });
}

/** `INTROSPECTION=false`: graphql-js's own rule refuses `__schema` and `__type` at validation. */
export function useNoIntrospection(): Plugin {
  return {
    onValidate: ({ addValidationRule }) => {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
