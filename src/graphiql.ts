// GraphiQL, served by the gateway itself (it works offline) and opening on documents a newcomer can
// run at once. The page inlines every asset (about 9 MB), so it is rendered and compressed once per
// process and served with an ETag: a browser that has it gets a 304, not the page again.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { asset, sendAsset, type Asset } from './static-asset.js';

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

/** The page for `endpoint`, rendered on first use and kept: every gateway of the process shares it. */
const pages = new Map<string, Asset>();

function rendered(endpoint: string): Asset {
  let page = pages.get(endpoint);
  if (page) return page;
  const html = renderGraphiQL({
    endpoint,
    title: 'Job Gateway',
    subscriptionsProtocol: 'WS',
    defaultTabs: [
      { query: NEWEST_JOBS },
      { query: FOLLOW_A_JOB, variables: JSON.stringify({ id: 'paste a Job.id from the first tab' }, null, 2) },
    ],
  });
  // Fast settings: a few hundred milliseconds once, for a tenth of the bytes on every load.
  page = asset('text/html; charset=utf-8', Buffer.from(html, 'utf8'), { fast: true });
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
    // Cached for a while, then revalidated (a 304 costs nothing) so a new release shows up.
    serve: (request, response) => sendAsset(request, response, rendered(endpoint), 'public, max-age=600'),
  };
}
