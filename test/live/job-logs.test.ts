// jobLogs over a real graphql-ws client: for each backend, the output delivered is exactly what the
// simulator wrote, complete and in order, and the stream ends once the job ended and output drained.
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../support/gateway.js';
import { newGpuJob, newUCloudJob } from '../support/jobs.js';
import { FINAL, globalId, simState, until } from '../support/live.js';
import { subscribeWs, wsClient, type Received } from '../support/subscriptions.js';

const JOB_LOGS = `subscription JobLogs($id: ID!) { jobLogs(id: $id) { rank stream text timestamp } }`;

interface Entry {
  rank: number;
  stream: 'STDOUT' | 'STDERR' | 'EVENT';
  text: string;
  timestamp: string;
}

const INTERVAL_MS = 50;
let world: World;
let client: Client;

beforeAll(async () => {
  world = await startWorld({ seed: 41, config: { pollIntervalMs: INTERVAL_MS, upstreamTimeoutMs: 2_000 } });
  client = wsClient(world.url);
});

afterAll(async () => {
  await client?.dispose();
  await world?.close();
});

/** Runs the clock until the backend says the job ended, then waits for the log stream to end. */
async function runToEnd(provider: 'UCLOUD' | 'GPU' | 'DATA_MANAGER', id: string, received: Received<Entry>, stepMs: number): Promise<void> {
  for (let i = 0; i < 50_000 && !FINAL[provider].includes(simState(world, provider, id) ?? ''); i++) world.clock.advance(stepMs);
  expect(FINAL[provider]).toContain(simState(world, provider, id));
  await received.ended(20_000);
  expect(received.errors).toEqual([]);
  expect(received.completed).toBe(true);
}

function joined(entries: readonly Entry[], rank: number, stream: Entry['stream']): string {
  return entries
    .filter((entry) => entry.rank === rank && entry.stream === stream)
    .map((entry) => entry.text)
    .join('');
}

describe('jobLogs', () => {
  // RIME and Data Manager jobs come from the seeded world (RIME has no create call), so these run
  // first, before other tests move the clock past them.
  it('RIME: every progress change as an event, in order', async () => {
    const rime = world.demo.rime;
    const live = world.gateway.services.live;
    const job = rime
      .inventory()
      .map((item) => rime.describe(item.id)!)
      .find((facts) => facts.status === 'JOB_STATUS_RUNNING' && facts.jobType === 'JOB_TYPE_MODEL_STRESS_TEST' && !facts.cancellationRequested);
    expect(job).toBeDefined();
    const id = job!.jobId;
    const subscribedAt = world.clock.now();
    const received = subscribeWs<Entry>(client, JOB_LOGS, { id: globalId('RIME', id) }, 'jobLogs');
    await received.next();
    // RIME shows progress as a snapshot, so the clock moves a little and the gateway looks each time.
    for (let i = 0; i < 2_000 && !FINAL.RIME.includes(rime.describe(id)!.status); i++) {
      const rounds = live.stats().rounds.RIME!.jobs;
      world.clock.advance(20_000);
      // Two rounds, or the end: once the job ended and its output is read, the watcher stops.
      await until(() => live.stats().rounds.RIME!.jobs >= rounds + 2 || received.completed, 5_000, 'two poll rounds');
    }
    await received.ended(20_000);
    expect(received.errors).toEqual([]);
    const texts = received.values.map((entry) => entry.text);
    // RIME keeps no history of its progress: the stream starts at the progress current when subscribing.
    const history = rime.progressHistory(id);
    const current = history.findLastIndex((snapshot) => snapshot.atMs <= subscribedAt);
    const progress = history
      .slice(Math.max(0, current))
      .map((snapshot) => snapshot.progressText)
      .filter((text): text is string => text !== null)
      .filter((text, i, all) => i === 0 || all[i - 1] !== text);
    expect(progress.length).toBeGreaterThan(1);
    expect(texts.filter((text) => progress.includes(text))).toEqual(progress);
    expect(texts.filter((text) => /^Job status: JOB_STATUS_(SUCCEEDED|FAILED|CANCELLED)/.test(text))).toHaveLength(1);
  });

  it('Data Manager: the task events, every one, in order', async () => {
    const dm = world.demo.dataManager;
    const instance = dm.inventory().find((item) => item.type === 'JOB' && (item.state === 'PENDING' || item.state === 'RUNNING'));
    expect(instance).toBeDefined();
    const id = instance!.id;
    const received = subscribeWs<Entry>(client, JOB_LOGS, { id: globalId('DATA_MANAGER', id) }, 'jobLogs');
    await runToEnd('DATA_MANAGER', id, received, 30_000);
    const expected = dm.taskIds(id).flatMap((taskId) => dm.events(taskId).map((event) => event.message));
    expect(expected.length).toBeGreaterThan(3);
    expect(received.values.map((entry) => entry.text)).toEqual(expected);
    expect(received.values.every((entry) => entry.stream === 'EVENT')).toBe(true);
  });

  it('GPU: every run\'s log, exactly, and a late joiner gets the same', async () => {
    const job = await newGpuJob(world, { title: 'logs test', maxRetryCount: 2, docker: { image: 'vllm/vllm-openai', tag: 'v0.6.3' } });
    const id = job.providerJobId;
    const early = subscribeWs<Entry>(client, JOB_LOGS, { id: globalId('GPU', id) }, 'jobLogs');
    // Part of the output first, so the late subscriber must get it from the gateway's history.
    for (let i = 0; i < 2_000 && world.demo.gpu.runLogs(id).reduce((n, run) => n + run.logs.length, 0) < 2_000; i++) world.clock.advance(5_000);
    await until(() => early.values.length > 0, 5_000, 'first output');
    const late = subscribeWs<Entry>(client, JOB_LOGS, { id: globalId('GPU', id) }, 'jobLogs');
    await runToEnd('GPU', id, early, 30_000);
    await late.ended(20_000);

    const runs = world.demo.gpu.runLogs(id);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    runs.forEach((run, rank) => {
      expect(run.logs.length).toBeGreaterThan(0);
      expect(joined(early.values, rank, 'STDOUT')).toBe(run.logs);
      expect(joined(late.values, rank, 'STDOUT')).toBe(run.logs);
    });
    expect(early.values.every((entry) => entry.stream === 'STDOUT')).toBe(true);
  });

  it('UCloud: stdout and stderr of every rank from follow, exactly, chunks split anywhere', async () => {
    const id = await newUCloudJob(world, { application: { name: 'openfoam', version: '12' }, replicas: 3, timeAllocationSeconds: 7_200 });
    const received = subscribeWs<Entry>(client, JOB_LOGS, { id: globalId('UCLOUD', id) }, 'jobLogs');
    await until(() => world.gateway.services.live.stats().follows === 1, 5_000, 'the follow stream');
    // The simulator's follow looks at the job on a real-time interval: give it a look per step.
    for (let i = 0; i < 500 && !FINAL.UCLOUD.includes(simState(world, 'UCLOUD', id) ?? ''); i++) {
      world.clock.advance(60_000);
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await received.ended(20_000);
    expect(received.errors).toEqual([]);
    const output = world.demo.ucloud.output(id);
    expect(output.map((rank) => rank.rank)).toEqual([0, 1, 2]);
    for (const rank of output) {
      expect(rank.stdout.length).toBeGreaterThan(0);
      expect(joined(received.values, rank.rank, 'STDOUT')).toBe(rank.stdout);
      expect(joined(received.values, rank.rank, 'STDERR')).toBe(rank.stderr);
    }
    // Chunks are not lines: some of them cut a line in two.
    expect(received.values.some((entry) => !entry.text.endsWith('\n'))).toBe(true);
  });

  it('a finished job: the whole output, then complete', async () => {
    const gpu = world.demo.gpu;
    const done = gpu.inventory().find((item) => item.state === 'COMPLETED' && gpu.runLogs(item.id).length > 0)!;
    const received = subscribeWs<Entry>(client, JOB_LOGS, { id: globalId('GPU', done.id) }, 'jobLogs');
    await received.ended();
    expect(received.completed).toBe(true);
    gpu.runLogs(done.id).forEach((run, rank) => expect(joined(received.values, rank, 'STDOUT')).toBe(run.logs));
  });

  it('UCloud: a follow connection that drops is reopened, with no output lost or repeated', async () => {
    const id = await newUCloudJob(world, { name: 'reconnect test', replicas: 2 });
    const received = subscribeWs<Entry>(client, JOB_LOGS, { id: globalId('UCLOUD', id) }, 'jobLogs');
    await until(() => world.demo.ucloud.activeFollows() === 1, 5_000, 'the follow stream');
    let dropped = 0;
    let seenAtDrop = 0;
    for (let i = 0; i < 2_000 && !FINAL.UCLOUD.includes(simState(world, 'UCLOUD', id) ?? ''); i++) {
      world.clock.advance(20_000);
      // The simulator's follow looks at the job twice a second (real time): let output flow.
      await new Promise((resolve) => setTimeout(resolve, 60));
      if (received.values.length > seenAtDrop && dropped < 3) {
        seenAtDrop = received.values.length;
        // Mid-output: the stream will start over from the beginning of the job's output.
        world.demo.ucloud.dropFollows();
        dropped++;
        await until(() => world.demo.ucloud.activeFollows() === 1, 10_000, 'the stream to be reopened');
      }
    }
    expect(dropped).toBeGreaterThan(0);
    await received.ended(20_000);
    expect(received.errors).toEqual([]);
    for (const rank of world.demo.ucloud.output(id)) {
      expect(joined(received.values, rank.rank, 'STDOUT')).toBe(rank.stdout);
      expect(joined(received.values, rank.rank, 'STDERR')).toBe(rank.stderr);
    }
  });

  it('UCloud: output is not kept while nobody reads it, yet a late reader still gets all of it', async () => {
    const id = await newUCloudJob(world, { application: { name: 'quantum-espresso', version: '7.3.1' }, name: 'late reader', replicas: 2 });
    const state = subscribeWs<{ state: string }>(client, 'subscription($id: ID!) { jobUpdated(id: $id) { state } }', { id: globalId('UCLOUD', id) }, 'jobUpdated');
    await state.next();
    // Output flows through the state subscriber's follow stream, with no log reader yet.
    for (let i = 0; i < 40 && world.demo.ucloud.output(id).every((rank) => rank.stdout.length < 500); i++) {
      world.clock.advance(20_000);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(world.demo.ucloud.output(id).some((rank) => rank.stdout.length >= 500)).toBe(true);
    const logs = subscribeWs<Entry>(client, JOB_LOGS, { id: globalId('UCLOUD', id) }, 'jobLogs');
    for (let i = 0; i < 2_000 && !FINAL.UCLOUD.includes(simState(world, 'UCLOUD', id) ?? ''); i++) {
      world.clock.advance(30_000);
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await logs.ended(20_000);
    await state.ended(20_000);
    expect(logs.errors).toEqual([]);
    for (const rank of world.demo.ucloud.output(id)) {
      expect(joined(logs.values, rank.rank, 'STDOUT')).toBe(rank.stdout);
      expect(joined(logs.values, rank.rank, 'STDERR')).toBe(rank.stderr);
    }
  });
});
