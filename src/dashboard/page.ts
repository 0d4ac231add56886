// The jobs dashboard at `/`: one HTML page and its two assets (`/dashboard/app.js`,
// `/dashboard/app.css`), all from the gateway itself (no CDN, works offline), compressed and served
// with ETags like GraphiQL. The page uses the public API only (`/graphql` over HTTP and graphql-ws).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../log.js';
import { asset, dashboardBundle, type Asset } from './assets.js';
import { sendAsset } from '../static-asset.js';

export const DASHBOARD_PATH = '/';
export const DASHBOARD_ASSETS = '/dashboard/';

export interface DashboardOptions {
  /** Where the page sends its operations. */
  graphqlPath: string;
  /** `jwt`: the page asks for a token before anything else. */
  auth: 'none' | 'jwt';
  /** The gateway's poll interval: the page refreshes its status strip at a multiple of it. */
  pollIntervalMs: number;
}

export interface Dashboard {
  /** True for `GET`/`HEAD` of `/` and of anything under `/dashboard/`. */
  wants(request: IncomingMessage): boolean;
  serve(request: IncomingMessage, response: ServerResponse): void;
}

const escapeAttr = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The page's skeleton: landmarks, the filter form and the dialogs are here, so the page is
 * readable (and labelled) before the script runs; the script fills in the rows.
 */
function html(options: DashboardOptions, js: Asset, css: Asset): string {
  const STATES = ['PENDING', 'QUEUED', 'RUNNING', 'SUSPENDED', 'CANCELLING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED', 'UNKNOWN'];
  const BACKENDS: [string, string][] = [
    ['UCLOUD', 'UCloud'],
    ['RIME', 'RIME'],
    ['DATA_MANAGER', 'Data Manager'],
    ['GPU', 'GPU'],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Jobs · Job Gateway</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${DASHBOARD_ASSETS}app.css?v=${css.version}">
<script type="module" src="${DASHBOARD_ASSETS}app.js?v=${js.version}"></script>
</head>
<body data-graphql="${escapeAttr(options.graphqlPath)}" data-auth="${options.auth}" data-poll-ms="${options.pollIntervalMs}">
<a class="skip" href="#jobs">Skip to the jobs</a>
<header class="top">
  <h1>Jobs</h1>
  <p id="live" class="live" role="status" aria-live="polite" data-state="connecting">Connecting…</p>
  <nav class="tools" aria-label="Tools">
    <button type="button" id="open-credentials" class="ghost" hidden>Credentials</button>
    <button type="button" id="sign-out" class="ghost" hidden>Sign out</button>
    <a class="ghost" href="${escapeAttr(options.graphqlPath)}">GraphiQL</a>
  </nav>
</header>
<section id="status" class="status" aria-labelledby="status-title">
  <h2 id="status-title" class="sr-only">Backends</h2>
  <ul id="providers" class="providers"><li class="provider" data-ok="unknown">Asking the backends…</li></ul>
</section>
<form id="filters" class="filters" role="search" aria-label="Filter the jobs">
  <fieldset class="backends">
    <legend>Backend</legend>
    ${BACKENDS.map(([value, label]) => `<label><input type="checkbox" name="provider" value="${value}"> ${label}</label>`).join('\n    ')}
  </fieldset>
  <label class="field">State
    <select name="state" id="filter-state">
      <option value="">Any state</option>
      <option value="ACTIVE">Not ended</option>
      <option value="ENDED">Ended</option>
      ${STATES.map((state) => `<option value="${state}">${state.charAt(0)}${state.slice(1).toLowerCase()}</option>`).join('\n      ')}
    </select>
  </label>
  <label class="field">Created
    <select name="since" id="filter-since">
      <option value="">Any time</option>
      <option value="1h">Last hour</option>
      <option value="24h">Last 24 hours</option>
      <option value="7d">Last 7 days</option>
      <option value="30d">Last 30 days</option>
      <option value="range">Between…</option>
    </select>
  </label>
  <label class="field range">From <input type="datetime-local" name="after" id="filter-after"></label>
  <label class="field range">To <input type="datetime-local" name="before" id="filter-before"></label>
  <label class="field search">Name
    <input type="search" name="q" id="filter-q" placeholder="Search names" autocomplete="off" spellcheck="false">
  </label>
  <button type="reset" class="ghost">Clear</button>
</form>
<div id="alert" class="alert" role="alert" hidden></div>
<main id="jobs" tabindex="-1">
  <table class="jobs" aria-describedby="list-status">
    <caption class="sr-only">Jobs of every backend, newest first</caption>
    <thead>
      <tr><th scope="col">Backend</th><th scope="col">Name</th><th scope="col">State</th><th scope="col">Owner / project</th><th scope="col">Created</th><th scope="col">Running time</th></tr>
    </thead>
    <tbody id="rows"></tbody>
  </table>
  <p id="list-status" class="list-status" role="status" aria-live="polite">Loading jobs…</p>
  <button type="button" id="more" class="ghost more" hidden>Load more jobs</button>
  <div id="sentinel" class="sentinel" aria-hidden="true"></div>
</main>
<dialog id="detail" class="detail" aria-labelledby="detail-title">
  <div class="detail-head">
    <h2 id="detail-title">Job</h2>
    <button type="button" class="ghost close" data-close aria-label="Close the job's details">✕</button>
  </div>
  <div id="detail-actions" class="actions" aria-label="Actions"></div>
  <div id="detail-result" class="result" role="status" aria-live="polite" hidden></div>
  <div id="detail-body" class="detail-body"></div>
  <section class="logs" aria-labelledby="logs-title">
    <div class="logs-head">
      <h3 id="logs-title">Output</h3>
      <fieldset class="streams">
        <legend class="sr-only">Show</legend>
        <label><input type="checkbox" name="STDOUT" checked> <span class="tag stdout">stdout</span></label>
        <label><input type="checkbox" name="STDERR" checked> <span class="tag stderr">stderr</span></label>
        <label><input type="checkbox" name="EVENT" checked> <span class="tag event">events</span></label>
      </fieldset>
      <span id="logs-state" class="logs-state" role="status"></span>
    </div>
    <div id="logs" class="log" role="log" aria-live="off" aria-labelledby="logs-title" tabindex="0"></div>
    <button type="button" id="logs-follow" class="follow" hidden>↓ Newest output</button>
  </section>
</dialog>
<dialog id="confirm" class="confirm" aria-labelledby="confirm-title">
  <form method="dialog">
    <h2 id="confirm-title">Are you sure?</h2>
    <p id="confirm-text"></p>
    <div id="confirm-extra"></div>
    <div class="buttons">
      <button value="cancel" class="ghost">Keep it as it is</button>
      <button value="ok" id="confirm-ok" class="primary">Confirm</button>
    </div>
  </form>
</dialog>
<dialog id="signin" class="confirm" aria-labelledby="signin-title">
  <form method="dialog" id="signin-form">
    <h2 id="signin-title">Sign in</h2>
    <p id="signin-text">This gateway needs an access token (a JWT from your organisation's sign-in) with the <code>jobs:read</code> scope, and <code>jobs:write</code> to change jobs.</p>
    <label class="field">Access token <textarea name="token" id="signin-token" rows="4" required spellcheck="false" autocomplete="off"></textarea></label>
    <p class="hint">Kept in this tab's session storage only. A link ending in <code>#token=…</code> signs in too.</p>
    <div class="buttons"><button value="ok" class="primary">Use this token</button></div>
  </form>
</dialog>
<dialog id="credentials" class="confirm" aria-labelledby="credentials-title">
  <form method="dialog" id="credentials-form">
    <h2 id="credentials-title">Your backend credentials</h2>
    <p>These backends act on your behalf with your own credentials. They are sent with each request to this gateway, kept in this tab's session storage only, and never stored by the gateway.</p>
    <div id="credentials-fields"></div>
    <div class="buttons">
      <button value="cancel" class="ghost">Close</button>
      <button value="clear" class="ghost" id="credentials-clear">Forget them</button>
      <button value="ok" class="primary">Save</button>
    </div>
  </form>
</dialog>
<noscript><p class="alert">The dashboard needs JavaScript. The API itself is at <a href="${escapeAttr(options.graphqlPath)}">${escapeAttr(options.graphqlPath)}</a>.</p></noscript>
</body>
</html>
`;
}

/** The page's policy: only this gateway's script, style and API (`'self'` covers its WebSocket too). */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function createDashboard(options: DashboardOptions): Dashboard {
  // Per gateway (the page names its settings); the assets are shared by the process.
  let page: { html: Asset; js: Asset; css: Asset } | null = null;
  const ready = async () => {
    if (page) return page;
    const { js, css } = await dashboardBundle();
    page = { html: asset('text/html; charset=utf-8', Buffer.from(html(options, js, css), 'utf8')), js, css };
    return page;
  };

  function send(request: IncomingMessage, response: ServerResponse, served: Asset, cache: string, extra: Record<string, string> = {}): void {
    sendAsset(request, response, served, cache, { 'x-content-type-options': 'nosniff', ...extra });
  }

  function notFound(response: ServerResponse): void {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('Not found\n');
  }

  return {
    wants: (request) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      const path = new URL(request.url ?? '/', 'http://gateway').pathname;
      return path === DASHBOARD_PATH || path.startsWith(DASHBOARD_ASSETS);
    },
    serve: (request, response) => {
      const url = new URL(request.url ?? '/', 'http://gateway');
      ready().then(
        (current) => {
          if (url.pathname === DASHBOARD_PATH) {
            // Revalidated on every visit (a 304 costs nothing), so a new release shows at once.
            send(request, response, current.html, 'no-cache', { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' });
            return;
          }
          const name = url.pathname.slice(DASHBOARD_ASSETS.length);
          const served = name === 'app.js' ? current.js : name === 'app.css' ? current.css : null;
          if (!served) {
            notFound(response);
            return;
          }
          // The page names each asset with its hash: that URL never changes content.
          const cache = url.searchParams.get('v') === served.version ? 'public, max-age=31536000, immutable' : 'no-cache';
          send(request, response, served, cache);
        },
        (error: unknown) => {
          log.error('the dashboard could not be built', { error: error instanceof Error ? error.message : String(error) });
          if (response.headersSent) return;
          response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(`The dashboard could not be built; the API is still at ${options.graphqlPath}\n`);
        },
      );
    },
  };
}
