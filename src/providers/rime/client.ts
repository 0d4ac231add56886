// RIME's JobReader calls over HTTP: one method per RPC, answers parsed with the wire schemas.
//
// Wire choices (upstreams/rime.md):
// - ListJobs always names `pageSize` (as the decimal string int64 travels as) and `view`: the
//   server's defaults are not part of the contract. There is no sort parameter; RIME promises no
//   order, so the gateway reads listings whole and orders them itself.
// - Repeated filters repeat their key and are never sent empty (an empty status list means "no
//   RIME job can match" and is answered without a request).
// - A later page sends only `pageToken` (plus size and view), never the first-page query again.
import type { RimeSettings } from '../../config.js';
import type { CallOptions, ProviderOptions } from '../contract.js';
import { HttpClient } from '../http.js';
import { encodeQuery } from '../query.js';
import {
  cancelJobResponse,
  getJobResponse,
  getProjectIdResponse,
  getTestRunIdResponse,
  listJobsResponse,
  rpcStatusMessage,
  type GetProjectIdResponse,
  type GetTestRunIdResponse,
  type JobMetadata,
  type JobView,
  type ListJobsResponse,
} from './wire.js';

/** The seed's API version. Newer RIME releases serve the same calls under `/v1`. */
export const RIME_API_PREFIX = '/v1-beta';

export interface FirstPageQuery {
  selectedStatuses?: readonly string[];
  selectedTypes?: readonly string[];
  objectId?: string | null;
}

interface PageOptions {
  pageSize?: number;
  view?: JobView;
}

/**
 * A ListJobs request. The server takes either the first-page query or a page token (which already
 * carries that query), never both, so the type does not allow both.
 */
export type ListJobsQuery = PageOptions &
  ({ firstPageQuery?: FirstPageQuery; pageToken?: undefined } | { pageToken: string; firstPageQuery?: undefined });

/** Connections to one RIME deployment, shared by the clients of every credential. */
export function rimeTransport(url: string, options: ProviderOptions): HttpClient {
  return new HttpClient({ ...options, provider: 'RIME', baseUrl: url, errorMessage: rpcStatusMessage });
}

export class RimeClient {
  private readonly http: HttpClient;
  /** The connections this client made for itself (none when given the backend's shared ones). */
  private readonly transport: HttpClient | null;

  /** `transport`: the backend's shared connections (`rimeTransport`); absent, a pool of its own. */
  constructor(settings: Pick<RimeSettings, 'url' | 'apiKey'>, options: ProviderOptions, transport?: HttpClient) {
    const { apiKey } = settings;
    const auth = { authenticate: () => ({ 'rime-api-key': apiKey }) };
    const shared = transport ?? rimeTransport(settings.url, options);
    this.transport = transport === undefined ? shared : null;
    this.http = shared.withAuth(auth);
  }

  /** ListJobs: one page. Repeated filters repeat their key, as grpc-gateway reads them. */
  async listJobs(query: ListJobsQuery, options: CallOptions = {}): Promise<ListJobsResponse> {
    const first = query.pageToken === undefined ? query.firstPageQuery : undefined;
    const encoded = encodeQuery({
      'firstPageQuery.selectedStatuses': first?.selectedStatuses,
      'firstPageQuery.selectedTypes': first?.selectedTypes,
      'firstPageQuery.objectId': first?.objectId || undefined,
      pageToken: query.pageToken,
      // int64 travels as a decimal string.
      pageSize: query.pageSize === undefined ? undefined : String(Math.trunc(query.pageSize)),
      view: query.view,
    });
    return this.http.call({ method: 'GET', path: `${RIME_API_PREFIX}/jobs`, query: encoded }, listJobsResponse, options);
  }

  /** GetJob. Without a view the server answers with the basic one. */
  async getJob(jobId: string, view?: JobView, options: CallOptions = {}): Promise<JobMetadata> {
    const response = await this.http.call(
      { method: 'GET', path: `${RIME_API_PREFIX}/jobs/${encodeURIComponent(jobId)}`, query: encodeQuery({ view }) },
      getJobResponse,
      options,
    );
    return response.job;
  }

  /** CancelJob: a POST without a body. Only requests cancellation; the job ends CANCELLED later. */
  async cancelJob(jobId: string, options: CallOptions = {}): Promise<void> {
    await this.http.call(
      { method: 'POST', path: `${RIME_API_PREFIX}/jobs/cancel/${encodeURIComponent(jobId)}` },
      cancelJobResponse,
      options,
    );
  }

  /** GetProjectID. */
  async getProjectId(jobId: string, options: CallOptions = {}): Promise<GetProjectIdResponse> {
    return this.http.call(
      { method: 'GET', path: `${RIME_API_PREFIX}/jobs/${encodeURIComponent(jobId)}/project-id` },
      getProjectIdResponse,
      options,
    );
  }

  /** GetTestRunID: only answers for completed stress test jobs. */
  async getTestRunId(jobId: string, options: CallOptions = {}): Promise<GetTestRunIdResponse> {
    return this.http.call(
      { method: 'GET', path: `${RIME_API_PREFIX}/jobs/${encodeURIComponent(jobId)}/test-run-id` },
      getTestRunIdResponse,
      options,
    );
  }

  async close(): Promise<void> {
    await this.transport?.close();
  }
}
