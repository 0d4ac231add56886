/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The jobs dashboard: every job of every backend in one table, newest first, paged by cursor as the
// person scrolls, kept current by `jobsUpdated`; a status strip from `providers` and
// `providerErrors`; the job detail (detail.ts). Plain DOM, no framework: the page is small.
import './style.css';
import {
  DashboardJobsDocument,
  DashboardJobsUpdatedDocument,
  DashboardProvidersDocument,
  type DashboardJobsQuery,
  type DashboardProvidersQuery,
  type DashboardRowFragment,
  type JobFilter,
  type JobProvider,
} from '../../../schema/client/graphql.js';
import { Api, AuthRequired, CREDENTIAL_HEADERS, identity, type LiveState } from './api.js';
import { Detail } from './detail.js';
import { fillForm, filterOf, matches, readForm, readView, viewSearch, type View } from './filters.js';
import { BACKEND_LABEL, duration, element, PROVIDERS, stateBadge, timeElement } from './format.js';

const PAGE_SIZE = 50;

type ProviderError = DashboardJobsQuery['jobs']['providerErrors'][number];

const body = document.body;
const api = new Api(body.dataset['graphql'] ?? '/graphql');
const authMode = body.dataset['auth'] === 'jwt' ? 'jwt' : 'none';
const pollMs = Number(body.dataset['pollMs']) || 2_000;
/** The status strip is read again this often (the gateway shares one probe per backend for two seconds). */
const STATUS_EVERY_MS = Math.min(15_000, Math.max(2_000, pollMs * 5));

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('filters');
const rowsBody = $<HTMLTableSectionElement>('rows');
const listStatus = $<HTMLParagraphElement>('list-status');
const more = $<HTMLButtonElement>('more');
const sentinel = $<HTMLDivElement>('sentinel');
const alertBox = $<HTMLDivElement>('alert');
const live = $<HTMLParagraphElement>('live');
const providersList = $<HTMLUListElement>('providers');
const signinDialog = $<HTMLDialogElement>('signin');
const credentialsDialog = $<HTMLDialogElement>('credentials');
const credentialsButton = $<HTMLButtonElement>('open-credentials');
const signOut = $<HTMLButtonElement>('sign-out');

interface Row {
  job: DashboardRowFragment;
  tr: HTMLTableRowElement;
  /** When `job.runningTimeSeconds` was read (the running time ticks on from there). */
  readAt: number;
}

const list = {
  rows: new Map<string, Row>(),
  endCursor: null as string | null,
  hasNextPage: false,
  loading: false,
  /** Bumped when the view changes: answers for an older view are dropped. */
  generation: 0,
  providerErrors: [] as ProviderError[],
  loaded: false,
};

let view: View = readView();
let filter: JobFilter = filterOf(view);
let stopLive: (() => void) | null = null;
let providers: DashboardProvidersQuery['providers'] = [];
let statusTimer: ReturnType<typeof setInterval> | null = null;
let started = false;

// ---- The table ----

/** The list's order: createdAt descending, then provider, then providerJobId, in code-unit order. */
function before(a: DashboardRowFragment, b: DashboardRowFragment): boolean {
  if (a.createdAt !== b.createdAt) return Date.parse(a.createdAt) > Date.parse(b.createdAt);
  if (a.provider !== b.provider) return a.provider < b.provider;
  return a.providerJobId < b.providerJobId;
}

function renderRow(row: Row): void {
  const { job, tr } = row;
  tr.dataset['id'] = job.id;
  tr.dataset['provider'] = job.provider;
  tr.dataset['state'] = job.state;
  const name = element('button', { className: 'name', text: job.name ?? job.providerJobId });
  name.type = 'button';
  name.title = `${job.name ?? ''} (${job.providerJobId})`.trim();
  name.setAttribute('aria-haspopup', 'dialog');
  const who = [job.owner, job.project].filter(Boolean).join(' · ') || '—';
  const cells: [string, Node | string][] = [
    ['Backend', BACKEND_LABEL[job.provider]],
    ['Name', name],
    ['State', stateBadge(job.state)],
    ['Owner / project', who],
    ['Created', timeElement(job.createdAt)],
    ['Running time', duration(runningTime(row))],
  ];
  tr.replaceChildren(
    ...cells.map(([label, content], index) => {
      const cell = element('td', { className: ['backend', 'name-cell', 'state-cell', 'who', 'created', 'running'][index] ?? '' }, content);
      cell.dataset['label'] = label;
      return cell;
    }),
  );
  tr.classList.toggle('left', !matches(filter, job));
  if (tr.classList.contains('left')) tr.title = 'No longer matches the filters (it stays until the list is read again)';
  else tr.removeAttribute('title');
}

function runningTime(row: Row): number | null {
  const { job } = row;
  if (job.runningTimeSeconds == null) return null;
  return job.state === 'RUNNING' ? job.runningTimeSeconds + (Date.now() - row.readAt) / 1_000 : job.runningTimeSeconds;
}

function upsert(job: DashboardRowFragment, position: 'append' | 'sorted'): void {
  const existing = list.rows.get(job.id);
  if (existing) {
    const changed = existing.job.state !== job.state;
    existing.job = job;
    existing.readAt = Date.now();
    renderRow(existing);
    if (changed) flash(existing.tr);
    return;
  }
  const row: Row = { job, tr: element('tr'), readAt: Date.now() };
  renderRow(row);
  list.rows.set(job.id, row);
  if (position === 'append') {
    rowsBody.append(row.tr);
    return;
  }
  const next = [...list.rows.values()].find((other) => other !== row && other.tr.isConnected && before(job, other.job));
  if (next) rowsBody.insertBefore(row.tr, next.tr);
  else rowsBody.append(row.tr);
  flash(row.tr);
}

function flash(tr: HTMLTableRowElement): void {
  tr.classList.remove('changed');
  void tr.offsetWidth;
  tr.classList.add('changed');
}

/** Whether a job the list has not shown yet falls within what is loaded (else a later page brings it). */
function withinLoaded(job: DashboardRowFragment): boolean {
  if (!list.hasNextPage) return true;
  const last = rowsBody.lastElementChild as HTMLTableRowElement | null;
  const lastJob = last ? list.rows.get(last.dataset['id'] ?? '')?.job : undefined;
  return !lastJob || before(job, lastJob);
}

function describeList(): void {
  const count = list.rows.size;
  if (list.loading && count === 0) listStatus.textContent = 'Loading jobs…';
  else if (count === 0) listStatus.textContent = list.providerErrors.length ? 'No jobs to show: see the backends above.' : 'No jobs match these filters.';
  else if (list.hasNextPage) listStatus.textContent = `${count} jobs shown, newest first; more load as you scroll.`;
  else listStatus.textContent = `All ${count} matching jobs shown, newest first.`;
  more.hidden = !list.hasNextPage;
  more.disabled = list.loading;
  more.textContent = list.loading ? 'Loading…' : 'Load more jobs';
  body.dataset['loading'] = String(list.loading);
}

async function loadPage(reset: boolean): Promise<void> {
  if (list.loading && !reset) return;
  if (!reset && list.loaded && !list.hasNextPage) return;
  const generation = reset ? ++list.generation : list.generation;
  list.loading = true;
  describeList();
  try {
    const { jobs } = await api.request(DashboardJobsDocument, { first: PAGE_SIZE, after: reset ? null : list.endCursor, filter });
    if (generation !== list.generation) return;
    if (reset) {
      list.rows.clear();
      rowsBody.replaceChildren();
    }
    for (const edge of jobs.edges) upsert(edge.node, 'append');
    list.endCursor = jobs.pageInfo.endCursor ?? list.endCursor;
    list.hasNextPage = jobs.pageInfo.hasNextPage;
    list.providerErrors = reset ? jobs.providerErrors : mergeErrors(list.providerErrors, jobs.providerErrors);
    list.loaded = true;
    hideAlert();
    renderStatus();
  } catch (error) {
    if (generation !== list.generation) return;
    if (!(error instanceof AuthRequired)) showAlert(`The jobs could not be read: ${(error as Error).message}`);
  } finally {
    if (generation === list.generation) {
      list.loading = false;
      describeList();
      if (!reset || list.loaded) queueMicrotask(() => maybeLoadMore());
    }
  }
}

function mergeErrors(old: ProviderError[], fresh: ProviderError[]): ProviderError[] {
  const byProvider = new Map(old.map((error) => [error.provider, error]));
  for (const error of fresh) byProvider.set(error.provider, error);
  return [...byProvider.values()];
}

/** Reads the first page again and merges it in (after a reconnection: changes may have been missed meanwhile). */
async function refreshTop(): Promise<void> {
  try {
    const { jobs } = await api.request(DashboardJobsDocument, { first: PAGE_SIZE, after: null, filter });
    for (const edge of jobs.edges) upsert(edge.node, 'sorted');
    list.providerErrors = jobs.providerErrors;
    renderStatus();
    describeList();
  } catch {
    // The next reconnection or filter change tries again.
  }
}

function maybeLoadMore(): void {
  if (!list.hasNextPage || list.loading) return;
  if (sentinel.getBoundingClientRect().top < window.innerHeight + 600) void loadPage(false);
}

new IntersectionObserver((entries) => {
  if (entries.some((entry) => entry.isIntersecting)) maybeLoadMore();
}, { rootMargin: '600px 0px' }).observe(sentinel);
more.addEventListener('click', () => void loadPage(false));

// ---- Live updates ----

function subscribeLive(): void {
  stopLive?.();
  const generation = list.generation;
  stopLive = api.subscribe(DashboardJobsUpdatedDocument, { filter }, {
    next: ({ jobsUpdated }) => {
      if (generation !== list.generation) return;
      const { job } = jobsUpdated;
      if (list.rows.has(job.id)) upsert(job, 'sorted');
      else if (matches(filter, job) && withinLoaded(job)) upsert(job, 'sorted');
      detail.tableUpdate(job);
      describeList();
    },
    error: (error) => {
      if (generation !== list.generation || error instanceof AuthRequired) return;
      // A refused subscription (not a lost socket, which graphql-ws retries): try again shortly.
      setLive('reconnecting');
      setTimeout(() => {
        if (generation === list.generation) subscribeLive();
      }, 2_000);
    },
  });
}

function setLive(state: LiveState): void {
  live.dataset['state'] = state;
  live.textContent = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Live updates interrupted: reconnecting…', 'signed-out': 'Not signed in' }[state];
  live.title = state === 'connected' ? 'Changes show as the backends report them' : '';
}

api.listen({
  live: setLive,
  reconnected: () => {
    void refreshTop();
    detail.reload();
  },
  authRequired: (message) => askForToken(message),
});

// ---- The status strip ----

async function refreshStatus(): Promise<void> {
  try {
    providers = (await api.request(DashboardProvidersDocument, {})).providers;
    renderStatus();
    renderCredentialsButton();
  } catch (error) {
    if (error instanceof AuthRequired) return;
    providersList.replaceChildren(element('li', { className: 'provider', text: `The gateway does not answer: ${(error as Error).message}` }));
    providersList.firstElementChild?.setAttribute('data-ok', 'false');
  }
}

function renderStatus(): void {
  if (providers.length === 0) return;
  const errors = new Map(list.providerErrors.map((error) => [error.provider, error]));
  providersList.replaceChildren(
    ...PROVIDERS.map((id) => {
      const status = providers.find((provider) => provider.provider === id);
      const listed = errors.get(id);
      const item = element('li', { className: 'provider' });
      item.dataset['provider'] = id;
      const name = element('strong', { text: BACKEND_LABEL[id] });
      let ok: 'true' | 'false' | 'off' | 'needs';
      let text: string;
      if (!status || !status.enabled) {
        ok = 'off';
        text = 'not configured';
      } else if (!status.usable) {
        ok = 'needs';
        text = 'needs your credential';
      } else if (status.lastError) {
        ok = 'false';
        text = `not answering: ${status.lastError.code.toLowerCase()} (${status.lastError.message})`;
      } else if (status.reachable === false) {
        ok = 'false';
        text = 'not answering';
      } else {
        ok = 'true';
        text = status.latencyMs != null ? `answering · ${Math.round(status.latencyMs)} ms` : 'answering';
      }
      if (listed && ok !== 'needs') {
        ok = 'false';
        if (!status?.lastError) text = `jobs missing: ${listed.code.toLowerCase()} (${listed.message})`;
      }
      item.dataset['ok'] = ok;
      const dot = element('span', { className: 'dot' });
      dot.setAttribute('aria-hidden', 'true');
      item.append(dot, name, ' ', element('span', { className: 'why', text }));
      if (ok === 'needs') {
        const add = element('button', { className: 'link', text: 'Add it' });
        add.type = 'button';
        add.addEventListener('click', () => openCredentials());
        item.append(' ', add);
      }
      return item;
    }),
  );
}

// ---- Identity: the token (AUTH_MODE=jwt) and forwarded credentials ----

function askForToken(message?: string): void {
  setLive('signed-out');
  stopLive?.();
  stopLive = null;
  if (statusTimer) clearInterval(statusTimer);
  statusTimer = null;
  started = false;
  const text = $<HTMLParagraphElement>('signin-text');
  if (message && identity.token()) text.textContent = `The gateway refused the token: ${message}. Sign in again with a new one.`;
  if (!signinDialog.open) signinDialog.showModal();
}

$<HTMLFormElement>('signin-form').addEventListener('submit', () => {
  const token = $<HTMLTextAreaElement>('signin-token').value.trim();
  if (!token) return;
  identity.setToken(token);
  $<HTMLTextAreaElement>('signin-token').value = '';
  api.restart();
  start();
});
signinDialog.addEventListener('cancel', (event) => {
  // Nothing can be shown without a token.
  if (!identity.token()) event.preventDefault();
});
signOut.addEventListener('click', () => {
  identity.setToken(null);
  identity.setCredentials({});
  api.restart();
  detail.close();
  rowsBody.replaceChildren();
  list.rows.clear();
  askForToken();
});

function forwarding(): JobProvider[] {
  return providers.filter((provider) => provider.enabled && provider.credentials === 'FORWARD').map((provider) => provider.provider);
}

function renderCredentialsButton(): void {
  credentialsButton.hidden = forwarding().length === 0;
  signOut.hidden = authMode !== 'jwt';
}

function openCredentials(): void {
  const stored = identity.credentials();
  const fields = $<HTMLDivElement>('credentials-fields');
  fields.replaceChildren(
    ...forwarding().map((provider) => {
      const group = element('fieldset', { className: 'credential' }, element('legend', { text: BACKEND_LABEL[provider] }));
      for (const spec of CREDENTIAL_HEADERS[provider]) {
        const input = element('input');
        input.name = spec.header;
        input.type = spec.secret ? 'password' : 'text';
        input.autocomplete = 'off';
        input.spellcheck = false;
        input.value = stored[spec.header] ?? '';
        const hint = element('span', { className: 'hint', text: spec.header });
        group.append(element('label', { className: 'field', text: `${spec.label} ` }, input, hint));
      }
      return group;
    }),
  );
  credentialsDialog.returnValue = '';
  credentialsDialog.showModal();
}

credentialsButton.addEventListener('click', () => openCredentials());
credentialsDialog.addEventListener('close', () => {
  const answer = credentialsDialog.returnValue;
  if (answer !== 'ok' && answer !== 'clear') return;
  const values: Record<string, string> = answer === 'clear' ? {} : { ...identity.credentials() };
  if (answer === 'ok') {
    for (const input of credentialsDialog.querySelectorAll<HTMLInputElement>('input')) values[input.name] = input.value;
  }
  identity.setCredentials(values);
  // New credentials: new answers from the backends, and a live connection that carries them.
  api.restart();
  restart();
});

// ---- Filters, in the address ----

function applyForm(mode: 'push' | 'replace'): void {
  const next = readForm(form, view.job);
  form.classList.toggle('with-range', next.since === 'range');
  if (viewSearch(next) === viewSearch(view)) return;
  view = next;
  const url = `${location.pathname}${viewSearch(view)}`;
  if (mode === 'push') history.pushState(null, '', url);
  else history.replaceState(null, '', url);
  filter = filterOf(view);
  reloadList();
}

let typing: ReturnType<typeof setTimeout> | null = null;
form.addEventListener('change', (event) => {
  if ((event.target as HTMLElement).getAttribute('name') === 'q') return;
  applyForm('push');
});
form.addEventListener('input', (event) => {
  if ((event.target as HTMLElement).getAttribute('name') !== 'q') return;
  if (typing) clearTimeout(typing);
  typing = setTimeout(() => applyForm('replace'), 300);
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  applyForm('push');
});
form.addEventListener('reset', () => setTimeout(() => applyForm('push'), 0));
window.addEventListener('popstate', () => {
  view = readView();
  fillForm(form, view);
  filter = filterOf(view);
  reloadList();
  if (view.job) detail.open(view.job, list.rows.get(view.job)?.job);
  else detail.close();
});

function reloadList(): void {
  list.loaded = false;
  list.hasNextPage = false;
  list.endCursor = null;
  void loadPage(true);
  subscribeLive();
  window.scrollTo({ top: 0 });
}

// ---- The detail ----

const detail = new Detail(api, {
  changed: (job) => {
    if (list.rows.has(job.id)) upsert(job, 'sorted');
  },
  closed: () => {
    if (!view.job) return;
    view = { ...view, job: '' };
    history.replaceState(null, '', `${location.pathname}${viewSearch(view)}`);
  },
  needsCredentials: () => {
    if (forwarding().length) openCredentials();
  },
});

rowsBody.addEventListener('click', (event) => {
  const tr = (event.target as HTMLElement).closest('tr');
  const id = tr?.dataset['id'];
  if (!id) return;
  view = { ...view, job: id };
  history.replaceState(null, '', `${location.pathname}${viewSearch(view)}`);
  detail.open(id, list.rows.get(id)?.job);
});

// ---- Alerts and start ----

function showAlert(text: string): void {
  alertBox.hidden = false;
  alertBox.textContent = text;
}

function hideAlert(): void {
  alertBox.hidden = true;
  alertBox.textContent = '';
}

// The running time of running jobs ticks on between updates.
setInterval(() => {
  for (const row of list.rows.values()) {
    if (row.job.state !== 'RUNNING' || row.job.runningTimeSeconds == null) continue;
    const cell = row.tr.querySelector('td.running');
    if (cell) cell.textContent = duration(runningTime(row));
  }
}, 1_000);

function restart(): void {
  void refreshStatus();
  reloadList();
  detail.reload();
}

function start(): void {
  if (started) return;
  started = true;
  if (signinDialog.open) signinDialog.close();
  setLive('connecting');
  renderCredentialsButton();
  void refreshStatus();
  statusTimer = setInterval(() => void refreshStatus(), STATUS_EVERY_MS);
  reloadList();
  if (view.job && !detail.openId) detail.open(view.job);
}

identity.takeTokenFromFragment();
fillForm(form, view);
if (authMode === 'jwt' && !identity.token()) askForToken();
else start();
