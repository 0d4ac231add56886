// The list benchmark's readable report: one column per concurrency (load scenario) or per backend
// size (size scenario, with the ratio of the last size to the first next to it); with --peer, ours
// and the peer's columns side by side and their ratios (report-peer.ts).
import { JOB_PROVIDERS } from '../../src/providers/job.js';
import { formatBytes, formatMs, table } from '../lib/stats.js';
import { peerHeader, peerSection, type PeerRunInfo } from './report-peer.js';
import type { Summary } from './scenario.js';

export interface RunInfo {
  command: string;
  scenario: 'load' | 'size';
  first: number;
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  latencyMs: number;
  cores: number;
  /** 1-minute load average before and after the run (another benchmark on the machine shows here). */
  loadAverage: { before: number; after: number };
  gatewayPids: number[];
  /** --peer: Hive Gateway + Mesh measured in the same run; null without. */
  peer: PeerRunInfo | null;
}

const n = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const range = (pair: [number, number] | null, digits: number): string => (pair === null ? '' : ` (${n(pair[0], digits)}–${n(pair[1], digits)})`);
const ratio = (a: number | null, b: number | null): string => (a === null || b === null || a === 0 ? '—' : `${(b / a).toFixed(2)}×`);

type Row = [string, (s: Summary) => string, ((s: Summary) => number | null)?];

export function renderReport(info: RunInfo, summaries: readonly Summary[]): string {
  const withRatio = info.scenario === 'size' && summaries.length > 1;
  const firstRun = summaries[0];
  const lastRun = summaries.at(-1);
  const rows: Row[] = [
    ['req/s (rounds min–max)', (s) => `${n(s.reqPerSec, 1)}${range(s.reqPerSecRange, 1)}`, (s) => s.reqPerSec],
    ['latency p50 / p99', (s) => `${formatMs(s.latencyMs.p50)} / ${formatMs(s.latencyMs.p99)}`, (s) => s.latencyMs.p50],
    ['gateway CPU ms/op (min–max)', (s) => (s.gatewayCpuMsPerOp === null ? '—' : `${n(s.gatewayCpuMsPerOp, 2)}${range(s.gatewayCpuMsPerOpRange, 2)}`), (s) => s.gatewayCpuMsPerOp],
    ['simulators CPU ms/op', (s) => (s.simsCpuMsPerOp === null ? '—' : n(s.simsCpuMsPerOp, 2)), (s) => s.simsCpuMsPerOp],
    ...JOB_PROVIDERS.map((provider): Row => [
      `upstream ${provider} req/op, bytes/op`,
      (s) => `${n(s.upstream[provider].requestsPerOp, 2)}, ${formatBytes(s.upstream[provider].bytesPerOp)}`,
      (s) => s.upstream[provider].bytesPerOp,
    ]),
    ['upstream bytes/op (all four)', (s) => formatBytes(s.upstreamBytesPerOp), (s) => s.upstreamBytesPerOp],
    ['answer bytes/op', (s) => formatBytes(s.responseBytesPerOp)],
    ['gateway RSS (max at round ends)', (s) => (s.gatewayRssMax === null ? '—' : formatBytes(s.gatewayRssMax)), (s) => s.gatewayRssMax],
    ['operations / failed / partial', (s) => `${n(s.operations)} / ${n(s.failed)} / ${n(s.partial)}`],
  ];
  const header = ['', ...summaries.map((s) => s.label), ...(withRatio ? [`${lastRun?.label ?? ''} / ${firstRun?.label ?? ''}`] : [])];
  const body = rows.map(([label, cell, value]) => [
    `  ${label}`,
    ...summaries.map(cell),
    ...(withRatio ? [value && firstRun && lastRun ? ratio(value(firstRun), value(lastRun)) : ''] : []),
  ]);

  const out: string[] = [];
  const what = info.scenario === 'load' ? 'load' : `size (RIME and Data Manager holding N jobs each, c=1)`;
  const asked = info.peer ? `ours jobs(first: ${info.first}), the peer the ${info.first} newest per backend (four lists),` : `jobs(first: ${info.first})`;
  out.push(`List benchmark (issue 10), ${what}${info.peer ? ' with a peer' : ''}: ${asked} with the common fields, POST over keep-alive (undici Pool)`);
  out.push(`  ${info.command}`);
  out.push(
    `  gateway: node dist/main.js (pid ${info.gatewayPids.join(', ')}), AUTH_MODE=none, NODE_ENV=production; simulators in their own process, +${info.latencyMs} ms on every route`,
  );
  if (info.peer) out.push(...peerHeader(info.peer));
  out.push(
    `  ${info.rounds} round(s) × ${info.seconds} s per column, alternating (ABBA); warm-up ${info.warmupSeconds} s per gateway; ` +
      `load average ${info.loadAverage.before.toFixed(2)} → ${info.loadAverage.after.toFixed(2)} on ${info.cores} cores`,
  );
  out.push('', table([header, ...body]));
  for (const s of summaries) {
    const routes = JOB_PROVIDERS.flatMap((p) => Object.entries(s.upstream[p].routesPerOp).map(([route, perOp]) => `${p} ${route} ${n(perOp, 2)}`));
    out.push(`  ${s.label} upstream routes per op: ${routes.join(', ') || 'none'}`);
  }
  for (const s of summaries) if (s.failures.length > 0) out.push(`  ${s.label} first failures: ${s.failures.map((f) => f.slice(0, 160)).join(' | ')}`);
  if (info.peer) out.push(...peerSection(info.peer, summaries));
  return out.join('\n');
}
