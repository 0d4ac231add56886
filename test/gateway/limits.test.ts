// Operation limits, on HTTP and graphql-ws: just under a limit passes, just over is refused with an
// error naming the limit, fast and with zero upstream calls; the probe's bombs are refused the same
// way; malformed request parameters are client errors that echo nothing back.
import { parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bracketsTooDeep, checkShape, DEFAULT_LIMITS, resolveLimits } from '../../src/limits/index.js';
import { loadConfig } from '../../src/config.js';
import { errorExcerpt } from '../../src/providers/http.js';
import { CSRF_HEADER } from '../../src/server.js';
import { gql, startWorld, type World } from '../support/gateway.js';

interface Answer {
  status?: number;
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const upstream = (world: World) =>
  world.demo.ucloud.server.count() + world.demo.rime.server.count() + world.demo.dataManager.server.count() + world.demo.gpu.server.count();

function wsClientOf(world: World): Client {
  return createClient({ url: world.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
}

/** One operation over graphql-ws: its first result, or the errors it was refused with. */
function wsOnce(client: Client, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  return new Promise((resolve) => {
    let dispose = () => {};
    dispose = client.subscribe(
      { query, variables },
      {
        next: (result) => {
          resolve(result as Answer);
          dispose();
        },
        error: (error) => resolve({ errors: Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? error) }] }),
        complete: () => resolve({}),
      },
    );
  });
}

type Transport = 'http' | 'ws';

/** Sends an operation and expects it refused by `limit`, with no upstream call. */
async function expectRefused(world: World, client: Client, transport: Transport, limit: string, query: string, variables?: Record<string, unknown>) {
  const before = upstream(world);
  const answer: Answer = transport === 'http' ? await gql(world.url, query, variables) : await wsOnce(client, query, variables);
  if (transport === 'http') expect(answer.status).toBe(400);
  expect(answer.data ?? null).toBeNull();
  expect(answer.errors?.[0]?.extensions?.['limit'], JSON.stringify(answer.errors)).toBe(limit);
  expect(answer.errors?.[0]?.message).toContain(limit);
  expect(answer.errors?.[0]?.extensions?.['code']).toBe('OPERATION_LIMIT');
  // Give any stray call time to arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(upstream(world) - before).toBe(0);
  return answer;
}

async function expectPassed(world: World, client: Client, transport: Transport, query: string, variables?: Record<string, unknown>) {
  const answer: Answer = transport === 'http' ? await gql(world.url, query, variables) : await wsOnce(client, query, variables);
  if (transport === 'http') expect(answer.status, JSON.stringify(answer.errors)).toBe(200);
  expect(answer.errors?.filter((error) => error.extensions?.['code'] === 'OPERATION_LIMIT') ?? []).toEqual([]);
  expect(answer.data, JSON.stringify(answer.errors)).toBeTruthy();
  return answer;
}

const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_v, i) => f(i)).join(' ');
const gid = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');
const UUID = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

const TIGHT = {
  maxDepth: 4,
  maxAliases: 3,
  maxTokens: 100_000,
  maxDirectives: 3,
  maxCost: 100,
  maxWrites: 5,
  maxCreates: 1,
  maxSubscriptionsPerConnection: 2,
  maxConnectionsPerAddress: 4,
};

describe('limits set low (one world, both transports)', () => {
  let world: World;
  let client: Client;
  beforeAll(async () => {
    world = await startWorld({ config: { limits: TIGHT } });
    client = wsClientOf(world);
  });
  afterAll(async () => {
    await client?.dispose();
    await world?.close();
  });

  describe.each(['http', 'ws'] as const)('over %s', (transport) => {
    it('MAX_DEPTH: 4 fields deep passes, 5 is refused, fragments included', async () => {
      await expectPassed(world, client, transport, '{ jobs(first: 1) { edges { node { id } } } }');
      await expectRefused(world, client, transport, 'MAX_DEPTH', '{ jobs(first: 1) { edges { node { capabilities { cancel } } } } }');
      await expectRefused(
        world,
        client,
        transport,
        'MAX_DEPTH',
        '{ ...A } fragment A on Query { jobs(first: 1) { ...B } } fragment B on JobConnection { edges { node { ... on Job { capabilities { cancel } } } } }',
      );
    });

    it('MAX_ALIASES: 3 pass, 4 are refused, fragments included', async () => {
      await expectPassed(world, client, transport, '{ a: __typename b: __typename c: __typename }');
      await expectRefused(world, client, transport, 'MAX_ALIASES', '{ a: __typename b: __typename c: __typename d: __typename }');
      await expectRefused(world, client, transport, 'MAX_ALIASES', '{ ...F x: __typename } fragment F on Query { a: __typename b: __typename c: __typename }');
    });

    it('MAX_DIRECTIVES: 3 pass, 4 are refused', async () => {
      await expectPassed(world, client, transport, '{ __typename @include(if: true) __typename @skip(if: false) __typename @include(if: true) }');
      await expectRefused(
        world,
        client,
        transport,
        'MAX_DIRECTIVES',
        '{ __typename @include(if: true) __typename @skip(if: false) __typename @include(if: true) __typename @include(if: true) }',
      );
    });

    it('MAX_COST: jobs(first: n) costs n per backend, with literals or variables', async () => {
      // Four backends: 4 × 25 = 100.
      await expectPassed(world, client, transport, '{ jobs(first: 25) { pageInfo { hasNextPage } } }');
      await expectRefused(world, client, transport, 'MAX_COST', '{ jobs(first: 26) { pageInfo { hasNextPage } } }');
      const byVariable = 'query Page($n: Int) { jobs(first: $n) { pageInfo { hasNextPage } } }';
      await expectPassed(world, client, transport, byVariable, { n: 25 });
      await expectRefused(world, client, transport, 'MAX_COST', byVariable, { n: 26 });
      // The default page (20) on four backends is 80; a second alias makes it 160.
      await expectRefused(world, client, transport, 'MAX_COST', '{ jobs { pageInfo { hasNextPage } } again: jobs { pageInfo { hasNextPage } } }');
      // A filter naming one backend reaches only that one.
      await expectPassed(world, client, transport, '{ jobs(first: 100, filter: { providers: [GPU] }) { pageInfo { hasNextPage } } }');
    });

    it('MAX_COST: nodes(ids) costs one per ID, summed over aliases', async () => {
      const ids = Array.from({ length: 50 }, (_v, i) => gid('RimeJob', UUID(i)));
      const query = 'query Two($a: [ID!]!, $b: [ID!]!) { a: nodes(ids: $a) { id } b: nodes(ids: $b) { id } }';
      await expectPassed(world, client, transport, query, { a: ids, b: ids });
      await expectRefused(world, client, transport, 'MAX_COST', query, { a: ids, b: [...ids, ids[0]] });
    });

    it('MAX_WRITES: cancelJobs counts its IDs', async () => {
      const ids = (n: number) => Array.from({ length: n }, (_v, i) => gid('GpuJob', UUID(i)));
      const query = 'mutation Cancel($ids: [ID!]!) { cancelJobs(ids: $ids) { __typename } }';
      await expectPassed(world, client, transport, query, { ids: ids(5) });
      await expectRefused(world, client, transport, 'MAX_WRITES', query, { ids: ids(6) });
      await expectRefused(world, client, transport, 'MAX_WRITES', 'mutation Cancel($ids: [ID!]!) { cancelJobs(ids: $ids) { __typename } one: cancelJob(id: "x") { __typename } }', {
        ids: ids(5),
      });
    });

    it('MAX_CREATES: a second job created in one operation is refused', async () => {
      const create = (alias: string) => `${alias}: createGpuJob(input: $input) { __typename }`;
      await expectRefused(world, client, transport, 'MAX_CREATES', `mutation Two($input: CreateGpuJobInput!) { ${create('a')} ${create('b')} }`, {
        input: { title: 'x', maxTimeoutRunMs: 1000, docker: { image: 'alpine' } },
      });
    });

    it('nesting is bounded whatever MAX_TOKENS allows: 5,000 nested inline fragments are a 400, not a stack overflow', async () => {
      const deep = `{ ${'... on Query { '.repeat(5_000)}__typename${' }'.repeat(5_000)} }`;
      await expectRefused(world, client, transport, 'MAX_NESTING', deep);
      const deepList = `{ nodes(ids: ${'['.repeat(5_000)}"x"${']'.repeat(5_000)}) { id } }`;
      await expectRefused(world, client, transport, 'MAX_NESTING', deepList);
      // Within the bracket bound, the selection nesting bound still holds.
      await expectRefused(world, client, transport, 'MAX_NESTING', `{ ${'... on Query { '.repeat(100)}__typename${' }'.repeat(100)} }`);
      const spreads = `{ ...F0 } ${Array.from({ length: 2_000 }, (_v, i) => `fragment F${i} on Query { ${i < 1_999 ? `...F${i + 1}` : '__typename'} }`).join(' ')}`;
      await expectRefused(world, client, transport, 'MAX_NESTING', spreads);
    });
  });

  it('graphql-ws: a connection may run WS_MAX_SUBSCRIPTIONS operations at once; one more is refused, the others go on', async () => {
    const page = (await gql(world.url, '{ jobs(first: 1) { edges { node { id } } } }')) as Answer & { data: { jobs: { edges: { node: { id: string } }[] } } };
    const id = page.data.jobs.edges[0]!.node.id;
    const own = wsClientOf(world);
    const seen: unknown[][] = [[], []];
    const subscription = (n: number) =>
      new Promise<void>((resolve) => {
        own.subscribe(
          { query: 'subscription Watch($id: ID!) { jobUpdated(id: $id) { id state } }', variables: { id } },
          { next: (value) => { seen[n]!.push(value); resolve(); }, error: () => resolve(), complete: () => resolve() },
        );
      });
    await Promise.all([subscription(0), subscription(1)]);
    expect(seen[0]!.length).toBeGreaterThan(0);
    expect(seen[1]!.length).toBeGreaterThan(0);
    const before = upstream(world);
    const third = await wsOnce(own, 'subscription Watch($id: ID!) { jobUpdated(id: $id) { id } }', { id });
    expect(third.errors?.[0]?.extensions?.['limit']).toBe('WS_MAX_SUBSCRIPTIONS');
    expect(third.errors?.[0]?.message).toContain('WS_MAX_SUBSCRIPTIONS');
    expect(upstream(world) - before).toBe(0);
    // The connection is still usable for a query (it holds the two subscriptions only).
    await own.dispose();
  });

  it('graphql-ws: one connection more than WS_MAX_CONNECTIONS_PER_ADDRESS is closed with 1013 and a reason', async () => {
    const wsUrl = world.url.replace(/^http/, 'ws');
    const open = (): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }> }> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
        const closed = new Promise<{ code: number; reason: string }>((done) => socket.once('close', (code, reason) => done({ code, reason: String(reason) })));
        socket.once('open', () => resolve({ socket, closed }));
        socket.once('error', reject);
      });
    // The shared client of the other tests may hold one place already: fill up to the cap.
    const sockets: Awaited<ReturnType<typeof open>>[] = [];
    let refused: { code: number; reason: string } | null = null;
    for (let i = 0; i < TIGHT.maxConnectionsPerAddress + 1 && refused === null; i++) {
      const next = await open();
      const outcome = await Promise.race([next.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 150))]);
      if (outcome) refused = outcome;
      else sockets.push(next);
    }
    expect(refused?.code).toBe(1013);
    expect(refused?.reason).toContain('WS_MAX_CONNECTIONS_PER_ADDRESS');
    for (const { socket } of sockets) socket.close();
    await Promise.all(sockets.map(({ closed }) => closed));
    // Places are given back when connections close.
    const again = await open();
    const outcome = await Promise.race([again.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 150))]);
    expect(outcome).toBeNull();
    again.socket.close();
  });
});

describe('default limits: the probe bombs', () => {
  let world: World;
  let client: Client;
  beforeAll(async () => {
    world = await startWorld();
    client = wsClientOf(world);
  });
  afterAll(async () => {
    await client?.dispose();
    await world?.close();
  });

  const page = 'edges { node { id name state } } pageInfo { hasNextPage }';
  const rimeIds = Array.from({ length: 100 }, (_v, i) => gid('RimeJob', UUID(i)));
  const ids100 = Array.from({ length: 100 }, (_v, i) => gid('GpuJob', UUID(i)));
  const bombs: [string, string, string, Record<string, unknown>?][] = [
    ['300 aliases of jobs(first: 100)', 'MAX_TOKENS', `{ ${repeat(300, (i) => `a${i}: jobs(first: 100) { ${page} }`)} }`],
    ['1,000 aliases of jobs(first: 100)', 'MAX_TOKENS', `{ ${repeat(1_000, (i) => `a${i}: jobs(first: 100) { ${page} }`)} }`],
    ['100 aliases of nodes(ids: [100 RIME ids])', 'MAX_ALIASES', `query N($ids: [ID!]!) { ${repeat(100, (i) => `a${i}: nodes(ids: $ids) { id }`)} }`, { ids: rimeIds }],
    ['100 aliases of jobs(first: 100), small selections', 'MAX_ALIASES', `{ ${repeat(100, (i) => `a${i}: jobs(first: 100) { pageInfo { hasNextPage } }`)} }`],
    ['25 aliases of nodes(ids: [100 RIME ids]), within MAX_ALIASES', 'MAX_COST', `query N($ids: [ID!]!) { ${repeat(25, (i) => `a${i}: nodes(ids: $ids) { id }`)} }`, { ids: rimeIds }],
    ['10 aliases of jobs(first: 100), within MAX_ALIASES', 'MAX_COST', `{ ${repeat(10, (i) => `a${i}: jobs(first: 100) { ${page} }`)} }`],
    ['5,000 @include directives', 'MAX_TOKENS', `{ ${repeat(5_000, () => '__typename @include(if: true)')} }`],
    ['60 @include directives, within MAX_TOKENS', 'MAX_DIRECTIVES', `{ ${repeat(60, () => '__typename @include(if: true)')} }`],
    ['20 aliases of cancelJobs(ids: [100 ids])', 'MAX_WRITES', `mutation C($ids: [ID!]!) { ${repeat(20, (i) => `a${i}: cancelJobs(ids: $ids) { __typename }`)} }`, { ids: ids100 }],
    [
      '20 aliased createGpuJob',
      'MAX_CREATES',
      `mutation G($input: CreateGpuJobInput!) { ${repeat(20, (i) => `a${i}: createGpuJob(input: $input) { __typename }`)} }`,
      { input: { title: 'bomb', maxTimeoutRunMs: 60_000, docker: { image: 'alpine' } } },
    ],
    ['inline fragments nested 5,000 deep', 'MAX_NESTING', `{ ${'... on Query { '.repeat(5_000)}__typename${' }'.repeat(5_000)} }`],
  ];

  describe.each(['http', 'ws'] as const)('over %s', (transport) => {
    it.each(bombs)('%s is refused (%s), fast, with zero upstream calls', async (_name, limit, query, variables) => {
      await expectRefused(world, client, transport, limit, query, variables);
    });
  });

  it('500,000 __typename aliases (9.4 MB) are refused at once with zero upstream calls', async () => {
    const query = `{ ${repeat(500_000, (i) => `a${i}: __typename`)} }`;
    expect(query.length).toBeGreaterThan(9_000_000);
    await expectRefused(world, client, 'http', 'MAX_TOKENS', query);
  });

  it('the default limits have room: GraphiQL introspection and a full page pass', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const introspection = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    await expectPassed(world, client, 'http', introspection);
    await expectPassed(world, client, 'ws', introspection);
    await expectPassed(world, client, 'http', `{ jobs(first: 100) { ${page} } }`);
    // 22 tokens around the list; commas are not tokens.
    const padded = (k: number) => `{ jobs(first: 0, filter: { states: [${'RUNNING, '.repeat(k)}] }) { pageInfo { hasNextPage } } }`;
    await expectPassed(world, client, 'http', padded(DEFAULT_LIMITS.maxTokens - 22));
    await expectPassed(world, client, 'ws', padded(DEFAULT_LIMITS.maxTokens - 22));
    await expectRefused(world, client, 'http', 'MAX_TOKENS', padded(DEFAULT_LIMITS.maxTokens - 21));
    await expectRefused(world, client, 'ws', 'MAX_TOKENS', padded(DEFAULT_LIMITS.maxTokens - 21));
  });

  it('no field suggestions', async () => {
    for (const answer of [await gql(world.url, '{ jbos }'), await wsOnce(client, '{ jbos }')]) {
      expect(answer.errors?.[0]?.message).toContain('Cannot query field "jbos"');
      expect(answer.errors?.[0]?.message).not.toMatch(/Did you mean/);
    }
  });

  it('a GET whose variables or extensions is not JSON is a 400 that echoes nothing', async () => {
    for (const parameter of ['variables', 'extensions']) {
      const url = `${world.url}?query=${encodeURIComponent('{ __typename }')}&${parameter}=${encodeURIComponent('{not json SECRET')}`;
      const response = await fetch(url, { headers: { [CSRF_HEADER]: '1', accept: 'application/graphql-response+json' } });
      const text = await response.text();
      expect(response.status).toBe(400);
      expect(text).not.toContain('Unexpected error');
      expect(text).not.toContain('SECRET');
      expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
    }
  });

  it('a 10 MB invalid JSON body is a short 400', async () => {
    const body = `{"query": "${'x'.repeat(10 * 1024 * 1024)}`;
    const response = await fetch(world.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text.length).toBeLessThan(2_000);
    expect(text).not.toContain('xxxxxxxxxx');
  });
});

describe('pieces', () => {
  it('checkShape never recurses past MAX_NESTING, however deep the document', () => {
    const deep = parse(`{ ${'... on Query { '.repeat(500)}__typename${' }'.repeat(500)} }`);
    expect(checkShape(deep, DEFAULT_LIMITS)?.extensions['limit']).toBe('MAX_NESTING');
  });

  it('exponentially spread fragments are counted, not expanded', () => {
    const chain = Array.from({ length: 40 }, (_v, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const document = parse(`{ ...F0 } ${chain} fragment F40 on Query { a: __typename }`);
    // Expanded, 2^40 spreads would never finish (the test would time out); counted, the total is exact.
    const error = checkShape(document, DEFAULT_LIMITS);
    expect(error?.extensions['limit']).toBe('MAX_ALIASES');
    expect(error?.extensions['found']).toBe(2 ** 40);
  });

  it('bracketsTooDeep skips strings and comments', () => {
    expect(bracketsTooDeep('{ a(s: "{{{{{{") # {{{{{{\n }', 3)).toBe(false);
    expect(bracketsTooDeep('{ a(s: """{{{{{{ \\""" {{{{""") }', 3)).toBe(false);
    expect(bracketsTooDeep('{{{{', 3)).toBe(true);
  });

  it('the limits are read from the environment, checked like every variable', () => {
    expect(loadConfig({}).limits).toBeUndefined();
    expect(loadConfig({ MAX_COST: '7', MAX_DEPTH: '3', WS_MAX_SUBSCRIPTIONS: '2', WS_MAX_CONNECTIONS_PER_ADDRESS: '9' }).limits).toEqual({
      maxCost: 7,
      maxDepth: 3,
      maxSubscriptionsPerConnection: 2,
      maxConnectionsPerAddress: 9,
    });
    expect(() => loadConfig({ MAX_COST: 'lots', MAX_ALIASES: '-1' })).toThrow(/MAX_ALIASES must be a whole number[\s\S]*MAX_COST must be a whole number/);
  });

  it('resolveLimits lays what is set over the defaults', () => {
    expect(resolveLimits({ maxCost: 7 })).toEqual({ ...DEFAULT_LIMITS, maxCost: 7 });
  });

  it('a backend error body reaches clients as a short plain excerpt', () => {
    expect(errorExcerpt('<html><body>502 Bad Gateway</body></html>')).toBe('502 Bad Gateway');
    expect(errorExcerpt('<html><head><style>a{}</style><script>x()</script></head><body><h1>Oops</h1>\n\n  more</body>')).toBe('Oops more');
    expect(errorExcerpt('x'.repeat(10_000))!.length).toBeLessThanOrEqual(200);
    expect(errorExcerpt('<p></p>')).toBeNull();
  });
});
