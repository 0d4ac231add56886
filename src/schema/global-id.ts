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

/** A job's global ID read: its backend, its ID there, and the canonical spelling of the global ID. */
export interface JobId {
  provider: JobProvider;
  id: string;
  globalId: string;
}

/** Reads an ID issued by this gateway: the job it names, or why it names none (for people). */
export function readJobId(globalId: string | number): JobId | { invalid: string } {
  const text = String(globalId);
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  const invalid = (why: string) => ({ invalid: `Invalid ID ${JSON.stringify(shown)}: ${why}` });
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length > 2048) return invalid('not a global ID issued by this gateway');
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const typename = colon > 0 ? decoded.slice(0, colon) : '';
  const id = colon > 0 ? decoded.slice(colon + 1) : '';
  if (typename === '' || id === '') return invalid('not a global ID issued by this gateway');
  const provider = PROVIDER_OF_TYPE.get(typename);
  if (provider === undefined) return invalid(`it names a ${JSON.stringify(typename.slice(0, 40))}, which is not a job type of this gateway`);
  return { provider, id, globalId: encodeGlobalId(typename, id) };
}

/** As `readJobId`, for queries: an ID that names no job is a clear client error, not a lookup. */
export function decodeJobId(globalId: string | number): JobId {
  const read = readJobId(globalId);
  if ('invalid' in read) throw new GraphQLError(read.invalid, { extensions: { code: 'BAD_USER_INPUT' } });
  return read;
}

/** For the Relay plugin (`node`, `nodes`, `t.arg.globalID`): the typename and id of a job's global ID. */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const { provider, id } = decodeJobId(globalId);
  return { typename: TYPE_OF_PROVIDER[provider], id };
}
