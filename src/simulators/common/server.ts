import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { corruptField, Faults, type FaultSettings } from './faults.js';
import type { Clock } from './clock.js';
import type { DriftOptions, DriftView } from './drift.js';
import { Random } from './random.js';

export interface SimRequest {
  method: string;
  /** Path below the simulator's base path. */
  path: string;
  /** The query string exactly as received, without `?`. */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  params: Record<string, string>;
  route: string;
}

export interface SimResponse {
  status: number;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent as it is (wins over `json`). */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  /** `/v1/jobs/:uuid/cancel`: `:name` matches one path segment. */
  pattern: string;
  handler: Handler;
}

export interface RecordedRequest {
  route: string;
  method: string;
  path: string;
  rawQuery: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface SimServerOptions {
  name: string;
  routes: Route[];
  /** Prefix of every route (`/data-manager-api`). */
  basePath?: string;
  /** Checks credentials; a response rejects the request, null lets it through. */
  authenticate?: (request: SimRequest) => SimResponse | null;
  /** The backend's error body for a status and message (`null`: no body at all). */
  errorBody: (status: number, message: string) => unknown;
  seed?: number | string;
}

interface CompiledRoute extends Route {
  key: string;
  regex: RegExp;
  names: string[];
}

const MAX_BODY = 10 * 1024 * 1024;
const RECORD_LIMIT = 2_000;

/**
 * The HTTP side every simulator shares: routing, a request counter per route, a record of recent
 * requests (for tests that check the exact wire call), fault injection, and a small admin API under
 * `/_sim/` for processes that cannot reach the object (benchmarks, a demo run).
 */
export class SimServer {
  readonly faults = new Faults();
  readonly httpServer: Server;
  readonly requests: RecordedRequest[] = [];
  private readonly counters = new Map<string, number>();
  /** Bytes of response bodies sent per route key (what a caller had to read; benchmarks weigh it). */
  private readonly sentBytes = new Map<string, number>();
  private readonly abandoned = new Map<string, number>();
  private closing = false;
  private readonly sockets = new Set<Socket>();
  private readonly routes: CompiledRoute[];
  private readonly random: Random;
  private baseUrl: string | null = null;

  constructor(private readonly options: SimServerOptions) {
    this.random = new Random(`${options.seed ?? 1}:faults`);
    this.routes = options.routes.map((route) => {
      const names: string[] = [];
      const source = route.pattern
        .split('/')
        .map((segment) => {
          if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(segment.slice(1));
          return '([^/]+)';
        })
        .join('/');
      return { ...route, key: `${route.method} ${route.pattern}`, regex: new RegExp(`^${source}$`), names };
    });
    this.httpServer = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.send(res, { status: 500, json: this.options.errorBody(500, `simulator error: ${(error as Error).message}`) });
      });
    });
    // closeAllConnections() only knows HTTP connections; upgraded (WebSocket) ones are tracked here.
    this.httpServer.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on `port` (0: a free one) and resolves to the base URL clients use. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.httpServer.once('error', reject);
      this.httpServer.listen(port, host, () => resolve());
    });
    const address = this.httpServer.address() as AddressInfo;
    this.baseUrl = `http://${host}:${address.port}${this.options.basePath ?? ''}`;
    return this.baseUrl;
  }

  get url(): string {
    if (this.baseUrl === null) throw new Error(`${this.options.name} simulator is not started`);
    return this.baseUrl;
  }

  /** Requests seen per route key (`GET /v1/jobs`), faulted ones included. */
  count(route?: string): number {
    if (route === undefined) return [...this.counters.values()].reduce((a, b) => a + b, 0);
    return this.counters.get(route) ?? 0;
  }

  /**
   * Requests per route key whose client went away before they were answered: what a caller that
   * aborts its upstream call looks like from here. Connections this server cuts itself (close())
   * are not counted.
   */
  aborted(route?: string): number {
    if (route === undefined) return [...this.abandoned.values()].reduce((a, b) => a + b, 0);
    return this.abandoned.get(route) ?? 0;
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  /** Bytes of response bodies sent per route key (`GET /v1/jobs`), faulted answers included; streams are not counted. */
  bytesSent(route?: string): number {
    if (route === undefined) return [...this.sentBytes.values()].reduce((a, b) => a + b, 0);
    return this.sentBytes.get(route) ?? 0;
  }

  byteCounts(): Record<string, number> {
    return Object.fromEntries(this.sentBytes);
  }

  /** Counts something that is not an HTTP request (a WebSocket stream). */
  increment(route: string): void {
    this.counters.set(route, (this.counters.get(route) ?? 0) + 1);
  }

  resetCounts(): void {
    this.counters.clear();
    this.sentBytes.clear();
    this.abandoned.clear();
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    this.closing = true;
    await new Promise<void>((resolve) => {
      this.httpServer.close(() => resolve());
      // Hanging, keep-alive and WebSocket connections would hold close() open forever.
      this.httpServer.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] ?? '');
      });
      return { route, params };
    }
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const fullPath = q >= 0 ? target.slice(0, q) : target;
    const rawQuery = q >= 0 ? target.slice(q + 1) : '';
    const rawBody = await readBody(req);
    if (rawBody === null) {
      this.send(res, { status: 413, json: this.options.errorBody(413, 'request body too large') });
      return;
    }
    if (fullPath.startsWith('/_sim/')) {
      this.admin(fullPath, rawBody, res);
      return;
    }
    const base = this.options.basePath ?? '';
    if (!fullPath.startsWith(base)) {
      this.send(res, { status: 404, json: this.options.errorBody(404, `no such path ${fullPath}`) });
      return;
    }
    const path = fullPath.slice(base.length) || '/';
    const method = req.method ?? 'GET';
    const found = this.match(method, path);
    if (!found) {
      this.send(res, { status: 404, json: this.options.errorBody(404, `no route for ${method} ${path}`) });
      return;
    }
    const { route, params } = found;
    this.increment(route.key);
    res.once('close', () => {
      if (!res.writableEnded && !this.closing) this.abandoned.set(route.key, (this.abandoned.get(route.key) ?? 0) + 1);
    });
    this.requests.push({ route: route.key, method, path, rawQuery, headers: req.headers, body: rawBody });
    if (this.requests.length > RECORD_LIMIT) this.requests.splice(0, this.requests.length - RECORD_LIMIT);

    const request: SimRequest = {
      method,
      path,
      rawQuery,
      query: new URLSearchParams(rawQuery),
      headers: req.headers,
      rawBody,
      params,
      route: route.key,
    };

    const latency = this.faults.latencyFor(route.key);
    if (latency > 0) await sleep(latency);
    const fault = this.faults.take(route.key, () => this.random.next());
    if (fault?.kind === 'hang') return; // never answered; close() drops the socket
    if (fault?.kind === 'slow') await sleep(fault.delayMs ?? 1_000);
    if (fault?.kind === 'error') {
      const status = fault.status ?? 503;
      const body = this.options.errorBody(status, 'simulated upstream failure');
      this.send(res, body === null ? { status, text: '' } : { status, json: body }, route.key);
      return;
    }
    if (fault?.kind === 'rateLimit') {
      this.send(res, {
        status: 429,
        json: this.options.errorBody(429, 'too many requests'),
        headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
      }, route.key);
      return;
    }

    const denied = this.options.authenticate?.(request) ?? null;
    let response = denied ?? (await route.handler(request));
    if (fault?.kind === 'malformed' && response.status < 300) {
      const text = response.text ?? JSON.stringify(response.json ?? {});
      response = { ...response, json: undefined, text: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
    }
    if (fault?.kind === 'corrupt' && response.status < 300 && response.json !== undefined) {
      response = { ...response, json: corruptField(response.json, fault.field ?? 'id') };
    }
    this.send(res, response, route.key);
  }

  private admin(path: string, rawBody: string, res: ServerResponse): void {
    if (path === '/_sim/counters') {
      this.send(res, { status: 200, json: { total: this.count(), routes: this.counts(), bytes: { total: this.bytesSent(), routes: this.byteCounts() } } });
    } else if (path === '/_sim/faults') {
      try {
        this.faults.set(JSON.parse(rawBody || '{}') as FaultSettings);
        this.send(res, { status: 200, json: { faults: this.faults.standing } });
      } catch {
        this.send(res, { status: 400, json: { error: 'body must be JSON fault settings' } });
      }
    } else if (path === '/_sim/reset') {
      this.faults.reset();
      this.resetCounts();
      this.send(res, { status: 200, json: {} });
    } else {
      this.send(res, { status: 404, json: { error: `no admin route ${path}` } });
    }
  }

  /** `route`: the route key the bytes count for (none for admin and unrouted answers). */
  private send(res: ServerResponse, response: SimResponse, route?: string): void {
    // `json: null` comes from a backend whose errors have no body at all.
    const body = response.text ?? (response.json === undefined || response.json === null ? '' : JSON.stringify(response.json));
    const length = Buffer.byteLength(body);
    if (route !== undefined) this.sentBytes.set(route, (this.sentBytes.get(route) ?? 0) + length);
    res.writeHead(response.status, {
      ...(body === '' ? {} : { 'content-type': 'application/json' }),
      'content-length': length,
      ...response.headers,
    });
    res.end(body);
  }
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Every simulator's handle: where it listens, its counters and knobs, and how to stop it. */
export interface RunningSimulator {
  readonly url: string;
  readonly server: SimServer;
  /** How each job is served: as it is, drifted, or with an unreadable identity (see `drift`). */
  readonly drift: DriftView;
  close(): Promise<void>;
}

/** What every simulator accepts; each adds its backend's credentials and quirks. */
export interface BaseSimulatorOptions {
  /** Default: the wall clock. */
  clock?: Clock;
  /** Default 1: the same seed gives the same world. */
  seed?: number | string;
  /** Default 320. */
  jobCount?: number;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Serve some jobs in the shapes other releases write (default: none). */
  drift?: DriftOptions;
}
