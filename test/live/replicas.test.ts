// Several gateway replicas (separate processes) over one real redis-server and the simulators,
// whose clock the test drives: one replica polls a backend scope (a backend read with one
// credential: src/live/affinity.ts) for every followed job of it, however many replicas serve its
// subscribers, every subscriber everywhere gets every change once and in order, a killed lease
// holder is replaced within the lease time without a gap or a duplicate, an outage of Redis
// degrades to each replica watching for itself and then shares again, and two credentials never
// share a watcher.
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
  createJob,
  eventually,
  foresee,
  holderOf,
  joinedOutput,
  replicaEnv,
  scopeLeases,
  simulatedState,
  startReplica,
  writtenOutput,
  type Foreseen,
  type OutputProvider,
  type Replica,
} from '../support/replicas.js';
import { subscribeSse, subscribeWs, wsClient, type Received } from '../support/subscriptions.js';

const SEED = 41;
/** Enough jobs that every test still finds live ones after the earlier tests' walks. */
const JOB_COUNT = 900;
const POLL_MS = 300;
/** The simulators' clock moves this much per step (jobs change every few steps). */
const STEP_MS = 5 * 60_000;
/**
 * The lease TTL of src/live/redis/index.ts (no setting changes it). A refused replica asks again
 * when the holder's lease would run out (its PTTL, at most LEASE_MS / 2 later).
 */
const LEASE_MS = 10_000;
/**
 * The holder of a scope reads a job for another replica's subscribers until 3 lease retries
 * (3 × LEASE_MS / 2) after that replica last asked (src/live/hub.ts readFor): watchers on the
 * holder outlive the last subscriber elsewhere by up to this much.
 */
const WANT_TTL_MS = 3 * (LEASE_MS / 2);
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

const JOB_LOGS = `subscription JobLogs($id: ID!) { jobLogs(id: $id) { rank stream text timestamp } }`;

interface LogLine {
  rank: number;
  stream: 'STDOUT' | 'STDERR' | 'EVENT';
  text: string;
  timestamp: string;
}

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
/** The test's own Redis connections (admin's, listeners), each with an 'error' handler: Redis is stopped on purpose. */
const connections: Redis[] = [];

function connect(url: string): Redis {
  const made = new Redis(url, { maxRetriesPerRequest: 1 });
  // Refused connections while Redis is stopped on purpose are expected, not news.
  made.on('error', () => undefined);
  connections.push(made);
  return made;
}
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

/**
 * While Redis was away each replica read the backend for its own subscribers, so a replica may
 * have seen a state in between that another did not: each subscriber's story is its own then, but
 * still without a repeat, in the backend's order, and to the end.
 */
function expectOwnStories(followers: readonly Follower[], seen: ReadonlyMap<string, string[]>): void {
  for (const follower of followers) {
    const story = follower.received.values.map((value) => JSON.stringify(value));
    for (let i = 1; i < story.length; i++) expect(story[i], `repeat in ${follower.job.id}`).not.toBe(story[i - 1]);
    const states = dedupe(follower.received.values.map((value) => value.providerState));
    const backend = dedupe(seen.get(follower.job.id) ?? []);
    // In the backend's order: every state the subscriber got is one the backend went through, later than the one before.
    let at = -1;
    for (const stateSeen of states) {
      const next = backend.indexOf(stateSeen, at + 1);
      expect(next, `${follower.job.id}: ${stateSeen} out of order in ${JSON.stringify(states)} (backend ${JSON.stringify(backend)})`).toBeGreaterThan(at);
      at = next;
    }
    expect(states[states.length - 1], follower.job.id).toBe(backend[backend.length - 1]);
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
    // A holder keeps reading a job for another replica for a while after its last `want`.
    WANT_TTL_MS + 5_000,
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

/** The backends these jobs are of, each once. */
const backendsOf = (jobs: readonly Foreseen[]): JobProvider[] => [...new Set(jobs.map((job) => job.provider))];

/** The scope leases in Redis of these backends read with the gateway's own credentials. */
async function scopeLeasesOf(backends: readonly JobProvider[]): Promise<Awaited<ReturnType<typeof scopeLeases>>> {
  return (await scopeLeases(admin)).filter((lease) => lease.key[0] === 'service' && backends.includes(lease.key[1] as JobProvider));
}

/** Waits for one scope lease per backend and says which replica (index in `on`) holds each. */
async function scopeHolders(on: readonly Replica[], backends: readonly JobProvider[], what: string): Promise<Map<JobProvider, number>> {
  await eventually(async () => (await scopeLeasesOf(backends)).length === backends.length, 10_000, what);
  const found = await scopeLeasesOf(backends);
  const holders = new Map<JobProvider, number>();
  for (const lease of found) holders.set(lease.key[1] as JobProvider, on.findIndex((replica) => replica.pid === lease.pid));
  for (const backend of backends) expect(holders.get(backend), `holder of the ${backend} scope`).toBeGreaterThanOrEqual(0);
  return holders;
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
    admin = connect(redis.url);
    clock = new ManualClock(WORLD_START);
    demo = await startDemoBackends({ clock, seed: SEED, jobCount: JOB_COUNT });
    const env = replicaEnv(demo, redis.url, POLL_MS);
    replicas = await Promise.all(['r0', 'r1', 'r2'].map((name) => startReplica(name, env)));
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((made) => made.dispose()));
    await Promise.allSettled([...replicas, ...extra].map((replica) => replica.kill()));
    for (const connection of connections) connection.disconnect();
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
    const listener = connect(redis.url);
    listener.on('pmessage', (_pattern: string, channel: string, message: string) => news.push(`${channel} ${message}`));
    await listener.psubscribe('jobgateway:v1:news:*');

    const ada = subscribe(f1, job, client(f1, adaKey));
    const grace = subscribe(f2, job, client(f2, graceKey));
    await firstValues([ada, grace]);
    const rimeLeases = (await scopeLeases(admin)).filter((lease) => lease.key[1] === 'RIME' && lease.key[0] !== 'service');
    // Two RIME scopes for one job: one per credential fingerprint, each held where its subscriber is.
    expect(rimeLeases).toHaveLength(2);
    expect(new Set(rimeLeases.map((lease) => lease.key[0])).size).toBe(2);
    expect(rimeLeases.map((lease) => lease.pid).sort()).toEqual([f1.pid, f2.pid].sort());
    const adaSlot = rimeLeases.find((lease) => lease.pid === f1.pid)!.key[0]!;
    const graceSlot = rimeLeases.find((lease) => lease.pid === f2.pid)!.key[0]!;

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
    // ADA's scope stays f1's, GRACE's f2's: f2 asks f1 for the job on ADA's scope (a `want`).
    expect(await holderOf(admin, 'RIME', adaSlot)).toBe(f1.pid);
    expect(await holderOf(admin, 'RIME', graceSlot)).toBe(f2.pid);
    expect((await scopeLeases(admin)).filter((lease) => lease.key[1] === 'RIME' && lease.key[0] !== 'service')).toHaveLength(2);
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
    const parsed = news.map((line) => {
      const space = line.indexOf(' ');
      return { channel: line.slice(0, space), ...(JSON.parse(line.slice(space + 1)) as { origin: string; news: { type: string; id?: string } }) };
    });
    const jobChannels = [...new Set(parsed.map((message) => message.channel))].filter((channel) => channel.includes(sharedId!));
    expect(jobChannels).toHaveLength(2);
    // One publisher per job channel, a different one on each.
    const originsOf = (channel: string): Set<string> => new Set(parsed.filter((message) => message.channel === channel).map((message) => message.origin));
    for (const channel of jobChannels) expect(originsOf(channel).size, channel).toBe(1);
    expect(new Set(jobChannels.flatMap((channel) => [...originsOf(channel)])).size).toBe(2);
    // The only `want`s are on ADA's scope (f2 asking f1), naming the job; none on GRACE's, which f2 holds.
    const wants = parsed.filter((message) => message.news.type === 'want');
    expect(wants.length).toBeGreaterThan(0);
    for (const want of wants) {
      expect(want.channel).toBe(`jobgateway:v1:news:${JSON.stringify([adaSlot, 'RIME', 'scope'])}`);
      expect(want.news.id).toBe(sharedId);
    }
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

  it('three replicas, 300 subscribers spread over them on 20 jobs: upstream load of one replica, every change once and in order everywhere', async () => {
    const STEPS = 6;
    // Not every one changes within the walk: those that stay put are followed (and polled) all the same.
    const jobs = await pick({ GPU: 6, RIME: 6, DATA_MANAGER: 6, UCLOUD: 2 }, STEPS, used, { mustChange: false });
    for (const job of jobs) used.add(job.id);
    const backends = backendsOf(jobs);
    expect(backends.sort()).toEqual(['DATA_MANAGER', 'GPU', 'RIME', 'UCLOUD']);
    // Every subscriber goes to the next replica in turn, the first ones too: each backend's jobs are
    // followed on all three from the start, and their scope's lease decides who polls.
    const wsClients = replicas.map((replica) => [client(replica), client(replica), client(replica)]);
    let turn = 0;
    const place = (job: Foreseen, sse: boolean): Follower => {
      const at = turn++ % replicas.length;
      return subscribe(replicas[at]!, job, sse ? 'sse' : wsClients[at]![Math.floor(turn / replicas.length) % 3]!);
    };
    const first = jobs.map((job) => place(job, false));
    await firstValues(first);
    for (const provider of backends) expect(new Set(first.filter((f) => f.job.provider === provider).map((f) => f.replica.name)).size, provider).toBeGreaterThan(1);
    // One lease per backend scope (UCloud's too), whichever replica took it.
    const holders = await scopeHolders(replicas, backends, 'one lease per scope');
    const holderNames = (): string => backends.map((provider) => `${provider} ${replicas[holders.get(provider)!]!.name}`).join(', ');

    // 20 subscribers, spread.
    const few = await measure(replicas, 6);

    // 280 more, on all three replicas in turn, over both transports.
    const crowd: Follower[] = [];
    for (let m = 0; m < 14; m++) {
      for (const [j, job] of jobs.entries()) crowd.push(place(job, m === 13 || (m === 12 && j % 2 === 0)));
    }
    const all = [...first, ...crowd];
    expect(all).toHaveLength(300);
    for (const replica of replicas) expect(all.filter((follower) => follower.replica === replica)).toHaveLength(100);
    await firstValues(crowd);
    const scraped = await Promise.all(replicas.map((replica) => replica.metrics()));
    expect(scraped.map((metrics) => metrics.value('jobgateway_live_subscriptions', { kind: 'job' }))).toEqual([100, 100, 100]);
    // Every replica has a watcher per job its subscribers follow; only each scope's holder reads the backend.
    expect(scraped.map((metrics) => metrics.value('jobgateway_live_job_watchers'))).toEqual([20, 20, 20]);
    expect(await scopeHolders(replicas, backends, 'one lease per scope')).toEqual(holders);
    expect((await scopeLeases(admin)).filter((lease) => lease.key[0] === 'service')).toHaveLength(backends.length);
    // One UCloud `follow` per job, all on the UCloud scope's holder, whichever replicas its subscribers are on.
    const ucloudJobs = jobs.filter((job) => job.provider === 'UCLOUD').length;
    expect(demo.ucloud.activeFollows()).toBe(ucloudJobs);
    expect(scraped.map((metrics) => metrics.value('jobgateway_live_follows'))).toEqual(replicas.map((_, i) => (i === holders.get('UCLOUD') ? ucloudJobs : 0)));

    const many = await measure(replicas, 6);
    for (const provider of ['GPU', 'RIME', 'DATA_MANAGER'] as const) {
      // One replica's round: one batched read of the backend for every followed job of the scope.
      const cost = Math.round(perRound(few[provider]));
      expect(cost, provider).toBe(1);
      const own = holders.get(provider)!;
      for (const window of [few, many]) {
        // Exactly one replica's rounds grow: the scope holder's.
        window[provider].rounds.forEach((count, i) => (i === own ? expect(count, `${provider} on ${replicas[i]!.name}`).toBeGreaterThanOrEqual(5) : expect(count, `${provider} on ${replicas[i]!.name}`).toBe(0)));
        expectPerRound(window[provider], cost);
      }
    }
    console.log(
      `requests per poll interval, subscribers spread over 3 replicas (scope holders: ${holderNames()}), 20 vs 300 subscribers: ${(['GPU', 'RIME', 'DATA_MANAGER'] as const)
        .map((provider) => `${provider} ${perRound(few[provider]).toFixed(2)} vs ${perRound(many[provider]).toFixed(2)}`)
        .join(', ')} (rounds per replica over the 300-subscriber window: ${(['GPU', 'RIME', 'DATA_MANAGER'] as const).map((provider) => `${provider} [${many[provider].rounds.join(', ')}]`).join(', ')})`,
    );

    const seen = new Map<string, string[]>();
    record(seen, jobs);
    await walkRecording(all, jobs, seen, STEPS);
    expectSameStory(all, seen);
    expect([...seen.values()].filter((states) => dedupe(states).length > 1).length).toBeGreaterThanOrEqual(10);

    unsubscribeAll(all);
    await noWatchersLeft(replicas);
    await eventually(async () => (await scopeLeasesOf(backends)).length === 0, 5_000, 'every lease to be released');
  }, 120_000);

  it('the lease holder is SIGKILLed: a survivor takes over within the lease time, its subscribers see no gap, no repeat, and the end', async () => {
    const [r0, r1, r2] = replicas as [Replica, Replica, Replica];
    const HORIZON = 40;
    const jobs = [
      ...(await pick({ GPU: 1, RIME: 1, UCLOUD: 1 }, HORIZON, used, { changeFirst: true })),
      ...(await pick({ DATA_MANAGER: 1 }, HORIZON, used, { changeFirst: true, lenient: true })),
    ].filter((job) => job.endsAt !== null);
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    for (const job of jobs) used.add(job.id);
    const backends = backendsOf(jobs);
    // r0's subscribers come first: r0 takes the scope of each of these backends.
    const holderClient = client(r0);
    const first = jobs.map((job) => subscribe(r0, job, holderClient));
    await firstValues(first);
    for (const backend of backends) expect(await holderOf(admin, backend), backend).toBe(r0.pid);
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
    // Taken over: each scope held by a survivor, or its jobs already told to the end (a scope whose
    // jobs all ended in the gap may have no watcher left to want it).
    const done = (backend: JobProvider): boolean =>
      jobs
        .filter((job) => job.provider === backend)
        .every((job) => FINAL[job.provider].includes(state(job)) && followers.filter((follower) => follower.job === job).every((follower) => follower.received.completed));
    await eventually(
      async () => (await Promise.all(backends.map((backend) => holderOf(admin, backend)))).every((pid, i) => (pid !== null && alive.has(pid)) || done(backends[i]!)),
      LEASE_MS + 10_000,
      'a survivor to take every scope',
      50,
    );
    const takeover = Date.now() - killedAt;
    const holders = await Promise.all(
      backends.map(async (backend) => {
        const pid = await holderOf(admin, backend);
        return `${backend} ${survivors.find((replica) => replica.pid === pid)?.name ?? 'none (its jobs ended in the gap)'}`;
      }),
    );
    console.log(`takeover after SIGKILL of the scope holder: ${takeover} ms (lease ${LEASE_MS} ms; new holders: ${holders.join(', ')})`);
    await delivered(followers, 'the change made while nobody held the leases');
    expect([...seen.values()].some((states) => states[1] !== states[0]), 'a change while nobody read').toBe(true);
    // The lease expires at most LEASE_MS after r0's last renewal, and a refused survivor asks again
    // right when it would run out: the takeover lands within the lease time, plus a small margin.
    expect(takeover).toBeLessThanOrEqual(LEASE_MS + 1_500);

    await walkToEnd(followers, jobs, seen, HORIZON);
    for (const follower of followers) {
      await follower.received.ended(5_000);
      expect(follower.received.completed).toBe(true);
      expect(follower.received.values.at(-1)?.terminal).toBe(true);
      expect(FINAL[follower.job.provider]).toContain(follower.received.values.at(-1)?.providerState);
    }
    expectSameStory(followers, seen);
    await noWatchersLeft(replicas);
  }, 90_000);

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
    // One lease per scope again, held by one replica, and only that replica polls the scope.
    const backends = backendsOf(jobs);
    const holders = await scopeHolders(replicas, backends, 'one lease per scope again');
    const settled = await measure(replicas, 4, backends);
    expect(await scopeHolders(replicas, backends, 'the same leases')).toEqual(holders);
    for (const provider of backends as ('GPU' | 'RIME' | 'DATA_MANAGER')[]) {
      const own = holders.get(provider)!;
      settled[provider].rounds.forEach((count, i) => (i === own ? expect(count, provider).toBeGreaterThan(0) : expect(count, `${provider} on ${replicas[i]!.name}`).toBe(0)));
    }

    await walkToEnd(followers, jobs, seen, HORIZON);
    for (const follower of followers) if (FINAL[follower.job.provider].includes(state(follower.job))) await follower.received.ended(5_000);
    for (const follower of followers) expect(follower.received.errors).toEqual([]);
    expectOwnStories(followers, seen);
    unsubscribeAll(followers);
    await noWatchersLeft(replicas);
  }, 120_000);

  it('a replica that does not hold the scope: its jobLogs and jobUpdated subscribers get output and state read for them by the holder, which has no subscriber of the job, and stops reading it after they leave', async () => {
    const [a, b] = replicas as [Replica, Replica];
    /** Any other replica: it has no part in this, and must do nothing either. */
    const bystanders = replicas.slice(2);
    const backends: OutputProvider[] = ['GPU', 'UCLOUD'];
    // Fresh jobs (the seeded ones have mostly ended after the earlier walks): each queues, starts and
    // writes output as the clock moves. The UCloud ones have no time allocation: they run until stopped.
    const gpuInput = { title: 'replica logs', maxTimeoutRunMs: 24 * 3_600_000, maxRetryCount: 2, docker: { image: 'vllm/vllm-openai', tag: 'v0.6.3' } };
    const ucloudInput = {
      application: { name: 'gromacs', version: '2024.3' },
      product: { id: 'u1-standard-8', category: 'u1-standard', provider: 'ucloud' },
      name: 'replica logs',
      replicas: 2,
      allowDuplicateJob: true,
    };
    const made = async (provider: OutputProvider): Promise<Foreseen> => ({
      provider,
      id: await createJob(b, provider, provider === 'GPU' ? gpuInput : ucloudInput),
      states: [],
      endsAt: null,
    });
    // Per backend: the job B's subscribers follow, and another one to anchor the scope on A.
    const t0 = Date.now();
    const phases: string[] = [];
    const phase = (name: string): void => void phases.push(`${name} ${Date.now() - t0}`);
    const anchors = [await made('GPU'), await made('UCLOUD')];
    const jobs = [await made('GPU'), await made('UCLOUD')];
    for (const job of [...jobs, ...anchors]) used.add(job.id);

    // A takes both scopes: its own subscriber of ANOTHER job of each backend comes first.
    const onA = anchors.map((job) => subscribe(a, job, client(a)));
    await firstValues(onA);
    for (const provider of backends) {
      await eventually(async () => (await holderOf(admin, provider)) === a.pid, 5_000, `A to hold the ${provider} scope`);
    }

    phase('A holds');
    // B alone follows the chosen jobs: state over one client, output over another.
    const statusClient = client(b);
    const logsClient = client(b);
    const followers = jobs.map((job) => subscribe(b, job, statusClient));
    const logs = new Map(jobs.map((job) => [job.id, subscribeWs<LogLine>(logsClient, JOB_LOGS, { id: globalId(job.provider, job.id) }, 'jobLogs')]));
    // Their first snapshot comes from A, which reads them for B (B is refused the scope, and asks A).
    await firstValues(followers);
    phase('B first values');
    // The anchors go: A has no subscriber at all now, yet keeps each scope for the jobs it reads for B.
    unsubscribeAll(onA);
    await eventually(
      async () => {
        const [ma, mb] = await Promise.all([a.metrics(), b.metrics()]);
        return (
          ma.value('jobgateway_live_subscriptions', { kind: 'job' }) === 0 &&
          ma.value('jobgateway_live_job_watchers') === jobs.length &&
          mb.value('jobgateway_live_subscriptions', { kind: 'job' }) === 2 * jobs.length &&
          mb.value('jobgateway_live_job_watchers') === jobs.length &&
          ma.value('jobgateway_live_follows') === 1 &&
          mb.value('jobgateway_live_follows') === 0 &&
          demo.ucloud.activeFollows() === 1 &&
          (await Promise.all(bystanders.map((replica) => replica.metrics()))).every((metrics) => metrics.value('jobgateway_live_job_watchers') === 0)
        );
      },
      10_000,
      'A to read only the two jobs of B, with one UCloud follow',
    );
    for (const provider of backends) expect(await holderOf(admin, provider), `holder of the ${provider} scope`).toBe(a.pid);
    phase('anchors gone');

    const seen = new Map<string, string[]>();
    record(seen, jobs);
    const before = await sample(replicas);
    const outputOf = (job: Foreseen): Record<string, string> => writtenOutput(demo, job.provider as OutputProvider, job.id);
    const receivedOf = (job: Foreseen): Record<string, string> => joinedOutput(logs.get(job.id)!.values);
    const size = (output: Record<string, string>): number => Object.values(output).reduce((sum, text) => sum + text.length, 0);
    let firstOutputWait: number | null = null;
    /** Every job's output on B is what its simulator has written so far, exactly: nothing lost, repeated or out of order. */
    const outputDelivered = async (what: string): Promise<void> => {
      const same = (x: Record<string, string>, y: Record<string, string>): boolean => Object.keys(x).length === Object.keys(y).length && Object.entries(x).every(([key, text]) => y[key] === text);
      const waited = await eventually(() => jobs.every((job) => same(receivedOf(job), outputOf(job))), 20_000, what, 20).catch(() => null);
      for (const job of jobs) {
        expect(logs.get(job.id)!.errors, `${job.provider} ${job.id} jobLogs`).toEqual([]);
        expect(receivedOf(job), `${job.provider} ${job.id} output on B, ${what}`).toEqual(outputOf(job));
      }
      // How long B's first output took once there was some to read.
      if (firstOutputWait === null && jobs.some((job) => logs.get(job.id)!.values.length > 0)) firstOutputWait = waited;
    };
    await outputDelivered('the output so far');
    // The clock moves until each job has changed state and written output over a few steps, all of
    // it delivered on B after each step; neither may end meanwhile.
    const WALK_STEP_MS = 30_000;
    const growing = new Map(jobs.map((job) => [job.id, 0]));
    let steps = 0;
    while (!jobs.every((job) => dedupe(seen.get(job.id)!).length > 1 && growing.get(job.id)! >= 3)) {
      expect(steps, 'steps until both jobs ran and wrote output').toBeLessThan(120);
      const sizes = jobs.map((job) => size(outputOf(job)));
      clock.advance(WALK_STEP_MS);
      steps++;
      record(seen, jobs);
      for (const job of jobs) expect(FINAL[job.provider], `${job.provider} ${job.id} ended during the walk`).not.toContain(state(job));
      await delivered(followers, `state after step ${steps}`);
      await outputDelivered(`output after step ${steps}`);
      jobs.forEach((job, i) => size(outputOf(job)) > sizes[i]! && growing.set(job.id, growing.get(job.id)! + 1));
    }
    for (const job of jobs) {
      expect(size(outputOf(job)), `${job.provider} ${job.id} wrote output`).toBeGreaterThan(0);
      expect(logs.get(job.id)!.completed).toBe(false);
      expect(logs.get(job.id)!.values.every((entry) => entry.stream === 'STDOUT' || entry.stream === 'STDERR')).toBe(true);
    }
    phase('walked');
    // B's jobUpdated: every state the backend went through as the clock moved, once each, in order.
    expectSameStory(followers, seen);

    // Upstream reads come from A only: its GPU rounds grew, B's did not, and the one UCloud follow is A's.
    const after = await sample(replicas);
    const gpuRounds = after.rounds.GPU.map((count, i) => count - before.rounds.GPU[i]!);
    expect(gpuRounds[0], 'GPU rounds on A').toBeGreaterThanOrEqual(5);
    expect(gpuRounds.slice(1), 'GPU rounds on B (and any other replica)').toEqual(gpuRounds.slice(1).map(() => 0));
    expect(after.rounds.UCLOUD.slice(1), 'UCloud rounds on B (and any other)').toEqual(before.rounds.UCLOUD.slice(1));
    const scraped = await Promise.all(replicas.map((replica) => replica.metrics()));
    expect(scraped.map((metrics) => metrics.value('jobgateway_live_follows')), 'UCloud follows per replica').toEqual(replicas.map((_, i) => (i === 0 ? 1 : 0)));
    expect(demo.ucloud.activeFollows()).toBe(1);
    for (const provider of backends) expect(await holderOf(admin, provider), `holder of the ${provider} scope`).toBe(a.pid);

    // B's subscribers leave: B stops asking, and A stops reading the jobs once its last `want` is
    // WANT_TTL_MS old (3 lease retries), though they are still running.
    const left = Date.now();
    unsubscribeAll(followers);
    for (const received of logs.values()) received.unsubscribe();
    await eventually(async () => (await b.metrics()).value('jobgateway_live_job_watchers') === 0, 5_000, 'B to drop its watchers');
    await eventually(async () => (await a.metrics()).value('jobgateway_live_job_watchers') === 0, WANT_TTL_MS + 5_000, 'A to stop reading the jobs for B', 100);
    const stoppedAfter = Date.now() - left;
    console.log(
      `non-holder's subscribers: ${steps} steps, first output on B ${firstOutputWait} ms after the step that wrote it; the holder stopped reading for them ${stoppedAfter} ms after they left (want TTL ${WANT_TTL_MS} ms); ${phases.join(', ')}`,
    );
    expect(stoppedAfter).toBeLessThanOrEqual(WANT_TTL_MS + 5_000);
    await eventually(() => demo.ucloud.activeFollows() === 0, 5_000, 'the UCloud follow to close');
    await eventually(async () => (await scopeLeasesOf(backends)).length === 0, 5_000, 'both scope leases to be released');
    // Nobody polls the GPU scope any more.
    const idle = await sample(replicas);
    await new Promise((resolve) => setTimeout(resolve, 4 * POLL_MS));
    expect((await sample(replicas)).rounds.GPU).toEqual(idle.rounds.GPU);
    await noWatchersLeft(replicas);
    for (const job of jobs) expect(FINAL[job.provider], `${job.provider} ${job.id} still running when A let it go`).not.toContain(state(job));
  }, 150_000);
});
