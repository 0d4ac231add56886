// The RIME backend behind the `Provider` contract.
import type { ForwardSettings, RimeSettings } from '../../config.js';
import { backendOf, type Backend, type BackendSharing } from '../backend.js';
import type { CredentialOf } from '../credentials.js';
import { getEach } from '../concurrency.js';
import type { CallOptions, GetResult, JobOperation, ListPage, ListRequest, LogEntry, LogPoll, Provider, ProviderOptions } from '../contract.js';
import { ProviderError } from '../errors.js';
import { readsAny } from '../fields.js';
import { ListingSnapshots, newestFirst, UNSHARED, type ScopedSnapshots } from '../snapshots.js';
import { mergeSkipped } from '../tolerance.js';
import { credentialFingerprint } from '../../identity/fingerprint.js';
import type { Job, JobState } from '../job.js';
import { RimeClient, rimeTransport, type ListJobsQuery } from './client.js';
import { CANCELLABLE_TYPES, toJob, toJobState, toRimeStatuses, terminationText } from './map.js';
import { memoized } from '../memoized.js';
import type { JobMetadata, JobView } from './wire.js';

/** Listed jobs: an unchanged one is the same wire object every refresh (see memoized.ts). */
const listedJob = memoized(toJob);

/** ListJobs pages are cheap next to one GetJob per job, so a listing reads big pages. */
const MIN_PAGE_SIZE = 100;
/** A live-jobs listing longer than this many pages is cut short; the rest is read one by one. */
const MAX_REFRESH_PAGES = 10;
const MAX_PAGE_SIZE = 1_000;
/** A listing read whole stops here: a million jobs, or a server whose tokens never end. */
const MAX_WHOLE_PAGES = 1_000;
/** RIME has no batch get: one GetJob per id, this many at a time. */
const GET_CONCURRENCY = 8;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Progress is part of the job's fields: every get asks for it, a list read when a field needs it. */
const VIEW = 'JOB_VIEW_FULL';
/** The job fields read off what only the full view carries: the progress and its text (map.ts). */
const FULL_VIEW_FIELDS = ['progressText', 'testRunStatus', 'testBatches', 'testRunId'] as const;

/**
 * The status set to send for a state filter: `undefined` for no status filter, an empty list when
 * no RIME job can match (nothing to ask).
 */
function statusFilter(states: readonly JobState[] | null | undefined): readonly string[] | undefined {
  if (!states || states.length === 0) return undefined;
  const statuses = new Set<string>();
  for (const state of states) {
    const mapped = toRimeStatuses(state);
    if (mapped === null) return undefined;
    for (const status of mapped) statuses.add(status);
  }
  return [...statuses];
}

/** What `pollLogs` has already reported, carried in the cursor. */
interface Seen {
  status: string | null;
  cancellationRequested: boolean;
  progress: string | null;
  batches: Record<string, string>;
}

const NOTHING_SEEN: Seen = { status: null, cancellationRequested: false, progress: null, batches: {} };

/** The listing of the live jobs, in the full view (live snapshots carry progress), page by page. */
function liveQuery(pageToken: string | null): ListJobsQuery {
  if (pageToken !== null) return { pageToken, pageSize: MAX_PAGE_SIZE, view: VIEW };
  return { firstPageQuery: { selectedStatuses: statusFilter(['PENDING', 'QUEUED', 'RUNNING', 'CANCELLING']) ?? [] }, pageSize: MAX_PAGE_SIZE, view: VIEW };
}

function readCursor(cursor: string | null): Seen {
  if (cursor === null) return NOTHING_SEEN;
  try {
    const value = JSON.parse(cursor) as Partial<Seen>;
    return {
      status: typeof value.status === 'string' ? value.status : null,
      cancellationRequested: value.cancellationRequested === true,
      progress: typeof value.progress === 'string' ? value.progress : null,
      batches: value.batches !== null && typeof value.batches === 'object' ? value.batches : {},
    };
  } catch {
    // A cursor from elsewhere (or an older format): start over rather than fail the stream.
    return NOTHING_SEEN;
  }
}

interface BatchView {
  key: string;
  label: string;
  status: string;
}

/** Every test batch of a job with a stable key (the test run and batch type) and a readable label. */
function batchesOf(job: JobMetadata): BatchView[] {
  const stress = job.jobData?.stress?.progress?.testRun;
  if (stress) {
    return stress.testBatches.map((batch, i) => {
      const type = batch.type ?? `#${i + 1}`;
      return { key: type, label: `Test batch "${type}"`, status: batch.status };
    });
  }
  const runs = job.jobData?.continuousInc?.progress?.testRuns ?? [];
  return runs.flatMap((run, r) => {
    const runId = run.testRun?.testRunId ?? `#${r + 1}`;
    return (run.testRun?.testBatches ?? []).map((batch, i) => {
      const type = batch.type ?? `#${i + 1}`;
      return { key: `${runId}/${type}`, label: `Test run ${runId.slice(0, 8)} batch "${type}"`, status: batch.status };
    });
  });
}

export class RimeProvider implements Provider<'RIME'> {
  readonly id = 'RIME' as const;
  readonly listOrder = 'unordered' as const;

  /** `snapshots`: listings shared with the other operations of the same credential (see snapshots.ts). */
  constructor(
    readonly client: RimeClient,
    private readonly snapshots: ScopedSnapshots = UNSHARED,
  ) {}

  async list(request: ListRequest): Promise<ListPage> {
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(MIN_PAGE_SIZE, Math.trunc(request.pageSize)));
    // The full view costs RIME more and weighs more on the wire: only for the fields that need it.
    const view: JobView = readsAny(request.fields, FULL_VIEW_FIELDS) ? VIEW : 'JOB_VIEW_BASIC';
    let query: ListJobsQuery;
    if (request.pageToken) {
      // The token carries the first page's query; sending both is an error.
      query = { pageToken: request.pageToken, pageSize, view };
    } else {
      const selectedStatuses = statusFilter(request.filter.states);
      if (selectedStatuses?.length === 0) return { jobs: [], nextPageToken: null };
      // RIME projects are UUIDs: another value matches no job (and might be refused as an objectId).
      if (request.filter.project != null && !UUID.test(request.filter.project)) return { jobs: [], nextPageToken: null };
      query = {
        firstPageQuery: { selectedStatuses, objectId: request.filter.project ?? null },
        pageSize,
        view,
      };
    }
    // A kept listing is read to its end once, sorted once, and then serves every page of everyone
    // with this credential: RIME has no order, so each page would read it all anyway.
    const snapshots = request.fresh ? UNSHARED : this.snapshots;
    if (snapshots.keeps && !request.pageToken) return snapshots.read(query, (signal) => this.readWhole(query, { signal }), request.signal);
    return snapshots.read(query, (signal) => this.readPage(query, { signal }), request.signal);
  }

  private async readWhole(first: ListJobsQuery, options: CallOptions): Promise<ListPage> {
    const jobs: Job[] = [];
    let skipped: ListPage['skipped'] = null;
    let query = first;
    for (let page = 0; page < MAX_WHOLE_PAGES; page++) {
      const answer = await this.readPage(query, options);
      jobs.push(...answer.jobs);
      skipped = mergeSkipped(skipped ?? null, answer.skipped ?? null);
      if (answer.nextPageToken === null) return { jobs: newestFirst(jobs), nextPageToken: null, skipped, inListOrder: true };
      query = { pageToken: answer.nextPageToken, pageSize: first.pageSize ?? MAX_PAGE_SIZE, view: first.view ?? VIEW };
    }
    throw new ProviderError({ code: 'BAD_RESPONSE', provider: 'RIME', message: `RIME GET /jobs: the listing does not end within ${MAX_WHOLE_PAGES} pages` });
  }

  /** One ListJobs page, read now (live polling must not be served an older reading). */
  private async readPage(query: ListJobsQuery, options: CallOptions): Promise<ListPage> {
    const page = await this.client.listJobs(query, options);
    if (page.hasMore && page.nextPageToken === null) {
      throw new ProviderError({
        code: 'BAD_RESPONSE',
        provider: 'RIME',
        message: 'RIME GET /jobs: hasMore is true but nextPageToken is empty',
      });
    }
    return { jobs: page.jobs.map(listedJob), nextPageToken: page.hasMore ? page.nextPageToken : null, skipped: page.skipped };
  }

  getMany(ids: readonly string[], options: CallOptions = {}): Promise<GetResult[]> {
    // An empty id would address the list route instead of a job.
    return getEach(ids, GET_CONCURRENCY, async (id) => (id === '' ? null : toJob(await this.client.getJob(id, VIEW, options))));
  }

  /**
   * Followed jobs are mostly live: one listing of the live ones (all pages) covers them, and only a
   * job missing from it (it just ended, or is unknown) costs a GetJob of its own.
   */
  async refreshMany(ids: readonly string[], options: CallOptions = {}): Promise<GetResult[]> {
    const live = new Map<string, Job>();
    let pageToken: string | null = null;
    for (let page = 0; page < MAX_REFRESH_PAGES; page++) {
      const result = await this.readPage(liveQuery(pageToken), options);
      for (const job of result.jobs) live.set(job.providerJobId, job);
      pageToken = result.nextPageToken;
      if (pageToken === null) break;
    }
    const missing = ids.filter((id) => !live.has(id));
    const fetched = new Map(missing.map((id, index) => [id, index]));
    const others = missing.length > 0 ? await this.getMany(missing, options) : [];
    return ids.map((id) => live.get(id) ?? others[fetched.get(id) ?? -1] ?? null);
  }

  /** CancelJob takes only some job types: any other is refused before a call is made. */
  unsupportedFor(job: Job, operation: JobOperation): string | null {
    if (operation !== 'cancel' || job.provider !== 'RIME' || CANCELLABLE_TYPES.includes(job.jobType)) return null;
    return `RIME cannot cancel ${job.jobType} jobs; only ${CANCELLABLE_TYPES.join(', ')} jobs can be cancelled.`;
  }

  /** One job in the basic view: the smallest ListJobs answer. */
  async probe(options: CallOptions = {}): Promise<void> {
    await this.client.listJobs({ firstPageQuery: {}, pageSize: 1, view: 'JOB_VIEW_BASIC' }, options);
  }

  async cancel(id: string, options: CallOptions & { reason?: string } = {}): Promise<void> {
    // CancelJob takes no reason; RIME records who cancelled from the API key.
    await this.client.cancelJob(id, { signal: options.signal });
    this.snapshots.invalidate();
  }

  /**
   * RIME has no log stream; what changes while a job runs is its status, its progress text and its
   * test batches' statuses. Each change since the cursor becomes one `EVENT` entry.
   */
  async pollLogs(id: string, cursor: string | null, options: CallOptions = {}): Promise<LogPoll> {
    const job = await this.client.getJob(id, VIEW, options);
    const seen = readCursor(cursor);
    const timestamp = new Date();
    const entries: LogEntry[] = [];
    const emit = (text: string): void => {
      entries.push({ rank: 0, stream: 'EVENT', text, timestamp });
    };

    if (job.status !== seen.status) {
      const state = toJobState(job.status);
      const reason = state === 'FAILED' || state === 'CANCELLED' ? (job.errorMsg ?? terminationText(job.terminationReason)) : null;
      emit(reason === null ? `Job status: ${job.status}` : `Job status: ${job.status}: ${reason}`);
    }
    if (job.cancellationRequested && !seen.cancellationRequested) emit('Cancellation requested');

    const batches: Record<string, string> = {};
    for (const batch of batchesOf(job)) {
      batches[batch.key] = batch.status;
      if (seen.batches[batch.key] !== batch.status) emit(`${batch.label}: ${batch.status}`);
    }
    if (job.jobProgressStr !== null && job.jobProgressStr !== seen.progress) emit(job.jobProgressStr);

    const next: Seen = {
      status: job.status,
      cancellationRequested: job.cancellationRequested,
      progress: job.jobProgressStr ?? seen.progress,
      batches,
    };
    return { entries, cursor: JSON.stringify(next) };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export function createProvider(settings: RimeSettings, options: ProviderOptions): RimeProvider {
  return new RimeProvider(new RimeClient(settings, options));
}

/** RIME with the gateway's API key, or each caller's (`RIME_CREDENTIALS=forward`), over one connection pool. */
export function createBackend(settings: RimeSettings | ForwardSettings, options: ProviderOptions, sharing: BackendSharing = {}): Backend<'RIME'> {
  const transport = rimeTransport(settings.url, options);
  const snapshots = new ListingSnapshots(sharing.listSnapshotMs ?? 0, { shareInFlight: true });
  const forCredential = (credential: CredentialOf<'RIME'>) =>
    new RimeProvider(new RimeClient({ url: settings.url, apiKey: credential.apiKey }, options, transport), snapshots.scoped(credentialFingerprint('RIME', credential)));
  return backendOf('RIME', settings, transport, { kind: RimeProvider, service: (own: RimeSettings) => forCredential(own), forCredential });
}
