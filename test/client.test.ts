// The frontend client of the README, run as written against a gateway over the simulators: the
// README's ```ts block is test/support/frontend-client.ts itself, so what a frontend team copies
// is what runs here.
import { readFileSync } from 'node:fs';
import type { Client } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { markdownBlocks } from './support/markdown.js';
import { startWorld, gqlData, type World } from './support/gateway.js';
import { createGatewayClient, createSseGatewayClient, GATEWAY_URL, followNewestRunningJob, type JobSummary } from './support/frontend-client.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const CLIENT_SOURCE = readFileSync(new URL('./support/frontend-client.ts', import.meta.url), 'utf8');

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

/** The newest running job as `jobs` lists it, to check the client followed the right one. */
async function newestRunningJob(): Promise<JobSummary> {
  const data = await gqlData<{ jobs: { edges: { node: JobSummary }[] } }, Record<string, never>>(
    world.url,
    '{ jobs(first: 1, filter: { states: [RUNNING] }) { edges { node { id provider name state } } } }',
  );
  const node = data.jobs.edges[0]?.node;
  if (!node) throw new Error('the simulators have no running job');
  return node;
}

/** Runs the README's usage function and waits for the first update it hands over. */
async function firstUpdate(client: Client): Promise<{ job: JobSummary; stop: () => void }> {
  let stop: () => void = () => undefined;
  const job = await new Promise<JobSummary>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no jobUpdated event within 10 s')), 10_000);
    followNewestRunningJob(client, (update) => {
      clearTimeout(timer);
      resolve(update);
    }).then((unsubscribe) => {
      stop = unsubscribe;
    }, reject);
  });
  return { job, stop };
}

/** Resolves once the gateway follows no job any more: the client's stop reached it. */
async function followersGone(): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (world.gateway.services.live.stats().jobSubscriptions > 0) {
    if (Date.now() > deadline) throw new Error('the gateway still follows a job 5 s after the client stopped');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the README frontend client', () => {
  it('is the code of test/support/frontend-client.ts, verbatim', () => {
    const blocks = markdownBlocks(README).filter((block) => block.lang === 'ts');
    expect(blocks.map((block) => block.code)).toContain(CLIENT_SOURCE.trimEnd());
    expect(CLIENT_SOURCE).toContain(`'${GATEWAY_URL}'`);
  });

  it('over graphql-ws: one query, then the first jobUpdated event of the job it found', async () => {
    const expected = await newestRunningJob();
    const { client, close } = createGatewayClient(world.url, { webSocketImpl: WebSocket });
    try {
      const { job, stop } = await firstUpdate(client);
      expect(job).toEqual(expected);
      expect(world.gateway.services.live.stats().jobSubscriptions).toBe(1);
      stop();
    } finally {
      await close();
    }
    await followersGone();
  });

  it('over SSE: the same query and event without a WebSocket', async () => {
    const expected = await newestRunningJob();
    const client = createSseGatewayClient(world.url);
    const { job, stop } = await firstUpdate(client);
    expect(job).toEqual(expected);
    expect(world.gateway.services.live.stats().jobSubscriptions).toBe(1);
    stop();
    await followersGone();
  });
});
