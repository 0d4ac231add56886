// The dashboard as HTTP serves it (no browser needed): the page at `/` and its two assets from the
// gateway itself, compressed, with ETags; and its documents, which must ask for every field of
// every backend type (the detail view shows them all).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { buildSchema, isObjectType, Kind, parse, type FieldNode, type GraphQLObjectType, type SelectionSetNode } from 'graphql';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../support/gateway.js';

let world: World;
let base: string;

beforeAll(async () => {
  world = await startWorld({ seed: 5 });
  base = world.url.replace(/\/graphql$/, '');
});

afterAll(async () => {
  await world?.close();
});

async function get(path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const answer = await request(`${base}${path}`, { method, headers });
  return { status: answer.statusCode, headers: answer.headers, body: Buffer.from(await answer.body.arrayBuffer()) };
}

describe('the dashboard over HTTP', () => {
  it('serves the page at `/` with its assets named by their hashes, under a strict content policy', async () => {
    const page = await get('/', { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const html = page.body.toString('utf8');
    expect(html).toContain('<title>Jobs · Job Gateway</title>');
    expect(html).toContain('data-auth="none"');
    const script = /src="(\/dashboard\/app\.js\?v=[\w-]+)"/.exec(html)?.[1];
    const style = /href="(\/dashboard\/app\.css\?v=[\w-]+)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    // No third-party address anywhere: the page works offline.
    expect(html).not.toMatch(/(src|href)="https?:/);

    const js = await get(script ?? '', { 'accept-encoding': 'gzip' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['cache-control']).toContain('immutable');
    const source = gunzipSync(js.body).toString('utf8');
    expect(source).toContain('DashboardJobs');
    // Small: well under 150 kB before compression, and a fraction of that on the wire.
    expect(source.length).toBeLessThan(150_000);
    expect(js.body.length).toBeLessThan(40_000);

    const css = await get(style ?? '', { 'accept-encoding': 'br' });
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['content-encoding']).toBe('br');
  });

  it('answers a 304 for an asset the browser has, HEAD without a body, 404 for an unknown asset', async () => {
    const first = await get('/dashboard/app.js');
    const again = await get('/dashboard/app.js', { 'if-none-match': String(first.headers['etag']) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // Without the hash the URL may change content: revalidated every time.
    expect(first.headers['cache-control']).toBe('no-cache');

    const head = await get('/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(1_000);
    expect(head.body.length).toBe(0);

    expect((await get('/dashboard/nothing.js')).status).toBe(404);
    // The rest of the gateway is as it was.
    expect((await get('/health')).status).toBe(200);
    expect((await get('/elsewhere')).status).toBe(404);
  });

  it('tells the page about AUTH_MODE=jwt', async () => {
    const jwt = await startWorld({ seed: 6, config: { auth: { mode: 'jwt', issuer: 'https://issuer.example', audience: 'job-gateway', jwksUrl: 'https://issuer.example/jwks' } } });
    try {
      const answer = await request(jwt.url.replace(/\/graphql$/, '/'));
      expect(answer.statusCode).toBe(200);
      expect(await answer.body.text()).toContain('data-auth="jwt"');
    } finally {
      await jwt.close();
    }
  });
});

describe("the dashboard's documents", () => {
  const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
  const document = parse(readFileSync(new URL('../../src/dashboard/client/operations.graphql', import.meta.url), 'utf8'));
  const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));

  /** The fields selected for `type` by a selection set, fragments (named and inline) expanded. */
  function selected(set: SelectionSetNode, type: GraphQLObjectType): Map<string, FieldNode[]> {
    const out = new Map<string, FieldNode[]>();
    const add = (field: FieldNode) => out.set(field.name.value, [...(out.get(field.name.value) ?? []), field]);
    const walk = (inner: SelectionSetNode) => {
      for (const selection of inner.selections) {
        if (selection.kind === Kind.FIELD) add(selection);
        else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const on = selection.typeCondition?.name.value;
          if (!on || on === type.name || type.getInterfaces().some((iface) => iface.name === on)) walk(selection.selectionSet);
        } else {
          const fragment = fragments.get(selection.name.value);
          if (fragment) walk(fragment.selectionSet);
        }
      }
    };
    walk(set);
    return out;
  }

  /** Every field of `type` and of the object types below it, as dotted paths the selection misses. */
  function missing(set: SelectionSetNode, type: GraphQLObjectType, prefix = ''): string[] {
    const chosen = selected(set, type);
    const gaps: string[] = [];
    for (const [name, field] of Object.entries(type.getFields())) {
      const nodes = chosen.get(name);
      if (!nodes) {
        gaps.push(`${prefix}${name}`);
        continue;
      }
      let named = field.type;
      while ('ofType' in named) named = named.ofType;
      if (isObjectType(named)) {
        const inner = nodes.find((node) => node.selectionSet)?.selectionSet;
        if (inner) gaps.push(...missing(inner, named, `${prefix}${name}.`));
      }
    }
    return gaps;
  }

  it.each(['UCloudJob', 'RimeJob', 'DataManagerInstance', 'GpuJob'])('the detail asks for every field of %s', (name) => {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
    const detail = fragments.get('DashboardDetail');
    if (!detail) throw new Error('no DashboardDetail fragment');
    expect(missing(detail.selectionSet, type)).toEqual([]);
  });
});
