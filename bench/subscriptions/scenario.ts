// One run of the subscriptions benchmark at one N, in its own gateway process: pick jobs, warm up,
// measure memory, subscribe N, measure again, drive changes and time their delivery, count upstream
// requests, unsubscribe and check that everything went away.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { JOB_PROVIDERS } from '../../src/providers/job.js';
import { now, sleep, waitUntil } from '../lib/time.js';
import { analyseDelivery, caughtUp, deliveredAll } from './delivery.js';
import { jobMix, perStep, perSubscription, routeDeltas, upstreamFigures } from './figures.js';
import { GatewayProcess } from './gateway-process.js';
import { ObservationLog } from './observations.js';
import type { ScenarioResult, Settings } from './result.js';
import { ClientPool, Subscriber } from './subscribers.js';

export type { ScenarioResult, Settings } from './result.js';

const FIRST_VALUE_TIMEOUT_MS = 120_000;
const SETTLE_TIMEOUT_MS = 15_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const TEARDOWN_TIMEOUT_MS = 15_000;

function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

export async function runScenario(settings: Settings): Promise<ScenarioResult> {
  const connections = Math.min(settings.connections, settings.subscriptions);
  const child = GatewayProcess.start({
    seed: settings.seed,
    pollIntervalMs: settings.pollIntervalMs,
    // The default (100) would refuse most of N/C > 100 subscriptions per connection.
    maxSubscriptionsPerConnection: Math.max(100, Math.ceil(settings.subscriptions / connections) + 10),
  });
  let pool: ClientPool | null = null;
  let subscribers: Subscriber[] = [];
  try {
    const url = await child.url;
    const clock = await child.clockOffset();
    const log = new ObservationLog(clock.offsetMs);
    child.onChange((change) => log.add(change));
    const { jobs, warmup } = await child.call('prepare', { jobs: Math.min(settings.jobs, settings.subscriptions) });
    progress(`gateway pid ${String(child.pid)} at ${url}; ${jobs.length} jobs picked; clock offset ${clock.offsetMs.toFixed(2)} ms (rtt ${clock.roundTripMs.toFixed(2)} ms)`);
    pool = new ClientPool(url, connections);

    // Warm-up: the whole path once (connection, parse, execute, a watcher started and stopped), so
    // the baseline is not taken before code the first subscriber makes V8 compile and cache.
    const [warm] = pool.subscribe([warmup], 1);
    await waitUntil(() => warm?.completed === true || warm?.error !== null, 10_000);
    await waitUntil(async () => (await child.call('stats')).jobWatchers === 0, 10_000);
    await sleep(settings.pollIntervalMs);

    const before = await child.call('memory');
    await child.call('load');
    const countersBeforeSubscribing = await child.call('counters');
    progress(`subscribing ${settings.subscriptions} over ${pool.size} connections`);
    const subscribeStart = now();
    subscribers = pool.subscribe(jobs, settings.subscriptions);
    await waitUntil(() => subscribers.every((s) => s.deliveries.length > 0 || s.error !== null), FIRST_VALUE_TIMEOUT_MS, 20);
    const subscribeMs = now() - subscribeStart;
    const subscribeLoad = await child.call('load');
    const withFirstValue = subscribers.filter((s) => s.deliveries.length > 0).length;

    // Let follow streams and the first rounds settle: the measured phase starts with everyone up to date.
    const settleStart = now();
    const settled = await waitUntil(
      () => now() - log.lastArrival > 2 * settings.pollIntervalMs && caughtUp(log, subscribers),
      SETTLE_TIMEOUT_MS,
    );
    const settleMs = now() - settleStart;
    const countersSubscribed = await child.call('counters');
    const subscribed = await child.call('memory');
    const subscribedStats = await child.call('stats');
    progress(`${withFirstValue}/${settings.subscriptions} subscribed in ${(subscribeMs / 1000).toFixed(1)} s; ${subscribedStats.jobWatchers} watchers`);

    // Measured phase: move the clock, and let the gateway notice.
    log.mark();
    for (const subscriber of subscribers) subscriber.baseline = subscriber.deliveries.length;
    const startCounters = { counters: await child.call('counters'), stats: await child.call('stats') };
    await child.call('load');
    const parentLoop = monitorEventLoopDelay({ resolution: 10 });
    parentLoop.enable();
    progress(`driving changes for ${settings.durationMs / 1000} s (clock +${settings.stepMs / 60_000} min every ${settings.stepEveryMs} ms)`);
    const driveStart = now();
    let steps = 0;
    for (let due = driveStart; due < driveStart + settings.durationMs; due += settings.stepEveryMs) {
      await sleep(Math.max(0, due - now()));
      await child.call('advance', { ms: settings.stepMs });
      steps++;
    }
    await sleep(Math.max(0, driveStart + settings.durationMs - now()));
    const driveMs = now() - driveStart;
    const endCounters = { counters: await child.call('counters'), stats: await child.call('stats') };
    const driveLoad = await child.call('load');
    parentLoop.disable();

    const deliveryStart = now();
    const allDelivered = await waitUntil(() => deliveredAll(log, subscribers), DELIVERY_TIMEOUT_MS);
    const deliverySettleMs = now() - deliveryStart;
    const delivery = analyseDelivery(log, subscribers);
    progress(`${delivery.changes} changes observed, ${delivery.delivered}/${delivery.expected} deliveries`);

    // Teardown: every subscriber leaves; the watchers, their timers and streams must go.
    const teardownStart = now();
    for (const subscriber of subscribers) subscriber.unsubscribe();
    const watchersGone = await waitUntil(async () => {
      const stats = await child.call('stats');
      return stats.jobWatchers === 0 && stats.jobSubscriptions === 0 && stats.follows === 0;
    }, TEARDOWN_TIMEOUT_MS, 20);
    const teardownMs = now() - teardownStart;
    const teardownStats = await child.call('stats');
    // A round under way when the last subscriber left may still finish; after that, silence.
    await sleep(settings.pollIntervalMs);
    const quietFrom = await child.call('counters');
    const quietMs = 2 * settings.pollIntervalMs;
    await sleep(quietMs);
    const quietTo = await child.call('counters');
    const requestsAfter = JOB_PROVIDERS.reduce((sum, p) => sum + (quietTo[p]?.total ?? 0) - (quietFrom[p]?.total ?? 0), 0);
    const afterUnsubscribe = await child.call('memory');
    await pool.close();
    pool = null;
    const exit = await child.stop();
    progress(`teardown: watchers ${teardownStats.jobWatchers}, child exited ${exit.clean ? 'cleanly' : `by ${exit.signal ?? exit.code}`}`);

    return {
      subscriptions: settings.subscriptions,
      connections: Math.min(settings.connections, settings.subscriptions),
      jobs: { total: jobs.length, byProvider: jobMix(jobs), subscribersPerJob: settings.subscriptions / jobs.length },
      clock,
      subscribe: {
        ms: subscribeMs,
        withFirstValue,
        failed: subscribers.filter((s) => s.error !== null).length,
        stats: subscribedStats,
        load: subscribeLoad,
        upstreamRoutes: routeDeltas(countersBeforeSubscribing, countersSubscribed),
      },
      settle: { ms: settleMs, caughtUp: settled },
      memory: { before, subscribed, afterUnsubscribe, perSubscription: perSubscription(before, subscribed, settings.subscriptions) },
      drive: {
        ms: driveMs,
        steps,
        simulatedMs: steps * settings.stepMs,
        observedChanges: delivery.changes,
        changesPerStep: perStep(log.timesSinceMark(), driveStart, settings, steps),
        load: driveLoad,
        parentLoopDelayMs: { p50: parentLoop.percentile(50) / 1e6, p99: parentLoop.percentile(99) / 1e6, max: parentLoop.max / 1e6 },
      },
      delivery: { ...delivery, settleMs: deliverySettleMs, allDelivered },
      upstream: upstreamFigures(settings, driveMs, startCounters, endCounters),
      teardown: { ms: teardownMs, watchersGone, stats: teardownStats, requestsAfter, quietMs },
      child: { ...exit, stderrLines: child.stderrLines, stderr: child.stderr.slice(0, 20) },
    };
  } finally {
    // On an error half-way: close what is still open, and never leave the child running.
    for (const subscriber of subscribers) subscriber.unsubscribe();
    await pool?.close();
    await child.stop();
  }
}
