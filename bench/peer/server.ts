// The peer gateway (issue 10): Hive Gateway's runtime over the supergraph mesh-compose made, on a
// plain node:http server, in its own process, configured only through the environment. This is
// what `hive-gateway supergraph` does (createGatewayRuntime + node:http), without the CLI's
// supergraph polling and WebSocket server, and with what a team switches off in production:
// GraphiQL, the landing page, logging below warn. One process, no cluster fork, so the pid the
// benchmark reads /proc of is the one doing all the work.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { useGpuSigning } from './gpu-signing.js';
import { useUCloudAuth } from './ucloud-auth.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bench/peer/server.ts: ${name} is not set`);
  return value;
}
const optional = (name: string): string | null => process.env[name] || null;

// Read by the REST transport per request (`{env.…}` in the supergraph): present or fail now.
required('RIME_API_KEY');
required('DATAMANAGER_TOKEN');

const gateway = createGatewayRuntime({
  supergraph: required('SUPERGRAPH'),
  logging: 'warn',
  graphiql: false,
  landingPage: false,
  plugins: () => [
    useUCloudAuth({
      baseUrl: required('UCLOUD_URL'),
      token: optional('UCLOUD_TOKEN'),
      refreshToken: optional('UCLOUD_REFRESH_TOKEN'),
      project: optional('UCLOUD_PROJECT'),
    }),
    useGpuSigning(required('GPU_URL'), { apiKey: required('GPU_API_KEY'), apiSecret: required('GPU_API_SECRET') }),
  ],
});

const server = createServer(gateway);
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  void (async () => {
    const { address, port } = server.address() as AddressInfo;
    const url = `http://${address}:${port}${gateway.graphqlEndpoint}`;
    // Ready means the supergraph is loaded: the readiness endpoint answers 200 only then.
    const readiness = await gateway.fetch(`http://${address}:${port}/readiness`);
    if (readiness.status !== 200) throw new Error(`bench/peer/server.ts: /readiness answered ${readiness.status}`);
    process.stdout.write(`Peer gateway ready: ${url}\n`);
  })().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  server.closeAllConnections();
  server.close(() => {
    void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
