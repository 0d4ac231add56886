// bench/list (issue 10, "Benchmark"): the job list under load. The gateway's production build in
// its own process, the four simulators in another with a fixed latency on every route, and a
// closed-loop HTTP client here. Reports req/s, latency, the gateway's CPU per operation (from
// /proc), upstream requests and response bytes per operation (the simulators' counters), RSS.
// `--jobs 300,20000` instead compares jobs(first: 20) over small and big RIME and Data Manager
// listings, to judge whether the cost of a page grows with the backends' size.
import os from 'node:os';
import type { Benchmark } from './lib/benchmark.js';
import { writeResult } from './lib/results.js';
import { LIST_USAGE, parseListFlags, type ListFlags } from './list/flags.js';
import { buildGateway, GatewayUnderTest } from './list/gateway.js';
import { renderReport, type RunInfo } from './list/report.js';
import { measureRound, startSetup, stopSetup, summarise, warmUp, type Round, type Setup } from './list/scenario.js';

/** The same world every run (simulators are seeded). */
const SEED = 7;
const LOAD_FIRST = 50;
const SIZE_FIRST = 20;

function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

interface Column {
  setup: Setup;
  concurrency: number;
  rounds: Round[];
  latenciesMs: number[];
}

async function runColumns(columns: readonly Column[], flags: ListFlags, first: number): Promise<void> {
  // Once per gateway process (the load scenario's columns share one), at the run's highest
  // concurrency so that every connection the gateway will hold is open and its code compiled.
  const warmed = new Set<GatewayUnderTest>();
  for (const column of columns) {
    if (warmed.has(column.setup.gateway) || flags.warmup === 0) continue;
    warmed.add(column.setup.gateway);
    progress(`${column.setup.label}: warm-up ${flags.warmup} s (gateway pid ${column.setup.gateway.pid} at ${column.setup.url})`);
    const warm = await warmUp(column.setup, first, Math.max(...columns.map((c) => c.concurrency)), flags.warmup);
    if (warm && warm.failed > 0) progress(`${column.setup.label}: ${warm.failed} failed in warm-up: ${warm.failures[0] ?? ''}`);
  }
  for (let r = 0; r < flags.rounds; r++) {
    // ABBA: every column is measured early and late alike, so drift (another process, heat) spreads evenly.
    const order = r % 2 === 0 ? columns : [...columns].reverse();
    for (const column of order) {
      const { round, latenciesMs } = await measureRound(column.setup, first, column.concurrency, flags.seconds);
      column.rounds.push(round);
      for (const latency of latenciesMs) column.latenciesMs.push(latency);
      const rate = (round.load.ok * 1000) / round.load.elapsedMs;
      const cpu = round.gatewayCpuMs === null ? '—' : (round.gatewayCpuMs / Math.max(1, round.load.ok + round.load.failed)).toFixed(2);
      progress(`round ${r + 1}/${flags.rounds} ${column.setup.label}: ${rate.toFixed(1)} req/s, ${cpu} CPU ms/op, ${round.load.failed} failed`);
    }
  }
}

async function run(argv: readonly string[]): Promise<void> {
  const flags = parseListFlags(argv);
  const scenario = flags.jobs.length > 0 ? 'size' : 'load';
  const first = scenario === 'load' ? LOAD_FIRST : SIZE_FIRST;
  if (flags.build) {
    progress('npm run build');
    buildGateway();
  }
  const loadBefore = os.loadavg()[0] ?? 0;
  const setups: Setup[] = [];
  let columns: Column[] = [];
  try {
    if (scenario === 'load') {
      progress('starting simulators and gateway');
      const setup = await startSetup('', { latencyMs: flags.latency, jobs: null, seed: SEED, snapshotMs: flags.snapshotMs });
      setups.push(setup);
      // One gateway for every concurrency: the columns differ only in how many requests are in flight.
      columns = flags.concurrency.map((concurrency) => ({ setup: { ...setup, label: `c=${concurrency}` }, concurrency, rounds: [], latenciesMs: [] }));
      await runColumns(columns, flags, first);
    } else {
      for (const jobs of flags.jobs) {
        progress(`starting simulators (RIME and Data Manager with ${jobs} jobs each) and a gateway`);
        setups.push(await startSetup(`N=${jobs}`, { latencyMs: flags.latency, jobs, seed: SEED, snapshotMs: flags.snapshotMs }));
      }
      // One gateway per size, all up at once, so rounds of the sizes can alternate.
      columns = setups.map((setup) => ({ setup, concurrency: 1, rounds: [], latenciesMs: [] }));
      await runColumns(columns, flags, first);
    }
  } finally {
    for (const setup of setups) {
      if (setup.gateway.outputLines > 0) {
        progress(`${setup.label || 'gateway'} wrote ${setup.gateway.outputLines} line(s); first: ${setup.gateway.output.slice(0, 3).join(' | ').slice(0, 400)}`);
      }
      await stopSetup(setup);
    }
  }
  const summaries = columns.map((column) => summarise(column.setup.label, column.rounds, column.latenciesMs));
  const info: RunInfo = {
    command: `npm run bench -- list ${argv.join(' ')}`.trim(),
    scenario,
    first,
    seconds: flags.seconds,
    rounds: flags.rounds,
    warmupSeconds: flags.warmup,
    latencyMs: flags.latency,
    cores: os.cpus().length,
    loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? 0 },
    gatewayPids: setups.map((setup) => setup.gateway.pid),
  };
  process.stdout.write(`${renderReport(info, summaries)}\n`);
  const path = await writeResult(`list-${scenario}`, { info, flags, summaries, rounds: columns.flatMap((column) => column.rounds) });
  process.stdout.write(`  results: ${path}\n\n`);
}

export const list: Benchmark = {
  name: 'list',
  description: 'jobs(first: 50) under load (c=1, c=20): req/s, latency, gateway CPU per op, upstream requests and bytes per op (issue 10)',
  usage: LIST_USAGE,
  run,
};
