import type { ForwardSettings, GpuSettings } from '../../config.js';
import { backendOf, type Backend, type BackendSharing } from '../backend.js';
import type { CredentialOf } from '../credentials.js';
import { getInBatches, mapLimit } from '../concurrency.js';
import type { GpuJob } from '../job.js';
import type { CallOptions, CreatedJob, GetResult, ListPage, ListRequest, LogEntry, LogPoll, Provider, ProviderOptions } from '../contract.js';
import { ProviderError } from '../errors.js';
import { GpuClient, gpuTransport, LATEST_BOUND, type ListJobsQuery } from './client.js';
import { toCreateBody, toJob } from './map.js';
import { createdWindow, decodePageToken, encodePageToken, nextPageToken, statusFilter, type CreatedWindow } from './pushdown.js';
import { inStartedOrder, isFinishedRun, parseRunCursor, runLogText, serializeRunCursor, type RunCursor } from './runlogs.js';
import type { GpuJobListWire, GpuJobRunWire } from './wire.js';
import { ListingSnapshots, unshared, type ScopedSnapshots } from '../snapshots.js';
import { memoized } from '../memoized.js';
import { credentialFingerprint } from '../../identity/fingerprint.js';
import type { GpuJobSpec } from '../specs.js';

export const DEFAULT_CANCEL_REASON = 'Cancelled via Job Gateway';
/** The API's largest `limit`. */
const MAX_LIMIT = 50;
const BATCH_CONCURRENCY = 4;
const RUN_CONCURRENCY = 4;
const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A kept page (see snapshots.ts) is one answer object read by many operations: it is mapped once,
 * like the other backends' kept listings, so a running job's time is as old as the reading.
 */
const mappedJobs = memoized((answer: GpuJobListWire): GpuJob[] => answer.data.map((wire) => toJob(wire, wire.uuid)));

export class GpuProvider implements Provider<'GPU'> {
  readonly id = 'GPU' as const;
  readonly listOrder = 'newest-first' as const;

  private bareDates = false;

  /**
   * `pages`: list pages read at the same time by several operations of the same credential share
   * one request. Requests are signed per attempt (a nonce), so only this can tell them alike.
   */
  constructor(
    private readonly client: GpuClient,
    private readonly pages: ScopedSnapshots<GpuJobListWire> = unshared(),
  ) {}

  async list(request: ListRequest): Promise<ListPage> {
    const { filter } = request;
    const statuses = statusFilter(filter.states);
    // GPU jobs have no owner or project, so such a filter matches nothing: no need to ask.
    if ((statuses !== null && statuses.length === 0) || filter.owner != null || filter.project != null) {
      return { jobs: [], nextPageToken: null };
    }
    const token = request.pageToken ? decodePageToken(request.pageToken) : null;
    const window: CreatedWindow = token
      ? { from: filter.createdAfter ?? null, to: new Date(token.toMs) }
      : createdWindow(filter, request.createdAtOrBefore, this.slackMs);
    // Each page may be bigger than the last (the caller grows them); only stepping through one
    // bound by page number needs the size that bound started with.
    const asked = Math.min(MAX_LIMIT, Math.max(1, Math.floor(request.pageSize)));
    const limit = token && token.page > 1 ? token.limit : asked;

    const query: ListJobsQuery = { sort: '-created_at', page: token?.page ?? 1, limit, status: statuses ?? undefined, createdAt: window };
    const pages = request.fresh ? unshared<GpuJobListWire>() : this.pages;
    const answer = await pages.read(query, (signal) => this.client.listJobs(query, { signal }), request.signal);
    if (!this.bareDates && answer.data.some((wire) => wire.created_at_is_date)) {
      this.bareDates = true;
      // The bound just asked for was a millisecond past the cursor; a day is needed: ask again.
      if (!token && request.createdAtOrBefore) return this.list(request);
    }
    const page = mappedJobs(answer);
    const seen = new Set(token?.seen.map(([id]) => id));
    const jobs = page.filter((job) => !seen.has(job.providerJobId));
    const skipped = answer.skipped ?? null;
    // Items left out still filled the page: only a short answer is the end of the listing.
    const served = answer.data.length + (skipped?.count ?? 0);
    if (served < limit) return { jobs, nextPageToken: null, skipped };
    const next =
      page.length > 0
        ? nextPageToken(token, limit, page, this.slackMs)
        : // Nothing readable to move the bound by: step to the next page within it.
          { limit, toMs: token?.toMs ?? (window.to ?? LATEST_BOUND).getTime(), page: (token?.page ?? 1) + 1, seen: token?.seen ?? [] };
    return { jobs, nextPageToken: encodePageToken(next), skipped };
  }

  /**
   * How far past a job's creation time a bound must reach to still cover it: the backend keeps
   * microseconds (1 ms), or only dates (a day) once a bare-date `created_at` has been seen.
   */
  private get slackMs(): number {
    return this.bareDates ? DAY_MS : 1;
  }

  async getMany(ids: readonly string[], options: CallOptions = {}): Promise<GetResult[]> {
    return getInBatches(
      ids,
      // A uuid-shaped id is the only kind that can exist, and a comma would split the filter value.
      { size: MAX_LIMIT, limit: BATCH_CONCURRENCY, key: (id) => (UUID.test(id) ? id.toLowerCase() : null), call: 'GET /v1/jobs', provider: 'GPU' },
      async (uuids) => {
        const answer = await this.client.listJobs({ uuids, limit: MAX_LIMIT, page: 1, sort: '-created_at' }, options);
        return { found: answer.data.map((wire) => [wire.uuid.toLowerCase(), toJob(wire, wire.uuid)] as const), skipped: answer.skipped ?? null };
      },
    );
  }


  async cancel(id: string, options: CallOptions & { reason?: string } = {}): Promise<void> {
    await this.client.cancelJob(id, options.reason ?? DEFAULT_CANCEL_REASON, { signal: options.signal });
    this.pages.invalidate();
  }

  /** Creates a BATCH job; the API answers with the job as created, so no read follows. Never retried. */
  async create(spec: GpuJobSpec, options: CallOptions = {}): Promise<CreatedJob & { job: GpuJob }> {
    const wire = await this.client.createJob(toCreateBody(spec), options);
    this.pages.invalidate();
    if (!wire.uuid) {
      throw new ProviderError({ code: 'BAD_RESPONSE', provider: 'GPU', message: 'GPU POST /v1/jobs: the created job has no uuid' });
    }
    return { id: wire.uuid, job: toJob(wire, wire.uuid) };
  }

  /** The smallest listing there is: one job. */
  async probe(options: CallOptions = {}): Promise<void> {
    await this.client.listJobs({ limit: 1, page: 1, sort: '-created_at' }, options);
  }

  /**
   * New output of the job's runs since `cursor`. Each run's logs come whole from `getJobRun`, so a
   * run is fetched while it may still grow (new, or unfinished when last read) and the part after
   * what was already seen is emitted, ranked by the run's position in started order.
   */
  async pollLogs(id: string, cursor: string | null, options: CallOptions = {}): Promise<LogPoll> {
    const seen = parseRunCursor(cursor);
    const runs = inStartedOrder(await this.allRuns(id, options));
    const done = new Set(seen.done);
    const open = runs.map((run, rank) => ({ run, rank })).filter(({ run }) => !done.has(run.uuid));
    const details = await mapLimit(open, RUN_CONCURRENCY, ({ run }) => this.client.getJobRun(run.uuid, options));

    const next: RunCursor = { runs: { ...seen.runs }, done: [...seen.done] };
    const entries: LogEntry[] = [];
    const timestamp = new Date();
    open.forEach(({ run, rank }, index) => {
      const detail = details[index];
      if (!detail) return;
      const text = runLogText(detail.logs);
      const already = seen.runs[run.uuid] ?? 0;
      if (text.length > already) entries.push({ rank, stream: 'STDOUT', text: text.slice(already), timestamp });
      next.runs[run.uuid] = Math.max(already, text.length);
      if (isFinishedRun(detail.status)) next.done.push(run.uuid);
    });
    return { entries, cursor: serializeRunCursor(next) };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async allRuns(jobUuid: string, options: CallOptions): Promise<GpuJobRunWire[]> {
    const runs: GpuJobRunWire[] = [];
    for (let page = 1; ; page++) {
      const answer = await this.client.listJobRuns({ jobUuid, page, limit: MAX_LIMIT }, options);
      runs.push(...answer.data);
      const pageSize = answer.limit !== null && answer.limit > 0 ? answer.limit : MAX_LIMIT;
      // Without a readable total, the first empty page ends the listing.
      if (answer.data.length === 0 || page * pageSize >= (answer.total ?? Number.POSITIVE_INFINITY)) return runs;
    }
  }
}

export function createProvider(settings: GpuSettings, options: ProviderOptions): GpuProvider {
  return new GpuProvider(new GpuClient(settings, options));
}

/** The GPU cloud with the gateway's key pair, or each caller's (`GPU_CREDENTIALS=forward`), over one connection pool. */
export function createBackend(settings: GpuSettings | ForwardSettings, options: ProviderOptions, sharing: BackendSharing = {}): Backend<'GPU'> {
  const transport = gpuTransport(settings.url, options);
  // Shared above HTTP: requests are never alike on the wire (signed per attempt), only their queries are.
  const pages = new ListingSnapshots<GpuJobListWire>(sharing.listSnapshotMs ?? 0, { shareInFlight: true, sizeOf: (answer) => answer.data.length });
  const forCredential = (credential: CredentialOf<'GPU'>) =>
    new GpuProvider(
      new GpuClient({ url: settings.url, apiKey: credential.apiKey, apiSecret: credential.apiSecret }, options, transport),
      pages.scoped(credentialFingerprint('GPU', credential)),
    );
  return backendOf('GPU', settings, transport, { kind: GpuProvider, service: (own: GpuSettings) => forCredential(own), forCredential });
}
