// The peer gateway (issue 10) over the simulators that ours is measured on: its supergraph composed
// by mesh-compose (bench/peer/mesh.config.ts) against the simulators' URLs, then Hive Gateway
// (bench/peer/server.ts) in its own process, with the same service credentials ours gets.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServiceBackendSettings } from '../../src/config.js';
import { backendEnv, GatewayUnderTest } from './gateway.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PEER_DIR = fileURLToPath(new URL('../peer/', import.meta.url));
/** Generated at every run (gitignored): the simulators' ports change from run to run. */
export const PEER_SUPERGRAPH = `${PEER_DIR}supergraph.graphql`;
const READY = /^Peer gateway ready: (\S+)/;

/** The packages whose versions the report names. */
const PEER_PACKAGES = [
  '@graphql-hive/gateway',
  '@graphql-hive/gateway-runtime',
  '@graphql-mesh/compose-cli',
  '@omnigraph/openapi',
  '@graphql-mesh/transport-rest',
  'graphql',
] as const;

interface PackageJson {
  version?: string;
  bin?: string | Record<string, string>;
}

function packageJson(name: string): PackageJson {
  return JSON.parse(readFileSync(`${PEER_DIR}node_modules/${name}/package.json`, 'utf8')) as PackageJson;
}

/** Installed versions, as bench/peer/package-lock.json resolved them. */
export function peerVersions(): Record<string, string> {
  return Object.fromEntries(PEER_PACKAGES.map((name) => [name, packageJson(name).version ?? '?']));
}

function urlsEnv(settings: ServiceBackendSettings): Record<string, string> {
  return {
    UCLOUD_URL: settings.ucloud.url,
    RIME_URL: settings.rime.url,
    DATAMANAGER_URL: settings.dataManager.url,
    GPU_URL: settings.gpu.url,
  };
}

/** `mesh-compose -o bench/peer/supergraph.graphql`, run by node directly; its log goes to stderr. */
export function composePeerSupergraph(settings: ServiceBackendSettings): string {
  const { bin } = packageJson('@graphql-mesh/compose-cli');
  const script = typeof bin === 'string' ? bin : bin?.['mesh-compose'];
  if (!script) throw new Error('@graphql-mesh/compose-cli has no mesh-compose bin');
  const result = spawnSync(process.execPath, [`${PEER_DIR}node_modules/@graphql-mesh/compose-cli/${script}`, '--output', PEER_SUPERGRAPH], {
    cwd: PEER_DIR,
    env: { PATH: process.env.PATH ?? '', ...urlsEnv(settings) },
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) throw new Error(`mesh-compose failed (${result.status ?? result.signal})`);
  return PEER_SUPERGRAPH;
}

export function startPeerGateway(settings: ServiceBackendSettings, supergraph: string): GatewayUnderTest {
  // A clean environment, as for ours, and the same NODE_ENV=production (graphql-js's and Yoga's
  // production switch) that ours is started with.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    SUPERGRAPH: supergraph,
    ...backendEnv(settings),
  };
  // tsx (the root's) loads the peer's few TypeScript files; the gateway itself is Hive's JavaScript.
  return GatewayUnderTest.spawn(['--import', 'tsx', 'bench/peer/server.ts'], { cwd: ROOT, env }, READY);
}
