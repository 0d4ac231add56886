/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The page's only way to the gateway: its public GraphQL API. Queries and mutations are JSON POSTs
// (which CSRF prevention lets through); subscriptions go over graphql-ws on the same path. Who the
// person is (a token with AUTH_MODE=jwt) and their own backend credentials (for backends that
// forward them) travel on every request and in `connection_init`, and live in sessionStorage only.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { JobProvider } from '../../../schema/client/graphql.js';

/** The credentials a person can forward, per backend, by the header names the gateway reads. */
export const CREDENTIAL_HEADERS: Record<JobProvider, readonly { header: string; label: string; secret: boolean; optional?: boolean }[]> = {
  UCLOUD: [
    { header: 'X-UCloud-Token', label: 'UCloud access token', secret: true },
    { header: 'X-UCloud-Project', label: 'UCloud project (optional)', secret: false, optional: true },
  ],
  RIME: [{ header: 'X-Rime-Api-Key', label: 'RIME API key', secret: true }],
  DATA_MANAGER: [{ header: 'X-DataManager-Token', label: 'Data Manager token', secret: true }],
  GPU: [
    { header: 'X-Gpu-Api-Key', label: 'GPU API key (pk_…)', secret: false },
    { header: 'X-Gpu-Api-Secret', label: 'GPU API secret (sk_…)', secret: true },
  ],
};

const TOKEN_KEY = 'jobgateway.token';
const CREDENTIALS_KEY = 'jobgateway.credentials';

/** This tab's identity: sessionStorage only, never localStorage or cookies. */
export const identity = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  setToken(token: string | null): void {
    if (token) sessionStorage.setItem(TOKEN_KEY, token.trim().replace(/^Bearer\s+/i, ''));
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  /** Header name → value, only the ones set. */
  credentials(): Record<string, string> {
    try {
      const stored = JSON.parse(sessionStorage.getItem(CREDENTIALS_KEY) ?? '{}') as unknown;
      if (stored === null || typeof stored !== 'object') return {};
      return Object.fromEntries(Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
    } catch {
      return {};
    }
  },
  setCredentials(values: Record<string, string>): void {
    const kept = Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== '').map(([key, value]) => [key, value.trim()]));
    if (Object.keys(kept).length === 0) sessionStorage.removeItem(CREDENTIALS_KEY);
    else sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(kept));
  },
  /** A `#token=…` fragment signs in: taken, stored, and removed from the address bar (and from history). */
  takeTokenFromFragment(): void {
    const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
    const token = fragment.get('token') ?? fragment.get('access_token');
    if (!token) return;
    this.setToken(token);
    fragment.delete('token');
    fragment.delete('access_token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  },
};

/** The request was refused for want of a (valid) token. */
export class AuthRequired extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthRequired';
  }
}

/** GraphQL errors (or a transport failure) of one operation. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'RequestFailed';
  }
}

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string };
}

const printed = new WeakMap<object, string>();
function source(document: TypedDocumentNode<unknown, never>): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

function authHeaders(): Record<string, string> {
  const token = identity.token();
  return { ...identity.credentials(), ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

function failure(errors: readonly GraphQLErrorShape[]): Error {
  const code = errors[0]?.extensions?.code ?? null;
  const message = errors.map((error) => error.message).join('; ');
  return code === 'UNAUTHENTICATED' ? new AuthRequired(message) : new RequestFailed(message, code);
}

export interface Sink<T> {
  next(data: T): void;
  error?(error: Error): void;
  complete?(): void;
}

export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'signed-out';

export class Api {
  private ws: Client | null = null;
  private everConnected = false;
  private onLive: (state: LiveState) => void = () => undefined;
  private onReconnect: () => void = () => undefined;
  private onAuthRequired: (message: string) => void = () => undefined;

  constructor(private readonly endpoint: string) {}

  /** Live-connection changes, reconnections (after which missed changes must be read again), refused tokens. */
  listen(handlers: { live(state: LiveState): void; reconnected(): void; authRequired(message: string): void }): void {
    this.onLive = handlers.live;
    this.onReconnect = handlers.reconnected;
    this.onAuthRequired = handlers.authRequired;
  }

  async request<T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables: V, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...authHeaders() },
        body: JSON.stringify({ query: source(document as TypedDocumentNode<unknown, never>), variables }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new RequestFailed(`The gateway cannot be reached (${(error as Error).message}).`, 'NETWORK');
    }
    let body: { data?: T | null; errors?: GraphQLErrorShape[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new RequestFailed(`The gateway answered ${response.status} ${response.statusText} without a GraphQL result.`, 'BAD_RESPONSE');
    }
    if (response.status === 401 || body.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED') {
      const error = failure(body.errors ?? [{ message: 'This gateway needs a token.', extensions: { code: 'UNAUTHENTICATED' } }]);
      this.onAuthRequired(error.message);
      throw error;
    }
    if (body.errors?.length || body.data == null) throw failure(body.errors ?? [{ message: `The gateway answered ${response.status} without data.` }]);
    return body.data;
  }

  subscribe<T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables: V, sink: Sink<T>): () => void {
    return this.socket().subscribe<T>(
      { query: source(document as TypedDocumentNode<unknown, never>), variables },
      {
        next: (result) => {
          if (result.errors?.length) sink.error?.(failure(result.errors as GraphQLErrorShape[]));
          else if (result.data) sink.next(result.data as T);
        },
        error: (error) => {
          if (Array.isArray(error)) sink.error?.(failure(error as GraphQLErrorShape[]));
          else if (error instanceof CloseEvent) sink.error?.(new RequestFailed(`The live connection closed (${error.code}${error.reason ? `: ${error.reason}` : ''}).`, String(error.code)));
          else sink.error?.(error instanceof Error ? error : new RequestFailed(String(error)));
        },
        complete: () => sink.complete?.(),
      },
    );
  }

  /** A new identity: the live connection starts again with it (every subscription must be made again). */
  restart(): void {
    const old = this.ws;
    this.ws = null;
    this.everConnected = false;
    void old?.dispose();
  }

  private socket(): Client {
    if (this.ws) return this.ws;
    const url = new URL(this.endpoint, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let refused = false;
    const client = createClient({
      url: url.href,
      // Read on every (re)connection, so new credentials are sent without a reload.
      connectionParams: () => {
        const token = identity.token();
        const params: Record<string, string> = {};
        for (const [header, value] of Object.entries(identity.credentials())) params[header.toLowerCase()] = value;
        if (token) params['authorization'] = `Bearer ${token}`;
        return params;
      },
      lazy: true,
      // A filter change subscribes anew just after unsubscribing: the socket stays for that.
      lazyCloseTimeout: 3_000,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      // 4401: the token was refused; trying again with the same one would be refused again.
      shouldRetry: (event) => !(event instanceof CloseEvent && event.code === 4401),
      retryWait: async (retries) => {
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 10_000) * (0.5 + Math.random() / 2)));
      },
      on: {
        connecting: () => {
          if (client !== this.ws) return;
          this.onLive(this.everConnected ? 'reconnecting' : 'connecting');
        },
        connected: () => {
          if (client !== this.ws) return;
          const again = this.everConnected;
          this.everConnected = true;
          refused = false;
          this.onLive('connected');
          if (again) this.onReconnect();
        },
        closed: (event) => {
          if (client !== this.ws) return;
          if (event instanceof CloseEvent && event.code === 4401) {
            refused = true;
            this.onLive('signed-out');
            this.onAuthRequired(event.reason || 'The live connection needs a valid token.');
            return;
          }
          if (!refused && this.everConnected) this.onLive('reconnecting');
        },
      },
    });
    this.ws = client;
    return client;
  }
}
