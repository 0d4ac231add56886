// AUTH_MODE=jwt through every transport a client has (HTTP, SSE, graphql-ws), against a real
// issuer serving its JWKS over HTTP: every bad token is a 401 (graphql-ws: close 4401) that calls
// no backend and echoes nothing of the token; scopes decide reads and writes before any backend
// call; keys rotate without a restart; a token's expiry ends what was opened with it.
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GatewayOptions } from '../../src/server.js';
import { CSRF_HEADER } from '../../src/server.js';
import { gql, startWorld, type World } from '../support/gateway.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';
import { newGpuJob, newUCloudJob } from '../support/jobs.js';
import { globalId, until } from '../support/live.js';
import { subscribeSse, subscribeWs, type Received } from '../support/subscriptions.js';

const JOBS = 'query Jobs { jobs(first: 5) { edges { node { id provider } } providerErrors { provider code } } }';
const JOB_UPDATED = 'subscription JobUpdated($id: ID!) { jobUpdated(id: $id) { id providerJobId state } }';

interface FormattedError {
  message: string;
  extensions?: Record<string, unknown>;
}

interface Answer {
  data?: unknown;
  errors?: FormattedError[];
}

interface HttpAnswer extends Answer {
  status: number;
  headers: Headers;
  /** The whole response as the client saw it: status line aside, every header and the body. */
  raw: string;
}

interface Closed {
  code: number;
  reason: string;
}

interface Snapshot {
  id: string;
  providerJobId: string;
  state: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const upstream = (world: World): number =>
  world.demo.ucloud.server.count() + world.demo.rime.server.count() + world.demo.dataManager.server.count() + world.demo.gpu.server.count();

/** `run`, and how many requests reached the four simulators meanwhile (stray ones included). */
async function upstreamDuring<T>(world: World, run: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const before = upstream(world);
  const result = await run();
  // Give any stray call time to arrive before counting.
  await sleep(30);
  return { result, calls: upstream(world) - before };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

function headerText(headers: Headers): string {
  return [...headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
}

async function answerOf(response: Response): Promise<HttpAnswer> {
  const body = await response.text();
  let parsed: Answer = {};
  try {
    parsed = JSON.parse(body) as Answer;
  } catch {
    // Not JSON: `raw` still has it.
  }
  return { status: response.status, headers: response.headers, raw: `${headerText(response.headers)}\n\n${body}`, ...parsed };
}

async function post(world: World, query: string, headers: Record<string, string>, variables?: Record<string, unknown>): Promise<HttpAnswer> {
  const response = await fetch(world.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return answerOf(response);
}

/** A GET asking for an SSE stream, as an EventSource-style client sends it (with the CSRF header). */
async function sseGet(world: World, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<HttpAnswer> {
  const target = new URL(world.url);
  target.searchParams.set('query', query);
  target.searchParams.set('variables', JSON.stringify(variables));
  const response = await fetch(target, { headers: { accept: 'text/event-stream', [CSRF_HEADER]: '1', ...headers } });
  return answerOf(response);
}

/**
 * A graphql-ws client that sends `connectionParams` and then, once acknowledged, one operation;
 * resolves to the close the server answered `connection_init` with, or 'acknowledged'.
 */
async function wsConnect(world: World, connectionParams: Record<string, string>): Promise<{ closed: Closed | null; acknowledged: boolean; ran: Answer | null }> {
  let closed: Closed | null = null;
  let acknowledged = false;
  const client = createClient({
    url: world.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams,
    on: {
      connected: () => {
        acknowledged = true;
      },
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closed ??= { code, reason: String(reason) };
      },
    },
  });
  const ran = await wsOnce(client, JOBS);
  await client.dispose();
  return { closed, acknowledged, ran: ran.errors?.[0]?.message === 'socket closed' ? null : ran };
}

/**
 * One query or mutation over graphql-ws: its result, or the errors it was refused with. Not
 * disposed on `next`: the server completes it, and disposing as well would make graphql-ws's
 * client release its connection lock twice (and close a non-lazy connection).
 */
function wsOnce(client: Client, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  return new Promise((resolve) => {
    client.subscribe(
      { query, variables },
      {
        next: (result) => resolve(result as Answer),
        error: (error) => resolve({ errors: Array.isArray(error) ? (error as FormattedError[]) : [{ message: 'socket closed' }] }),
        complete: () => resolve({}),
      },
    );
  });
}

function authedClient(world: World, token: string, lazy = true): Client {
  return createClient({ url: world.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy, connectionParams: bearer(token) });
}

/** Neither the token nor any of its dot-separated parts (or a Basic credential) appears in `shown`. */
function expectNothingOf(token: string, shown: string): void {
  const parts = [token, ...token.split(/[. ]/)].filter((part) => part.length >= 8);
  for (const part of parts) expect(shown, `leaks ${part}`).not.toContain(part);
}

function codeOf(answer: Answer): unknown {
  return answer.errors?.[0]?.extensions?.['code'];
}

function streamErrorCode(received: Received<unknown>): unknown {
  const [first] = received.errors;
  return Array.isArray(first) ? (first[0] as FormattedError | undefined)?.extensions?.['code'] : undefined;
}

async function startJwtWorld(issuer: TestIssuer, options: { jwksUrl?: string | null; gateway?: GatewayOptions; seed?: number } = {}): Promise<World> {
  return startWorld({
    seed: options.seed ?? 41,
    config: {
      pollIntervalMs: 50,
      auth: { mode: 'jwt', issuer: issuer.issuer, audience: issuer.audience, jwksUrl: options.jwksUrl === undefined ? issuer.jwksUrl : options.jwksUrl },
    },
    ...(options.gateway ? { gateway: options.gateway } : {}),
  });
}

describe('AUTH_MODE=jwt', () => {
  let issuer: TestIssuer;
  let world: World;
  /** The value of the Authorization header (absent: none at all), by what is wrong with it. */
  const bad: [string, string | null][] = [];

  beforeAll(async () => {
    issuer = await startIssuer();
    world = await startJwtWorld(issuer, { gateway: { auth: { cooldownMs: 100, timeoutMs: 2_000 } } });
    bad.push(
      ['no token', null],
      ['a malformed token', 'Bearer x.y'],
      ['not a Bearer credential', 'Basic YWRhOmh1bnRlcjJodW50ZXIy'],
      ['a wrong signature', `Bearer ${await issuer.wrongSignature()}`],
      ['an unknown kid', `Bearer ${await issuer.sign({}, { key: 'unknown' })}`],
      ['an expired token', `Bearer ${await issuer.sign({}, { expiresInSec: -300 })}`],
      ['a token not yet valid', `Bearer ${await issuer.sign({}, { notBeforeSec: 300 })}`],
      ['another issuer', `Bearer ${await issuer.sign({ iss: 'https://issuer.example' })}`],
      ['another audience', `Bearer ${await issuer.sign({ aud: 'someone-else' })}`],
      ['alg none', `Bearer ${issuer.unsignedToken()}`],
      ['HS256 signed with the public key', `Bearer ${issuer.hs256WithPublicKey()}`],
    );
  });
  afterAll(async () => {
    await world?.close();
    await issuer?.close();
  });

  const headersOf = (authorization: string | null): Record<string, string> => (authorization === null ? {} : { authorization });

  describe('refuses every bad token, calling no backend and echoing nothing of it', () => {
    const cases = [
      'no token',
      'a malformed token',
      'not a Bearer credential',
      'a wrong signature',
      'an unknown kid',
      'an expired token',
      'a token not yet valid',
      'another issuer',
      'another audience',
      'alg none',
      'HS256 signed with the public key',
    ];
    const authorizationOf = (what: string): string | null => {
      const found = bad.find(([name]) => name === what);
      if (!found) throw new Error(`no bad token "${what}"`);
      return found[1];
    };

    it.each(cases)('%s: HTTP 401 UNAUTHENTICATED with a challenge', async (what) => {
      const authorization = authorizationOf(what);
      const { result: answer, calls } = await upstreamDuring(world, () => post(world, JOBS, headersOf(authorization)));
      expect(answer.status, answer.raw).toBe(401);
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
      expect(answer.data ?? null).toBeNull();
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(calls).toBe(0);
      if (authorization !== null) expectNothingOf(authorization, answer.raw);
    });

    it.each(cases)('%s: a mutation is refused the same way', async (what) => {
      const authorization = authorizationOf(what);
      const { result: answer, calls } = await upstreamDuring(world, () => post(world, 'mutation { cancelJob(id: "R3B1Sm9iOng=") { __typename } }', headersOf(authorization)));
      expect(answer.status, answer.raw).toBe(401);
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
      expect(calls).toBe(0);
    });

    it.each(cases)('%s: SSE (GET text/event-stream) 401 UNAUTHENTICATED', async (what) => {
      const authorization = authorizationOf(what);
      const job = globalId('GPU', 'does-not-matter');
      const { result: answer, calls } = await upstreamDuring(world, () => sseGet(world, JOB_UPDATED, { id: job }, headersOf(authorization)));
      expect(answer.status, answer.raw).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(answer.raw).toContain('UNAUTHENTICATED');
      expect(calls).toBe(0);
      if (authorization !== null) expectNothingOf(authorization, answer.raw);
    });

    it.each(cases)('%s: an EventSource client is refused too', async (what) => {
      const authorization = authorizationOf(what);
      const { result: received, calls } = await upstreamDuring(world, async () => {
        const stream = subscribeSse<Snapshot>(world.url, JOB_UPDATED, { id: globalId('GPU', 'x') }, 'jobUpdated', headersOf(authorization));
        await stream.ended(5_000);
        return stream;
      });
      expect(received.values).toEqual([]);
      expect(received.errors.length).toBeGreaterThan(0);
      expect(String((received.errors[0] as { code?: unknown }).code)).toBe('401');
      expect(calls).toBe(0);
    });

    it.each(cases)('%s: graphql-ws closes with 4401 before any operation runs', async (what) => {
      const authorization = authorizationOf(what);
      const { result, calls } = await upstreamDuring(world, () => wsConnect(world, authorization === null ? {} : { authorization }));
      expect(result.acknowledged).toBe(false);
      expect(result.ran).toBeNull();
      expect(result.closed?.code).toBe(4401);
      expect(result.closed?.reason).toMatch(/^Unauthorized: /);
      expect(calls).toBe(0);
      if (authorization !== null) expectNothingOf(authorization, result.closed?.reason ?? '');
    });

    it('an Authorization header that is not a string in connection_init is "no token" (4401)', async () => {
      // graphql-ws payloads are JSON: a client may send anything there.
      const socket = new WebSocket(world.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: ['Bearer', 'x'] } }));
      const code = await new Promise<number>((resolve) => socket.once('close', (closeCode: number) => resolve(closeCode)));
      expect(code).toBe(4401);
    });
  });

  describe('a good token with jobs:read jobs:write', () => {
    let token: string;
    beforeAll(async () => {
      token = await issuer.sign({ scope: 'jobs:read jobs:write' });
    });

    it('works over HTTP', async () => {
      const answer = await post(world, JOBS, bearer(token));
      expect(answer.status, answer.raw).toBe(200);
      expect(answer.errors).toBeUndefined();
      const jobs = (answer.data as { jobs: { edges: unknown[]; providerErrors: unknown[] } }).jobs;
      expect(jobs.edges).toHaveLength(5);
      expect(jobs.providerErrors).toEqual([]);
      expectNothingOf(token, answer.raw);
    });

    it('also with the scopes as an `scp` array, and a lower-case "bearer"', async () => {
      const scp = await issuer.sign({ scope: undefined, scp: ['jobs:read'] });
      const answer = await post(world, JOBS, { authorization: `bearer ${scp}` });
      expect(answer.status, answer.raw).toBe(200);
      expect(answer.errors).toBeUndefined();
    });

    it('delivers jobUpdated over SSE and graphql-ws', async () => {
      const job = await newGpuJob(world, { title: 'auth test' });
      const id = globalId('GPU', job.providerJobId);
      const sse = subscribeSse<Snapshot>(world.url, JOB_UPDATED, { id }, 'jobUpdated', bearer(token));
      const client = authedClient(world, token);
      try {
        const ws = subscribeWs<Snapshot>(client, JOB_UPDATED, { id }, 'jobUpdated');
        expect((await sse.next()).providerJobId).toBe(job.providerJobId);
        expect((await ws.next()).providerJobId).toBe(job.providerJobId);
        // And a query on the same connection.
        const answer = await wsOnce(client, JOBS);
        expect(answer.errors).toBeUndefined();
        expect((answer.data as { jobs: { edges: unknown[] } }).jobs.edges).toHaveLength(5);
        sse.unsubscribe();
        ws.unsubscribe();
      } finally {
        await client.dispose();
      }
      // Leaving stops the backend watcher at once, not at the next event or at the token's expiry.
      await until(() => world.gateway.services.live.stats().jobWatchers === 0, 1_000, 'watchers to stop');
    });
  });

  describe('scopes', () => {
    let readOnly: string;
    let writeOnly: string;
    let noScopes: string;
    let mutations: [string, string][];

    beforeAll(async () => {
      readOnly = await issuer.sign({ scope: 'jobs:read' });
      writeOnly = await issuer.sign({ scope: 'jobs:write' });
      noScopes = await issuer.sign({ scope: undefined });
      // Real jobs, so that each mutation would reach its backend if it were let through.
      const gpu = globalId('GPU', (await newGpuJob(world, { title: 'scope test' })).providerJobId);
      const ucloud = globalId('UCLOUD', await newUCloudJob(world));
      mutations = [
        ['cancelJob', `mutation { cancelJob(id: "${gpu}") { __typename } }`],
        ['cancelJobs', `mutation { cancelJobs(ids: ["${gpu}", "${ucloud}"]) { __typename } }`],
        ['extendJob', `mutation { extendJob(id: "${ucloud}", duration: { hours: 1 }) { __typename } }`],
        ['suspendJob', `mutation { suspendJob(id: "${ucloud}") { __typename } }`],
        ['resumeJob', `mutation { resumeJob(id: "${ucloud}") { __typename } }`],
        [
          'createGpuJob',
          'mutation { createGpuJob(input: { title: "t", task: BATCH, maxTimeoutRunMs: 3600000, docker: { image: "pytorch/pytorch", tag: "2.5.1-cuda12.4-cudnn9-runtime" } }) { __typename } }',
        ],
        [
          'createUCloudJob',
          'mutation { createUCloudJob(input: { application: { name: "gromacs", version: "2024.3" }, product: { id: "u1-standard-8", category: "u1-standard", provider: "ucloud" }, name: "t", allowDuplicateJob: true, timeAllocation: { hours: 3 } }) { __typename } }',
        ],
      ];
    });

    it('jobs:read only: every mutation is FORBIDDEN over HTTP, with no backend call', async () => {
      for (const [name, mutation] of mutations) {
        const { result: answer, calls } = await upstreamDuring(world, () => post(world, mutation, bearer(readOnly)));
        expect(codeOf(answer), `${name}: ${answer.raw}`).toBe('FORBIDDEN');
        expect(answer.status, name).toBe(403);
        expect(answer.errors?.[0]?.extensions?.['scope']).toBe('jobs:write');
        expect(answer.data ?? null, name).toBeNull();
        expect(calls, name).toBe(0);
      }
    });

    it('jobs:read only: every mutation is FORBIDDEN over graphql-ws, with no backend call; reads still work', async () => {
      const client = authedClient(world, readOnly);
      try {
        for (const [name, mutation] of mutations) {
          const { result: answer, calls } = await upstreamDuring(world, () => wsOnce(client, mutation));
          expect(codeOf(answer), `${name}: ${JSON.stringify(answer)}`).toBe('FORBIDDEN');
          expect(answer.data ?? null, name).toBeNull();
          expect(calls, name).toBe(0);
        }
        const read = await wsOnce(client, JOBS);
        expect(read.errors).toBeUndefined();
      } finally {
        await client.dispose();
      }
    });

    it('the same mutations with jobs:write do reach their backends (so the zero above means something)', async () => {
      for (const [name, mutation] of mutations) {
        const { result: answer, calls } = await upstreamDuring(world, () => post(world, mutation, bearer(writeOnly)));
        expect(answer.status, `${name}: ${answer.raw}`).toBe(200);
        expect(answer.errors, name).toBeUndefined();
        expect(calls, name).toBeGreaterThan(0);
      }
    });

    it('jobs:write only: no query, no subscription (HTTP, SSE, graphql-ws)', async () => {
      const id = globalId('GPU', (await newGpuJob(world, { title: 'write only' })).providerJobId);
      const http = await upstreamDuring(world, () => post(world, JOBS, bearer(writeOnly)));
      expect(codeOf(http.result), http.result.raw).toBe('FORBIDDEN');
      expect(http.result.status).toBe(403);
      expect(http.result.errors?.[0]?.extensions?.['scope']).toBe('jobs:read');
      expect(http.calls).toBe(0);

      // SSE: refused before the stream starts, so a plain 403 (an EventSource sees a failed connection).
      const sse = await upstreamDuring(world, () => sseGet(world, JOB_UPDATED, { id }, bearer(writeOnly)));
      expect(sse.result.status, sse.result.raw).toBe(403);
      expect(sse.result.raw).toContain('"FORBIDDEN"');
      expect(sse.calls).toBe(0);

      const client = authedClient(world, writeOnly);
      try {
        const query = await upstreamDuring(world, () => wsOnce(client, JOBS));
        expect(codeOf(query.result)).toBe('FORBIDDEN');
        expect(query.calls).toBe(0);
        const subscription = await upstreamDuring(world, async () => {
          const stream = subscribeWs<Snapshot>(client, JOB_UPDATED, { id }, 'jobUpdated');
          await stream.ended(5_000);
          return stream;
        });
        expect(subscription.result.values).toEqual([]);
        expect(streamErrorCode(subscription.result), JSON.stringify(subscription.result.errors)).toBe('FORBIDDEN');
        expect(subscription.calls).toBe(0);
      } finally {
        await client.dispose();
      }
    });

    it('no scopes at all: a query is FORBIDDEN', async () => {
      const { result: answer, calls } = await upstreamDuring(world, () => post(world, JOBS, bearer(noScopes)));
      expect(codeOf(answer), answer.raw).toBe('FORBIDDEN');
      expect(calls).toBe(0);
    });
  });

  it('a token expired less than the clock tolerance (30 s) ago is served, not let in and then refused', async () => {
    // The verifier accepts it (clocks may disagree); the scope check must agree with it.
    const token = await issuer.sign({}, { expiresInSec: -10 });
    const answer = await post(world, JOBS, bearer(token));
    expect(answer.status, answer.raw).toBe(200);
    expect(answer.errors, answer.raw).toBeUndefined();
    const client = authedClient(world, token);
    try {
      expect((await wsOnce(client, JOBS)).errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });
});

describe('key rotation', () => {
  const COOLDOWN_MS = 150;
  let issuer: TestIssuer;
  let world: World;

  beforeAll(async () => {
    issuer = await startIssuer({ algorithm: 'ES256' });
    world = await startJwtWorld(issuer, { seed: 42, gateway: { auth: { cooldownMs: COOLDOWN_MS, timeoutMs: 2_000 } } });
  });
  afterAll(async () => {
    await world?.close();
    await issuer?.close();
  });

  it('a token of a newly published key is accepted by the running gateway; the old key still works', async () => {
    const old = await issuer.sign();
    expect((await post(world, JOBS, bearer(old))).status).toBe(200);
    const oldKid = issuer.kid;
    const newKid = await issuer.rotate();
    expect(newKid).not.toBe(oldKid);
    const fresh = await issuer.sign();
    expect(JSON.parse(Buffer.from(fresh.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).toMatchObject({ kid: newKid });
    await sleep(COOLDOWN_MS + 50);
    const fetched = issuer.requests.jwks;
    const answer = await post(world, JOBS, bearer(fresh));
    expect(answer.status, answer.raw).toBe(200);
    expect(answer.errors).toBeUndefined();
    expect(issuer.requests.jwks).toBe(fetched + 1);
    // graphql-ws too, with no further fetch.
    const client = authedClient(world, fresh);
    try {
      expect((await wsOnce(client, JOBS)).errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
    expect((await post(world, JOBS, bearer(old))).status).toBe(200);
    expect(issuer.requests.jwks).toBe(fetched + 1);
  });
});

describe('AUTH_JWKS_URL unset: keys found by OIDC discovery', () => {
  let issuer: TestIssuer;
  let world: World;

  beforeAll(async () => {
    issuer = await startIssuer({ algorithm: 'EdDSA' });
    world = await startJwtWorld(issuer, { seed: 43, jwksUrl: null, gateway: { auth: { cooldownMs: 100, timeoutMs: 2_000 } } });
  });
  afterAll(async () => {
    await world?.close();
    await issuer?.close();
  });

  it('serves a good token, discovering once', async () => {
    const token = await issuer.sign();
    const [first, second] = await Promise.all([post(world, JOBS, bearer(token)), post(world, JOBS, bearer(token))]);
    expect(first?.status, first?.raw).toBe(200);
    expect(second?.status).toBe(200);
    expect(issuer.requests.discovery).toBe(1);
    const client = authedClient(world, token);
    try {
      expect((await wsOnce(client, JOBS)).errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
    expect(issuer.requests.discovery).toBe(1);
  });

  it('refuses a bad one', async () => {
    const token = await issuer.wrongSignature();
    const { result: answer, calls } = await upstreamDuring(world, () => post(world, JOBS, bearer(token)));
    expect(answer.status).toBe(401);
    expect(codeOf(answer)).toBe('UNAUTHENTICATED');
    expect(calls).toBe(0);
  });

  it('picks up a rotated key', async () => {
    await issuer.rotate();
    await sleep(150);
    const answer = await post(world, JOBS, bearer(await issuer.sign()));
    expect(answer.status, answer.raw).toBe(200);
  });
});

describe('a token that expires', () => {
  let issuer: TestIssuer;
  let world: World;

  beforeAll(async () => {
    issuer = await startIssuer();
    // No leeway, so the token ends when its exp says.
    world = await startJwtWorld(issuer, { seed: 44, gateway: { auth: { clockToleranceSec: 0, cooldownMs: 100, timeoutMs: 2_000 } } });
  });
  afterAll(async () => {
    await world?.close();
    await issuer?.close();
  });

  it('ends its graphql-ws and SSE subscriptions with UNAUTHENTICATED, and refuses new operations on the connection', async () => {
    const job = await newGpuJob(world, { title: 'expiring' });
    const id = globalId('GPU', job.providerJobId);
    const exp = Math.floor(Date.now() / 1000) + 3;
    const token = await issuer.sign({ exp });
    let connections = 0;
    let closes = 0;
    const client = createClient({
      url: world.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      // Not lazy: the connection stays open after its last subscription ends.
      lazy: false,
      connectionParams: bearer(token),
      on: {
        connected: () => (connections += 1),
        closed: () => (closes += 1),
      },
    });
    try {
      const ws = subscribeWs<Snapshot>(client, JOB_UPDATED, { id }, 'jobUpdated');
      const sse = subscribeSse<Snapshot>(world.url, JOB_UPDATED, { id }, 'jobUpdated', bearer(token));
      expect((await ws.next()).providerJobId).toBe(job.providerJobId);
      expect((await sse.next()).providerJobId).toBe(job.providerJobId);
      await Promise.all([ws.ended(8_000), sse.ended(8_000)]);
      const endedAt = Date.now();
      expect(endedAt).toBeGreaterThanOrEqual(exp * 1000 - 50);
      expect(endedAt).toBeLessThan(exp * 1000 + 2_000);
      expect(streamErrorCode(ws), JSON.stringify(ws.errors)).toBe('UNAUTHENTICATED');
      expect(streamErrorCode(sse), JSON.stringify(sse.errors)).toBe('UNAUTHENTICATED');

      const { result: after, calls } = await upstreamDuring(world, () => wsOnce(client, JOBS));
      expect(codeOf(after), JSON.stringify(after)).toBe('UNAUTHENTICATED');
      expect(calls).toBe(0);
      const subscription = subscribeWs<Snapshot>(client, JOB_UPDATED, { id }, 'jobUpdated');
      await subscription.ended(5_000);
      expect(streamErrorCode(subscription), JSON.stringify(subscription.errors)).toBe('UNAUTHENTICATED');
      // All on the one connection it was opened with.
      expect({ connections, closes }).toEqual({ connections: 1, closes: 0 });

      // Over HTTP the same token is now a 401.
      expect((await post(world, JOBS, bearer(token))).status).toBe(401);
    } finally {
      await client.dispose();
    }
    await until(() => world.gateway.services.live.stats().jobWatchers === 0, 5_000, 'watchers to stop');
  });
});

describe('without AUTH_MODE=jwt', () => {
  it('demo mode and AUTH_MODE=none serve a caller without any token', async () => {
    for (const auth of [undefined, { mode: 'none' as const }]) {
      const world = await startWorld({ seed: 45, ...(auth ? { config: { auth } } : {}) });
      try {
        const answer = await gql(world.url, JOBS);
        expect(answer.status, JSON.stringify(answer.errors)).toBe(200);
        expect(answer.errors).toBeUndefined();
        // A token is not looked at either.
        const withToken = await gql(world.url, JOBS, undefined, { authorization: 'Bearer x.y' });
        expect(withToken.status).toBe(200);
      } finally {
        await world.close();
      }
    }
  });
});
