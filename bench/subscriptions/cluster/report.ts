// The cluster runs' readable report: one column per run (the in-process baseline, then 1, 2, 3 …
// replicas over Redis), so what grows with the number of replicas shows on one line.
import { JOB_PROVIDERS } from '../../../src/providers/job.js';
import { formatBytes, formatMs, table } from '../../lib/stats.js';
import type { ClusterResult, ClusterSettings } from './scenario.js';

const n = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(0)}`;
/** CPU time over wall time, as a share of one core. */
const core = (cpuMs: number, wallMs: number): string => `${((100 * cpuMs) / wallMs).toFixed(0)}%`;

type Row = [string, (run: ClusterResult) => string];

function header(run: ClusterResult): string {
  return run.redis ? `${run.replicas}× Redis` : `${run.replicas}× in-process`;
}

function perReplica(run: ClusterResult, cell: (replica: ClusterResult['replicaResults'][number]) => string): string {
  return run.replicaResults.map(cell).join(' / ');
}

export function renderClusterReport(command: string, settings: Omit<ClusterSettings, 'replicas' | 'redis'>, runs: readonly ClusterResult[], connectionPerSubscription: boolean): string {
  const out: string[] = [];
  const first = runs[0];
  if (!first) return 'no runs';
  out.push(
    connectionPerSubscription
      ? 'Subscriptions benchmark, one connection per subscription (issue 10 "Live"): simulators, gateway replica(s) and clients in separate processes'
      : 'Subscriptions benchmark, replicas (issue 11): simulators, each gateway replica and the clients in separate processes',
  );
  out.push(`  ${command}`);
  out.push(
    `  seed ${settings.seed}, POLL_INTERVAL_MS ${settings.pollIntervalMs}, ${n(first.subscriptions)} subscribers over ${first.jobs} jobs, ` +
      `clock +${settings.stepMs / 60_000} min every ${settings.stepEveryMs} ms for ${settings.durationMs / 1000} s`,
  );
  out.push(
    `  limits raised for the run (all clients are 127.0.0.1): WS_MAX_CONNECTIONS_PER_ADDRESS ${first.limits.maxConnectionsPerAddress}, WS_MAX_SUBSCRIPTIONS ${first.limits.maxSubscriptionsPerConnection}`,
  );
  out.push(
    `  open-file limit (ulimit -n): bench ${first.benchOpenFiles ?? '?'}, replicas ${first.replicaResults.map((r) => r.openFiles ?? '?').join('/')}, clients ${first.clients.openFiles.map((f) => f ?? '?').join('/')}`,
    '',
  );

  const rows: Row[] = [
    ['subscribers per replica', (r) => perReplica(r, (x) => n(x.subscribers))],
    ['connections (client processes)', (r) => `${n(r.connections)} (${r.clientProcesses})`],
    ['first value received by', (r) => `${n(r.subscribe.withFirstValue)}/${n(r.subscriptions)}`],
    ['time until all had it', (r) => `${(r.subscribe.ms / 1000).toFixed(1)} s`],
    ['job watchers per replica', (r) => perReplica(r, (x) => n(x.stats.jobWatchers))],
    ['UCloud follow streams per replica', (r) => perReplica(r, (x) => n(x.stats.follows))],
    ['upstream requests per interval', (r) => n(r.upstream.total.perInterval, 2)],
    ...JOB_PROVIDERS.filter((provider) => first.upstream.byProvider[provider]).map((provider): Row => [
      `  ${provider}`,
      (r) => {
        const figures = r.upstream.byProvider[provider];
        return figures ? n(figures.perInterval, 2) : '—';
      },
    ]),
    ['changes observed', (r) => n(r.delivery.changes)],
    ['deliveries received / expected', (r) => `${n(r.delivery.delivered)}/${n(r.delivery.expected)}`],
    ['missing / mismatched / extra', (r) => `${r.delivery.missing} / ${r.delivery.mismatched} / ${r.delivery.extra}`],
    ['failed subscriptions', (r) => n(r.delivery.failedSubscribers)],
    ['delivery p50', (r) => formatMs(r.delivery.perDelivery.p50)],
    ['delivery p95', (r) => formatMs(r.delivery.perDelivery.p95)],
    ['delivery p99', (r) => formatMs(r.delivery.perDelivery.p99)],
    ['delivery max', (r) => formatMs(r.delivery.perDelivery.max)],
    ['last subscriber of a change p95', (r) => formatMs(r.delivery.perChange.p95)],
    ['delivery p95 per replica', (r) => perReplica(r, (x) => formatMs(x.delivery.p95))],
    ['gateway RSS per replica (MiB)', (r) => perReplica(r, (x) => mib(x.memory.subscribed.rss))],
    ['gateway RSS growth per connection', (r) => kib(r.memory.perConnection.rss)],
    ['gateway heap growth per connection', (r) => kib(r.memory.perConnection.heapUsed)],
    ['gateway heap growth per subscription', (r) => formatBytes(r.memory.perSubscription.heapUsed)],
    ['gateway CPU while driving per replica', (r) => perReplica(r, (x) => core(x.drive.cpuUserMs + x.drive.cpuSystemMs, r.drive.ms))],
    ['gateway event loop p99 per replica', (r) => perReplica(r, (x) => formatMs(x.drive.loopDelayMs.p99))],
    ['redis-server CPU while driving / RSS', (r) => (r.redisServer ? `${r.redisServer.cpuMs === null ? '?' : core(r.redisServer.cpuMs, r.drive.ms)} / ${r.redisServer.rss === null ? '?' : formatBytes(r.redisServer.rss)}` : '—')],
    ['client RSS per process (MiB)', (r) => r.clients.rss.map(mib).join(' / ')],
    ['watchers gone after unsubscribing', (r) => (r.teardown.watchersGone ? formatMs(r.teardown.ms) : `no (${(r.teardown.ms / 1000).toFixed(0)} s)`)],
    ['replica exits', (r) => perReplica(r, (x) => (x.exit.clean ? 'clean' : String(x.exit.signal ?? x.exit.code)))],
    ['replica stderr lines', (r) => perReplica(r, (x) => n(x.stderrLines))],
  ];
  out.push(table([['', ...runs.map(header)], ...rows.map(([label, cell]) => [`  ${label}`, ...runs.map(cell)])]));
  out.push(
    '  (upstream: the simulators\' request counters over the measured phase, per POLL_INTERVAL_MS; delivery: observed by the replica reading the job -> received by a client;',
    '   RSS and heap growth: all replicas after GC, with everyone subscribed minus before; CPU: share of one core)',
  );
  for (const run of runs) {
    for (const replica of run.replicaResults) {
      const lines = replica.stderr.filter((line) => !/Redis connected$/.test(line));
      if (lines.length === 0) continue;
      out.push(`  ${header(run)} replica ${replica.index} stderr (first lines):`);
      for (const line of lines.slice(0, 5)) out.push(`    ${line.slice(0, 200)}`);
    }
  }
  return out.join('\n');
}
