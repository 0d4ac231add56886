// GraphiQL as a newcomer's browser gets it: opening on runnable documents (the newest jobs with
// providerErrors, and a jobUpdated subscription), compressed, cacheable, and linked from the dashboard at `/`.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../support/gateway.js';

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 4 });
});

afterAll(async () => {
  await world?.close();
});

/** A page load as a browser sends it; undici leaves the body encoded, as it came. */
async function load(headers: Record<string, string> = {}) {
  const answer = await request(world.url, { headers: { accept: 'text/html', ...headers } });
  return { status: answer.statusCode, headers: answer.headers, body: Buffer.from(await answer.body.arrayBuffer()) };
}

describe('GraphiQL', () => {
  it('opens on the newest jobs and a subscription tab, served compressed', async () => {
    const plain = await load();
    expect(plain.status).toBe(200);
    const html = plain.body.toString('utf8');
    // The page is megabytes: compare booleans, so a failure does not print it.
    expect(html.includes('query NewestJobs')).toBe(true);
    expect(html.includes('providerErrors { provider code message }')).toBe(true);
    expect(html.includes('subscription FollowJob')).toBe(true);

    const br = await load({ 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(html.length / 4);

    const gzip = await load({ 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(gzip.headers['vary']).toBe('accept-encoding');
  });

  it('is cacheable: an ETag, and a 304 without the page for a browser that has it', async () => {
    const first = await load({ 'accept-encoding': 'br' });
    const etag = first.headers['etag'];
    expect(typeof etag).toBe('string');
    expect(first.headers['cache-control']).toMatch(/max-age=\d+/);
    const again = await load({ 'accept-encoding': 'br', 'if-none-match': String(etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('is linked from the dashboard at `/`', async () => {
    const answer = await request(world.url.replace(/\/graphql$/, '/'));
    expect(answer.statusCode).toBe(200);
    expect(await answer.body.text()).toContain('href="/graphql"');
  });

  it('leaves GraphQL GET requests to the API', async () => {
    const answer = await request(`${world.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(answer.statusCode).toBe(200);
    expect(await answer.body.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
