// bench/subscriptions (issue 5, "Benchmark"): N graphql-ws subscriptions to `jobUpdated` over M
// live jobs of the demo backends. Reports the gateway's memory per subscription, the delay from a
// change being observed upstream to each subscriber receiving it, and upstream requests per poll
// interval, next to a run with a small N to show that upstream load does not follow N.
//
// `--replicas 1,2,3` (issue 11) and `--connection-per-subscription` (issue 10, "Live") run the
// cluster layout instead (bench/subscriptions/cluster/): simulators, each gateway replica and the
// clients in separate processes, replicas sharing the live layer through one redis-server.
import os from 'node:os';
import { parseFlags, usage, UsageError, type FlagSpec } from './lib/args.js';
import type { Benchmark } from './lib/benchmark.js';
import { REDIS_BINARY, redisAvailable } from './lib/redis.js';
import { writeResult } from './lib/results.js';
import { renderClusterReport } from './subscriptions/cluster/report.js';
import { CONNECTIONS_PER_CLIENT_PROCESS, runCluster, type ClusterResult } from './subscriptions/cluster/scenario.js';
import { renderReport } from './subscriptions/report.js';
import { runScenario, type ScenarioResult, type Settings } from './subscriptions/scenario.js';

const FLAGS = [
  { name: 'subscriptions', help: 'subscriptions to open (N)', default: 5_000, min: 1 },
  { name: 'jobs', help: 'jobs followed (M), spread over the four backends; N/M subscribers each', default: 100, min: 1 },
  { name: 'connections', help: 'graphql-ws connections the subscriptions are spread over', default: 50, min: 1 },
  { name: 'duration', help: 'seconds of driving changes (the measured phase)', default: 30, min: 1 },
  { name: 'poll-interval', help: "gateway's POLL_INTERVAL_MS", default: 1_000, min: 50 },
  { name: 'step-every', help: "ms of real time between moves of the simulators' clock", default: 1_500, min: 10 },
  { name: 'step-minutes', help: "how far each move takes the simulators' clock, in minutes", default: 5, min: 0 },
  { name: 'compare', help: 'N of the comparison run done first (0: none)', default: 100 },
  { name: 'seed', help: "simulators' seed (the same world every run)", default: 7 },
  { name: 'baseline', help: 'cluster runs: also run 1 replica without Redis first (1) or not (0)', default: 1 },
  { name: 'client-processes', help: `cluster runs: client processes (0: one per ${CONNECTIONS_PER_CLIENT_PROCESS} connections)`, default: 0 },
  { name: 'batch', help: 'cluster runs: connections each client process opens at once', default: 200, min: 1 },
] as const satisfies readonly FlagSpec[];

/** Subscribers of a cluster run when --subscriptions is not given (issue 11's scale, not issue 5's). */
const CLUSTER_SUBSCRIPTIONS = 600;

/** Flags that are not numbers, taken out of argv before the numeric ones are parsed. */
const CLUSTER_USAGE = [
  '  --replicas 1,2,3                 cluster runs: gateway replica counts, each over its own redis-server',
  `                                   (subscriptions default ${CLUSTER_SUBSCRIPTIONS} then; connections are spread over the replicas)`,
  '  --connection-per-subscription    cluster runs: one graphql-ws connection per subscription (--connections ignored);',
  '                                   without --replicas: one replica, in-process',
].join('\n');

interface ClusterFlags {
  replicas: number[] | null;
  connectionPerSubscription: boolean;
  rest: string[];
}

function takeClusterFlags(argv: readonly string[]): ClusterFlags {
  const rest: string[] = [];
  let replicas: number[] | null = null;
  let connectionPerSubscription = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--connection-per-subscription') {
      connectionPerSubscription = true;
    } else if (arg === '--replicas' || arg.startsWith('--replicas=')) {
      const text = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      const counts = (text ?? '').split(',').map((part) => Number(part.trim()));
      if (!text || counts.some((count) => !Number.isInteger(count) || count < 1)) throw new UsageError('--replicas needs counts such as 1,2,3');
      replicas = counts;
    } else {
      rest.push(arg);
    }
  }
  return { replicas, connectionPerSubscription, rest };
}

async function runClusterMode(argv: readonly string[], cluster: ClusterFlags): Promise<void> {
  const flags = parseFlags(cluster.rest, FLAGS);
  const explicit = cluster.rest.some((arg) => arg === '--subscriptions' || arg.startsWith('--subscriptions='));
  const subscriptions = explicit || !cluster.replicas ? flags.subscriptions : CLUSTER_SUBSCRIPTIONS;
  const settings = {
    subscriptions,
    jobs: flags.jobs,
    connections: cluster.connectionPerSubscription ? subscriptions : flags.connections,
    durationMs: flags.duration * 1000,
    pollIntervalMs: flags['poll-interval'],
    stepEveryMs: flags['step-every'],
    stepMs: flags['step-minutes'] * 60_000,
    seed: flags.seed,
    clientProcesses: flags['client-processes'],
    batch: flags.batch,
  };
  const layouts: { replicas: number; redis: boolean }[] = [];
  if (flags.baseline > 0 || !cluster.replicas) layouts.push({ replicas: 1, redis: false });
  if (cluster.replicas) {
    if (redisAvailable()) for (const replicas of cluster.replicas) layouts.push({ replicas, redis: true });
    else process.stderr.write(`\n!!! ${REDIS_BINARY} not found (apt-get install redis-server): only the in-process run is measured\n\n`);
  }
  const runs: ClusterResult[] = [];
  for (const layout of layouts) {
    process.stderr.write(`subscriptions: ${layout.replicas} replica(s) ${layout.redis ? 'over Redis' : 'in-process'}, S=${settings.subscriptions}, C=${settings.connections}\n`);
    runs.push(await runCluster({ ...settings, ...layout }));
  }
  const command = `npm run bench -- subscriptions ${argv.join(' ')}`.trim();
  process.stdout.write(`\n${renderClusterReport(command, settings, runs, cluster.connectionPerSubscription)}\n`);
  const path = await writeResult(cluster.connectionPerSubscription ? 'subscriptions-connections' : 'subscriptions-replicas', {
    benchmark: 'subscriptions',
    date: new Date().toISOString(),
    command,
    machine: machine(),
    settings,
    runs,
  });
  process.stdout.write(`\nResults: ${path}\n`);
}

function machine(): Record<string, unknown> {
  return { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryBytes: os.totalmem(), platform: `${os.platform()} ${os.release()}` };
}

async function run(argv: readonly string[]): Promise<void> {
  const cluster = takeClusterFlags(argv);
  if (cluster.replicas || cluster.connectionPerSubscription) return runClusterMode(argv, cluster);
  const flags = parseFlags(argv, FLAGS);
  const settings: Settings = {
    subscriptions: flags.subscriptions,
    jobs: flags.jobs,
    connections: flags.connections,
    durationMs: flags.duration * 1000,
    pollIntervalMs: flags['poll-interval'],
    stepEveryMs: flags['step-every'],
    stepMs: flags['step-minutes'] * 60_000,
    seed: flags.seed,
  };
  const sizes = flags.compare > 0 && flags.compare !== settings.subscriptions ? [flags.compare, settings.subscriptions] : [settings.subscriptions];
  const runs: ScenarioResult[] = [];
  for (const size of sizes) {
    process.stderr.write(`subscriptions: N=${size}\n`);
    runs.push(await runScenario({ ...settings, subscriptions: size }));
  }
  const command = `npm run bench -- subscriptions ${argv.join(' ')}`.trim();
  process.stdout.write(`\n${renderReport(command, settings, runs)}\n`);
  const path = await writeResult('subscriptions', {
    benchmark: 'subscriptions',
    date: new Date().toISOString(),
    command,
    machine: machine(),
    settings,
    runs,
  });
  process.stdout.write(`\nResults: ${path}\n`);
}

export const subscriptions: Benchmark = {
  name: 'subscriptions',
  description: 'N graphql-ws jobUpdated subscriptions over M jobs: memory, delivery delay, upstream load; replicas over Redis; a connection per subscription',
  usage: `${usage(FLAGS)}\n${CLUSTER_USAGE}`,
  run,
};
