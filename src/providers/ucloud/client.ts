// The UCloud Jobs API over HTTP and WebSocket: one method per UCloud call, named as UCloud names it.
// Returns parsed wire types; knows nothing of the unified job.
//
// Wire choices (where upstreams/ucloud.md leaves room, send what both the Kotlin and the Go backend
// read the same way):
// - `browse` always names `itemsPerPage` (one of Kotlin's sizes, which Go accepts too), `sortBy`
//   and `sortDirection`: the defaults differ between the servers (Go: 50 items) and are not part
//   of the contract.
// - The creation window is two separate flags, `filterCreatedAfter` / `filterCreatedBefore` (epoch
//   ms), each sent only when wanted: an absent flag has one reading. Whether a server reads a bound
//   inclusively or not, the provider asks a millisecond wider and drops what it did not want.
// - `filterIds` is one comma-separated value without empty elements (ids never contain commas).
// - `search` sends its flags both nested and at the top level (Kotlin reads one, Go the other).
import type { z } from 'zod';
import type { UCloudSettings } from '../../config.js';
import { ProviderError, codeForStatus } from '../errors.js';
import type { CallOptions, ProviderOptions } from '../contract.js';
import { HttpClient } from '../http.js';
import { encodeQuery, type QueryParams } from '../query.js';
import { describeZodError } from '../zod.js';
import { socketCall } from './socket.js';
import {
  createResponse,
  errorBody,
  errorMessage,
  job,
  jobPage,
  jobsFollowResponse,
  productsResponse,
  refreshResponse,
  unitBulkResponse,
  unitOrBulkResponse,
  utilizationResponse,
  type BrowseParams,
  type CreateResponse,
  type Job,
  type JobIncludeFlags,
  type JobPage,
  type JobSpecificationInput,
  type JobsExtendRequestItem,
  type JobsFollowResponse,
  type ProductsResponse,
  type SearchRequest,
  type UnitBulkResponse,
  type UtilizationResponse,
} from './wire.js';

export const JOBS_PATH = '/api/jobs';
export const REFRESH_PATH = '/auth/refresh';

export interface UCloudClientOptions extends ProviderOptions {
  /** How long a follow connection may stay silent (no frame, no pong) before it counts as dead. */
  followIdleTimeoutMs?: number;
}

/** Kotlin sends a keep-alive every 60 s and we ping every 30 s: 90 s of silence is a dead link. */
const FOLLOW_IDLE_TIMEOUT_MS = 90_000;

const FLAG_KEYS = [
  'filterApplication',
  'filterState',
  'includeParameters',
  'includeApplication',
  'includeProduct',
  'includeOthers',
  'includeUpdates',
  'includeSupport',
  'filterCreatedBy',
  'filterCreatedAfter',
  'filterCreatedBefore',
  'filterProvider',
  'filterProductId',
  'filterProductCategory',
  'filterProviderIds',
  'filterIds',
] as const satisfies readonly (keyof JobIncludeFlags)[];

const FLAG_KEY_SET: ReadonlySet<string> = new Set(FLAG_KEYS);

/** Flags as UCloud reads them, in the caller's order: comma lists joined, absent ones left out. */
function flagValues(flags: JobIncludeFlags): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(flags) as [keyof JobIncludeFlags, JobIncludeFlags[keyof JobIncludeFlags]][]) {
    if (value === undefined || !FLAG_KEY_SET.has(key)) continue;
    // A comma list never carries an empty element: `a,,b` has more than one reading.
    out[key] = typeof value === 'object' ? value.filter((item) => item !== '').join(',') : value;
  }
  return out;
}

/** Connections to one UCloud deployment, shared by the clients of every credential. */
export function ucloudTransport(url: string, options: ProviderOptions): HttpClient {
  return new HttpClient({ ...options, provider: 'UCLOUD', baseUrl: url, errorMessage });
}

export class UCloudClient {
  readonly http: HttpClient;
  /** Only for `POST /auth/refresh`: it must not pass through the refresh-on-401 hook of `http`. */
  private readonly authHttp: HttpClient;
  /** The connections this client made for itself (none when given the backend's shared ones). */
  private readonly transport: HttpClient | null;
  private accessToken: string | null;
  private refreshing: Promise<void> | null = null;

  /** `transport`: the backend's shared connections (`ucloudTransport`); absent, a pool of its own. */
  constructor(
    private readonly settings: Pick<UCloudSettings, 'url' | 'token' | 'refreshToken' | 'project'>,
    private readonly options: UCloudClientOptions,
    transport?: HttpClient,
  ) {
    this.accessToken = settings.token;
    const { followIdleTimeoutMs: _idle, ...tuning } = options;
    const shared = transport ?? ucloudTransport(settings.url, tuning);
    this.http = shared.withAuth({ authenticate: () => this.headers(), onUnauthorized: () => this.refreshAfterRejection() });
    // Without the refresh-on-401 hook: a rejected refresh token is final.
    this.authHttp = shared.withAuth({ authenticate: () => ({ authorization: `Bearer ${this.settings.refreshToken ?? ''}` }) });
    this.transport = transport === undefined ? shared : null;
  }

  /** True when a rejected access token can be replaced (a refresh token is configured). */
  get canRefresh(): boolean {
    return this.settings.refreshToken !== null;
  }

  // ---- calls ----

  browse(params: BrowseParams, options: CallOptions = {}): Promise<JobPage> {
    const { itemsPerPage, next, consistency, itemsToSkip, sortBy, sortDirection, ...flags } = params;
    const query: QueryParams = {
      itemsPerPage,
      next,
      consistency,
      itemsToSkip,
      sortBy,
      sortDirection,
      ...flagValues(flags),
    };
    return this.http.call({ method: 'GET', path: `${JOBS_PATH}/browse`, query: encodeQuery(query) }, jobPage, options);
  }

  retrieve(id: string, flags: JobIncludeFlags = {}, options: CallOptions = {}): Promise<Job> {
    const query = encodeQuery({ id, ...flagValues(flags) });
    return this.http.call({ method: 'GET', path: `${JOBS_PATH}/retrieve`, query }, job, options);
  }

  search(request: SearchRequest, options: CallOptions = {}): Promise<JobPage> {
    const flags = request.flags ?? {};
    // Kotlin reads `flags`, Go reads the flags at the top level: send both.
    const body = {
      query: request.query,
      flags,
      ...flags,
      itemsPerPage: request.itemsPerPage ?? null,
      next: request.next ?? null,
      ...(request.sortBy !== undefined ? { sortBy: request.sortBy } : {}),
      ...(request.sortDirection !== undefined ? { sortDirection: request.sortDirection } : {}),
    };
    return this.http.call({ method: 'POST', path: `${JOBS_PATH}/search`, body: JSON.stringify(body) }, jobPage, options);
  }

  create(specifications: readonly JobSpecificationInput[], options: CallOptions = {}): Promise<CreateResponse> {
    return this.bulk(JOBS_PATH, specifications, createResponse, options);
  }

  terminate(ids: readonly string[], options: CallOptions = {}): Promise<UnitBulkResponse> {
    return this.bulk(`${JOBS_PATH}/terminate`, ids.map((id) => ({ id })), unitBulkResponse, options);
  }

  extend(items: readonly JobsExtendRequestItem[], options: CallOptions = {}): Promise<UnitBulkResponse> {
    return this.bulk(`${JOBS_PATH}/extend`, items, unitBulkResponse, options);
  }

  async suspend(ids: readonly string[], options: CallOptions = {}): Promise<void> {
    await this.bulk(`${JOBS_PATH}/suspend`, ids.map((id) => ({ id })), unitOrBulkResponse, options);
  }

  async unsuspend(ids: readonly string[], options: CallOptions = {}): Promise<void> {
    await this.bulk(`${JOBS_PATH}/unsuspend`, ids.map((id) => ({ id })), unitOrBulkResponse, options);
  }

  retrieveProducts(options: CallOptions = {}): Promise<ProductsResponse> {
    return this.http.call({ method: 'GET', path: `${JOBS_PATH}/retrieveProducts` }, productsResponse, options);
  }

  /** Not served by the Go backend: expect `NOT_FOUND` there. */
  retrieveUtilization(jobId: string, options: CallOptions = {}): Promise<UtilizationResponse> {
    const query = encodeQuery({ jobId });
    return this.http.call({ method: 'GET', path: `${JOBS_PATH}/retrieveUtilization`, query }, utilizationResponse, options);
  }

  /**
   * `jobs.follow` over WebSocket: every `message` frame's payload, parsed. Ends on the final
   * `response` frame (Kotlin), on the socket closing (Go), or when `signal` aborts. A final frame with
   * an error status throws. One stream per call: a drop is the caller's to retry. What is not a retry
   * is authentication: a token rejected before any message is refreshed once and the call made again.
   */
  async *follow(id: string, options: CallOptions = {}): AsyncGenerator<JobsFollowResponse, void, undefined> {
    let refreshed = false;
    for (;;) {
      const token = await this.currentAccessToken();
      let received = 0;
      let rejected = false;
      const frames = socketCall({
        url: this.socketUrl(),
        request: {
          call: 'jobs.follow',
          streamId: '0',
          payload: { id },
          bearer: token,
          ...(this.settings.project !== null ? { project: this.settings.project } : {}),
        },
        handshakeTimeoutMs: this.options.timeoutMs,
        idleTimeoutMs: this.options.followIdleTimeoutMs ?? FOLLOW_IDLE_TIMEOUT_MS,
        describe: `jobs.follow ${id}`,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      for await (const frame of frames) {
        if (frame.kind === 'message') {
          const parsed = jobsFollowResponse.safeParse(frame.payload);
          if (!parsed.success) {
            throw this.followError('BAD_RESPONSE', id, null, `unexpected payload: ${describeZodError(parsed.error)}`);
          }
          received++;
          yield parsed.data;
          continue;
        }
        if (frame.status <= 399) return;
        if (frame.status === 401 && received === 0 && !refreshed && this.canRefresh) {
          rejected = true;
          break;
        }
        throw this.followError(codeForStatus(frame.status), id, frame.status, this.frameMessage(frame.payload));
      }
      if (received > 0 || options.signal?.aborted) return;
      if (rejected) {
        await this.refresh();
      } else {
        // The Go backend closes without a frame on an unknown job, a refused project or a rejected
        // token: HTTP tells which (NOT_FOUND, FORBIDDEN, UNAUTHENTICATED), and refreshes a rejected
        // token on its 401, after which the stream is worth one more call.
        await this.retrieve(id, {}, options);
        if (refreshed || this.accessToken === token) throw this.followError('UNAVAILABLE', id, null, 'the stream closed before its first frame');
      }
      refreshed = true;
    }
  }

  /** Exchanges the refresh token for a new access token and keeps it for the following calls. */
  refresh(options: CallOptions = {}): Promise<void> {
    if (this.settings.refreshToken === null) {
      return Promise.reject(
        new ProviderError({ code: 'UNAUTHENTICATED', provider: 'UCLOUD', message: 'UCLOUD: no refresh token configured' }),
      );
    }
    // Concurrent 401s share one refresh.
    this.refreshing ??= this.authHttp
      .call({ method: 'POST', path: REFRESH_PATH }, refreshResponse, options)
      .then((answer) => {
        this.accessToken = answer.accessToken;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  async close(): Promise<void> {
    await this.transport?.close();
  }

  // ---- plumbing ----

  /** A bulk call: `{"items": [...]}` in, the backend checks the 1–1000 bound. */
  private bulk<S extends z.ZodType>(path: string, items: readonly unknown[], schema: S, options: CallOptions): Promise<z.output<S>> {
    return this.http.call({ method: 'POST', path, body: JSON.stringify({ items }) }, schema, options);
  }

  private async currentAccessToken(): Promise<string> {
    if (this.accessToken === null) await this.refresh();
    if (this.accessToken === null) {
      throw new ProviderError({ code: 'UNAUTHENTICATED', provider: 'UCLOUD', message: 'UCLOUD: no access token configured' });
    }
    return this.accessToken;
  }

  private async headers(): Promise<Record<string, string>> {
    const token = await this.currentAccessToken();
    return {
      authorization: `Bearer ${token}`,
      ...(this.settings.project !== null ? { project: this.settings.project } : {}),
    };
  }

  private async refreshAfterRejection(): Promise<boolean> {
    if (!this.canRefresh) return false;
    await this.refresh();
    return true;
  }

  private socketUrl(): string {
    const url = new URL(this.settings.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${JOBS_PATH}`;
    url.search = '';
    return url.toString();
  }

  private frameMessage(payload: unknown): string {
    const parsed = errorBody.safeParse(payload);
    return (parsed.success ? errorMessage(payload) : undefined) ?? 'no error body';
  }

  private followError(code: ProviderError['code'], id: string, status: number | null, detail: string): ProviderError {
    const statusText = status === null ? '' : ` answered ${status}`;
    return new ProviderError({ code, provider: 'UCLOUD', status, message: `UCLOUD jobs.follow ${id}${statusText}: ${detail}` });
  }
}
