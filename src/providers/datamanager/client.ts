// One method per Data Manager call. Paths are relative to the configured URL, which carries the
// deployment's base path (`https://host/data-manager-api`).
//
// Wire choices (upstreams/datamanager.md): `GET /instance` has no paging and no order, so it is read
// whole and its filters are sent only when set (an empty `project_id=` has more than one reading).
// Task events are read with an explicit `event_limit` and the last ordinal seen, never relying on
// the server's default page.
import type { DataManagerSettings } from '../../config.js';
import type { CallOptions, ProviderOptions } from '../contract.js';
import { HttpClient } from '../http.js';
import { encodeQuery } from '../query.js';
import {
  errorBodySchema,
  instanceDeleteResponseSchema,
  instanceGetResponseSchema,
  instancePostResponseSchema,
  instancesGetResponseSchema,
  taskGetResponseSchema,
  type InstanceDeleteResponse,
  type InstanceGetResponse,
  type InstancePostResponse,
  type InstancesGetResponse,
  type LaunchForm,
  type TaskGetResponse,
} from './wire.js';

export interface ListInstancesQuery {
  project_id?: string | null;
  org_id?: string | null;
  unit_id?: string | null;
}

export interface GetTaskOptions extends CallOptions {
  /** Server default (typically 500) when absent. */
  eventLimit?: number;
  /** Only events with a higher ordinal come back; 0 or absent: from the first. */
  eventPriorOrdinal?: number;
}

/** The `{"error": "..."}` text of a Data Manager error answer. */
export function errorMessage(body: unknown): string | undefined {
  const parsed = errorBodySchema.safeParse(body);
  return parsed.success ? parsed.data.error : undefined;
}

const segment = (id: string): string => encodeURIComponent(id);

/** Connections to one Data Manager deployment, shared by the clients of every credential. */
export function dataManagerTransport(url: string, options: ProviderOptions): HttpClient {
  return new HttpClient({ ...options, provider: 'DATA_MANAGER', baseUrl: url, errorMessage });
}

export class DataManagerClient {
  private readonly http: HttpClient;
  /** The connections this client made for itself (none when given the backend's shared ones). */
  private readonly transport: HttpClient | null;

  /** `transport`: the backend's shared connections (`dataManagerTransport`); absent, a pool of its own. */
  constructor(settings: Pick<DataManagerSettings, 'url' | 'token'>, options: ProviderOptions, transport?: HttpClient) {
    const authorization = `Bearer ${settings.token}`;
    const shared = transport ?? dataManagerTransport(settings.url, options);
    this.transport = transport === undefined ? shared : null;
    this.http = shared.withAuth({ authenticate: () => ({ authorization }) });
  }

  /** `GET /instance`: every visible instance at once, in no guaranteed order. */
  listInstances(query: ListInstancesQuery = {}, options: CallOptions = {}): Promise<InstancesGetResponse> {
    return this.http.call(
      { method: 'GET', path: '/instance', query: encodeQuery({ project_id: query.project_id, org_id: query.org_id, unit_id: query.unit_id }) },
      instancesGetResponseSchema,
      options,
    );
  }

  /** `GET /instance/{id}`: the answer has no `id` field. */
  getInstance(instanceId: string, options: CallOptions = {}): Promise<InstanceGetResponse> {
    return this.http.call({ method: 'GET', path: `/instance/${segment(instanceId)}` }, instanceGetResponseSchema, options);
  }

  /** `DELETE /instance/{id}`: stops and removes the instance; answers the removal task. */
  terminateInstance(instanceId: string, options: CallOptions = {}): Promise<InstanceDeleteResponse> {
    return this.http.call({ method: 'DELETE', path: `/instance/${segment(instanceId)}` }, instanceDeleteResponseSchema, options);
  }

  /** `GET /task/{id}`: the task's states and (a page of) its events. */
  getTask(taskId: string, options: GetTaskOptions = {}): Promise<TaskGetResponse> {
    const { eventLimit, eventPriorOrdinal, ...call } = options;
    // Like the Squonk2 Python client: a zero prior ordinal means "from the first" and is not sent.
    const query = encodeQuery({
      event_limit: eventLimit,
      event_prior_ordinal: eventPriorOrdinal ? eventPriorOrdinal : undefined,
    });
    return this.http.call({ method: 'GET', path: `/task/${segment(taskId)}`, query }, taskGetResponseSchema, call);
  }

  /** `POST /instance` with a form-urlencoded body; 201 `{instance_id, task_id}`. */
  launchInstance(form: LaunchForm, options: CallOptions = {}): Promise<InstancePostResponse> {
    const specification = typeof form.specification === 'object' ? JSON.stringify(form.specification) : form.specification;
    const body = encodeQuery({
      application_id: form.application_id,
      project_id: form.project_id,
      as_name: form.as_name,
      specification,
    });
    return this.http.call(
      { method: 'POST', path: '/instance', body, contentType: 'application/x-www-form-urlencoded' },
      instancePostResponseSchema,
      options,
    );
  }

  async close(): Promise<void> {
    await this.transport?.close();
  }
}
