// The --peer part of the list benchmark's report: which column is whose, the ratios ours / peer
// per concurrency, and what differs between the two setups (a reader needs it to read the ratios).
import { formatBytes, table } from '../lib/stats.js';
import type { Summary } from './scenario.js';

export interface PeerRunInfo {
  pid: number;
  versions: Record<string, string>;
  /** The gateway's LIST_SNAPSHOT_MS as run (null: its default, 1000 ms). */
  snapshotMs: number | null;
  concurrency: number[];
}

export const oursLabel = (concurrency: number): string => `ours c=${concurrency}`;
export const peerLabel = (concurrency: number): string => `peer c=${concurrency}`;

type Pick = (s: Summary) => number | null;

const ROWS: readonly [string, Pick][] = [
  ['req/s', (s) => s.reqPerSec],
  ['latency p50', (s) => s.latencyMs.p50],
  ['latency p99', (s) => s.latencyMs.p99],
  ['gateway CPU ms/op', (s) => s.gatewayCpuMsPerOp],
  ['upstream bytes/op (all four)', (s) => s.upstreamBytesPerOp],
];

function ratio(ours: number | null, peer: number | null): string {
  if (ours === null || peer === null || peer === 0) return '—';
  const value = ours / peer;
  // Two significant digits below 0.1: a ratio of 0.0024 must not print as 0.00.
  return `${value !== 0 && value < 0.1 ? value.toPrecision(2) : value.toFixed(2)}×`;
}

export function peerHeader(peer: PeerRunInfo): string[] {
  const v = peer.versions;
  return [
    `  peer: Hive Gateway ${v['@graphql-hive/gateway']} (runtime ${v['@graphql-hive/gateway-runtime']}) on node:http, pid ${peer.pid}, NODE_ENV=production, ` +
      'logging warn, no GraphiQL or landing page (bench/peer/server.ts)',
    `        supergraph: mesh-compose ${v['@graphql-mesh/compose-cli']} + @omnigraph/openapi ${v['@omnigraph/openapi']} over bench/peer/specs/*.json, ` +
      `REST transport ${v['@graphql-mesh/transport-rest']}, graphql ${v.graphql}`,
  ];
}

export function peerSection(peer: PeerRunInfo, summaries: readonly Summary[]): string[] {
  const find = (label: string): Summary | undefined => summaries.find((s) => s.label === label);
  const pairs = peer.concurrency.map((c) => ({ c, ours: find(oursLabel(c)), peer: find(peerLabel(c)) }));
  const header = ['', ...pairs.map(({ c }) => `ours / peer c=${c}`)];
  const body = ROWS.map(([label, pick]) => [`  ${label}`, ...pairs.map((p) => (p.ours && p.peer ? ratio(pick(p.ours), pick(p.peer)) : '—'))]);
  const bytes = (s: Summary | undefined): string => (s ? formatBytes(s.responseBytesPerOp) : '—');
  const snapshot = peer.snapshotMs === null ? 'its default 1000 ms' : `${peer.snapshotMs} ms`;
  return [
    '',
    '  Ratios ours / peer (req/s above 1: ours serves more; latency, CPU and bytes below 1: ours needs less)',
    table([header, ...body]),
    '',
    '  What differs (read the ratios with it):',
    '  - ours answers one merged list, jobs(first: 50), newest first across the four backends, fields normalised (states, ISO dates);',
    '    the peer answers four separate lists as each API shapes them (no merging, no mapping), with the common fields of each.',
    '  - the peer asks each backend for "the 50 newest" as far as its API allows: UCloud itemsPerPage=50&sortBy=CREATED_AT&',
    '    sortDirection=descending and GPU limit=50&page=1&sort=-created_at are the newest 50; RIME pageSize=50 is the first 50 in RIME\'s',
    '    own order (ListJobs has no order or sort: not the newest); the Data Manager has no limit, order or paging: every instance comes',
    `    back (hence the peer's answer size: ${pairs.map((p) => `${bytes(p.peer)}/op at c=${p.c}`).join(', ')}, against ours ${pairs.map((p) => bytes(p.ours)).join(', ')}).`,
    `  - ours keeps each backend's listing (RIME and the Data Manager read whole and sorted) for LIST_SNAPSHOT_MS (${snapshot}) and`,
    '    serves further operations from it; the peer reads all four lists on every operation (Hive Gateway caches no upstream answers',
    '    unless configured). `--snapshot-ms 0` makes ours read per operation too (only reads in flight shared).',
    '  - auth: the same service credentials for both. The peer: RIME key and Data Manager bearer as `{env.…}` operation headers,',
    '    the UCloud access token from POST /auth/refresh in a plugin (renewed before its exp), the GPU HMAC signature in an onFetch',
    '    plugin with our signing code (src/providers/gpu/signing.ts).',
  ];
}
