// GraphiQL, served by the gateway itself (it works offline) and opening on documents a newcomer can
// run at once. The page inlines every asset (about 9 MB), so it is rendered and compressed once per
// process and served with an ETag: a browser that has it gets a 304, not the page again.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const NEWEST_JOBS = `# The newest jobs of every backend, in one list. A backend that fails leaves its jobs
# out and is named in providerErrors; the other backends still answer.
query NewestJobs {
  jobs(first: 20) {
    edges {
      node {
        id
        provider
        name
        state
        providerState
        createdAt
        capabilities { cancel extend suspend resume logs }
      }
    }
    pageInfo { hasNextPage endCursor }
    providerErrors { provider code message }
  }
}
`;

const FOLLOW_A_JOB = `# Live: the job now, then every change until it ends (over graphql-ws).
# Take an id from the first tab (any edge's node.id) and put it in the variables below.
subscription FollowJob($id: ID!) {
  jobUpdated(id: $id) {
    id
    state
    providerState
    statusMessage
    terminal
  }
}
`;

export interface GraphiQLPage {
  /** True when `request` asks for the page (a browser's GET of the GraphQL path). */
  wants(request: IncomingMessage, path: string): boolean;
  serve(request: IncomingMessage, response: ServerResponse): void;
}

type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the client accepts (q=0 means "not this one"). */
function encodingFor(request: IncomingMessage): Encoding {
  const accepted = new Map<string, number>();
  for (const part of String(request.headers['accept-encoding'] ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    if (name !== '') accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string): boolean => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

interface Rendered {
  etag: string;
  body(encoding: Encoding): Buffer;
}

/** The page for `endpoint`, rendered on first use and kept: every gateway of the process shares it. */
const pages = new Map<string, Rendered>();

function rendered(endpoint: string): Rendered {
  let page = pages.get(endpoint);
  if (page) return page;
  const html = Buffer.from(
    renderGraphiQL({
      endpoint,
      title: 'Job Gateway',
      subscriptionsProtocol: 'WS',
      defaultTabs: [
        { query: NEWEST_JOBS },
        { query: FOLLOW_A_JOB, variables: JSON.stringify({ id: 'paste a Job.id from the first tab' }, null, 2) },
      ],
    }),
    'utf8',
  );
  const compressed = new Map<Encoding, Buffer>([['identity', html]]);
  page = {
    etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`,
    body: (encoding) => {
      let body = compressed.get(encoding);
      if (!body) {
        // Fast settings: a few hundred milliseconds once, for a tenth of the bytes on every load.
        body = encoding === 'br' ? brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : gzipSync(html);
        compressed.set(encoding, body);
      }
      return body;
    },
  };
  pages.set(endpoint, page);
  return page;
}

export function createGraphiQLPage(endpoint: string): GraphiQLPage {
  return {
    wants: (request, path) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      if (new URL(request.url ?? '/', 'http://gateway').pathname !== path) return false;
      // A GraphQL GET (a query string with `query`) is an operation, not a page visit.
      return String(request.headers.accept ?? '').includes('text/html') && !/[?&]query=/.test(request.url ?? '');
    },
    serve: (request, response) => {
      const { etag, body: bodyFor } = rendered(endpoint);
      const encoding = encodingFor(request);
      const headers: Record<string, string> = {
        'content-type': 'text/html; charset=utf-8',
        etag,
        // Cached for a while, then revalidated (a 304 costs nothing) so a new release shows up.
        'cache-control': 'public, max-age=600',
        vary: 'accept-encoding',
      };
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, headers);
        response.end();
        return;
      }
      const body = bodyFor(encoding);
      if (encoding !== 'identity') headers['content-encoding'] = encoding;
      headers['content-length'] = String(body.length);
      response.writeHead(200, headers);
      response.end(request.method === 'HEAD' ? undefined : body);
    },
  };
}
