import type { GpuSettings } from '../../config.js';
import type { CallOptions, ProviderOptions } from '../contract.js';
import { HttpClient } from '../http.js';
import { encodeQuery, type QueryParams } from '../query.js';
import { canonicalJson, signedHeaders, type GpuCredentials } from './signing.js';
import {
  gpuErrorMessage,
  gpuJobListSchema,
  gpuJobRunDetailSchema,
  gpuJobRunListSchema,
  gpuJobSchema,
  type GpuCancelJobBody,
  type GpuCreateJobBody,
  type GpuJobListWire,
  type GpuJobRunDetailWire,
  type GpuJobRunListWire,
  type GpuJobWire,
} from './wire.js';

// Wire choices (upstreams/gpu.md): every job listing names `sort`, `limit` and `page` (the server's
// defaults are not part of the contract); comma lists never carry empty elements; a creation
// window is always sent with both ends (see `EARLIEST_BOUND`). Job-run listings have no documented
// sort: runs are ordered by their start time here.

/** A bound of `filter[created_at]`: a Date is sent as ISO-8601, a string as it is. */
export type TimeBound = Date | string | null | undefined;

export interface ListJobsQuery {
  page?: number;
  /** 1–50; the server's default is 20. */
  limit?: number;
  sort?: 'created_at' | '-created_at';
  status?: readonly string[];
  /** Several uuids make a batch fetch. */
  uuids?: readonly string[];
  task?: string;
  createdAt?: { from?: TimeBound; to?: TimeBound } | null;
}

export interface ListJobRunsQuery {
  jobUuid?: string;
  status?: readonly string[];
  page?: number;
  limit?: number;
}


/** `a,b`: empty elements dropped (a server may read `a,,b` as three values), nothing when empty. */
function commaList(values: readonly string[] | undefined): string | undefined {
  const present = (values ?? []).filter((value) => value !== '');
  return present.length > 0 ? present.join(',') : undefined;
}

function bound(value: TimeBound): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : value.toISOString();
}

/**
 * The open ends of `filter[created_at]`. The wire notes only show `from,to`; a server that splits on
 * commas and drops empty parts would read `,to` as `from=to`, so an open end is sent as a bound no
 * job can be outside of. Far, but not so far that a server's time zone arithmetic could overflow.
 */
export const EARLIEST_BOUND = new Date('1970-01-01T00:00:00.000Z');
export const LATEST_BOUND = new Date('3000-01-01T00:00:00.000Z');

/** Both ends, always; no filter at all when neither is wanted. */
function createdWindow(window: ListJobsQuery['createdAt']): string | undefined {
  if (!window) return undefined;
  const from = bound(window.from);
  const to = bound(window.to);
  if (from === '' && to === '') return undefined;
  return `${from || bound(EARLIEST_BOUND)},${to || bound(LATEST_BOUND)}`;
}

/** Connections to one GPU cloud, shared by the clients of every key pair. */
export function gpuTransport(url: string, options: ProviderOptions): HttpClient {
  return new HttpClient({ ...options, provider: 'GPU', baseUrl: url, errorMessage: gpuErrorMessage });
}

/** One method per call of the GPU compute API; answers are parsed wire payloads. */
export class GpuClient {
  private readonly http: HttpClient;
  /** The connections this client made for itself (none when given the backend's shared ones). */
  private readonly transport: HttpClient | null;

  /** `transport`: the backend's shared connections (`gpuTransport`); absent, a pool of its own. */
  constructor(settings: Pick<GpuSettings, 'url'> & GpuCredentials, options: ProviderOptions, transport?: HttpClient) {
    const credentials: GpuCredentials = { apiKey: settings.apiKey, apiSecret: settings.apiSecret };
    const shared = transport ?? gpuTransport(settings.url, options);
    this.transport = transport === undefined ? shared : null;
    this.http = shared.withAuth({
      // Called per attempt with the request as it goes on the wire: every retry gets a fresh nonce.
      authenticate: (request) => signedHeaders(credentials, request),
    });
  }

  listJobs(query: ListJobsQuery, options: CallOptions = {}): Promise<GpuJobListWire> {
    const params: QueryParams = {
      page: query.page,
      limit: query.limit,
      sort: query.sort,
      'filter[status]': commaList(query.status),
      'filter[uuid]': commaList(query.uuids),
      'filter[task]': query.task,
      'filter[created_at]': createdWindow(query.createdAt),
    };
    return this.http.call({ method: 'GET', path: '/v1/jobs', query: encodeQuery(params, { sorted: true }) }, gpuJobListSchema, options);
  }

  getJob(uuid: string, options: CallOptions = {}): Promise<GpuJobWire> {
    return this.http.call({ method: 'GET', path: `/v1/jobs/${encodeURIComponent(uuid)}` }, gpuJobSchema, options);
  }

  createJob(body: GpuCreateJobBody, options: CallOptions = {}): Promise<GpuJobWire> {
    return this.http.call({ method: 'POST', path: '/v1/jobs', body: canonicalJson(body) }, gpuJobSchema, options);
  }

  cancelJob(uuid: string, reason: string, options: CallOptions = {}): Promise<GpuJobWire> {
    const body: GpuCancelJobBody = { reason };
    return this.http.call(
      { method: 'PUT', path: `/v1/jobs/${encodeURIComponent(uuid)}/cancel`, body: canonicalJson(body) },
      gpuJobSchema,
      options,
    );
  }

  listJobRuns(query: ListJobRunsQuery, options: CallOptions = {}): Promise<GpuJobRunListWire> {
    const params: QueryParams = {
      'filter[job_uuid]': query.jobUuid,
      'filter[status]': commaList(query.status),
      page: query.page,
      limit: query.limit,
    };
    return this.http.call({ method: 'GET', path: '/v1/job-runs', query: encodeQuery(params, { sorted: true }) }, gpuJobRunListSchema, options);
  }

  getJobRun(runUuid: string, options: CallOptions = {}): Promise<GpuJobRunDetailWire> {
    return this.http.call({ method: 'GET', path: `/v1/job-runs/${encodeURIComponent(runUuid)}` }, gpuJobRunDetailSchema, options);
  }

  async close(): Promise<void> {
    await this.transport?.close();
  }
}
