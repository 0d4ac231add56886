// bench/subscriptions (issue 5, "Benchmark"): N graphql-ws subscriptions to `jobUpdated` over M
// live jobs of the demo backends. Reports the gateway's memory per subscription, the delay from a
// change being observed upstream to each subscriber receiving it, and upstream requests per poll
// interval, next to a run with a small N to show that upstream load does not follow N.
import os from 'node:os';
import { parseFlags, usage, type FlagSpec } from './lib/args.js';
import type { Benchmark } from './lib/benchmark.js';
import { writeResult } from './lib/results.js';
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
] as const satisfies readonly FlagSpec[];

async function run(argv: readonly string[]): Promise<void> {
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
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryBytes: os.totalmem(), platform: `${os.platform()} ${os.release()}` },
    settings,
    runs,
  });
  process.stdout.write(`\nResults: ${path}\n`);
}

export const subscriptions: Benchmark = {
  name: 'subscriptions',
  description: 'N graphql-ws jobUpdated subscriptions over M jobs: memory, delivery delay, upstream load',
  usage: usage(FLAGS),
  run,
};
