// Several gateway replicas (separate processes) over one real redis-server and the simulators,
// whose clock the test drives: one replica reads the backend for a job however many replicas
// serve its subscribers, every subscriber everywhere gets every change once and in order, a
// killed lease holder is replaced within the lease time without a gap or a duplicate, an outage
// of Redis degrades to each replica watching for itself and then shares again, and two
// credentials never share a watcher.
import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDemoBackends, type DemoBackends } from '../../src/demo.js';
import type { JobProvider } from '../../src/providers/job.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { DEMO_PEOPLE, type SimPerson } from '../../src/simulators/common/people.js';
import { WORLD_START } from '../support/gateway.js';
import { FINAL, globalId } from '../support/live.js';
import { describeWithRedis, startRedis, type RunningRedis } from '../support/redis.js';
import {
  eventually,
  foresee,
  holderOf,
  leases,
  replicaEnv,
  simulatedState,
  startReplica,
  type Foreseen,
  type Replica,
} from '../support/replicas.js';
import { subscribeSse, subscribeWs, wsClient, type Received } from '../support/subscriptions.js';

const SEED = 41;
/** Enough jobs that every test still finds live ones after the earlier tests' walks. */
const JOB_COUNT = 900;
const POLL_MS = 300;
/** The simulators' clock moves this much per step (jobs change every few steps). */
const STEP_MS = 5 * 60_000;
/** The lease TTL of src/live/redis/index.ts (no setting changes it); a survivor asks again every LEASE_MS / 2. */
const LEASE_MS = 10_000;
const [ADA, GRACE] = DEMO_PEOPLE as [SimPerson, SimPerson];

const JOB_UPDATED = `subscription JobUpdated($id: ID!) {
  jobUpdated(id: $id) {
    id providerJobId state providerState terminal statusMessage startedAt finishedAt
    ... on UCloudJob { expiresAt updates { state status timestamp } }
    ... on GpuJob { updatedAt }
    ... on RimeJob { progressText cancellationRequested terminationReason }
    ... on DataManagerInstance { url }
  }
}`;

interface Snapshot {
  providerJobId: string;
  providerState: string;
  terminal: boolean;
}

interface Follower {
  readonly job: Foreseen;
  readonly replica: Replica;
  readonly received: Received<Snapshot>;
}

let redis: RunningRedis;
let admin: Redis;
let clock: ManualClock;
let demo: DemoBackends;
let replicas: Replica[] = [];
/** Replicas of one test only (stopped by it, killed after the file should it fail). */
const extra: Replica[] = [];
const clients: Client[] = [];

/** A graphql-ws client on `replica`, disposed of after the file. */
function client(replica: Replica, params?: Record<string, string>): Client {
  const made = wsClient(replica.url, params);
  clients.push(made);
  return made;
}

const state = (job: Foreseen): string => simulatedState(demo, job.provider, job.id) ?? 'gone';
const last = (follower: Follower): string | undefined => follower.received.values.at(-1)?.providerState;

/** Waits until every follower has been told the state its job is in now (or its stream ended in it). */
async function delivered(followers: readonly Follower[], what: string): Promise<void> {
  await eventually(() => followers.every((follower) => last(follower) === state(follower.job)), 15_000, what, 20);
  for (const follower of followers) expect(follower.received.errors, `${follower.replica.name} ${follower.job.provider}/${follower.job.id}`).toEqual([]);
}

/** Consecutive repeats removed. */
const dedupe = (values: readonly string[]): string[] => values.filter((value, i) => i === 0 || value !== values[i - 1]);

/**
 * Every follower of a job got the same snapshots, in the same order, none twice in a row, and their
 * states are exactly those the backend went through as the clock was stepped (`seen`, per job).
 */
function expectSameStory(followers: readonly Follower[], seen: ReadonlyMap<string, string[]>): void {
  const byJob = new Map<string, Follower[]>();
  for (const follower of followers) byJob.set(follower.job.id, [...(byJob.get(follower.job.id) ?? []), follower]);
  for (const [id, group] of byJob) {
    const stories = group.map((follower) => follower.received.values.map((value) => JSON.stringify(value)));
    for (const story of stories) {
      expect(story).toEqual(stories[0]);
      for (let i = 1; i < story.length; i++) expect(story[i], `repeat in ${id}`).not.toBe(story[i - 1]);
    }
    const states = dedupe(group[0]!.received.values.map((value) => value.providerState));
    expect(states, id).toEqual(dedupe(seen.get(id) ?? []));
  }
}

/** Records the backend's state of each job now (call after every step). */
function record(seen: Map<string, string[]>, jobs: readonly Foreseen[]): void {
  for (const job of jobs) {
    const list = seen.get(job.id) ?? [];
    list.push(state(job));
    seen.set(job.id, list);
  }
}

/** Steps with recording: the walk and the backend's own history side by side. */
async function walkRecording(followers: readonly Follower[], jobs: readonly Foreseen[], seen: Map<string, string[]>, steps: number): Promise<void> {
  for (let step = 0; step < steps; step++) {
    clock.advance(STEP_MS);
    record(seen, jobs);
    await delivered(followers, `delivery after step ${step + 1}`);
  }
}

function subscribe(replica: Replica, job: Foreseen, over: Client | 'sse', headers: Record<string, string> = {}): Follower {
  const variables = { id: globalId(job.provider, job.id) };
  const received =
    over === 'sse' ? subscribeSse<Snapshot>(replica.url, JOB_UPDATED, variables, 'jobUpdated', headers) : subscribeWs<Snapshot>(over, JOB_UPDATED, variables, 'jobUpdated');
  return { job, replica, received };
}

async function firstValues(followers: readonly Follower[]): Promise<void> {
  await Promise.all(followers.map((follower) => follower.received.next(15_000)));
}

function unsubscribeAll(followers: readonly Follower[]): void {
  for (const follower of followers) follower.received.unsubscribe();
}

async function noWatchersLeft(on: readonly Replica[]): Promise<void> {
  let left = '';
  await eventually(
    async () => {
      const scraped = await Promise.all(on.map((replica) => replica.metrics()));
      left = scraped
        .map((metrics, i) => `${on[i]!.name}: ${metrics.value('jobgateway_live_job_watchers')} watchers, ${metrics.value('jobgateway_live_subscriptions', { kind: 'job' })} subscriptions`)
        .join('; ');
      return scraped.every((metrics) => metrics.value('jobgateway_live_job_watchers') === 0);
    },
    10_000,
    'every watcher to stop',
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message} (${left})`);
  });
}

/**
 * Live jobs, preferring those that change (first step first, with `changeFirst`) and end within
 * `steps` steps from now; with `mustChange`, only jobs that change at all.
 */
async function pick(
  counts: Partial<Record<JobProvider, number>>,
  steps: number,
  exclude: ReadonlySet<string>,
  { changeFirst = false, mustChange = true, lenient = false }: { changeFirst?: boolean; mustChange?: boolean; lenient?: boolean } = {},
): Promise<Foreseen[]> {
  const ahead = await foresee(SEED, JOB_COUNT, WORLD_START, clock.now(), STEP_MS, steps);
  const picked: Foreseen[] = [];
  for (const [provider, count] of Object.entries(counts) as [JobProvider, number][]) {
    const score = (job: Foreseen): number => {
      const changes = dedupe(job.states).length - 1;
      const soon = job.states[1] !== job.states[0] ? 100 : 0;
      return (changeFirst ? soon : 0) + (job.endsAt !== null ? 10 : 0) + changes;
    };
    const fitting = ahead
      .filter((job) => job.provider === provider && !exclude.has(job.id) && (!mustChange || dedupe(job.states).length > 1))
      .sort((a, b) => score(b) - score(a));
    if (fitting.length < count && !lenient) throw new Error(`only ${fitting.length} ${provider} jobs change within ${steps} steps`);
    picked.push(...fitting.slice(0, count));
  }
  return picked;
}

const used = new Set<string>();

/** The leases in Redis of these jobs (others may still be expiring from earlier tests). */
async function leasesOf(jobs: readonly Foreseen[]): Promise<Awaited<ReturnType<typeof leases>>> {
  const ids = new Set(jobs.map((job) => job.id));
  return (await leases(admin)).filter((lease) => ids.has(lease.key[3] ?? ''));
}

/** Steps until every job is in a final state (at most `max` steps). */
async function walkToEnd(followers: readonly Follower[], jobs: readonly Foreseen[], seen: Map<string, string[]>, max: number): Promise<void> {
  for (let step = 0; step < max && !jobs.every((job) => FINAL[job.provider].includes(state(job))); step++) {
    clock.advance(STEP_MS);
    record(seen, jobs);
    await delivered(followers, `delivery after step ${step + 1}`);
  }
}

/** Scrapes every replica at once: poll rounds per backend (by replica), and the simulators' request counts right after. */
async function sample(on: readonly Replica[]): Promise<{ rounds: Record<JobProvider, number[]>; requests: Record<JobProvider, number> }> {
  const scraped = await Promise.all(on.map((replica) => replica.metrics()));
  const providers: JobProvider[] = ['GPU', 'RIME', 'DATA_MANAGER', 'UCLOUD'];
  const rounds = Object.fromEntries(providers.map((provider) => [provider, scraped.map((metrics) => metrics.rounds(provider))])) as Record<JobProvider, number[]>;
  const requests: Record<JobProvider, number> = {
    GPU: demo.gpu.server.count(),
    RIME: demo.rime.server.count(),
    DATA_MANAGER: demo.dataManager.server.count(),
    UCLOUD: demo.ucloud.server.count(),
  };
  return { rounds, requests };
}

type Window = Record<'GPU' | 'RIME' | 'DATA_MANAGER', { rounds: number[]; requests: number }>;

/** Poll rounds per replica and upstream requests over a window of at least `rounds` rounds of every polled backend. */
async function measure(on: readonly Replica[], rounds: number, polled: readonly JobProvider[] = ['GPU', 'RIME', 'DATA_MANAGER']): Promise<Window> {
  const before = await sample(on);
  const total = (s: typeof before, provider: JobProvider): number => s.rounds[provider].reduce((a, b) => a + b, 0);
  let after = before;
  await eventually(
    async () => {
      after = await sample(on);
      return polled.every((provider) => total(after, provider) >= total(before, provider) + rounds);
    },
    20_000,
    `${rounds} poll rounds`,
    50,
  );
  const delta = (provider: 'GPU' | 'RIME' | 'DATA_MANAGER') => ({
    rounds: after.rounds[provider].map((count, i) => count - before.rounds[provider][i]!),
    requests: after.requests[provider] - before.requests[provider],
  });
  return { GPU: delta('GPU'), RIME: delta('RIME'), DATA_MANAGER: delta('DATA_MANAGER') };
}

/** Upstream requests of a window are `cost` per round done, give or take the one round under way at either end. */
function expectPerRound(window: Window[keyof Window], cost: number): void {
  const rounds = window.rounds.reduce((a, b) => a + b, 0);
  expect(window.requests).toBeGreaterThanOrEqual((rounds - 1) * cost);
  expect(window.requests).toBeLessThanOrEqual((rounds + 1) * cost);
}

const perRound = (window: Window[keyof Window]): number => window.requests / Math.max(1, window.rounds.reduce((a, b) => a + b, 0));

describeWithRedis('several replicas over one Redis', () => {
  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    // Errors of the admin connection while Redis is stopped on purpose are expected.
    admin.on('error', () => undefined);
    clock = new ManualClock(WORLD_START);
    demo = await startDemoBackends({ clock, seed: SEED, jobCount: JOB_COUNT });
    const env = replicaEnv(demo, redis.url, POLL_MS);
    replicas = await Promise.all(['r0', 'r1', 'r2'].map((name) => startReplica(name, env)));
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((made) => made.dispose()));
    await Promise.allSettled([...replicas, ...extra].map((replica) => replica.kill()));
    admin?.disconnect();
    await demo?.close();
    await redis?.close();
  });

  it('two credentials on two replicas never share a watcher or an event; a third subscriber shares its own credential\'s', async () => {
    // RIME takes each caller's own key on these two replicas.
    const env = replicaEnv(demo, redis.url, POLL_MS, {
      RIME_CREDENTIALS: 'forward',
      RIME_API_KEY: undefined,
      UCLOUD_URL: undefined,
      UCLOUD_TOKEN: undefined,
      UCLOUD_REFRESH_TOKEN: undefined,
      UCLOUD_PROJECT: undefined,
      DATAMANAGER_URL: undefined,
      DATAMANAGER_TOKEN: undefined,
      GPU_URL: undefined,
      GPU_API_KEY: undefined,
      GPU_API_SECRET: undefined,
    });
    const forwarding = await Promise.all(['f1', 'f2'].map((name) => startReplica(name, env)));
    extra.push(...forwarding);
    const [f1, f2] = forwarding as [Replica, Replica];
    const graceSees = new Set(demo.rime.visibleTo(GRACE.username));
    const sharedId = demo.rime
      .visibleTo(ADA.username)
      .find((id) => graceSees.has(id) && !FINAL.RIME.includes(demo.rime.describe(id)?.status ?? 'JOB_STATUS_SUCCEEDED'));
    expect(sharedId, 'a running RIME job both see').toBeDefined();
    const job: Foreseen = { provider: 'RIME', id: sharedId!, states: [], endsAt: null };
    const adaKey = { 'x-rime-api-key': ADA.rime.apiKey };
    const graceKey = { 'x-rime-api-key': GRACE.rime.apiKey };

    const news: string[] = [];
    const listener = new Redis(redis.url);
    listener.on('pmessage', (_pattern: string, channel: string, message: string) => news.push(`${channel} ${message}`));
    await listener.psubscribe('jobgateway:v1:news:*');

    const ada = subscribe(f1, job, client(f1, adaKey));
    const grace = subscribe(f2, job, client(f2, graceKey));
    await firstValues([ada, grace]);
    const rimeLeases = (await leases(admin)).filter((lease) => lease.key[1] === 'RIME' && lease.key[3] === sharedId);
    // Two watch keys for one job: one per credential fingerprint, each held where its subscriber is.
    expect(rimeLeases).toHaveLength(2);
    expect(new Set(rimeLeases.map((lease) => lease.key[0])).size).toBe(2);
    expect(rimeLeases.map((lease) => lease.pid).sort()).toEqual([f1.pid, f2.pid].sort());
    const adaSlot = rimeLeases.find((lease) => lease.pid === f1.pid)!.key[0]!;

    const requests = demo.rime.server.requests;
    const byKey = (from: number, key: string): number =>
      requests.slice(from).filter((request) => request.headers['rime-api-key'] === key && request.route.startsWith('GET')).length;

    const roundsOf = async (replica: Replica): Promise<number> => (await replica.metrics()).rounds('RIME');
    const window = async (): Promise<{ ada: number; grace: number; f1Rounds: number; f2Rounds: number }> => {
      const [a0, b0] = await Promise.all([roundsOf(f1), roundsOf(f2)]);
      const from = requests.length;
      await eventually(async () => (await roundsOf(f1)) >= a0 + 5 && (await roundsOf(f2)) >= b0 + 5, 15_000, 'five RIME rounds on each', 50);
      const [a1, b1] = await Promise.all([roundsOf(f1), roundsOf(f2)]);
      return { ada: byKey(from, ADA.rime.apiKey), grace: byKey(from, GRACE.rime.apiKey), f1Rounds: a1 - a0, f2Rounds: b1 - b0 };
    };
    const before = await window();
    expect(before.ada).toBeGreaterThan(0);
    expect(before.grace).toBeGreaterThan(0);
    // Every RIME request carries one of the two people's keys: the gateway has none of its own here.
    expect(requests.slice(-20).map((request) => request.headers['rime-api-key'])).toEqual(expect.arrayContaining([ADA.rime.apiKey, GRACE.rime.apiKey]));
    for (const request of requests.slice(-20)) expect([ADA.rime.apiKey, GRACE.rime.apiKey]).toContain(request.headers['rime-api-key']);

    // ADA again, on GRACE's replica: it mirrors ADA's watcher on f1 instead of reading RIME itself.
    const adaAgain = subscribe(f2, job, client(f2, adaKey));
    await firstValues([adaAgain]);
    // Gauges are read at most every 100 ms per replica: asked until they tell the present.
    await eventually(async () => (await f2.metrics()).value('jobgateway_live_job_watchers') === 2, 2_000, 'a second watcher on f2');
    expect((await f1.metrics()).value('jobgateway_live_job_watchers')).toBe(1);
    expect(await holderOf(admin, 'RIME', sharedId!, adaSlot)).toBe(f1.pid);
    const after = await window();
    // ADA's key is read once per round of f1, before and after; GRACE's once per round of f2.
    for (const w of [before, after]) {
      expect(Math.abs(w.ada - w.f1Rounds)).toBeLessThanOrEqual(1);
      expect(Math.abs(w.grace - w.f2Rounds)).toBeLessThanOrEqual(1);
    }
    console.log(`RIME GetJob per round with ADA's key: ${(before.ada / before.f1Rounds).toFixed(2)} with one subscriber, ${(after.ada / after.f1Rounds).toFixed(2)} with a second on another replica`);

    // Each lead published its first snapshot on its own credential's channel (none crossed over).
    const followers = [ada, grace, adaAgain];
    for (const follower of followers) expect(follower.received.errors).toEqual([]);
    const channels = new Set(news.map((line) => line.split(' ')[0]!));
    const jobChannels = [...channels].filter((channel) => channel.includes(sharedId!));
    expect(jobChannels).toHaveLength(2);
    expect(new Set(news.map((line) => (JSON.parse(line.slice(line.indexOf(' ') + 1)) as { origin: string }).origin)).size).toBe(2);
    // No credential travels through Redis, in a name or a message.
    const names = await admin.keys('*');
    for (const secret of [ADA.rime.apiKey, GRACE.rime.apiKey]) {
      for (const text of [...names, ...news]) expect(text).not.toContain(secret);
    }
    await listener.quit();
    unsubscribeAll(followers);
    await noWatchersLeft(forwarding);
    // Their work is done: the CPU goes to the next tests.
    await Promise.all(forwarding.map((replica) => replica.stop()));
  }, 60_000);

  it('three replicas, 300 subscribers on 20 jobs: upstream load of one replica, every change once and in order everywhere', async () => {
    const [r0, r1, r2] = replicas as [Replica, Replica, Replica];
    const STEPS = 6;
    // Not every one changes within the walk: those that stay put are followed (and polled) all the same.
    const jobs = await pick({ GPU: 6, RIME: 6, DATA_MANAGER: 6, UCLOUD: 2 }, STEPS, used, { mustChange: false });
    for (const job of jobs) used.add(job.id);
    // Each backend's first subscribers come to one replica, which so takes that backend's leases
    // (a lease is per job; a backend's jobs share a poll only within one replica).
    const leader: Record<JobProvider, Replica> = { GPU: r0, RIME: r1, DATA_MANAGER: r2, UCLOUD: r0 };
    const first = jobs.map((job) => subscribe(leader[job.provider], job, client(leader[job.provider])));
    await firstValues(first);
    const pids = new Map(replicas.map((replica) => [replica.pid, replica.name]));
    for (const job of jobs) expect(pids.get((await holderOf(admin, job.provider, job.id)) ?? -1), `${job.provider}/${job.id}`).toBe(leader[job.provider].name);
    expect(await leasesOf(jobs)).toHaveLength(jobs.length);

    // One replica's cost: only the leaders have subscribers.
    const alone = await measure(replicas, 6);

    // 280 more, on all three replicas, over both transports.
    const wsClients = replicas.map((replica) => [client(replica), client(replica), client(replica)]);
    const crowd: Follower[] = [];
    let n = 0;
    for (const [j, job] of jobs.entries()) {
      for (let m = 0; m < 14; m++) {
        const at = (j + m) % 3;
        const sse = m === 13 || (m === 12 && j % 2 === 0);
        crowd.push(subscribe(replicas[at]!, job, sse ? 'sse' : wsClients[at]![n++ % 3]!));
      }
    }
    const all = [...first, ...crowd];
    expect(all).toHaveLength(300);
    await firstValues(crowd);
    const scraped = await Promise.all(replicas.map((replica) => replica.metrics()));
    expect(scraped.map((metrics) => metrics.value('jobgateway_live_subscriptions', { kind: 'job' })).reduce((a, b) => a + b, 0)).toBe(300);
    // Every replica has a watcher per job its subscribers follow; only the leases' holder reads the backend.
    expect(scraped.map((metrics) => metrics.value('jobgateway_live_job_watchers'))).toEqual([20, 20, 20]);
    expect(await leasesOf(jobs)).toHaveLength(jobs.length);
    // One UCloud `follow` per job, whichever replicas its subscribers are on.
    expect(demo.ucloud.activeFollows()).toBe(jobs.filter((job) => job.provider === 'UCLOUD').length);
    expect(scraped.map((metrics) => metrics.value('jobgateway_live_follows'))).toEqual([2, 0, 0]);

    const together = await measure(replicas, 6);
    const rimeJobs = jobs.filter((job) => job.provider === 'RIME').length;
    for (const provider of ['GPU', 'RIME', 'DATA_MANAGER'] as const) {
      // What one replica costs per round, whole requests (GPU and Data Manager list, RIME reads each job).
      const cost = Math.round(perRound(alone[provider]));
      expect(cost, provider).toBeGreaterThanOrEqual(1);
      expect(cost, provider).toBeLessThanOrEqual(provider === 'RIME' ? rimeJobs : 1);
      const own = replicas.indexOf(leader[provider]);
      for (const window of [alone, together]) {
        // Only the leader polls this backend.
        window[provider].rounds.forEach((count, i) => (i === own ? expect(count).toBeGreaterThanOrEqual(5) : expect(count, `${provider} on r${i}`).toBe(0)));
        expectPerRound(window[provider], cost);
      }
    }
    console.log(
      `requests per poll interval, 1 replica with subscribers vs 3: ${(['GPU', 'RIME', 'DATA_MANAGER'] as const)
        .map((provider) => `${provider} ${perRound(alone[provider]).toFixed(2)} vs ${perRound(together[provider]).toFixed(2)}`)
        .join(', ')}`,
    );

    const seen = new Map<string, string[]>();
    record(seen, jobs);
    await walkRecording(all, jobs, seen, STEPS);
    expectSameStory(all, seen);
    expect([...seen.values()].filter((states) => dedupe(states).length > 1).length).toBeGreaterThanOrEqual(10);

    unsubscribeAll(all);
    await noWatchersLeft(replicas);
    await eventually(async () => (await leasesOf(jobs)).length === 0, 5_000, 'every lease to be released');
  }, 90_000);

  it('the lease holder is SIGKILLed: a survivor takes over within the lease time, its subscribers see no gap, no repeat, and the end', async () => {
    const [r0, r1, r2] = replicas as [Replica, Replica, Replica];
    const HORIZON = 40;
    const jobs = [
      ...(await pick({ GPU: 1, RIME: 1, UCLOUD: 1 }, HORIZON, used, { changeFirst: true })),
      ...(await pick({ DATA_MANAGER: 1 }, HORIZON, used, { changeFirst: true, lenient: true })),
    ].filter((job) => job.endsAt !== null);
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    for (const job of jobs) used.add(job.id);
    const holderClient = client(r0);
    const first = jobs.map((job) => subscribe(r0, job, holderClient));
    await firstValues(first);
    for (const job of jobs) expect(await holderOf(admin, job.provider, job.id)).toBe(r0.pid);
    const survivors = [r1, r2];
    const followers = survivors.flatMap((replica) => {
      const own = client(replica);
      return jobs.flatMap((job) => [subscribe(replica, job, own), subscribe(replica, job, own), subscribe(replica, job, 'sse')]);
    });
    await firstValues(followers);
    const seen = new Map<string, string[]>();
    record(seen, jobs);

    const killedAt = Date.now();
    await r0.kill();
    replicas = survivors;
    // The jobs move on while nobody reads them: the new holder must tell of it.
    clock.advance(STEP_MS);
    record(seen, jobs);
    const alive = new Set(survivors.map((replica) => replica.pid));
    // Taken over: held by a survivor, or already told to the end (a job that ended in the gap lets its lease go at once).
    const done = (job: Foreseen): boolean =>
      FINAL[job.provider].includes(state(job)) && followers.filter((follower) => follower.job === job).every((follower) => follower.received.completed);
    await eventually(
      async () => (await Promise.all(jobs.map((job) => holderOf(admin, job.provider, job.id)))).every((pid, i) => (pid !== null && alive.has(pid)) || done(jobs[i]!)),
      LEASE_MS + 10_000,
      'a survivor to take every lease',
      50,
    );
    const takeover = Date.now() - killedAt;
    console.log(`takeover after SIGKILL of the lease holder: ${takeover} ms (lease ${LEASE_MS} ms, retry every ${LEASE_MS / 2} ms)`);
    await delivered(followers, 'the change made while nobody held the leases');
    expect([...seen.values()].some((states) => states[1] !== states[0]), 'a change while nobody read').toBe(true);
    // The lease expires at most LEASE_MS after the last renewal; a survivor asks every LEASE_MS / 2.
    expect(takeover).toBeLessThanOrEqual(LEASE_MS + LEASE_MS / 2 + 1_000);

    await walkToEnd(followers, jobs, seen, HORIZON);
    for (const follower of followers) {
      await follower.received.ended(5_000);
      expect(follower.received.completed).toBe(true);
      expect(follower.received.values.at(-1)?.terminal).toBe(true);
      expect(FINAL[follower.job.provider]).toContain(follower.received.values.at(-1)?.providerState);
    }
    expectSameStory(followers, seen);
    await noWatchersLeft(replicas);
  }, 60_000);

  it('Redis stops mid-stream: every replica keeps delivering (degraded, and says so), then shares again once it is back', async () => {
    const [r1] = replicas as [Replica];
    const HORIZON = 80;
    // Whichever of these backends still has a job that changes (after the earlier tests' walks, few do).
    const jobs = await pick({ GPU: 2, RIME: 1, DATA_MANAGER: 1 }, HORIZON, used, { lenient: true });
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    for (const job of jobs) used.add(job.id);
    const firstClient = client(r1);
    const followers = jobs.map((job) => subscribe(r1, job, firstClient));
    await firstValues(followers);
    const more = replicas.flatMap((replica) => {
      const own = client(replica);
      return jobs.flatMap((job) => [subscribe(replica, job, own), subscribe(replica, job, 'sse')]);
    });
    await firstValues(more);
    followers.push(...more);
    const seen = new Map<string, string[]>();
    record(seen, jobs);
    for (const replica of replicas) expect((await replica.metrics()).value('jobgateway_live_redis_connected')).toBe(1);

    await redis.stop();
    await eventually(
      async () => (await Promise.all(replicas.map((replica) => replica.metrics()))).every((metrics) => metrics.value('jobgateway_live_redis_connected') === 0),
      10_000,
      'every replica to report Redis unreachable',
    );
    for (const replica of replicas) {
      const readiness = await replica.readiness();
      expect(readiness.status).toBe(200);
      expect(JSON.parse(readiness.body)).toMatchObject({ ready: true, live: expect.stringMatching(/^degraded/) });
    }
    // Each replica reads the backend for its own subscribers now.
    const before = await sample(replicas);
    await eventually(
      async () => {
        const now = await sample(replicas);
        return jobs.every((job) => now.rounds[job.provider].every((count, i) => count >= before.rounds[job.provider][i]! + 2));
      },
      LEASE_MS + 5_000,
      'both replicas to poll for themselves',
    );
    await walkRecording(followers, jobs, seen, 2);

    await redis.start();
    await eventually(
      async () => (await Promise.all(replicas.map((replica) => replica.metrics()))).every((metrics) => metrics.value('jobgateway_live_redis_connected') === 1),
      10_000,
      'every replica to report Redis connected',
    );
    for (const replica of replicas) expect(JSON.parse((await replica.readiness()).body)).toMatchObject({ live: 'shared' });
    // One holder per key again, and only the holder polls it.
    await eventually(async () => (await leasesOf(jobs)).length === jobs.length, 10_000, 'one lease per job');
    const holders = new Map<JobProvider, number>();
    for (const job of jobs) holders.set(job.provider, (await holderOf(admin, job.provider, job.id)) ?? -1);
    const settled = await measure(replicas, 4, jobs.map((job) => job.provider));
    for (const provider of jobs.map((job) => job.provider as 'GPU' | 'RIME' | 'DATA_MANAGER')) {
      const own = replicas.findIndex((replica) => replica.pid === holders.get(provider));
      expect(own, provider).toBeGreaterThanOrEqual(0);
      settled[provider].rounds.forEach((count, i) => (i === own ? expect(count).toBeGreaterThan(0) : expect(count, `${provider} on ${replicas[i]!.name}`).toBe(0)));
    }

    await walkToEnd(followers, jobs, seen, HORIZON);
    for (const follower of followers) if (FINAL[follower.job.provider].includes(state(follower.job))) await follower.received.ended(5_000);
    for (const follower of followers) expect(follower.received.errors).toEqual([]);
    expectSameStory(followers, seen);
    unsubscribeAll(followers);
    await noWatchersLeft(replicas);
  }, 90_000);

});
