// The subscriptions benchmark's readable report: one column per run (a small N next to the big one
// shows what grows with the number of subscribers and what does not).
import { JOB_PROVIDERS, type JobProvider } from '../../src/providers/job.js';
import { formatBytes, formatMs, table } from '../lib/stats.js';
import type { ScenarioResult, Settings } from './result.js';

const n = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function section(title: string, runs: readonly ScenarioResult[], rows: [string, (run: ScenarioResult) => string][]): string {
  const header = [title, ...runs.map((run) => `N=${n(run.subscriptions)}`)];
  return table([header, ...rows.map(([label, cell]) => [`  ${label}`, ...runs.map(cell)])]);
}

function routeList(routes: Partial<Record<JobProvider, Record<string, number>>>): string {
  const parts = JOB_PROVIDERS.flatMap((provider) => Object.entries(routes[provider] ?? {}).map(([route, count]) => `${provider} ${route} ${count}`));
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export function renderReport(command: string, settings: Settings, runs: readonly ScenarioResult[]): string {
  const main = runs.at(-1);
  if (!main) return 'no runs';
  const mix = JOB_PROVIDERS.flatMap((provider) => {
    const entry = main.jobs.byProvider[provider];
    if (!entry) return [];
    const parts = [entry.seeded > 0 ? `${entry.seeded} seeded` : '', entry.created > 0 ? `${entry.created} created` : ''].filter(Boolean);
    return [`${provider} ${parts.join(' + ')}`];
  });
  const out: string[] = [];
  out.push('Subscriptions benchmark (issue 5): jobUpdated over graphql-ws; gateway + simulators in a child process');
  out.push(`  ${command}`);
  out.push(
    `  seed ${settings.seed}, POLL_INTERVAL_MS ${settings.pollIntervalMs}, up to ${settings.connections} connections, ` +
      `clock +${settings.stepMs / 60_000} min every ${settings.stepEveryMs} ms for ${settings.durationMs / 1000} s`,
  );
  out.push(`  jobs: ${main.jobs.total} (${mix.join(', ')})`, '');

  out.push(
    section('Subscribing', runs, [
      ['connections', (r) => n(r.connections)],
      ['subscribers per job', (r) => n(r.jobs.subscribersPerJob, 1)],
      ['first value received by', (r) => `${n(r.subscribe.withFirstValue)}/${n(r.subscriptions)}`],
      ['time until all had it', (r) => seconds(r.subscribe.ms)],
      ['job watchers', (r) => n(r.subscribe.stats.jobWatchers)],
      ['gateway CPU while subscribing', (r) => formatMs(r.subscribe.load.cpuUserMs + r.subscribe.load.cpuSystemMs)],
    ]),
  );
  for (const run of runs) out.push(`  N=${n(run.subscriptions)} upstream while subscribing: ${routeList(run.subscribe.upstreamRoutes)}`);
  out.push('');

  const marginal =
    runs.length > 1 && runs[0] && main.subscriptions !== runs[0].subscriptions
      ? (main.memory.subscribed.heapUsed - main.memory.before.heapUsed - (runs[0].memory.subscribed.heapUsed - runs[0].memory.before.heapUsed)) /
        (main.subscriptions - runs[0].subscriptions)
      : null;
  out.push(
    section('Memory (gateway process, after GC)', runs, [
      ['heap used before subscribing', (r) => formatBytes(r.memory.before.heapUsed)],
      ['heap used with N subscriptions', (r) => formatBytes(r.memory.subscribed.heapUsed)],
      ['heap per subscription', (r) => formatBytes(r.memory.perSubscription.heapUsed)],
      ['rss before / with N', (r) => `${formatBytes(r.memory.before.rss)} / ${formatBytes(r.memory.subscribed.rss)}`],
      ['rss per subscription', (r) => formatBytes(r.memory.perSubscription.rss)],
      ['external per subscription', (r) => formatBytes(r.memory.perSubscription.external)],
      ['heap used after unsubscribing', (r) => formatBytes(r.memory.afterUnsubscribe.heapUsed)],
    ]),
  );
  if (marginal !== null) out.push(`  marginal heap per subscription between the two runs: ${formatBytes(marginal)}`);
  out.push(
    '  (the simulators share the process: "after unsubscribing" includes what they keep, such as UCloud output they generated)',
    '',
  );

  out.push(
    section('Delivery (observed upstream -> received by a client)', runs, [
      ['changes observed (measured phase)', (r) => n(r.delivery.changes)],
      ['deliveries received / expected', (r) => `${n(r.delivery.delivered)}/${n(r.delivery.expected)}`],
      ['missing / mismatched / extra', (r) => `${r.delivery.missing} / ${r.delivery.mismatched} / ${r.delivery.extra}`],
      ['failed subscriptions', (r) => n(r.delivery.failedSubscribers)],
      ['per delivery p50', (r) => formatMs(r.delivery.perDelivery.p50)],
      ['per delivery p95', (r) => formatMs(r.delivery.perDelivery.p95)],
      ['per delivery p99', (r) => formatMs(r.delivery.perDelivery.p99)],
      ['per delivery max', (r) => formatMs(r.delivery.perDelivery.max)],
      ['last subscriber of a change p50', (r) => formatMs(r.delivery.perChange.p50)],
      ['last subscriber of a change p95', (r) => formatMs(r.delivery.perChange.p95)],
      ['last subscriber of a change p99', (r) => formatMs(r.delivery.perChange.p99)],
      ['last subscriber of a change max', (r) => formatMs(r.delivery.perChange.max)],
      ...JOB_PROVIDERS.map((provider): [string, (run: ScenarioResult) => string] => [
        `${provider} p50 / p95 / max`,
        (r) => {
          const d = r.delivery.perProvider[provider];
          return d && d.count > 0 ? `${formatMs(d.p50)} / ${formatMs(d.p95)} / ${formatMs(d.max)}` : '—';
        },
      ]),
      ['gateway CPU while driving', (r) => formatMs(r.drive.load.cpuUserMs + r.drive.load.cpuSystemMs)],
      ['gateway event loop delay p99 / max', (r) => `${formatMs(r.drive.load.loopDelayMs.p99)} / ${formatMs(r.drive.load.loopDelayMs.max)}`],
      ['client event loop delay p99 / max', (r) => `${formatMs(r.drive.parentLoopDelayMs.p99)} / ${formatMs(r.drive.parentLoopDelayMs.max)}`],
    ]),
  );
  out.push(`  changes observed per clock step (N=${n(main.subscriptions)}): ${main.drive.changesPerStep.join(' ')}`, '');

  const upstreamRows: [string, (run: ScenarioResult) => string][] = [];
  for (const provider of JOB_PROVIDERS) {
    if (!main.upstream.byProvider[provider]) continue;
    upstreamRows.push([
      `${provider} per interval (per round)`,
      (r) => {
        const figures = r.upstream.byProvider[provider];
        if (!figures) return '—';
        return `${n(figures.perInterval, 2)} (${figures.perRound === null ? 'no rounds' : n(figures.perRound, 2)})`;
      },
    ]);
  }
  upstreamRows.push(['total per interval', (r) => n(r.upstream.total.perInterval, 2)]);
  upstreamRows.push(['total requests in the measured phase', (r) => `${n(r.upstream.total.requests)} in ${seconds(r.upstream.elapsedMs)}`]);
  out.push(section('Upstream requests per poll interval (measured phase)', runs, upstreamRows));
  out.push('  (per round: divided by the backend poll group\'s rounds; UCloud is fed by one follow stream per job, opened while subscribing)');
  for (const run of runs) {
    const routes: Partial<Record<JobProvider, Record<string, number>>> = {};
    for (const provider of JOB_PROVIDERS) routes[provider] = run.upstream.byProvider[provider]?.routes ?? {};
    out.push(`  N=${n(run.subscriptions)} by route: ${routeList(routes)}`);
  }
  out.push('');

  out.push(
    section('Teardown (every subscriber leaves)', runs, [
      ['watchers / subscriptions / follows', (r) => `${r.teardown.stats.jobWatchers} / ${r.teardown.stats.jobSubscriptions} / ${r.teardown.stats.follows}`],
      ['back to zero within', (r) => (r.teardown.watchersGone ? formatMs(r.teardown.ms) : `not within ${seconds(r.teardown.ms)}`)],
      ['upstream requests afterwards', (r) => `${r.teardown.requestsAfter} in ${seconds(r.teardown.quietMs)}`],
      ['gateway close()', (r) => formatMs(r.child.closeMs)],
      ['child process exit', (r) => (r.child.clean ? 'clean' : `killed/failed (${r.child.signal ?? r.child.code})`)],
      ['child stderr lines', (r) => n(r.child.stderrLines)],
    ]),
  );
  for (const run of runs) {
    if (run.child.stderr.length === 0) continue;
    out.push(`  N=${n(run.subscriptions)} child stderr (first lines):`);
    for (const line of run.child.stderr.slice(0, 5)) out.push(`    ${line.slice(0, 200)}`);
  }
  return out.join('\n');
}
