// Request errors (the document or its variables are wrong) name what was wrong — the variable and
// the path inside it as graphql-js says it, the argument and input field of a bad literal — with
// one shape on HTTP and graphql-ws alike, and the GraphQL-over-HTTP status under its media type.
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../support/gateway.js';
import { wsClient } from '../support/subscriptions.js';

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  message: RegExp;
  code: string;
}

const CASES: Case[] = [
  {
    name: 'a variable of the wrong type',
    query: 'query ($n: Int) { jobs(first: $n) { edges { cursor } } }',
    variables: { n: 'ten' },
    message: /^Variable "\$n" got invalid value "ten"; Int cannot represent non-integer value: "ten"$/,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a nested input field of the wrong type',
    query: 'mutation ($input: CreateGpuJobInput!) { createGpuJob(input: $input) { __typename } }',
    variables: { input: { title: 'x', maxTimeoutRunMs: 'soon', docker: { image: 'pytorch/pytorch' } } },
    message: /^Variable "\$input" got invalid value "soon" at "input\.maxTimeoutRunMs"; Float cannot represent/,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a DateTime variable without a zone',
    query: 'query ($f: JobFilter) { jobs(filter: $f) { edges { cursor } } }',
    variables: { f: { createdAfter: '2026-02-01T00:00:00' } },
    message: /^Variable "\$f" got invalid value "2026-02-01T00:00:00" at "f\.createdAfter"; Expected type "DateTime"\. DateTime must be an ISO-8601 string with a time zone/,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a bad inline literal',
    query: '{ jobs(filter: { createdAfter: "yesterday" }) { edges { cursor } } }',
    message: /^Invalid value for argument "filter" at "filter\.createdAfter": Expected value of type "DateTime", found "yesterday"; DateTime must be/,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a bad inline argument',
    query: '{ jobs(first: "ten") { edges { cursor } } }',
    message: /^Invalid value for argument "first": Int cannot represent non-integer value: "ten"$/,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'an unknown field',
    query: '{ jbos }',
    message: /^Cannot query field "jbos" on type "Query"/,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
];

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 2 });
});

afterAll(async () => {
  await world?.close();
});

async function overHttp(c: Case, accept: string): Promise<{ status: number; errors: GraphQLFormattedError[] }> {
  const response = await fetch(world.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ query: c.query, variables: c.variables }),
  });
  const body = (await response.json()) as { errors?: GraphQLFormattedError[] };
  return { status: response.status, errors: body.errors ?? [] };
}

async function overWebSocket(c: Case): Promise<GraphQLFormattedError[]> {
  const client = wsClient(world.url);
  try {
    return await new Promise<GraphQLFormattedError[]>((resolve, reject) => {
      const errors: GraphQLFormattedError[] = [];
      client.subscribe(
        { query: c.query, ...(c.variables ? { variables: c.variables } : {}) },
        {
          next: (result) => errors.push(...(result.errors ?? [])),
          error: (error) => (Array.isArray(error) ? resolve(error as GraphQLFormattedError[]) : reject(error)),
          complete: () => resolve(errors),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe.each(CASES)('$name', (c) => {
  it('names what was wrong, with 400 under application/graphql-response+json', async () => {
    const { status, errors } = await overHttp(c, 'application/graphql-response+json');
    expect(status).toBe(400);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(c.message);
    expect(errors[0]?.extensions?.['code']).toBe(c.code);
  });

  it('answers the same over graphql-ws, with nothing of HTTP in it', async () => {
    const { errors: http } = await overHttp(c, 'application/json');
    const ws = await overWebSocket(c);
    expect(ws.map((error) => error.message)).toEqual(http.map((error) => error.message));
    expect(ws.map((error) => error.extensions ?? {})).toEqual(http.map((error) => error.extensions ?? {}));
    for (const error of ws) expect(error.extensions).not.toHaveProperty('http');
  });
});
