/// <reference lib="dom" />
// The view's filters live in the address (`?provider=GPU,RIME&state=RUNNING&since=24h&q=bert`), so a
// view can be shared, reloaded and walked back with the browser's history.
import type { JobFilter, JobProvider, JobState } from '../../../schema/client/graphql.js';
import { PROVIDERS, STATES, TERMINAL } from './format.js';

export interface View {
  providers: JobProvider[];
  /** A state, `ACTIVE` (not ended), `ENDED`, or several states joined by commas. */
  state: string;
  since: '' | '1h' | '24h' | '7d' | '30d' | 'range';
  /** ISO instants (the inputs show them in local time). */
  after: string;
  before: string;
  q: string;
  /** The job whose details are open. */
  job: string;
}

const SINCE_MS: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

const isProvider = (value: string): value is JobProvider => (PROVIDERS as readonly string[]).includes(value);
const isState = (value: string): value is JobState => (STATES as readonly string[]).includes(value);

export function readView(search: string = location.search): View {
  const params = new URLSearchParams(search);
  const list = (name: string) => (params.get(name) ?? '').split(',').map((part) => part.trim().toUpperCase()).filter(Boolean);
  const since = params.get('since') ?? '';
  const instant = (name: string) => {
    const value = params.get(name) ?? '';
    return value && !Number.isNaN(new Date(value).getTime()) ? new Date(value).toISOString() : '';
  };
  const after = instant('after');
  const before = instant('before');
  return {
    providers: list('provider').filter(isProvider),
    state: list('state').filter((state) => state === 'ACTIVE' || state === 'ENDED' || isState(state)).join(','),
    since: since in SINCE_MS ? (since as View['since']) : after || before ? 'range' : '',
    after,
    before,
    q: (params.get('q') ?? '').trim(),
    job: params.get('job') ?? '',
  };
}

export function viewSearch(view: View): string {
  const params = new URLSearchParams();
  if (view.providers.length) params.set('provider', view.providers.join(','));
  if (view.state) params.set('state', view.state);
  if (view.since && view.since !== 'range') params.set('since', view.since);
  if (view.since === 'range' || !view.since) {
    if (view.after) params.set('after', view.after);
    if (view.before) params.set('before', view.before);
  }
  if (view.q) params.set('q', view.q);
  if (view.job) params.set('job', view.job);
  const text = params.toString().replace(/%2C/g, ',');
  return text ? `?${text}` : '';
}

/** The API's filter for a view (relative windows measured from now). */
export function filterOf(view: View, now = Date.now()): JobFilter {
  const filter: JobFilter = {};
  if (view.providers.length) filter.providers = view.providers;
  const states = new Set<JobState>();
  for (const part of view.state.split(',').filter(Boolean)) {
    if (part === 'ACTIVE') STATES.filter((state) => !TERMINAL.has(state)).forEach((state) => states.add(state));
    else if (part === 'ENDED') TERMINAL.forEach((state) => states.add(state));
    else if (isState(part)) states.add(part);
  }
  if (states.size) filter.states = [...states];
  const window = SINCE_MS[view.since];
  if (window !== undefined) filter.createdAfter = new Date(now - window).toISOString();
  else {
    if (view.after) filter.createdAfter = view.after;
    if (view.before) filter.createdBefore = view.before;
  }
  if (view.q) filter.search = view.q;
  return filter;
}

/** Whether a job (as an event reports it) still belongs in the view; the API decides, this only marks rows. */
export function matches(filter: JobFilter, job: { provider: JobProvider; state: JobState }): boolean {
  if (filter.providers && !filter.providers.includes(job.provider)) return false;
  if (filter.states && !filter.states.includes(job.state)) return false;
  return true;
}

/** `2026-01-15T12:00:00.000Z` → the `datetime-local` value in this browser's zone, and back. */
export function toLocalInput(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** The form shows the view. */
export function fillForm(form: HTMLFormElement, view: View): void {
  for (const box of form.querySelectorAll<HTMLInputElement>('input[name="provider"]')) box.checked = view.providers.includes(box.value as JobProvider);
  const state = form.elements.namedItem('state') as HTMLSelectElement;
  // A list of states from a shared link that the select has no option for still filters; the select says "any".
  state.value = [...state.options].some((option) => option.value === view.state) ? view.state : '';
  (form.elements.namedItem('since') as HTMLSelectElement).value = view.since;
  (form.elements.namedItem('after') as HTMLInputElement).value = toLocalInput(view.after);
  (form.elements.namedItem('before') as HTMLInputElement).value = toLocalInput(view.before);
  (form.elements.namedItem('q') as HTMLInputElement).value = view.q;
  form.classList.toggle('with-range', view.since === 'range');
}

/** The view the form shows (the open job is not the form's: the caller keeps it). */
export function readForm(form: HTMLFormElement, job: string): View {
  const since = (form.elements.namedItem('since') as HTMLSelectElement).value as View['since'];
  return {
    providers: [...form.querySelectorAll<HTMLInputElement>('input[name="provider"]:checked')].map((box) => box.value).filter(isProvider),
    state: (form.elements.namedItem('state') as HTMLSelectElement).value,
    since,
    after: since === 'range' ? fromLocalInput((form.elements.namedItem('after') as HTMLInputElement).value) : '',
    before: since === 'range' ? fromLocalInput((form.elements.namedItem('before') as HTMLInputElement).value) : '',
    q: (form.elements.namedItem('q') as HTMLInputElement).value.trim(),
    job,
  };
}
