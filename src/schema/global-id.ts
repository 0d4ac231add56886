import { GraphQLError } from 'graphql';
import type { JobProvider } from '../providers/job.js';

/** The GraphQL type of each backend's jobs: the typename inside its global IDs. */
export const TYPE_OF_PROVIDER = {
  UCLOUD: 'UCloudJob',
  RIME: 'RimeJob',
  DATA_MANAGER: 'DataManagerInstance',
  GPU: 'GpuJob',
} as const satisfies Record<JobProvider, string>;

const PROVIDER_OF_TYPE = new Map<string, JobProvider>(
  Object.entries(TYPE_OF_PROVIDER).map(([provider, type]) => [type, provider as JobProvider]),
);

export function providerOfType(typename: string): JobProvider | undefined {
  return PROVIDER_OF_TYPE.get(typename);
}

/** Relay's usual form, base64 of `Type:id`, so existing Relay tooling can read it. */
export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${String(id)}`, 'utf8').toString('base64');
}

function invalid(globalId: string, why: string): GraphQLError {
  const shown = globalId.length > 80 ? `${globalId.slice(0, 80)}…` : globalId;
  return new GraphQLError(`Invalid ID ${JSON.stringify(shown)}: ${why}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Reads an ID issued by this gateway; anything else is a clear client error, not a lookup. */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(globalId) || globalId.length > 2048) {
    throw invalid(globalId, 'not a global ID issued by this gateway');
  }
  const text = Buffer.from(globalId, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const typename = colon > 0 ? text.slice(0, colon) : '';
  const id = colon > 0 ? text.slice(colon + 1) : '';
  if (typename === '' || id === '') throw invalid(globalId, 'not a global ID issued by this gateway');
  if (!PROVIDER_OF_TYPE.has(typename)) {
    throw invalid(globalId, `it names a ${JSON.stringify(typename.slice(0, 40))}, which is not a job type of this gateway`);
  }
  return { typename, id };
}

/** A job's global ID read as its backend, its ID there, and the canonical spelling of the global ID. */
export function decodeJobId(globalId: string | number): { provider: JobProvider; id: string; globalId: string } {
  const { typename, id } = decodeGlobalId(String(globalId));
  // decodeGlobalId lets only job types through, so the lookup always finds one.
  const provider = PROVIDER_OF_TYPE.get(typename) as JobProvider;
  return { provider, id, globalId: encodeGlobalId(typename, id) };
}
