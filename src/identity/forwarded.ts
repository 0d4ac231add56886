// The caller's own backend credentials, as a request carries them (DESIGN "Identity and
// credentials"): HTTP and SSE in headers, graphql-ws as keys of the `connection_init` payload with
// the same names in lower case. Read only for backends that forward; never logged, never echoed:
// an error names the header, not its value.
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { BackendCredentials, CredentialOf } from '../providers/credentials.js';
import type { JobProvider } from '../providers/job.js';

/** Each backend's credential a request brought, if any. */
export type ForwardedCredentials = { readonly [P in JobProvider]?: CredentialOf<P> };

export const FORWARDED_HEADERS = {
  ucloudToken: 'x-ucloud-token',
  ucloudProject: 'x-ucloud-project',
  rimeApiKey: 'x-rime-api-key',
  dataManagerToken: 'x-datamanager-token',
  gpuApiKey: 'x-gpu-api-key',
  gpuApiSecret: 'x-gpu-api-secret',
} as const;
export type ForwardedHeader = (typeof FORWARDED_HEADERS)[keyof typeof FORWARDED_HEADERS];

/** Long enough for any real token (JWTs included), short enough that no request carries megabytes. */
const MAX_LENGTH = 8_192;
// Printable ASCII without spaces: what a token, a key or a project id is; anything else is a mistake.
const value = z.string().trim().min(1).max(MAX_LENGTH).regex(/^[\x21-\x7e]+$/);

/** Reads one named value; `null` when absent. */
type Lookup = (name: ForwardedHeader) => string | null;

/**
 * The credentials `lookup` finds for the backends in `forwarding`; a value that is malformed, or
 * half of a pair, is a `BAD_REQUEST` naming the header. Backends not forwarding are not read at all.
 */
export function readForwarded(lookup: Lookup, forwarding: ReadonlySet<JobProvider>): ForwardedCredentials {
  const problems: string[] = [];
  const read = (name: ForwardedHeader): string | null => {
    const raw = lookup(name);
    if (raw === null) return null;
    const parsed = value.safeParse(raw);
    if (parsed.success) return parsed.data;
    problems.push(`${name} must be 1 to ${MAX_LENGTH} printable characters without spaces`);
    return null;
  };
  const out: { -readonly [P in JobProvider]?: CredentialOf<P> } = {};
  if (forwarding.has('UCLOUD')) {
    const token = read(FORWARDED_HEADERS.ucloudToken);
    const project = read(FORWARDED_HEADERS.ucloudProject);
    if (token !== null) out.UCLOUD = { token, project };
    else if (project !== null) problems.push(`${FORWARDED_HEADERS.ucloudProject} needs ${FORWARDED_HEADERS.ucloudToken}`);
  }
  if (forwarding.has('RIME')) {
    const apiKey = read(FORWARDED_HEADERS.rimeApiKey);
    if (apiKey !== null) out.RIME = { apiKey };
  }
  if (forwarding.has('DATA_MANAGER')) {
    const token = read(FORWARDED_HEADERS.dataManagerToken);
    if (token !== null) out.DATA_MANAGER = { token };
  }
  if (forwarding.has('GPU')) {
    const apiKey = read(FORWARDED_HEADERS.gpuApiKey);
    const apiSecret = read(FORWARDED_HEADERS.gpuApiSecret);
    if (apiKey !== null && apiSecret !== null) out.GPU = { apiKey, apiSecret };
    else if (apiKey !== null || apiSecret !== null) problems.push(`${FORWARDED_HEADERS.gpuApiKey} and ${FORWARDED_HEADERS.gpuApiSecret} go together`);
  }
  if (problems.length > 0) {
    throw new GraphQLError(`Bad forwarded credentials: ${problems.join('; ')}.`, {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    });
  }
  return out;
}

/** Over HTTP: the request's headers. */
export function forwardedFromHeaders(headers: Headers, forwarding: ReadonlySet<JobProvider>): ForwardedCredentials {
  return readForwarded((name) => headers.get(name), forwarding);
}

/**
 * Over graphql-ws: the `connection_init` payload's keys, the header names in lower case (DESIGN).
 * Read regardless of case, as header names are, because GraphiQL sends its headers tab as they
 * were typed (`X-Rime-Api-Key`).
 */
export function forwardedFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined, forwarding: ReadonlySet<JobProvider>): ForwardedCredentials {
  return readForwarded((name) => {
    const found = paramNamed(params, name);
    return found === undefined || found === null ? null : typeof found === 'string' ? found : '';
  }, forwarding);
}

/** A `connection_init` key, whatever its case: the exact lower-case one wins. */
export function paramNamed(params: Readonly<Record<string, unknown>> | undefined, name: string): unknown {
  if (params === undefined) return undefined;
  if (name in params) return params[name];
  const key = Object.keys(params).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : params[key];
}

export type { BackendCredentials };
