// Introspection is on by default (GraphiQL and code generators read the schema with it), and
// `INTROSPECTION=false` turns it off on every transport, without hints that would map the schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { testConfig } from '../support/config.js';
import { gql, startWorld, type World } from '../support/gateway.js';
import { wsClient } from '../support/subscriptions.js';

const SCHEMA = '{ __schema { queryType { name } } }';
let world: World;
let closed: Gateway;
let closedUrl: string;

beforeAll(async () => {
  world = await startWorld({ seed: 12 });
  closed = createGateway({ ...testConfig(world.demo), introspection: false });
  closedUrl = await closed.listen();
});

afterAll(async () => {
  await closed?.close();
  await world?.close();
});

describe('introspection', () => {
  it('is on by default', async () => {
    const response = await gql(world.url, SCHEMA);
    expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('can be turned off: refused over HTTP and graphql-ws, while operations still run', async () => {
    const http = await gql(closedUrl, SCHEMA);
    expect(http.status).toBe(400);
    expect(http.errors?.[0]?.message).toMatch(/introspection/i);
    const client = wsClient(closedUrl);
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: SCHEMA }, { next: () => undefined, error: resolve, complete: () => resolve(null) });
      });
      expect(JSON.stringify(errors)).toMatch(/introspection/i);
    } finally {
      await client.dispose();
    }
    const jobs = await gql(closedUrl, '{ jobs(first: 1) { edges { cursor } } }');
    expect(jobs.errors).toBeUndefined();
  });

  it('is read from INTROSPECTION', () => {
    expect(loadConfig({ INTROSPECTION: 'false' }).introspection).toBe(false);
    expect(loadConfig({}).introspection).toBeUndefined();
    expect(() => loadConfig({ INTROSPECTION: 'nope' })).toThrow(/INTROSPECTION must be true or false/);
  });
});
