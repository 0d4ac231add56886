// The GPU cloud's HMAC request signing (../shared/upstreams/gpu.md) as a Hive Gateway plugin: on
// every subgraph fetch to the GPU backend, `onFetch` adds X-API-Key, X-Time, X-Nonce and
// X-Signature. The algorithm is our gateway's own (src/providers/gpu/signing.ts, imported, not
// copied), so both gateways sign exactly alike; only the plumbing around it is Mesh's.
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { canonicalJson, signedHeaders, type GpuCredentials } from '../../src/providers/gpu/signing.js';
import { encodeQuery } from '../../src/providers/query.js';

/**
 * The query as the service rebuilds it before checking the signature: keys sorted, values of a
 * repeated key sorted, `urlencode` escaping. Sent in that same form, so what goes on the wire is
 * what was signed.
 */
function canonicalQuery(search: URLSearchParams): string {
  const grouped: Record<string, string[]> = {};
  for (const [key, value] of search) (grouped[key] ??= []).push(value);
  return encodeQuery(grouped, { sorted: true });
}

export function useGpuSigning(baseUrl: string, credentials: GpuCredentials): GatewayPlugin {
  // Only the GPU backend's requests: the other subgraphs share the same fetch.
  const prefix = baseUrl.replace(/\/+$/, '');
  return {
    onFetch({ url, options, setURL, setOptions }) {
      if (url !== prefix && !url.startsWith(`${prefix}/`) && !url.startsWith(`${prefix}?`)) return;
      const target = new URL(url);
      const query = canonicalQuery(target.searchParams);
      target.search = query;
      // The list is a GET; a body (none today) must be the canonical JSON the server re-serialises.
      if (options.body !== undefined && options.body !== null && typeof options.body !== 'string') {
        throw new Error('gpu-signing: only string bodies can be signed');
      }
      const body = typeof options.body === 'string' && options.body !== '' ? canonicalJson(JSON.parse(options.body)) : undefined;
      const headers = signedHeaders(credentials, { method: options.method ?? 'GET', fullPath: target.pathname, query, body });
      setURL(target.toString());
      setOptions({ ...options, ...(body === undefined ? {} : { body }), headers: { ...options.headers, ...headers } });
    },
  };
}
