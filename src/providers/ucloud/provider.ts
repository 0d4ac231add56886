// The UCloud `Provider`: unified requests → UCloud calls, wire jobs → unified jobs.
import type { ForwardSettings, UCloudSettings } from '../../config.js';
import { backendOf, type Backend, type BackendSharing } from '../backend.js';
import { ListingSnapshots, UNSHARED, type ScopedSnapshots } from '../snapshots.js';
import { credentialFingerprint } from '../../identity/fingerprint.js';
import { chunk, getInBatches } from '../concurrency.js';
import type { CallOptions, CreatedJob, GetResult, JobStreamEvent, ListPage, ListRequest, Provider, ProviderOptions } from '../contract.js';
import { ProviderError } from '../errors.js';
import { readsAny } from '../fields.js';
import type { JobState } from '../job.js';
import { UCloudClient, ucloudTransport } from './client.js';
import { foldFrame, logEntries } from './follow.js';
import { toJob, toSimpleDuration, toSpecification } from './map.js';
import type { BrowseParams, Job as WireJob } from './wire.js';
import type { UCloudJobSpec } from '../specs.js';

/** The page sizes UCloud's Kotlin backend accepts. */
const PAGE_SIZES = [10, 25, 50, 100, 250] as const;
const BATCH = 250;
const BULK_LIMIT = 1000;

/** UCloud states per unified state; null: a state UCloud can report (unknown values) but not filter on. */
const UCLOUD_STATES: Readonly<Record<JobState, readonly string[] | null>> = {
  PENDING: [],
  QUEUED: ['IN_QUEUE'],
  RUNNING: ['RUNNING'],
  SUSPENDED: ['SUSPENDED'],
  CANCELLING: ['CANCELING'],
  SUCCEEDED: ['SUCCESS'],
  FAILED: ['FAILURE'],
  CANCELLED: [],
  EXPIRED: ['EXPIRED'],
  UNKNOWN: null,
};

/** What every read asks for: the updates (history, finish time, status text) and the parameters. */
const READ_FLAGS = { includeUpdates: true, includeParameters: true } as const;

/** The job fields read off `updates` (see map.ts), and off the parameters. */
const UPDATES_FIELDS = ['finishedAt', 'runningTimeSeconds', 'statusMessage', 'timeAllocationSeconds', 'outputFolder', 'updates'] as const;
const PARAMETERS_FIELDS = ['parameters'] as const;

/** A list read's flags: the updates and the parameters only when a field the caller reads needs them. */
function listFlags(fields: ReadonlySet<string> | null | undefined): { includeUpdates?: true; includeParameters?: true } {
  return {
    ...(readsAny(fields, UPDATES_FIELDS) ? { includeUpdates: true } : {}),
    ...(readsAny(fields, PARAMETERS_FIELDS) ? { includeParameters: true } : {}),
  };
}

export class UCloudProvider implements Provider<'UCLOUD'> {
  readonly id = 'UCLOUD' as const;
  readonly listOrder = 'newest-first' as const;
  private readonly streams = new Set<AbortController>();

  /** `pages`: list pages shared with the other operations of the same credential (see snapshots.ts). */
  constructor(
    readonly client: UCloudClient,
    private readonly pages: ScopedSnapshots = UNSHARED,
  ) {}

  async list(request: ListRequest): Promise<ListPage> {
    const { filter } = request;
    let filterState: string | undefined;
    if (filter.states && filter.states.length > 0) {
      const wanted = filter.states.map((state) => UCLOUD_STATES[state]);
      if (!wanted.includes(null)) {
        const states = new Set(wanted.flatMap((list) => list ?? []));
        if (states.size === 0) return { jobs: [], nextPageToken: null };
        if (states.size === 1) filterState = [...states][0];
      }
    }
    const before = [filter.createdBefore?.getTime(), request.createdAtOrBefore ? request.createdAtOrBefore.getTime() + 1 : undefined]
      .filter((ms): ms is number => ms !== undefined);
    const params: BrowseParams = {
      itemsPerPage: PAGE_SIZES.find((size) => size >= request.pageSize) ?? 250,
      next: request.pageToken ?? undefined,
      sortBy: 'CREATED_AT',
      sortDirection: 'descending',
      ...listFlags(request.fields),
      ...(filterState !== undefined ? { filterState } : {}),
      ...(filter.owner != null ? { filterCreatedBy: filter.owner } : {}),
      ...(filter.createdAfter != null ? { filterCreatedAfter: filter.createdAfter.getTime() } : {}),
      ...(before.length > 0 ? { filterCreatedBefore: Math.min(...before) } : {}),
    };
    return (request.fresh ? UNSHARED : this.pages).read(
      params,
      async (signal) => {
        const page = await this.client.browse(params, { signal });
        return { jobs: page.items.map(toJob), nextPageToken: page.next, skipped: page.skipped ?? null };
      },
      request.signal,
    );
  }

  async getMany(ids: readonly string[], options: CallOptions = {}): Promise<GetResult[]> {
    return getInBatches(
      ids,
      // An empty id, or one with a comma, would widen or split the `filterIds` list: no such job exists.
      { size: BATCH, limit: 4, key: (id) => (id === '' || id.includes(',') ? null : id), call: 'GET /api/jobs/browse', provider: 'UCLOUD' },
      async (batch) => {
        // Sort and page size spelled out: a server's defaults are not part of the contract.
        const page = await this.client.browse(
          { itemsPerPage: BATCH, sortBy: 'CREATED_AT', sortDirection: 'descending', filterIds: batch, ...READ_FLAGS },
          options,
        );
        return { found: page.items.map((item) => [item.id, toJob(item)] as const), skipped: page.skipped ?? null };
      },
    );
  }


  /** UCloud's terminate has no reason field: the reason is not sent. */
  async cancel(id: string, options: CallOptions & { reason?: string } = {}): Promise<void> {
    await this.client.terminate([id], callOptions(options));
    this.pages.invalidate();
  }

  /** One terminate for all (chunked only beyond UCloud's 1000-item bulk limit). */
  async cancelMany(ids: readonly string[], options: CallOptions = {}): Promise<void> {
    for (const batch of chunk([...new Set(ids)], BULK_LIMIT)) await this.client.terminate(batch, options);
    this.pages.invalidate();
  }

  async extend(id: string, seconds: number, options: CallOptions = {}): Promise<void> {
    await this.client.extend([{ jobId: id, requestedTime: toSimpleDuration(seconds) }], options);
    this.pages.invalidate();
  }

  async suspend(id: string, options: CallOptions = {}): Promise<void> {
    await this.client.suspend([id], options);
    this.pages.invalidate();
  }

  async resume(id: string, options: CallOptions = {}): Promise<void> {
    await this.client.unsuspend([id], options);
    this.pages.invalidate();
  }

  /** Creates one job. UCloud answers with its id only, so the caller reads the job. Never retried. */
  async create(spec: UCloudJobSpec, options: CallOptions = {}): Promise<CreatedJob & { job: null }> {
    const answer = await this.client.create([toSpecification(spec)], options);
    this.pages.invalidate();
    const id = answer.responses[0]?.id;
    if (id === undefined) {
      throw new ProviderError({ code: 'BAD_RESPONSE', provider: 'UCLOUD', message: 'UCLOUD POST /api/jobs: no job id in the answer' });
    }
    return { id, job: null };
  }

  /** The smallest page UCloud serves, without the heavy flags. */
  async probe(options: CallOptions = {}): Promise<void> {
    await this.client.browse({ itemsPerPage: PAGE_SIZES[0], sortBy: 'CREATED_AT', sortDirection: 'descending' }, options);
  }

  /**
   * The job's own `follow` stream. The first event carries the job from `initialJob`; later events
   * carry the job again when a frame changed it (else `job` is null) and the frame's log chunks.
   * Ends with the stream; aborting `signal` ends it quietly. One stream per call, never retried
   * here: a stream that cannot be had throws (NOT_FOUND, UNAUTHENTICATED, UNAVAILABLE...), and
   * reopening one is the caller's (the live layer's follow driver, with the shared backoff).
   */
  async *follow(id: string, options: CallOptions = {}): AsyncGenerator<JobStreamEvent, void, undefined> {
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    this.streams.add(controller);
    try {
      let wire: WireJob | null = null;
      for await (const frame of this.client.follow(id, { signal })) {
        const receivedAt = new Date();
        const folded = foldFrame(wire, frame);
        wire = folded.job;
        const logs = logEntries(frame, receivedAt);
        if (!folded.changed && logs.length === 0) continue;
        yield { job: folded.changed && wire !== null ? toJob(wire) : null, logs };
      }
    } finally {
      this.streams.delete(controller);
    }
  }

  async close(): Promise<void> {
    for (const controller of this.streams) controller.abort();
    await this.client.close();
  }
}

function callOptions(options: CallOptions): CallOptions {
  return options.signal ? { signal: options.signal } : {};
}

export function createProvider(settings: UCloudSettings, options: ProviderOptions): UCloudProvider {
  return new UCloudProvider(new UCloudClient(settings, options));
}

/**
 * UCloud with the gateway's tokens (refreshed as they expire), or each caller's access token and
 * project (`UCLOUD_CREDENTIALS=forward`; never refreshed: a rejected one is that caller's 401).
 */
export function createBackend(settings: UCloudSettings | ForwardSettings, options: ProviderOptions, sharing: BackendSharing = {}): Backend<'UCLOUD'> {
  const transport = ucloudTransport(settings.url, options);
  const pages = new ListingSnapshots(sharing.listSnapshotMs ?? 0, { shareInFlight: true });
  return backendOf('UCLOUD', settings, transport, {
    kind: UCloudProvider,
    // The gateway's own tokens change as they are refreshed: its pages are filed under one name.
    service: (own: UCloudSettings) => new UCloudProvider(new UCloudClient(own, options, transport), pages.scoped(SERVICE_PAGES)),
    forCredential: (credential) =>
      new UCloudProvider(
        new UCloudClient({ url: settings.url, token: credential.token, refreshToken: null, project: credential.project }, options, transport),
        pages.scoped(credentialFingerprint('UCLOUD', credential)),
      ),
  });
}

/** Never a fingerprint (those start with `fp:`). */
const SERVICE_PAGES = 'service';
