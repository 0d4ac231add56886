// One cluster run: the simulators in one process, R gateway replicas in their own (over one Redis,
// or a lone replica without it), the clients in one or more processes. S subscribers over J
// jobs are spread over the replicas so that every job has subscribers on every replica (sharing a
// watcher is then possible, and needed), on C connections. Measures the upstream load per poll
// interval, the delay from a change being observed (by whichever replica reads the job) to each
// client receiving it, and the replicas' memory and CPU.
import type { LiveStats } from '../../../src/live/hub.js';
import { JOB_PROVIDERS } from '../../../src/providers/job.js';
import { openFileLimit } from '../../lib/proc.js';
import { startRedis, type BenchRedis } from '../../lib/redis.js';
import { distribution, type Distribution } from '../../lib/stats.js';
import { now, sleep, waitUntil } from '../../lib/time.js';
import { analyseDelivery, caughtUp, deliveredAll, type DeliveryResult } from '../delivery.js';
import { upstreamFigures } from '../figures.js';
import { ObservationLog } from '../observations.js';
import type { LoadSample, MemorySample, PickedJob } from '../protocol.js';
import type { ScenarioResult, Settings } from '../result.js';
import { Subscriber } from '../subscribers.js';
import { IpcProcess, type ProcessExit } from './ipc.js';
import type {
  ClientEvent,
  ClientMethods,
  ClientReady,
  ConnectionPlan,
  ReplicaEvent,
  ReplicaMethods,
  ReplicaReady,
  SimsMethods,
  SimsReady,
} from './protocol.js';

export interface ClusterSettings extends Settings {
  /** Gateway replicas of this run. */
  replicas: number;
  /** Through one Redis (REDIS_URL), or the in-process live layer (one replica only). */
  redis: boolean;
  /** Client processes; 0: one per CONNECTIONS_PER_CLIENT_PROCESS connections. */
  clientProcesses: number;
  /** Connections opened at once by each client process. */
  batch: number;
}

export interface ReplicaResult {
  index: number;
  subscribers: number;
  connections: number;
  memory: { before: MemorySample; subscribed: MemorySample };
  /** Job watchers and follow streams with everyone subscribed. */
  stats: { jobWatchers: number; jobSubscriptions: number; follows: number };
  drive: LoadSample;
  delivery: Distribution;
  stderrLines: number;
  stderr: string[];
  exit: ProcessExit;
  openFiles: number | null;
}

export interface ClusterResult {
  replicas: number;
  redis: boolean;
  subscriptions: number;
  connections: number;
  clientProcesses: number;
  jobs: number;
  limits: { maxConnectionsPerAddress: number; maxSubscriptionsPerConnection: number };
  /** `failures`: the distinct errors failed subscribers got, with how many got each (the first few). */
  subscribe: { ms: number; withFirstValue: number; failed: number; failures: Record<string, number> };
  settle: { ms: number; caughtUp: boolean };
  replicaResults: ReplicaResult[];
  memory: {
    /** Over all replicas, with everyone subscribed minus before, after GC. */
    rssDelta: number;
    heapDelta: number;
    perConnection: { rss: number; heapUsed: number };
    perSubscription: { rss: number; heapUsed: number };
  };
  drive: { ms: number; steps: number; observedChanges: number };
  delivery: DeliveryResult & { settleMs: number; allDelivered: boolean };
  upstream: ScenarioResult['upstream'];
  redisServer: { cpuMs: number | null; rss: number | null } | null;
  teardown: { ms: number; watchersGone: boolean };
  clients: { rss: number[]; openFiles: (number | null)[]; exits: ProcessExit[] };
  simulators: { exit: ProcessExit; stderr: string[] };
  benchOpenFiles: number | null;
}

const FIRST_VALUE_TIMEOUT_MS = 300_000;
const SETTLE_TIMEOUT_MS = 20_000;
const DELIVERY_TIMEOUT_MS = 15_000;
const TEARDOWN_TIMEOUT_MS = 30_000;
export const CONNECTIONS_PER_CLIENT_PROCESS = 5_000;

const SIMS = new URL('./sims-child.ts', import.meta.url);
const REPLICA = new URL('./replica-child.ts', import.meta.url);
const CLIENT = new URL('./client-child.ts', import.meta.url);

type Sims = IpcProcess<SimsMethods, SimsReady, never>;
type Replica = IpcProcess<ReplicaMethods, ReplicaReady, ReplicaEvent>;
type Clients = IpcProcess<ClientMethods, ClientReady, ClientEvent>;

function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

/** The live stats of every replica as one: counts added up (rounds included, each replica polls its own share). */
function sumStats(all: readonly LiveStats[]): LiveStats {
  const total: LiveStats = { jobWatchers: 0, jobSubscriptions: 0, listSubscriptions: 0, follows: 0, rounds: {} };
  for (const stats of all) {
    total.jobWatchers += stats.jobWatchers;
    total.jobSubscriptions += stats.jobSubscriptions;
    total.listSubscriptions += stats.listSubscriptions;
    total.follows += stats.follows;
    for (const provider of JOB_PROVIDERS) {
      const own = stats.rounds[provider];
      if (!own) continue;
      const sum = (total.rounds[provider] ??= { jobs: 0, list: 0 });
      sum.jobs += own.jobs;
      sum.list += own.list;
    }
  }
  return total;
}

/** Distinct failures among `subscribers` (at most a few, truncated), so a run that fails says why. */
function failureCounts(subscribers: readonly Subscriber[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { error } of subscribers) {
    if (error === null) continue;
    const text = error.slice(0, 300);
    if (text in counts || Object.keys(counts).length < 5) counts[text] = (counts[text] ?? 0) + 1;
  }
  return counts;
}

interface Plan {
  subscribers: Subscriber[];
  /** Replica of each subscriber. */
  replicaOf: number[];
  /** Per client process, its connections. */
  byClient: ConnectionPlan[][];
  /** Per replica: subscribers and connections. */
  perReplica: { subscribers: number; connections: number }[];
}

/**
 * Subscriber i follows job i mod J and lands on replica ⌊i/J⌋ mod R, so every job has subscribers
 * on every replica (when S ≥ J·R). A replica's subscribers are laid over its connections in blocks,
 * so a connection carries subscribers of many jobs; connections go round-robin to client processes.
 */
function plan(jobs: readonly PickedJob[], urls: readonly string[], settings: ClusterSettings, clientProcesses: number): Plan {
  const replicas = urls.length;
  const subscribers: Subscriber[] = [];
  const replicaOf: number[] = [];
  const members: number[][] = urls.map(() => []);
  for (let i = 0; i < settings.subscriptions; i++) {
    const job = jobs[i % jobs.length];
    if (!job) throw new Error('no jobs to follow');
    subscribers.push(new Subscriber(job));
    const replica = Math.floor(i / jobs.length) % replicas;
    replicaOf.push(replica);
    members[replica]?.push(i);
  }
  const byClient: ConnectionPlan[][] = Array.from({ length: clientProcesses }, () => []);
  const perReplica: Plan['perReplica'] = [];
  let next = 0;
  for (const [replica, own] of members.entries()) {
    const share = Math.floor(settings.connections / replicas) + (replica < settings.connections % replicas ? 1 : 0);
    const connections = Math.max(1, Math.min(share, own.length));
    const plans: ConnectionPlan[] = Array.from({ length: connections }, () => ({ url: urls[replica] ?? '', subscribers: [] }));
    own.forEach((index, k) => {
      const subscriber = subscribers[index];
      plans[Math.floor((k * connections) / own.length)]?.subscribers.push({ index, globalId: subscriber?.job.globalId ?? '' });
    });
    for (const connection of plans) byClient[next++ % clientProcesses]?.push(connection);
    perReplica.push({ subscribers: own.length, connections: own.length > 0 ? connections : 0 });
  }
  return { subscribers, replicaOf, byClient, perReplica };
}

export async function runCluster(settings: ClusterSettings): Promise<ClusterResult> {
  const connections = Math.min(settings.connections, settings.subscriptions);
  const limits = {
    // Every client connects from 127.0.0.1; the default per-address cap (100) would refuse them.
    maxConnectionsPerAddress: Math.max(100, connections + 100),
    maxSubscriptionsPerConnection: Math.max(100, Math.ceil(settings.subscriptions / Math.max(1, Math.floor(connections / settings.replicas))) + 10),
  };
  const clientCount = settings.clientProcesses > 0 ? settings.clientProcesses : Math.max(1, Math.ceil(connections / CONNECTIONS_PER_CLIENT_PROCESS));
  let redis: BenchRedis | null = null;
  let sims: Sims | null = null;
  const replicas: Replica[] = [];
  const clients: Clients[] = [];
  try {
    if (settings.redis) {
      redis = await startRedis();
      progress(`redis-server pid ${redis.pid} at ${redis.url}`);
    }
    sims = IpcProcess.start<SimsMethods, SimsReady, never>('simulators', SIMS, { seed: settings.seed });
    const { settings: backends } = await sims.ready;
    for (let index = 0; index < settings.replicas; index++) {
      replicas.push(
        IpcProcess.start<ReplicaMethods, ReplicaReady, ReplicaEvent>(
          `replica ${index}`,
          REPLICA,
          { index, pollIntervalMs: settings.pollIntervalMs, settings: backends, redisUrl: redis?.url ?? null, limits },
          ['--expose-gc'],
        ),
      );
    }
    const readies = await Promise.all(replicas.map((replica) => replica.ready));
    const urls = readies.map((ready) => ready.url);
    // Each process's clock against ours; observations and receipts are put on the parent's clock.
    const log = new ObservationLog(0);
    for (const replica of replicas) {
      const { offsetMs } = await replica.clockOffset();
      replica.onEvent((event) => {
        for (const change of event.changes) log.add({ ...change, at: change.at - offsetMs });
      });
    }
    const { jobs, warmup } = await sims.call('prepare', { jobs: Math.min(settings.jobs, settings.subscriptions) });
    progress(
      `${settings.replicas} replica(s) ${settings.redis ? 'over Redis' : 'in-process, no Redis'} (pids ${replicas.map((r) => r.pid).join(', ')}; Redis ${readies.map((r) => r.shared ?? '—').join('/')}); ${jobs.length} jobs`,
    );

    for (let index = 0; index < clientCount; index++) clients.push(IpcProcess.start<ClientMethods, ClientReady, ClientEvent>(`client ${index}`, CLIENT, {}));
    const clientReadies = await Promise.all(clients.map((client) => client.ready));
    const built = plan(jobs, urls, settings, clientCount);
    const { subscribers } = built;
    for (const client of clients) {
      const { offsetMs } = await client.clockOffset();
      client.onEvent((event) => {
        switch (event.kind) {
          case 'received':
            for (const [index, key, at] of event.values) subscribers[index]?.deliveries.push({ key, at: at - offsetMs });
            break;
          case 'failed': {
            const subscriber = subscribers[event.index];
            if (subscriber) subscriber.error = event.error;
            break;
          }
          case 'completed': {
            const subscriber = subscribers[event.index];
            if (subscriber) subscriber.completed = true;
            break;
          }
        }
      });
    }

    // Warm-up on every replica: the whole path once (connection, parse, execute, a watcher started
    // and stopped), so the baseline is not taken before code the first subscriber compiles.
    const [first] = clients;
    if (!first) throw new Error('no client process');
    await first.call('subscribe', {
      connections: urls.map((url, r) => ({ url, subscribers: [{ index: -1 - r, globalId: warmup.globalId }] })),
      batch: urls.length,
      timeoutMs: 10_000,
    });
    await waitUntil(async () => (await Promise.all(replicas.map((r) => r.call('stats')))).every((s) => s.jobWatchers === 0), 10_000);
    await sleep(settings.pollIntervalMs);

    const before = await Promise.all(replicas.map((r) => r.call('memory')));
    await Promise.all(replicas.map((r) => r.call('load')));
    progress(`subscribing ${settings.subscriptions} over ${connections} connections (${built.perReplica.map((p) => `${p.subscribers}/${p.connections}`).join(', ')} per replica) from ${clientCount} client process(es)`);
    const subscribeStart = now();
    const opened = await Promise.all(
      clients.map((client, c) => client.call('subscribe', { connections: built.byClient[c] ?? [], batch: settings.batch, timeoutMs: FIRST_VALUE_TIMEOUT_MS })),
    );
    // Every first value is in the parent too (events precede the answer on the same channel).
    const subscribeMs = now() - subscribeStart;
    const withFirstValue = opened.reduce((sum, o) => sum + o.withFirstValue, 0);
    const failed = opened.reduce((sum, o) => sum + o.failed, 0);

    const settleStart = now();
    const settled = await waitUntil(() => now() - log.lastArrival > 2 * settings.pollIntervalMs && caughtUp(log, subscribers), SETTLE_TIMEOUT_MS);
    const settleMs = now() - settleStart;
    const subscribed = await Promise.all(replicas.map((r) => r.call('memory')));
    const subscribedStats = await Promise.all(replicas.map((r) => r.call('stats')));
    const total = sumStats(subscribedStats);
    progress(`${withFirstValue}/${settings.subscriptions} subscribed in ${(subscribeMs / 1000).toFixed(1)} s (${failed} failed); ${total.jobWatchers} watchers, ${total.follows} follows over all replicas`);
    for (const [error, count] of Object.entries(failureCounts(subscribers))) progress(`  ${count}× ${error}`);

    log.mark();
    for (const subscriber of subscribers) subscriber.baseline = subscriber.deliveries.length;
    const startCounters = { counters: await sims.call('counters'), stats: sumStats(await Promise.all(replicas.map((r) => r.call('stats')))) };
    await Promise.all(replicas.map((r) => r.call('load')));
    const redisCpuStart = redis?.cpuMs() ?? null;
    progress(`driving changes for ${settings.durationMs / 1000} s`);
    const driveStart = now();
    let steps = 0;
    for (let due = driveStart; due < driveStart + settings.durationMs; due += settings.stepEveryMs) {
      await sleep(Math.max(0, due - now()));
      await sims.call('advance', { ms: settings.stepMs });
      steps++;
    }
    await sleep(Math.max(0, driveStart + settings.durationMs - now()));
    const driveMs = now() - driveStart;
    const endCounters = { counters: await sims.call('counters'), stats: sumStats(await Promise.all(replicas.map((r) => r.call('stats')))) };
    const driveLoads = await Promise.all(replicas.map((r) => r.call('load')));
    const redisCpuEnd = redis?.cpuMs() ?? null;
    const redisRss = redis?.rss() ?? null;

    const deliveryStart = now();
    const allDelivered = await waitUntil(() => deliveredAll(log, subscribers), DELIVERY_TIMEOUT_MS);
    const deliverySettleMs = now() - deliveryStart;
    const delivery = analyseDelivery(log, subscribers);
    progress(`${delivery.changes} changes observed, ${delivery.delivered}/${delivery.expected} deliveries, p95 ${delivery.perDelivery.p95?.toFixed(1) ?? '—'} ms`);
    const perReplicaDelivery = replicas.map((_, r) => analyseDelivery(log, subscribers.filter((_s, i) => built.replicaOf[i] === r)).perDelivery);
    const clientRss = (await Promise.all(clients.map((client) => client.call('memory')))).map((m) => m.rss);

    const teardownStart = now();
    await Promise.all(clients.map((client) => client.call('unsubscribe')));
    const watchersGone = await waitUntil(
      async () => (await Promise.all(replicas.map((r) => r.call('stats')))).every((s) => s.jobWatchers === 0 && s.jobSubscriptions === 0 && s.follows === 0),
      TEARDOWN_TIMEOUT_MS,
      50,
    );
    const teardownMs = now() - teardownStart;
    await Promise.all(clients.map((client) => client.call('close')));
    const clientExits = await Promise.all(clients.splice(0).map((client) => client.stop()));
    const replicaExits: ProcessExit[] = [];
    for (const replica of replicas) replicaExits.push(await replica.stop());
    const simsExit = await sims.stop();
    const simsStderr = sims.stderr.slice(0, 20);
    sims = null;
    progress(`teardown: watchers ${watchersGone ? 'gone' : 'still there'}; replicas exited ${replicaExits.map((e) => (e.clean ? 'cleanly' : `by ${e.signal ?? e.code}`)).join(', ')}`);

    const sum = (samples: readonly MemorySample[], field: 'rss' | 'heapUsed'): number => samples.reduce((acc, m) => acc + m[field], 0);
    const rssDelta = sum(subscribed, 'rss') - sum(before, 'rss');
    const heapDelta = sum(subscribed, 'heapUsed') - sum(before, 'heapUsed');
    return {
      replicas: settings.replicas,
      redis: settings.redis,
      subscriptions: settings.subscriptions,
      connections: built.perReplica.reduce((acc, p) => acc + p.connections, 0),
      clientProcesses: clientCount,
      jobs: jobs.length,
      limits,
      subscribe: { ms: subscribeMs, withFirstValue, failed, failures: failureCounts(subscribers) },
      settle: { ms: settleMs, caughtUp: settled },
      replicaResults: replicas.map((replica, index) => ({
        index,
        subscribers: built.perReplica[index]?.subscribers ?? 0,
        connections: built.perReplica[index]?.connections ?? 0,
        memory: { before: before[index] as MemorySample, subscribed: subscribed[index] as MemorySample },
        stats: {
          jobWatchers: subscribedStats[index]?.jobWatchers ?? 0,
          jobSubscriptions: subscribedStats[index]?.jobSubscriptions ?? 0,
          follows: subscribedStats[index]?.follows ?? 0,
        },
        drive: driveLoads[index] as LoadSample,
        delivery: perReplicaDelivery[index] ?? distribution([]),
        stderrLines: replica.stderrLines,
        stderr: replica.stderr.slice(0, 20),
        exit: replicaExits[index] as ProcessExit,
        openFiles: readies[index]?.openFiles ?? null,
      })),
      memory: {
        rssDelta,
        heapDelta,
        perConnection: { rss: rssDelta / connections, heapUsed: heapDelta / connections },
        perSubscription: { rss: rssDelta / settings.subscriptions, heapUsed: heapDelta / settings.subscriptions },
      },
      drive: { ms: driveMs, steps, observedChanges: delivery.changes },
      delivery: { ...delivery, settleMs: deliverySettleMs, allDelivered },
      upstream: upstreamFigures(settings, driveMs, startCounters, endCounters),
      redisServer: redis ? { cpuMs: redisCpuStart !== null && redisCpuEnd !== null ? redisCpuEnd - redisCpuStart : null, rss: redisRss } : null,
      teardown: { ms: teardownMs, watchersGone },
      clients: { rss: clientRss, openFiles: clientReadies.map((r) => r.openFiles), exits: clientExits },
      simulators: { exit: simsExit, stderr: simsStderr },
      benchOpenFiles: openFileLimit(),
    };
  } finally {
    // On an error half-way: never leave a process behind.
    for (const client of clients) await client.stop();
    for (const replica of replicas) await replica.stop();
    await sims?.stop();
    await redis?.close();
  }
}
