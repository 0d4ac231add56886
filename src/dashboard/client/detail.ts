/// <reference lib="dom" />
// A job's detail: every field of its backend type, its output streaming (`jobLogs`), its state kept
// current (`jobUpdated`), and the actions its capabilities allow, each confirmed and its typed
// result told as a person reads it.
import {
  DashboardCancelDocument,
  DashboardExtendDocument,
  DashboardJobDocument,
  DashboardJobLogsDocument,
  DashboardJobUpdatedDocument,
  DashboardResumeDocument,
  DashboardSuspendDocument,
  type DashboardDetailFragment,
  type DashboardMutationResultFragment,
  type DashboardRowFragment,
  type LogStream,
} from '../../../schema/client/graphql.js';
import { AuthRequired, type Api } from './api.js';
import { BACKEND_LABEL, clockTime, duration, element, fieldLabel, stateBadge, timeElement } from './format.js';

type Action = 'cancel' | 'extend' | 'suspend' | 'resume';

const ACTION_LABEL: Record<Action, string> = { cancel: 'Cancel', extend: 'Extend', suspend: 'Suspend', resume: 'Resume' };
const ACTION_DONE: Record<Action, string> = { cancel: 'Cancel accepted', extend: 'Time added', suspend: 'Suspend accepted', resume: 'Resume accepted' };

/** Fields shown first, in this order, for every backend. */
const COMMON = ['state', 'providerState', 'provider', 'providerJobId', 'id', 'name', 'owner', 'project', 'createdAt', 'startedAt', 'finishedAt', 'runningTimeSeconds', 'terminal', 'statusMessage', 'capabilities'] as const;
/** Values passed through as the backend holds them (the `JSON` scalar). */
const JSON_FIELDS = new Set(['parameters', 'resources', 'applicationSpecification', 'outputs']);
/** Most output kept on the page; older entries are dropped from the top. */
const MAX_LOG_SEGMENTS = 4_000;

export interface DetailHooks {
  /** The job changed (a live update, a mutation's answer): the table shows it too. */
  changed(job: DashboardRowFragment): void;
  closed(): void;
  /** A mutation needs the person's credential for this backend. */
  needsCredentials(): void;
}

export class Detail {
  private readonly dialog = document.getElementById('detail') as HTMLDialogElement;
  private readonly title = document.getElementById('detail-title') as HTMLHeadingElement;
  private readonly actions = document.getElementById('detail-actions') as HTMLDivElement;
  private readonly result = document.getElementById('detail-result') as HTMLDivElement;
  private readonly body = document.getElementById('detail-body') as HTMLDivElement;
  private readonly log = document.getElementById('logs') as HTMLDivElement;
  private readonly logState = document.getElementById('logs-state') as HTMLSpanElement;
  private readonly follow = document.getElementById('logs-follow') as HTMLButtonElement;
  private readonly confirmDialog = document.getElementById('confirm') as HTMLDialogElement;
  private id: string | null = null;
  private job: DashboardDetailFragment | null = null;
  private stops: (() => void)[] = [];
  private lastSegment: { key: string; node: HTMLElement } | null = null;
  private busy = false;

  constructor(
    private readonly api: Api,
    private readonly hooks: DetailHooks,
  ) {
    this.dialog.querySelector('[data-close]')?.addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => {
      this.stop();
      this.id = null;
      this.hooks.closed();
    });
    this.log.addEventListener('scroll', () => {
      if (this.atBottom()) this.follow.hidden = true;
    });
    this.follow.addEventListener('click', () => {
      this.log.scrollTop = this.log.scrollHeight;
      this.follow.hidden = true;
    });
    for (const box of this.dialog.querySelectorAll<HTMLInputElement>('.streams input')) {
      box.addEventListener('change', () => this.log.classList.toggle(`hide-${box.name.toLowerCase()}`, !box.checked));
    }
  }

  get openId(): string | null {
    return this.id;
  }

  /** Opens a job's detail (with what the table knows at once, then the whole job). */
  open(id: string, known?: DashboardRowFragment): void {
    if (this.id === id && this.dialog.open) return;
    this.stop();
    this.id = id;
    this.job = null;
    this.result.hidden = true;
    this.result.textContent = '';
    this.log.replaceChildren();
    this.lastSegment = null;
    this.follow.hidden = true;
    this.logState.textContent = '';
    this.title.textContent = known ? (known.name ?? known.providerJobId) : 'Job';
    this.body.replaceChildren(element('p', { className: 'muted', text: 'Loading the job…' }));
    this.actions.replaceChildren();
    if (!this.dialog.open) this.dialog.showModal();
    void this.load(id);
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }

  /** Reads the open job again and restarts its streams (after a reconnection or new credentials). */
  reload(): void {
    const id = this.id;
    if (!id || !this.dialog.open) return;
    this.stop();
    this.log.replaceChildren();
    this.lastSegment = null;
    this.follow.hidden = true;
    void this.load(id);
  }

  /** A table update for the open job (the job's own subscription usually comes first). */
  tableUpdate(job: DashboardRowFragment): void {
    if (job.id !== this.id || !this.job) return;
    if (job.state !== this.job.state || job.providerState !== this.job.providerState) {
      this.show({ ...this.job, ...job } as DashboardDetailFragment);
    }
  }

  private async load(id: string): Promise<void> {
    try {
      const { job } = await this.api.request(DashboardJobDocument, { id });
      if (this.id !== id) return;
      if (!job) {
        this.body.replaceChildren(element('p', { className: 'muted', text: 'This job does not exist (any more) on its backend.' }));
        return;
      }
      this.show(job);
      this.watch(job);
      this.streamLogs(job);
    } catch (error) {
      if (this.id !== id) return;
      this.body.replaceChildren(element('p', { className: 'error', text: `The job could not be read: ${(error as Error).message}` }));
    }
  }

  private stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private watch(job: DashboardDetailFragment): void {
    if (job.terminal) return;
    const id = job.id;
    this.stops.push(
      this.api.subscribe(DashboardJobUpdatedDocument, { id }, {
        next: ({ jobUpdated }) => {
          if (this.id !== id) return;
          this.show(jobUpdated);
          this.hooks.changed(jobUpdated);
        },
        error: () => undefined,
      }),
    );
  }

  private streamLogs(job: DashboardDetailFragment): void {
    if (!job.capabilities.logs) {
      this.logState.textContent = 'No output for this job.';
      return;
    }
    const id = job.id;
    this.logState.textContent = job.terminal ? 'Reading the output…' : 'Streaming…';
    this.log.setAttribute('aria-busy', 'true');
    this.stops.push(
      this.api.subscribe(DashboardJobLogsDocument, { id, tail: 2_000 }, {
        next: ({ jobLogs }) => {
          if (this.id === id) this.append(jobLogs);
        },
        error: (error) => {
          if (this.id !== id) return;
          this.log.removeAttribute('aria-busy');
          this.logState.textContent = `Output unavailable: ${error.message}`;
        },
        complete: () => {
          if (this.id !== id) return;
          this.log.removeAttribute('aria-busy');
          this.logState.textContent = this.log.childElementCount ? 'The job has ended; this is all of its output.' : 'The job has ended without output.';
        },
      }),
    );
  }

  private atBottom(): boolean {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 24;
  }

  /** Chunks of one rank and stream are one text: consecutive ones join, another stream starts a new block. */
  private append(entry: { rank: number; stream: LogStream; text: string; timestamp: string }): void {
    const follow = this.atBottom();
    const key = `${entry.rank}:${entry.stream}`;
    if (entry.stream !== 'EVENT' && this.lastSegment?.key === key) {
      this.lastSegment.node.append(entry.text);
    } else {
      const node = element('div', { className: `entry ${entry.stream.toLowerCase()}` });
      node.dataset['stream'] = entry.stream;
      node.dataset['rank'] = String(entry.rank);
      const label = entry.stream === 'EVENT' ? `event ${clockTime(entry.timestamp)}` : entry.stream === 'STDERR' ? 'stderr' : 'stdout';
      const marker = element('span', { className: 'marker', text: entry.rank > 0 ? `${label} · rank ${entry.rank}` : label });
      node.append(marker, entry.text);
      this.log.append(node);
      this.lastSegment = { key, node };
      while (this.log.childElementCount > MAX_LOG_SEGMENTS) this.log.firstElementChild?.remove();
    }
    if (follow) this.log.scrollTop = this.log.scrollHeight;
    else this.follow.hidden = false;
  }

  private show(job: DashboardDetailFragment): void {
    this.job = job;
    this.title.textContent = job.name ?? job.providerJobId;
    this.dialog.dataset['state'] = job.state;
    this.renderActions(job);
    const overview = element('dl', { className: 'fields' });
    const record = job as unknown as Record<string, unknown>;
    for (const key of COMMON) overview.append(...this.field(key, record[key]));
    const own = element('dl', { className: 'fields' });
    for (const [key, value] of Object.entries(record)) {
      if (key === '__typename' || (COMMON as readonly string[]).includes(key)) continue;
      own.append(...this.field(key, value));
    }
    this.body.replaceChildren(
      element('h3', { text: 'Overview' }),
      overview,
      element('h3', { text: `${BACKEND_LABEL[job.provider]} fields (${job.__typename})` }),
      own,
    );
  }

  private field(key: string, value: unknown): HTMLElement[] {
    const term = element('dt', { text: fieldLabel(key) });
    term.title = key;
    const description = element('dd');
    description.dataset['field'] = key;
    description.append(this.value(key, value));
    return [term, description];
  }

  private value(key: string, value: unknown): Node {
    if (value === null || value === undefined) return element('span', { className: 'none', text: '—' });
    if (key === 'state' && typeof value === 'string') return stateBadge(value as DashboardRowFragment['state']);
    if (key === 'provider' && typeof value === 'string') return document.createTextNode(BACKEND_LABEL[value as DashboardRowFragment['provider']] ?? value);
    if (key === 'capabilities' && typeof value === 'object') {
      const allowed = Object.entries(value as Record<string, boolean>).filter(([, on]) => on).map(([name]) => name);
      return document.createTextNode(allowed.length ? allowed.join(', ') : 'none now');
    }
    if (JSON_FIELDS.has(key)) return element('pre', { className: 'json', text: JSON.stringify(value, null, 2) });
    if (typeof value === 'boolean') return document.createTextNode(value ? 'Yes' : 'No');
    if (typeof value === 'number') {
      if (key === 'runningTimeSeconds' || key === 'timeAllocationSeconds') return document.createTextNode(`${duration(value)} (${value} s)`);
      if (key.endsWith('AtMs')) return timeElement(new Date(value).toISOString(), true);
      if (key.endsWith('Ms')) return document.createTextNode(`${duration(value / 1_000)} (${value} ms)`);
      if (key === 'imageSizeBytes') return document.createTextNode(`${(value / 1e9).toFixed(2)} GB (${value} bytes)`);
      return document.createTextNode(String(value));
    }
    if (typeof value === 'string') {
      if (/At$|timestamp/.test(key) && !Number.isNaN(Date.parse(value))) return timeElement(value, true);
      if (/url$/i.test(key) && /^https?:\/\//.test(value)) {
        const link = element('a', { text: value });
        link.href = value;
        link.rel = 'noopener noreferrer';
        link.target = '_blank';
        return link;
      }
      return document.createTextNode(value);
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return element('span', { className: 'none', text: 'none' });
      if (value.every((item) => typeof item !== 'object' || item === null)) return document.createTextNode(value.map(String).join(', '));
      const rows = value as Record<string, unknown>[];
      const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((column) => column !== '__typename');
      const table = element('table', { className: 'sub' });
      const head = element('tr');
      for (const column of columns) {
        const th = element('th', { text: fieldLabel(column) });
        th.scope = 'col';
        head.append(th);
      }
      table.append(element('thead', {}, head));
      const body = element('tbody');
      for (const row of rows) {
        const tr = element('tr');
        for (const column of columns) tr.append(element('td', {}, this.value(column, row[column])));
        body.append(tr);
      }
      table.append(body);
      return element('div', { className: 'scroll' }, table);
    }
    if (typeof value === 'object') {
      const list = element('dl', { className: 'fields nested' });
      for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
        if (name !== '__typename') list.append(...this.field(name, inner));
      }
      return list;
    }
    return document.createTextNode(String(value));
  }

  private renderActions(job: DashboardDetailFragment): void {
    const allowed = (['cancel', 'extend', 'suspend', 'resume'] as const).filter((action) => job.capabilities[action]);
    const buttons = allowed.map((action) => {
      const button = element('button', { className: action === 'cancel' ? 'danger' : 'ghost', text: ACTION_LABEL[action] });
      button.type = 'button';
      button.dataset['action'] = action;
      button.disabled = this.busy;
      button.addEventListener('click', () => void this.act(action));
      return button;
    });
    if (buttons.length === 0) this.actions.replaceChildren(element('span', { className: 'muted', text: job.terminal ? 'This job has ended: nothing can be done with it.' : 'Nothing can be done with this job right now.' }));
    else this.actions.replaceChildren(...buttons);
  }

  /** Asks first; answers with the dialog's extra inputs (extend) or null when the person keeps the job as it is. */
  private confirm(action: Action, job: DashboardDetailFragment): Promise<{ hours: number; minutes: number } | null> {
    const name = job.name ?? job.providerJobId;
    const text = document.getElementById('confirm-text') as HTMLParagraphElement;
    const extra = document.getElementById('confirm-extra') as HTMLDivElement;
    const ok = document.getElementById('confirm-ok') as HTMLButtonElement;
    (document.getElementById('confirm-title') as HTMLHeadingElement).textContent = `${ACTION_LABEL[action]} this job?`;
    const what: Record<Action, string> = {
      cancel: `Cancel “${name}” on ${BACKEND_LABEL[job.provider]}? It stops, and cannot be started again.`,
      extend: `Add time to the allocation of “${name}” on ${BACKEND_LABEL[job.provider]}, so that it expires later.`,
      suspend: `Suspend “${name}” on ${BACKEND_LABEL[job.provider]}? It pauses until it is resumed.`,
      resume: `Resume “${name}” on ${BACKEND_LABEL[job.provider]}?`,
    };
    text.textContent = what[action];
    extra.replaceChildren();
    let hours: HTMLInputElement | null = null;
    let minutes: HTMLInputElement | null = null;
    if (action === 'extend') {
      hours = Object.assign(element('input'), { type: 'number', min: '0', max: '10000', value: '1', name: 'hours', required: true });
      minutes = Object.assign(element('input'), { type: 'number', min: '0', max: '59', value: '0', name: 'minutes', required: true });
      extra.append(element('div', { className: 'duration' }, element('label', { className: 'field', text: 'Hours ' }, hours), element('label', { className: 'field', text: 'Minutes ' }, minutes)));
    }
    ok.textContent = `${ACTION_LABEL[action]} the job`;
    ok.className = action === 'cancel' ? 'danger' : 'primary';
    this.confirmDialog.returnValue = '';
    this.confirmDialog.showModal();
    (action === 'extend' ? hours : (this.confirmDialog.querySelector('button[value="cancel"]') as HTMLButtonElement))?.focus();
    return new Promise((resolve) => {
      this.confirmDialog.addEventListener(
        'close',
        () => {
          if (this.confirmDialog.returnValue !== 'ok') resolve(null);
          else resolve({ hours: Number(hours?.value ?? 0) || 0, minutes: Number(minutes?.value ?? 0) || 0 });
        },
        { once: true },
      );
    });
  }

  private async act(action: Action): Promise<void> {
    const job = this.job;
    if (!job || this.busy) return;
    const answer = await this.confirm(action, job);
    if (!answer || this.id !== job.id) return;
    this.busy = true;
    this.renderActions(job);
    this.say('pending', `${ACTION_LABEL[action]}: asking ${BACKEND_LABEL[job.provider]}…`);
    try {
      const id = job.id;
      let result: DashboardMutationResultFragment;
      if (action === 'cancel') result = (await this.api.request(DashboardCancelDocument, { id })).cancelJob;
      else if (action === 'suspend') result = (await this.api.request(DashboardSuspendDocument, { id })).suspendJob;
      else if (action === 'resume') result = (await this.api.request(DashboardResumeDocument, { id })).resumeJob;
      else result = (await this.api.request(DashboardExtendDocument, { id, duration: { hours: answer.hours, minutes: answer.minutes } })).extendJob;
      if (this.id !== id) return;
      this.report(action, result);
      if (result.__typename === 'JobMutationSuccess') {
        // The common fields, fresh; the backend's own follow through jobUpdated.
        const merged = { ...(this.job ?? job), ...result.job } as DashboardDetailFragment;
        this.show(merged);
        this.hooks.changed(result.job);
      }
    } catch (error) {
      this.say('error', error instanceof AuthRequired ? `${ACTION_LABEL[action]} refused: ${error.message}` : `${ACTION_LABEL[action]} failed before reaching the backend: ${(error as Error).message}`);
    } finally {
      this.busy = false;
      if (this.job) this.renderActions(this.job);
    }
  }

  /** A mutation's typed result, in words. */
  private report(action: Action, result: DashboardMutationResultFragment): void {
    const label = ACTION_LABEL[action];
    switch (result.__typename) {
      case 'JobMutationSuccess':
        this.say('ok', `${ACTION_DONE[action]}: the job is now ${result.job.state.toLowerCase()}${result.job.terminal ? '' : ' (its state keeps updating here)'}.`);
        return;
      case 'RejectedError':
        this.say('error', `${BACKEND_LABEL[result.provider]} refused to ${action} the job: ${result.message}${result.status ? ` (HTTP ${result.status})` : ''}. Nothing was changed.`);
        return;
      case 'UnavailableError':
        this.say(
          'warn',
          result.outcomeUnknown
            ? `${BACKEND_LABEL[result.provider]} did not answer properly (${result.message}). The request reached it and may have been applied: watch the job's state here before trying again.`
            : `${BACKEND_LABEL[result.provider]} could not be reached (${result.message}). Nothing was changed; you can try again.`,
        );
        return;
      case 'UnsupportedError':
        this.say('error', `${BACKEND_LABEL[result.provider]} jobs of this kind cannot ${result.operation}: ${result.message}`);
        return;
      case 'UnauthenticatedError':
        this.say('error', `${BACKEND_LABEL[result.provider]} needs your own credential: ${result.message}`);
        this.hooks.needsCredentials();
        return;
      case 'NotFoundError':
        this.say('error', `${label}: the job no longer exists on its backend. ${result.message}`);
        return;
      case 'InvalidInputError':
        this.say('error', `${label} not sent: ${result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') || result.message}`);
        return;
    }
  }

  private say(kind: 'pending' | 'ok' | 'warn' | 'error', text: string): void {
    this.result.hidden = false;
    this.result.dataset['kind'] = kind;
    this.result.textContent = text;
  }
}
