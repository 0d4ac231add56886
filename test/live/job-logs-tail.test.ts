// jobLogs(tail: n): a reader joining a job's output late asks for only the last n entries of what
// came so far, then gets everything new exactly as a reader of the whole output does; tail: 0 on a
// job that has ended is nothing at all.
import type { Client } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobProvider } from '../../src/providers/job.js';
import { gql, startWorld, type World } from '../support/gateway.js';
import { newGpuJob, newUCloudJob } from '../support/jobs.js';
import { FINAL, globalId, simState, until } from '../support/live.js';
import { subscribeWs, wsClient, type Received } from '../support/subscriptions.js';

const JOB_LOGS = `subscription JobLogs($id: ID!, $tail: Int) { jobLogs(id: $id, tail: $tail) { rank stream text } }`;
type Entry = { rank: number; stream: string; text: string };

let world: World;
let client: Client;

// A world per test: each runs its job's clock to the end, which would end every other test's jobs.
beforeEach(async () => {
  world = await startWorld({ seed: 43, config: { pollIntervalMs: 50, upstreamTimeoutMs: 2_000 } });
  client = wsClient(world.url);
});

afterEach(async () => {
  await client?.dispose();
  await world?.close();
});

/** Clock steps small enough that a job writes its output over several polls or frames. */
const STEP_MS: Record<JobProvider, number> = { UCLOUD: 10_000, GPU: 2_000, DATA_MANAGER: 10_000, RIME: 20_000 };

const follow = (provider: JobProvider, id: string, tail?: number): Received<Entry> =>
  subscribeWs<Entry>(client, JOB_LOGS, { id: globalId(provider, id), ...(tail === undefined ? {} : { tail }) }, 'jobLogs');

/** Moves the clock until `enough` holds, giving the gateway time to poll between steps. */
async function advanceUntil(enough: () => boolean, stepMs: number, what: string): Promise<void> {
  for (let i = 0; i < 400 && !enough(); i++) {
    world.clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(enough(), what).toBe(true);
}

/** A job of `provider` that is running now (created for UCloud and GPU, from the seeded world otherwise). */
async function runningJob(provider: JobProvider): Promise<string> {
  if (provider === 'GPU') return (await newGpuJob(world, { title: 'tail test' })).providerJobId;
  if (provider === 'UCLOUD') return newUCloudJob(world, { name: 'tail test' });
  const id =
    provider === 'DATA_MANAGER'
      ? world.demo.dataManager.inventory().find((item) => item.state === 'RUNNING' && item.type === 'JOB')?.id
      : world.demo.rime
          .inventory()
          .map((item) => world.demo.rime.describe(item.id)!)
          .find((facts) => facts.status === 'JOB_STATUS_RUNNING' && facts.jobType === 'JOB_TYPE_MODEL_STRESS_TEST')?.jobId;
  expect(id, `a running ${provider} job`).toBeDefined();
  return id!;
}

describe('jobLogs with tail', () => {
  it.each(['UCLOUD', 'GPU', 'DATA_MANAGER', 'RIME'] as const)('%s: a late reader gets the last entries so far, then the same new output', async (provider) => {
    const id = await runningJob(provider);
    const whole = follow(provider, id);
    await advanceUntil(() => whole.values.length >= 3 || whole.completed, STEP_MS[provider], 'some output');
    // The point is a reader joining output still being written.
    expect(whole.completed).toBe(false);
    // Let the last poll or frame land, with the clock still: nothing new is written meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = whole.values.length;
    const late = follow(provider, id, 3);
    await until(() => late.values.length >= Math.min(3, before) || late.completed, 5_000, 'the tail');
    expect(late.values.slice(0, 3)).toEqual(whole.values.slice(Math.max(0, before - 3), before));
    for (let i = 0; i < 20_000 && !FINAL[provider].includes(simState(world, provider, id) ?? ''); i++) world.clock.advance(60_000);
    await whole.ended(20_000);
    await late.ended(20_000);
    expect(late.errors).toEqual([]);
    expect(late.values.slice(Math.min(3, before))).toEqual(whole.values.slice(before));
  });

  it('tail: 0 on a job that has ended is no output, and the stream completes', async () => {
    const id = (await newGpuJob(world, { title: 'ended' })).providerJobId;
    for (let i = 0; i < 20_000 && !FINAL.GPU.includes(simState(world, 'GPU', id) ?? ''); i++) world.clock.advance(60_000);
    const all = follow('GPU', id);
    await all.ended(20_000);
    expect(all.values.length).toBeGreaterThan(0);
    const none = follow('GPU', id, 0);
    await none.ended(20_000);
    expect(none.errors).toEqual([]);
    expect(none.values).toEqual([]);
  });

  it('refuses a negative tail', async () => {
    const response = await gql(world.url, 'subscription { jobLogs(id: "R3B1Sm9iOng=", tail: -1) { text } }');
    expect(response.errors?.[0]?.message).toMatch(/tail must not be negative/);
  });
});
