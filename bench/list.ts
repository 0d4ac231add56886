// bench/list (issue 10, "Benchmark"): the job list under load. The gateway's production build in
// its own process, the four simulators in another with a fixed latency on every route, and a
// closed-loop HTTP client here. Reports req/s, latency, the gateway's CPU per operation (from
// /proc), upstream requests and response bytes per operation (the simulators' counters), RSS.
// `--jobs 300,20000` instead compares jobs(first: 20) over small and big RIME and Data Manager
// listings, to judge whether the cost of a page grows with the backends' size. `--peer` runs the
// load scenario against a peer too, Hive Gateway + Mesh OpenAPI sources (bench/peer/) over the
// same simulators process, and reports both side by side with ratios ours / peer.
import os from 'node:os';
import type { Benchmark } from './lib/benchmark.js';
import { writeResult } from './lib/results.js';
import { peerListQuery } from './peer/query.js';
import { LIST_USAGE, parseListFlags, type ListFlags } from './list/flags.js';
import { buildGateway, GatewayUnderTest } from './list/gateway.js';
import { peerVersions } from './list/peer.js';
import { ensurePeerInstalled } from './list/peer-install.js';
import { renderReport, type RunInfo } from './list/report.js';
import { oursLabel, peerLabel } from './list/report-peer.js';
import { measureRound, startPeerSetup, startSetup, stopSetups, summarise, warmUp, type Round, type Setup } from './list/scenario.js';

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
    const warm = await warmUp(column.setup, Math.max(...columns.map((c) => c.concurrency)), flags.warmup);
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

const column = (setup: Setup, label: string, concurrency: number): Column => ({ setup: { ...setup, label }, concurrency, rounds: [], latenciesMs: [] });

/** The load scenario's gateways (ours, and with --peer the peer over the same simulators) and their columns. */
async function startLoad(flags: ListFlags, first: number, setups: Setup[]): Promise<Column[]> {
  progress('starting simulators and gateway');
  const ours = await startSetup('', { latencyMs: flags.latency, jobs: null, seed: SEED, snapshotMs: flags.snapshotMs, first });
  setups.push(ours);
  // One gateway for every concurrency: the columns differ only in how many requests are in flight.
  if (!flags.peer) return flags.concurrency.map((c) => column(ours, `c=${c}`, c));
  progress('starting the peer: mesh-compose against the simulators, then Hive Gateway');
  const peer = await startPeerSetup('peer', ours, first);
  setups.push(peer);
  // Ours at each concurrency, then the peer's; every other round runs them in reverse (ABBA).
  return [...flags.concurrency.map((c) => column(ours, oursLabel(c), c)), ...flags.concurrency.map((c) => column(peer, peerLabel(c), c))];
}

async function run(argv: readonly string[]): Promise<void> {
  const flags = parseListFlags(argv);
  const scenario = flags.jobs.length > 0 ? 'size' : 'load';
  const first = scenario === 'load' ? LOAD_FIRST : SIZE_FIRST;
  // Before anything is started: an install that fails should fail fast.
  if (flags.peer) ensurePeerInstalled(progress);
  if (flags.build) {
    progress('npm run build');
    buildGateway();
  }
  const loadBefore = os.loadavg()[0] ?? 0;
  const setups: Setup[] = [];
  let columns: Column[] = [];
  try {
    if (scenario === 'load') {
      columns = await startLoad(flags, first, setups);
      await runColumns(columns, flags, first);
    } else {
      for (const jobs of flags.jobs) {
        progress(`starting simulators (RIME and Data Manager with ${jobs} jobs each) and a gateway`);
        setups.push(await startSetup(`N=${jobs}`, { latencyMs: flags.latency, jobs, seed: SEED, snapshotMs: flags.snapshotMs, first }));
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
    }
    await stopSetups(setups);
  }
  const peerSetup = flags.peer ? setups[1] : undefined;
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
    gatewayPids: setups.filter((setup) => setup !== peerSetup).map((setup) => setup.gateway.pid),
    peer: peerSetup ? { pid: peerSetup.gateway.pid, versions: peerVersions(), snapshotMs: flags.snapshotMs, concurrency: flags.concurrency } : null,
  };
  process.stdout.write(`${renderReport(info, summaries)}\n`);
  const rounds = columns.flatMap((c) => c.rounds);
  const peer = peerSetup ? { query: peerListQuery(first) } : undefined;
  const path = await writeResult(flags.peer ? 'list-peer' : `list-${scenario}`, { info, flags, summaries, rounds, ...(peer ? { peer } : {}) });
  process.stdout.write(`  results: ${path}\n\n`);
}

export const list: Benchmark = {
  name: 'list',
  description:
    'jobs(first: 50) under load (c=1, c=20): req/s, latency, gateway CPU per op, upstream requests and bytes per op (issue 10); --peer: beside Hive Gateway + Mesh',
  usage: LIST_USAGE,
  run,
};
