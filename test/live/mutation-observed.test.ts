// A mutation reads its job back; that reading reaches live subscribers at once, not at the next
// poll. The poll interval here is an hour, so only the mutation can be what delivers the change.
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gqlData, startWorld, type World } from '../support/gateway.js';
import { newGpuJob } from '../support/jobs.js';
import { globalId, until } from '../support/live.js';
import { subscribeWs, wsClient } from '../support/subscriptions.js';

let world: World;
let client: Client;

beforeAll(async () => {
  world = await startWorld({ seed: 61, config: { pollIntervalMs: 3_600_000 } });
  client = wsClient(world.url);
});

afterAll(async () => {
  await client?.dispose();
  await world?.close();
});

it('cancelJob: a jobUpdated and a jobsUpdated subscriber see CANCELLING right away', async () => {
  const job = await newGpuJob(world, { title: 'observed cancel' });
  const id = globalId('GPU', job.providerJobId);
  const one = subscribeWs<{ state: string }>(client, 'subscription($id: ID!) { jobUpdated(id: $id) { state } }', { id }, 'jobUpdated');
  const all = subscribeWs<{ previousState: string | null; job: { providerJobId: string; state: string } }>(
    client,
    'subscription { jobsUpdated(filter: { providers: [GPU] }) { previousState job { providerJobId state } } }',
    {},
    'jobsUpdated',
  );
  expect((await one.next()).state).toBe('QUEUED');
  await until(() => world.gateway.services.live.stats().rounds.GPU!.list >= 1, 5_000, 'the list baseline');

  const result = await gqlData<{ cancelJob: { __typename: string } }, { id: string }>(
    world.url,
    'mutation($id: ID!) { cancelJob(id: $id) { __typename } }',
    { id },
  );
  expect(result.cancelJob.__typename).toBe('JobMutationSuccess');
  expect((await one.next(2_000)).state).toBe('CANCELLING');
  const event = await all.next(2_000);
  expect(event).toEqual({ previousState: 'QUEUED', job: { providerJobId: job.providerJobId, state: 'CANCELLING' } });
  // Nothing was polled to get there: one round each (the first snapshot, the list baseline).
  expect(world.gateway.services.live.stats().rounds.GPU).toEqual({ jobs: 0, list: 1 });
  one.unsubscribe();
  all.unsubscribe();
});
