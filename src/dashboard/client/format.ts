/// <reference lib="dom" />
// How values read for people: backend names, states, instants, durations, field labels.
import type { JobProvider, JobState } from '../../../schema/client/graphql.js';

export const BACKEND_LABEL: Record<JobProvider, string> = {
  UCLOUD: 'UCloud',
  RIME: 'RIME',
  DATA_MANAGER: 'Data Manager',
  GPU: 'GPU',
};

export const PROVIDERS: readonly JobProvider[] = ['UCLOUD', 'RIME', 'DATA_MANAGER', 'GPU'];

export const STATES: readonly JobState[] = ['PENDING', 'QUEUED', 'RUNNING', 'SUSPENDED', 'CANCELLING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED', 'UNKNOWN'];
export const TERMINAL: ReadonlySet<JobState> = new Set<JobState>(['SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED']);

/** A state as a word (the colour is only a second cue: the word is always there). */
export const stateLabel = (state: JobState): string => `${state.charAt(0)}${state.slice(1).toLowerCase()}`;

/** A state badge: `<span class="state" data-state="RUNNING">Running</span>`. */
export function stateBadge(state: JobState): HTMLSpanElement {
  const badge = document.createElement('span');
  badge.className = 'state';
  badge.dataset['state'] = state;
  badge.textContent = stateLabel(state);
  return badge;
}

const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** `<time datetime="…">15 Jan 2026, 12:03</time>`, the exact instant in its title. */
export function timeElement(iso: string | null | undefined, precise = false): HTMLElement {
  if (!iso) {
    const none = document.createElement('span');
    none.className = 'none';
    none.textContent = '—';
    return none;
  }
  const element = document.createElement('time');
  element.dateTime = iso;
  const date = new Date(iso);
  element.textContent = Number.isNaN(date.getTime()) ? iso : (precise ? dateTimeSeconds : dateTime).format(date);
  element.title = iso;
  return element;
}

export const clockTime = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : clock.format(date);
};

/** 3725 → "1 h 02 min"; 59 → "59 s"; 90061 → "1 d 1 h". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const total = Math.max(0, Math.floor(seconds));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  if (minutes > 0) return `${minutes} min ${String(total % 60).padStart(2, '0')} s`;
  return `${total} s`;
}

/** `timeAllocationSeconds` → "Time allocation seconds"; known abbreviations kept. */
export function fieldLabel(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(' ')
    .map((word) => word.toLowerCase())
    .map((word) => ({ id: 'ID', ids: 'IDs', url: 'URL', gpu: 'GPU', cpu: 'CPU', ram: 'RAM', vram: 'VRAM', gb: 'GB', ms: 'ms', ssh: 'SSH', uuid: 'UUID', ips: 'IPs' })[word] ?? word);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, options: { className?: string; text?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const child of children) node.append(child);
  return node;
}
