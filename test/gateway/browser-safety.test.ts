// What a web page can make a visitor's browser do to the gateway: no cross-site form or GET runs
// an operation (CSRF), only ALLOWED_ORIGINS get CORS grants and WebSockets, and a page served by the
// gateway itself (GraphiQL) still works. Clients that send no Origin (not browsers) are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gqlData, startWorld, type World } from '../support/gateway.js';
import { sims } from '../support/mutations.js';

const ALLOWED = 'https://app.example.org';
const EVIL = 'https://evil.example';
const MUTATION = 'mutation { cancelJob(id: "R3B1Sm9iOjU2YmRlMzVlLTA0YWMtNDRkZC04ZDgzLTQzNGQ4Zjg1MTA5Ng==") { __typename } }';

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 9, config: { allowedOrigins: [ALLOWED] } });
});

afterAll(async () => {
  await world?.close();
});

const upstreamCalls = (): number => sims(world).reduce((sum, server) => sum + server.count(), 0);

async function post(body: string, contentType: string, headers: Record<string, string> = {}) {
  const response = await fetch(world.url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  await response.arrayBuffer();
  return response;
}

/** Opens a graphql-ws socket as a browser page of `origin` would; resolves how it went. */
function openSocket(origin: string | undefined): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(world.url.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', () => resolve(0));
  });
}

describe('CSRF prevention', () => {
  it.each([
    ['a form post', 'application/x-www-form-urlencoded', `query=${encodeURIComponent(MUTATION)}`],
    ['a text/plain post', 'text/plain', JSON.stringify({ query: MUTATION })],
    ['a multipart post', 'multipart/form-data; boundary=x', `--x\r\ncontent-disposition: form-data; name="query"\r\n\r\n${MUTATION}\r\n--x--\r\n`],
  ])('refuses %s before anything runs', async (_name, contentType, body) => {
    const before = upstreamCalls();
    expect((await post(body, contentType)).status).toBe(403);
    expect(upstreamCalls()).toBe(before);
  });

  it('refuses a GET without the CSRF header, and never runs a mutation over GET', async () => {
    const before = upstreamCalls();
    const query = `${world.url}?query=${encodeURIComponent('{ providers { provider } }')}`;
    expect((await fetch(query)).status).toBe(403);
    const mutation = await fetch(`${world.url}?query=${encodeURIComponent(MUTATION)}`, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(mutation.status).toBe(405);
    expect(upstreamCalls()).toBe(before);
    expect((await fetch(query, { headers: { 'x-graphql-yoga-csrf': '1' } })).status).toBe(200);
  });

  it('serves JSON posts as before', async () => {
    const data = await gqlData<{ providers: { provider: string }[] }, Record<string, never>>(world.url, '{ providers { provider } }');
    expect(data.providers).toHaveLength(4);
  });
});

describe('origins', () => {
  async function preflight(origin: string) {
    const response = await fetch(world.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    await response.arrayBuffer();
    return response.headers;
  }

  it('grants CORS to ALLOWED_ORIGINS only', async () => {
    const allowed = await preflight(ALLOWED);
    expect(allowed.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.get('access-control-allow-credentials')).toBe('true');
    const evil = await preflight(EVIL);
    expect(evil.get('access-control-allow-origin')).toBeNull();
    expect(evil.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses WebSockets from other origins before the upgrade, and takes allowed, same-origin and non-browser ones', async () => {
    expect(await openSocket(EVIL)).toBe(403);
    expect(await openSocket(ALLOWED)).toBe('open');
    expect(await openSocket(new URL(world.url).origin)).toBe('open');
    expect(await openSocket(undefined)).toBe('open');
  });

  it('closes a WebSocket that sends a message far larger than any operation', async () => {
    const code = await new Promise<number>((resolve) => {
      const socket = new WebSocket(world.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      socket.once('open', () => socket.send('x'.repeat(2 * 1024 * 1024)));
      socket.once('close', (closeCode) => resolve(closeCode));
    });
    expect(code).toBe(1009);
  });
});
