// The peer's supergraph (issue 10): one Mesh OpenAPI source per simulator, composed by
// `mesh-compose` at bench time against the running simulators' URLs (bench/list/peer.ts passes
// them in the environment). Credentials stay out of the artefact: the RIME and Data Manager
// headers are `{env.…}` templates that Hive Gateway's REST transport fills in per request from
// its own environment, and UCloud's access token and the GPU HMAC signature come from the
// gateway's plugins (ucloud-auth.ts, gpu-signing.ts).
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

function url(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`mesh.config.ts: ${name} is not set (bench/list/peer.ts sets it to a simulator's URL)`);
  return value;
}

export const composeConfig = defineConfig({
  subgraphs: [
    { sourceHandler: loadOpenAPISubgraph('UCloud', { source: './specs/ucloud.json', endpoint: url('UCLOUD_URL') }) },
    {
      sourceHandler: loadOpenAPISubgraph('Rime', {
        source: './specs/rime.json',
        endpoint: url('RIME_URL'),
        operationHeaders: { 'rime-api-key': '{env.RIME_API_KEY}' },
      }),
    },
    {
      sourceHandler: loadOpenAPISubgraph('DataManager', {
        source: './specs/datamanager.json',
        endpoint: url('DATAMANAGER_URL'),
        operationHeaders: { authorization: 'Bearer {env.DATAMANAGER_TOKEN}' },
      }),
    },
    { sourceHandler: loadOpenAPISubgraph('Gpu', { source: './specs/gpu.json', endpoint: url('GPU_URL') }) },
  ],
});
