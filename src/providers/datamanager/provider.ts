import type { DataManagerSettings, ForwardSettings } from '../../config.js';
import { backendOf, type Backend, type BackendSharing } from '../backend.js';
import type { CredentialOf } from '../credentials.js';
import { getEach } from '../concurrency.js';
import type { CallOptions, GetResult, Provider, ListPage, ListRequest, LogEntry, LogPoll, ProviderOptions } from '../contract.js';
import { isProviderError, ProviderError } from '../errors.js';
import { skippedError } from '../tolerance.js';
import { ListingSnapshots, newestFirst, UNSHARED, type ScopedSnapshots } from '../snapshots.js';
import { credentialFingerprint } from '../../identity/fingerprint.js';
import type { JobState } from '../job.js';
import { DataManagerClient, dataManagerTransport } from './client.js';
import { hasDeleteTask, toJob, toJobState } from './map.js';
import { memoized } from '../memoized.js';
import { INSTANCE_PHASES, type InstanceSummary } from './wire.js';

/** Listed instances not being deleted: an unchanged one is the same wire object every refresh (see memoized.ts). */
const listedJob = memoized((instance: InstanceSummary) => toJob(instance));

/** Every unified state a Data Manager instance can be in (unknown phases read as UNKNOWN). */
const PRODUCIBLE: ReadonlySet<JobState> = new Set<JobState>([...INSTANCE_PHASES.map(toJobState), 'UNKNOWN', 'CANCELLING']);
const PROJECT_ID = /^project-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A well-formed instance id no instance has (ids are random UUIDs). */
const PROBE_INSTANCE = 'instance-00000000-0000-0000-0000-000000000000';
/** How long a deletion is remembered; an instance is normally gone seconds after its DELETE. */
const DELETION_MEMORY_MS = 30 * 60_000;

/** The Data Manager has no batch get: one request per instance, this many at once. */
const GET_CONCURRENCY = 8;
/** Events per task request; a full page means there may be more. */
const EVENT_PAGE = 500;
/** Bounds one poll of one task, so a task writing events faster than we read cannot pin a poll. */
const MAX_EVENT_PAGES = 20;

/** `{taskId: last event ordinal seen}` */
type LogCursor = Record<string, number>;

function readCursor(cursor: string | null): LogCursor {
  if (cursor === null || cursor === '') return {};
  try {
    const value: unknown = JSON.parse(cursor);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((entry): entry is [string, number] => Number.isInteger(entry[1]) && (entry[1] as number) >= 0),
    );
  } catch {
    return {};
  }
}

export class DataManagerProvider implements Provider<'DATA_MANAGER'> {
  readonly id = 'DATA_MANAGER' as const;
  /** `GET /instance` answers everything at once, in no guaranteed order. */
  readonly listOrder = 'unordered' as const;

  /**
   * Instances whose deletion is under way (id → when it was seen). Only a single-instance get
   * shows a DELETE task; remembering it keeps list entries and gets agreeing on CANCELLING.
   */
  private readonly deleting = new Map<string, number>();

  /** `snapshots`: listings shared with the other operations of the same credential (see snapshots.ts). */
  constructor(
    readonly client: DataManagerClient,
    private readonly snapshots: ScopedSnapshots = UNSHARED,
  ) {}

  private isDeleting(id: string): boolean {
    const since = this.deleting.get(id);
    if (since === undefined) return false;
    if (Date.now() - since < DELETION_MEMORY_MS) return true;
    this.deleting.delete(id);
    return false;
  }

  async list(request: ListRequest): Promise<ListPage> {
    const { filter } = request;
    const wanted = filter.states ?? [];
    if (wanted.length > 0 && !wanted.some((state) => PRODUCIBLE.has(state))) return { jobs: [], nextPageToken: null };
    // There is no pagination: this provider never hands out a token, so one coming back is past the end.
    if (request.pageToken) return { jobs: [], nextPageToken: null };
    // Only a Data Manager project id can match; anything else would be refused, not just empty.
    if (filter.project != null && !PROJECT_ID.test(filter.project)) return { jobs: [], nextPageToken: null };
    const query = { project_id: filter.project ?? null };
    return (request.fresh ? UNSHARED : this.snapshots).read(query, async (signal) => {
      const answer = await this.client.listInstances(query, { signal });
      const jobs = answer.instances.map((instance) => (this.isDeleting(instance.id) ? toJob(instance, undefined, true) : listedJob(instance)));
      // Sorted once here, so that the merge (and every page read from a kept listing) reads it in place.
      return { jobs: newestFirst(jobs), nextPageToken: null, skipped: answer.skipped ?? null, inListOrder: true };
    }, request.signal);
  }

  async getMany(ids: readonly string[], options: CallOptions = {}): Promise<GetResult[]> {
    const results = await getEach(ids, GET_CONCURRENCY, async (id) => {
      const wire = await this.client.getInstance(id, options);
      if (hasDeleteTask(wire) && !this.deleting.has(id)) this.deleting.set(id, Date.now());
      return toJob(wire, id, this.isDeleting(id));
    });
    // Gone: nothing left to remember about it.
    ids.forEach((id, index) => {
      if (results[index] === null) this.deleting.delete(id);
    });
    return results;
  }

  /**
   * Every instance comes in one list request: far cheaper than a get per followed instance. An
   * instance missing from a listing that left unreadable items out may be one of them, so it is
   * not taken for gone: it gets an error for this round and is read again in the next.
   */
  async refreshMany(ids: readonly string[], options: CallOptions = {}): Promise<GetResult[]> {
    const answer = await this.client.listInstances({}, options);
    const listed = new Map(answer.instances.map((instance) => [instance.id, instance]));
    const unsure = answer.skipped ? skippedError('DATA_MANAGER', 'GET /instance', answer.skipped) : null;
    return ids.map((id) => {
      const instance = listed.get(id);
      if (!instance && unsure) return unsure;
      if (!instance) {
        this.deleting.delete(id);
        return null;
      }
      return toJob(instance, undefined, this.isDeleting(id));
    });
  }

  /**
   * The listing has no paging (it costs as much as every instance), so the probe asks for an
   * instance that cannot exist: a 404 shows the service answers and took the token (it checks the
   * token before it looks the instance up).
   */
  async probe(options: CallOptions = {}): Promise<void> {
    try {
      await this.client.getInstance(PROBE_INSTANCE, options);
    } catch (error) {
      if (isProviderError(error) && error.code === 'NOT_FOUND') return;
      throw error;
    }
  }

  async cancel(id: string, options: CallOptions & { reason?: string } = {}): Promise<void> {
    // The Data Manager's DELETE takes no reason.
    await this.client.terminateInstance(id, { signal: options.signal });
    this.snapshots.invalidate();
    this.deleting.set(id, Date.now());
  }

  /**
   * Task events as the instance's log: every task of the instance (creation, then deletion) is
   * read from just after the last ordinal seen. Once the instance is gone (a deleted instance
   * disappears a few seconds later) the tasks already known are still read to their end.
   */
  async pollLogs(id: string, cursor: string | null, options: CallOptions = {}): Promise<LogPoll> {
    const seen = readCursor(cursor);
    let taskIds: string[];
    try {
      const instance = await this.client.getInstance(id, options);
      taskIds = instance.tasks.map((task) => task.id);
    } catch (error) {
      if (!(error instanceof ProviderError && error.code === 'NOT_FOUND' && Object.keys(seen).length > 0)) throw error;
      taskIds = Object.keys(seen);
    }
    const next: LogCursor = { ...seen };
    const entries: LogEntry[] = [];
    for (const taskId of taskIds) {
      let prior = seen[taskId] ?? 0;
      for (let page = 0; page < MAX_EVENT_PAGES; page++) {
        const task = await this.client.getTask(taskId, { eventLimit: EVENT_PAGE, eventPriorOrdinal: prior, signal: options.signal });
        const fresh = task.events.filter((event) => event.ordinal > prior).sort((a, b) => a.ordinal - b.ordinal);
        for (const event of fresh) {
          entries.push({ rank: 0, stream: 'EVENT', text: event.message, timestamp: event.time });
        }
        const last = fresh.at(-1);
        if (last) prior = last.ordinal;
        if (!last || task.events.length < EVENT_PAGE) break;
      }
      next[taskId] = prior;
    }
    return { entries, cursor: JSON.stringify(next) };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export function createProvider(settings: DataManagerSettings, options: ProviderOptions): DataManagerProvider {
  return new DataManagerProvider(new DataManagerClient(settings, options));
}

/** The Data Manager with the gateway's token, or each caller's (`DATAMANAGER_CREDENTIALS=forward`), over one connection pool. */
export function createBackend(settings: DataManagerSettings | ForwardSettings, options: ProviderOptions, sharing: BackendSharing = {}): Backend<'DATA_MANAGER'> {
  const transport = dataManagerTransport(settings.url, options);
  const snapshots = new ListingSnapshots(sharing.listSnapshotMs ?? 0, { shareInFlight: true });
  const forCredential = (credential: CredentialOf<'DATA_MANAGER'>) =>
    new DataManagerProvider(
      new DataManagerClient({ url: settings.url, token: credential.token }, options, transport),
      snapshots.scoped(credentialFingerprint('DATA_MANAGER', credential)),
    );
  return backendOf('DATA_MANAGER', settings, transport, { kind: DataManagerProvider, service: (own: DataManagerSettings) => forCredential(own), forCredential });
}
