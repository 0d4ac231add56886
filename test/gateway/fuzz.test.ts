// Fuzzing the gateway with operations built from the schema's own fields, arguments and types,
// then mangled: wrong-typed and missing arguments, variables of the wrong shape, stray directives,
// aliases, fragments, and text cut, duplicated or sprinkled with punctuation. Whatever comes in,
// the answer is never a 5xx, the process never falls over, no graphql-ws socket is closed for an
// operation's sake, and no error shows a file path, a stack or an internal URL.
import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLInputType,
} from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { schema } from '../../src/schema/index.js';
import { CSRF_HEADER } from '../../src/server.js';
import { startWorld, type World } from '../support/gateway.js';

type Gen = fc.GeneratorValue;

const IDS = [
  Buffer.from('GpuJob:00000000-0000-4000-8000-000000000001').toString('base64'),
  Buffer.from('RimeJob:1').toString('base64'),
  Buffer.from('UCloudJob:42').toString('base64'),
  'bm9wZQ==',
  '',
  'not base64 !',
];

const LEAKS: [string, RegExp][] = [
  ['a file path', /(\/(work|home|usr|tmp|src|node_modules)\/|[\w-]+\.(ts|js|mjs|cjs):\d+)/],
  ['a stack', /\n\s+at |\bat [\w.<>]+ \(/],
  ['an internal URL', /https?:\/\/(127\.0\.0\.1|localhost|\[::1\])/],
  ['an internal error', /Unexpected error\.|Maximum call stack|RangeError|TypeError|ReferenceError/],
];

function leaks(text: string): string | null {
  for (const [what, pattern] of LEAKS) if (pattern.test(text)) return what;
  return null;
}

/** A value literal for `type`, sometimes of the wrong kind on purpose. */
function literal(g: Gen, type: GraphQLInputType, depth: number): string {
  if (g(fc.integer, { min: 0, max: 39 }) === 0) return g(fc.constantFrom, 'null', '1', '"x"', 'true', '[]', '{}', 'RUNNING', '-1', '1.5', '99999999999');
  const inner = getNullableType(type) as GraphQLInputType;
  if (isListType(inner)) {
    const n = g(fc.integer, { min: 0, max: 3 });
    return `[${Array.from({ length: n }, () => literal(g, inner.ofType, depth + 1)).join(', ')}]`;
  }
  if (isEnumType(inner)) return g(fc.constantFrom, ...inner.getValues().map((value) => value.name), 'NOPE');
  if (isInputObjectType(inner)) {
    if (depth > 3) return '{}';
    const fields = Object.values(inner.getFields()).filter((field) => isNonNullType(field.type) || g(fc.boolean));
    return `{ ${fields.map((field) => `${field.name}: ${literal(g, field.type, depth + 1)}`).join(', ')} }`;
  }
  switch (getNamedType(inner).name) {
    case 'Int':
      return String(g(fc.integer, { min: -3, max: 130 }));
    case 'Float':
      return String(g(fc.double, { min: -1e6, max: 1e9, noNaN: true, noDefaultInfinity: true }));
    case 'Boolean':
      return String(g(fc.boolean));
    case 'ID':
      return JSON.stringify(g(fc.constantFrom, ...IDS));
    default:
      return JSON.stringify(g(fc.string, { maxLength: 12 }));
  }
}

/** A JSON value for a variable of `type`, sometimes wrong. */
function jsonValue(g: Gen, type: GraphQLInputType, depth: number): unknown {
  if (g(fc.integer, { min: 0, max: 24 }) === 0) return g(fc.constantFrom, null, 0, 'x', true, [], {}, -1, 1e300, '{"a":');
  const inner = getNullableType(type) as GraphQLInputType;
  if (isListType(inner)) return Array.from({ length: g(fc.integer, { min: 0, max: 4 }) }, () => jsonValue(g, inner.ofType, depth + 1));
  if (isEnumType(inner)) return g(fc.constantFrom, ...inner.getValues().map((value) => value.name), 'nope');
  if (isInputObjectType(inner)) {
    if (depth > 3) return {};
    return Object.fromEntries(
      Object.values(inner.getFields())
        .filter((field) => isNonNullType(field.type) || g(fc.boolean))
        .map((field) => [field.name, jsonValue(g, field.type, depth + 1)]),
    );
  }
  switch (getNamedType(inner).name) {
    case 'Int':
      return g(fc.integer, { min: -3, max: 130 });
    case 'Float':
      return g(fc.double, { min: -1e6, max: 1e9, noNaN: true, noDefaultInfinity: true });
    case 'Boolean':
      return g(fc.boolean);
    case 'ID':
      return g(fc.constantFrom, ...IDS);
    default:
      return g(fc.string, { maxLength: 12 });
  }
}

interface Built {
  variables: Record<string, unknown>;
  definitions: string[];
}

function args(g: Gen, list: readonly GraphQLArgument[], built: Built): string {
  const given = list.filter((arg) => isNonNullType(arg.type) ? g(fc.integer, { min: 0, max: 19 }) > 0 : g(fc.boolean));
  if (given.length === 0) return '';
  return `(${given
    .map((arg) => {
      if (g(fc.integer, { min: 0, max: 3 }) === 0) {
        const name = `v${built.definitions.length}`;
        built.definitions.push(`$${name}: ${String(arg.type)}`);
        if (g(fc.integer, { min: 0, max: 15 }) > 0) built.variables[name] = jsonValue(g, arg.type, 0);
        return `${arg.name}: $${name}`;
      }
      return `${arg.name}: ${literal(g, arg.type, 0)}`;
    })
    .join(', ')})`;
}

function directive(g: Gen): string {
  switch (g(fc.integer, { min: 0, max: 16 })) {
    case 0:
      return ` @include(if: ${g(fc.boolean)})`;
    case 1:
      return ` @skip(if: ${g(fc.boolean)})`;
    case 2:
      return ' @deprecated';
    default:
      return '';
  }
}

function selection(g: Gen, type: GraphQLCompositeType, depth: number, built: Built): string {
  const parts: string[] = [];
  if (isObjectType(type) || isInterfaceType(type)) {
    const fields = Object.values(type.getFields());
    const count = g(fc.integer, { min: 1, max: 3 });
    for (let i = 0; i < count; i++) {
      const field = fields[g(fc.integer, { min: 0, max: fields.length - 1 })]!;
      const alias = g(fc.integer, { min: 0, max: 3 }) === 0 ? `a${g(fc.integer, { min: 0, max: 99 })}: ` : '';
      const named = getNamedType(field.type);
      let sub = '';
      if (isCompositeType(named)) sub = depth > 5 ? ' { __typename }' : ` { ${selection(g, named, depth + 1, built)} }`;
      else if (g(fc.integer, { min: 0, max: 39 }) === 0) sub = ' { oops }';
      parts.push(`${alias}${field.name}${args(g, field.args, built)}${directive(g)}${sub}`);
    }
  }
  if (isUnionType(type) || isInterfaceType(type)) {
    const possible = schema.getPossibleTypes(type);
    const target = possible[g(fc.integer, { min: 0, max: possible.length - 1 })];
    if (target && depth <= 5) parts.push(`... on ${target.name} { ${selection(g, target, depth + 1, built)} }`);
  }
  if (parts.length === 0 || g(fc.integer, { min: 0, max: 4 }) === 0) parts.push('__typename');
  return parts.join(' ');
}

interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

function operation(g: Gen, kinds: readonly ('query' | 'mutation' | 'subscription')[]): Operation {
  const kind = g(fc.constantFrom, ...kinds);
  const root = kind === 'query' ? schema.getQueryType()! : kind === 'mutation' ? schema.getMutationType()! : schema.getSubscriptionType()!;
  const built: Built = { variables: {}, definitions: [] };
  let body = selection(g, root, 1, built);
  if (kind === 'subscription') body = body.split(/ (?=[a-z]\w*[ ({@])/)[0] ?? body;
  const useFragment = g(fc.integer, { min: 0, max: 5 }) === 0;
  let query = useFragment
    ? `${kind} Op${built.definitions.length ? `(${built.definitions.join(', ')})` : ''} { ...F } fragment F on ${root.name} { ${body} }`
    : `${kind}${built.definitions.length ? ` Op(${built.definitions.join(', ')})` : ''} { ${body} }`;
  // Mangle the text now and then.
  const mangles = g(fc.integer, { min: 0, max: 4 }) === 0 ? g(fc.integer, { min: 1, max: 3 }) : 0;
  for (let i = 0; i < mangles; i++) {
    const at = g(fc.integer, { min: 0, max: Math.max(0, query.length - 1) });
    switch (g(fc.integer, { min: 0, max: 3 })) {
      case 0:
        query = query.slice(0, at) + query.slice(at + g(fc.integer, { min: 1, max: 8 }));
        break;
      case 1:
        query = query.slice(0, at) + g(fc.constantFrom, '{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '...', '"', '\\', '#', '"""', '\u0000', 'é', '1e999') + query.slice(at);
        break;
      case 2:
        query = query.slice(0, at) + query.slice(at, at + 30).repeat(g(fc.integer, { min: 2, max: 40 })) + query.slice(at);
        break;
      default:
        query = query.slice(0, at);
    }
  }
  return { query, variables: built.variables };
}

describe('fuzzing from the schema', () => {
  let world: World;
  let client: Client;
  const closes: number[] = [];
  beforeAll(async () => {
    world = await startWorld();
    client = createClient({
      url: world.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
  });
  afterAll(async () => {
    await client?.dispose();
    await world?.close();
  });

  const check = (where: string, status: number, text: string, op: Operation) => {
    expect(status, `${where}: ${op.query}\n${text.slice(0, 500)}`).toBeLessThan(500);
    const leak = leaks(text);
    expect(leak, `${where} showed ${leak}: ${op.query}\n${text.slice(0, 500)}`).toBeNull();
  };

  it('POST: a few hundred mutated operations, never a 5xx or a leak', async () => {
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const op = operation(g, ['query', 'query', 'query', 'mutation']);
        const variables = g(fc.integer, { min: 0, max: 9 }) === 0 ? g(fc.constantFrom, null, 'x', [1], 5) : op.variables;
        const response = await fetch(world.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: g(fc.constantFrom, 'application/json', 'application/graphql-response+json') },
          body: JSON.stringify({ query: op.query, variables }),
        });
        check('POST', response.status, await response.text(), op);
      }),
      { numRuns: 400, seed: 20260115 },
    );
  });

  it('GET: queries with mangled variables and extensions, never a 5xx or a leak', async () => {
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const op = operation(g, ['query']);
        const json = JSON.stringify(op.variables);
        const variables = g(fc.integer, { min: 0, max: 2 }) === 0 ? json.slice(0, g(fc.integer, { min: 0, max: json.length })) : json;
        const extensions = g(fc.constantFrom, undefined, '{}', '{', 'null', '[1]', '{"persistedQuery":{"version":1,"sha256Hash":"x"}}');
        const params = new URLSearchParams({ query: op.query, variables });
        if (extensions !== undefined) params.set('extensions', extensions);
        const response = await fetch(`${world.url}?${params}`, { headers: { [CSRF_HEADER]: '1', accept: 'application/graphql-response+json' } });
        check('GET', response.status, await response.text(), op);
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  it('graphql-ws: mutated operations answer as errors, the socket stays open', async () => {
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const op = operation(g, ['query', 'query', 'mutation', 'subscription']);
        const text = await new Promise<string>((resolve) => {
          const seen: unknown[] = [];
          let dispose = () => {};
          const timer = setTimeout(() => {
            dispose();
            resolve(JSON.stringify(seen));
          }, 300);
          dispose = client.subscribe(
            { query: op.query, variables: op.variables },
            {
              next: (value) => {
                seen.push(value);
                clearTimeout(timer);
                dispose();
                resolve(JSON.stringify(seen));
              },
              error: (error) => {
                clearTimeout(timer);
                resolve(JSON.stringify(error instanceof Error ? error.message : error));
              },
              complete: () => {
                clearTimeout(timer);
                resolve(JSON.stringify(seen));
              },
            },
          );
        });
        check('graphql-ws', 200, text, op);
        expect(closes.filter((code) => code !== 1000), `graphql-ws socket closed after: ${op.query}`).toEqual([]);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('the gateway still answers afterwards', async () => {
    const response = await fetch(world.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
