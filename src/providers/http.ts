import { setTimeout as sleep } from 'node:timers/promises';
import { interceptors, Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { backoffDelay } from './backoff.js';
import type { CallOptions } from './contract.js';
import { headerSecrets, redact } from './redact.js';
import { codeForStatus, ProviderError } from './errors.js';
import type { JobProvider } from './job.js';
import { describeZodError } from './zod.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface OutgoingRequest {
  method: HttpMethod;
  /** Path relative to the client's base URL, starting with `/`, without the query. */
  path: string;
  /** Encoded query string without `?` (see `encodeQuery`); empty for none. */
  query?: string;
  /** The exact bytes to send. */
  body?: string;
  contentType?: string;
  /**
   * The route's name for metrics (`GET /v1/jobs/:uuid`'s template, say); when absent it is
   * derived from `path` with id-like segments replaced by `:id` (see `routeTemplate`).
   */
  route?: string;
}

/** One attempt that went on the wire, as an observer (metrics) sees it. Never a query, body or header. */
export interface UpstreamAttempt {
  provider: JobProvider;
  method: HttpMethod;
  /** The path template (`/v1/jobs/:id`), never an id. */
  route: string;
  /** The HTTP status, or why there was none. */
  status: number | 'network_error' | 'timeout' | 'aborted';
  durationMs: number;
}

/** Sees every upstream attempt and every retry decision of the clients built with it. */
export interface HttpObserver {
  attempt(event: UpstreamAttempt): void;
  /** Another attempt follows; `reason` is the status that caused it, or `network_error`. */
  retry(event: { provider: JobProvider; method: HttpMethod; route: string; reason: number | 'network_error' }): void;
}

let ambientObserver: HttpObserver | undefined;

/**
 * Builds clients (synchronously) with `observer` as the observer of every `HttpClient` constructed
 * meanwhile that has none of its own: how a gateway instruments the providers it creates without
 * every provider passing the hook down.
 */
export function withHttpObserver<T>(observer: HttpObserver | undefined, build: () => T): T {
  const previous = ambientObserver;
  ambientObserver = observer;
  try {
    return build();
  } finally {
    ambientObserver = previous;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A prefixed UUID such as Data Manager's `instance-<uuid>` / `task-<uuid>`. */
const PREFIXED_UUID = /^[a-z]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An API version (`v1`, `v1-beta`): a literal segment although it has a digit. */
const VERSION = /^v\d+(-[a-z]+)?$/i;
/** A literal segment: letters and inner hyphens/underscores, not too long. */
const LITERAL = /^[A-Za-z][A-Za-z_-]{0,39}$/;

/**
 * A path as a bounded route label: every segment that is not plainly a literal word (a UUID, a
 * prefixed UUID, a number, anything with a digit, an escape or other punctuation) becomes `:id`.
 */
export function routeTemplate(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      if (segment === '' || VERSION.test(segment)) return segment;
      if (UUID.test(segment) || PREFIXED_UUID.test(segment) || !LITERAL.test(segment)) return ':id';
      return segment;
    })
    .join('/');
}

/** What the auth hook sees: the request as it will go on the wire, with the full path. */
export interface SignableRequest extends OutgoingRequest {
  fullPath: string;
  query: string;
  body: string | undefined;
}

/** How one backend's calls are tuned (configurable per backend; absent values take the defaults). */
export interface HttpTuning {
  /** Deadline for one call, retries included (`UPSTREAM_TIMEOUT_MS`, or the backend's own). */
  timeoutMs: number;
  /** Extra attempts of an idempotent request. */
  retries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Connections kept open to the backend's origin. */
  connections?: number;
}

/** How a client's requests are authenticated: one credential's, whoever's it is. */
export interface HttpAuth {
  /** Headers that authenticate one attempt; called again for every retry so signatures stay fresh. */
  authenticate?: (request: SignableRequest) => Promise<Record<string, string>> | Record<string, string>;
  /** Called on 401; when it resolves true (new credentials obtained) the request is sent once more. */
  onUnauthorized?: () => Promise<boolean>;
}

export interface HttpClientOptions extends HttpTuning, HttpAuth {
  provider: JobProvider;
  baseUrl: string;
  /** Pulls the backend's own message out of an error body (already JSON-parsed). */
  errorMessage?: (body: unknown) => string | undefined;
  maxResponseBytes?: number;
  /** Sees every attempt (metrics); absent: the one `withHttpObserver` set at construction, if any. */
  observer?: HttpObserver;
}

const DEFAULTS = {
  retries: 3,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 5_000,
  connections: 32,
  maxResponseBytes: 32 * 1024 * 1024,
};

/** Statuses worth another attempt of an idempotent request. */
function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** `Retry-After` as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** How much of a backend's error text reaches a client. */
export const ERROR_EXCERPT_MAX = 200;

/**
 * A backend's error text as a client may see it: markup (an HTML error page, say) and control
 * characters removed, whitespace collapsed, at most `ERROR_EXCERPT_MAX` characters; null when
 * nothing readable is left.
 */
export function errorExcerpt(text: string): string | null {
  const plain = text
    // Bounded work whatever the body: only its start is looked at.
    .slice(0, 8 * ERROR_EXCERPT_MAX)
    .replace(/<(script|style)\b[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<\/?[A-Za-z!][^>]*(>|$)/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain === '') return null;
  return plain.length > ERROR_EXCERPT_MAX ? `${plain.slice(0, ERROR_EXCERPT_MAX - 1)}…` : plain;
}

const CONNECT_REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    current = current.cause;
  }
  return undefined;
}

/**
 * One backend origin: a pooled undici connection set, a deadline per call, retries with jittered
 * backoff for idempotent requests only, and typed errors that never carry a credential.
 */
export class HttpClient {
  readonly provider: JobProvider;
  private readonly pool: Pool;
  /**
   * The pool behind undici's in-flight deduplication: identical GETs under way at the same time
   * (same path, query and headers, so the same credential) share one request and its answer.
   */
  private readonly dispatcher: Dispatcher;
  private readonly basePath: string;
  private readonly options: HttpClientOptions & typeof DEFAULTS;
  private readonly observer: HttpObserver | undefined;
  private readonly originUrl: string;
  /** False for a client made by `withAuth`: the pool is its parent's to close. */
  private readonly ownsPool: boolean;

  /** `sharing`: another client's connections (see `withAuth`); absent, a pool of its own. */
  constructor(options: HttpClientOptions, sharing?: { pool: Pool; dispatcher: Dispatcher }) {
    this.options = { ...DEFAULTS, ...options };
    this.provider = options.provider;
    this.observer = options.observer ?? ambientObserver;
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.originUrl = url.origin;
    this.ownsPool = sharing === undefined;
    this.pool =
      sharing?.pool ??
      new Pool(url.origin, {
        connections: this.options.connections,
        keepAliveTimeout: 10_000,
        // Our own deadline governs; undici's 300 s defaults would only hide a hang.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
    this.dispatcher =
      sharing?.dispatcher ??
      this.pool.compose(
        // A trace header differs per request; it must not keep identical reads apart.
        interceptors.deduplicate({ methods: ['GET'], excludeHeaderNames: ['traceparent', 'tracestate', 'baggage'], maxBufferSize: this.options.maxResponseBytes }),
      );
  }

  /**
   * The same backend over the same connections, authenticated by `auth` instead: how each caller's
   * forwarded credential gets a client of its own (as short-lived as the request that brought it)
   * without a connection pool per caller. Closing it leaves the connections open.
   */
  withAuth(auth: HttpAuth): HttpClient {
    const { authenticate: _authenticate, onUnauthorized: _onUnauthorized, ...rest } = this.options;
    return new HttpClient({ ...rest, ...auth, ...(this.observer ? { observer: this.observer } : {}) }, { pool: this.pool, dispatcher: this.dispatcher });
  }

  get origin(): string {
    return new URL(this.options.baseUrl).origin;
  }

  /** Sends a request and parses its JSON answer with `schema`. */
  async call<S extends z.ZodType>(request: OutgoingRequest, schema: S, options: CallOptions = {}): Promise<z.output<S>> {
    const text = await this.send(request, options);
    let json: unknown;
    if (text.trim() === '') {
      json = undefined;
    } else {
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw this.error('BAD_RESPONSE', request, null, `invalid JSON (${(error as Error).message})`);
      }
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw this.error('BAD_RESPONSE', request, null, `unexpected payload: ${describeZodError(parsed.error)}`);
    }
    return parsed.data;
  }

  /** Sends a request and returns the raw body of a 2xx answer. */
  async send(request: OutgoingRequest, options: CallOptions = {}): Promise<string> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const idempotent = request.method === 'GET';
    const maxAttempts = idempotent ? 1 + this.options.retries : 1;
    const startedAt = Date.now();
    let reauthenticated = false;
    let secrets: string[] = [];
    const route = this.observer ? (request.route ?? routeTemplate(request.path)) : '';
    const retrying = (reason: number | 'network_error') => {
      try {
        this.observer?.retry({ provider: this.provider, method: request.method, route, reason });
      } catch {
        // Metrics never fail a call.
      }
    };

    for (let attempt = 1; ; attempt++) {
      const signable = this.signable(request);
      let status: number;
      let headers: Record<string, string | string[] | undefined>;
      let body: string;
      // Only attempts that went on the wire are observed (an auth hook that fails sends nothing).
      let sentAt: number | null = null;
      let answered: number | null = null;
      try {
        const auth = this.options.authenticate ? await this.options.authenticate(signable) : {};
        secrets = headerSecrets(auth);
        sentAt = performance.now();
        const response = await this.dispatcher.request({
          // The pool knows its origin; the deduplication interceptor keys on it.
          origin: this.originUrl,
          method: request.method,
          path: signable.query ? `${signable.fullPath}?${signable.query}` : signable.fullPath,
          headers: {
            accept: 'application/json',
            ...(request.body !== undefined ? { 'content-type': request.contentType ?? 'application/json' } : {}),
            ...auth,
          },
          body: request.body,
          signal,
        });
        status = response.statusCode;
        answered = status;
        headers = response.headers;
        body = await this.readBody(response.body, request);
        this.observe(request.method, route, status, sentAt);
      } catch (error) {
        if (sentAt !== null) {
          const why = answered ?? (options.signal?.aborted ? 'aborted' : deadline.aborted ? 'timeout' : 'network_error');
          this.observe(request.method, route, why, sentAt);
        }
        if (error instanceof ProviderError) throw error;
        if (options.signal?.aborted) throw options.signal.reason;
        if (deadline.aborted) {
          throw this.error('TIMEOUT', request, null, `no answer within ${this.options.timeoutMs} ms`, {
            outcomeUnknown: !idempotent,
          });
        }
        const code = errorCodeOf(error);
        const refused = code !== undefined && CONNECT_REFUSED.has(code);
        if (attempt < maxAttempts && (await this.waitToRetry(attempt, null, startedAt, signal, options.signal))) {
          retrying('network_error');
          continue;
        }
        if (deadline.aborted) {
          throw this.error('TIMEOUT', request, null, `no answer within ${this.options.timeoutMs} ms`);
        }
        throw this.error('UNAVAILABLE', request, null, `connection failed (${code ?? (error as Error).message})`, {
          outcomeUnknown: !idempotent && !refused,
          cause: error,
        });
      }

      if (status >= 200 && status < 300) return body;

      if (status === 401 && !reauthenticated && this.options.onUnauthorized) {
        reauthenticated = true;
        // A 401 means the request was not applied, so even a POST may be sent again.
        if (await this.options.onUnauthorized()) {
          attempt--;
          continue;
        }
      }
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headers['retry-after']) : null;
      if (idempotent && isRetryableStatus(status) && attempt < maxAttempts) {
        if (await this.waitToRetry(attempt, retryAfterMs, startedAt, signal, options.signal)) {
          retrying(status);
          continue;
        }
        if (deadline.aborted) throw this.error('TIMEOUT', request, null, `no answer within ${this.options.timeoutMs} ms`);
      }
      const reason = this.backendMessage(body);
      const backendMessage = reason === null ? null : redact(reason, secrets);
      let detail = backendMessage ?? (body.trim() === '' ? 'no error body' : 'error body without a message');
      if (retryAfterMs !== null) detail += ` (Retry-After ${Math.ceil(retryAfterMs / 1000)} s)`;
      throw this.error(codeForStatus(status), request, status, detail, {
        // A 5xx or gateway timeout on a mutation does not prove it was not applied.
        outcomeUnknown: !idempotent && (status >= 500 || status === 408),
        backendMessage,
      });
    }
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.destroy();
  }

  private observe(method: HttpMethod, route: string, status: UpstreamAttempt['status'], sentAt: number): void {
    if (!this.observer) return;
    try {
      this.observer.attempt({ provider: this.provider, method, route, status, durationMs: performance.now() - sentAt });
    } catch {
      // Metrics never fail a call.
    }
  }

  private signable(request: OutgoingRequest): SignableRequest {
    return {
      ...request,
      fullPath: `${this.basePath}${request.path}`,
      query: request.query ?? '',
      body: request.body,
    };
  }

  private async readBody(body: AsyncIterable<Buffer | string> & { destroy?: () => void }, request: OutgoingRequest): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > this.options.maxResponseBytes) {
        body.destroy?.();
        throw this.error('BAD_RESPONSE', request, null, `response larger than ${this.options.maxResponseBytes} bytes`);
      }
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** The backend's reason out of an error body; null when it gave none. */
  private backendMessage(body: string): string | null {
    if (body.trim() === '') return null;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return errorExcerpt(body);
    }
    const message = this.options.errorMessage?.(json);
    return typeof message === 'string' ? errorExcerpt(message) : null;
  }

  /**
   * Waits before the next attempt of an idempotent request. Resolves false, without waiting, when the
   * wait would outlast the deadline: the caller then reports the failure it has instead of a timeout.
   */
  private async waitToRetry(
    attempt: number,
    retryAfterMs: number | null,
    startedAt: number,
    signal: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): Promise<boolean> {
    const delay = retryAfterMs ?? backoffDelay({ baseMs: this.options.retryBaseDelayMs, maxMs: this.options.retryMaxDelayMs }, attempt);
    const remaining = this.options.timeoutMs - (Date.now() - startedAt);
    if (delay >= remaining) return false;
    try {
      await sleep(delay, undefined, { signal });
      return true;
    } catch {
      if (callerSignal?.aborted) throw callerSignal.reason;
      return false;
    }
  }

  private error(
    code: ProviderError['code'],
    request: OutgoingRequest,
    status: number | null,
    detail: string,
    extra: { outcomeUnknown?: boolean; backendMessage?: string | null; cause?: unknown } = {},
  ): ProviderError {
    const where = `${request.method} ${this.basePath}${request.path}`;
    const statusText = status === null ? '' : ` answered HTTP ${status}`;
    return new ProviderError({
      code,
      provider: this.provider,
      status,
      message: `${this.provider} ${where}${statusText}: ${detail}`,
      ...extra,
    });
  }
}
