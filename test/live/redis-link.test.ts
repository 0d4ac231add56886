// Two RedisLive instances in one process stand for two replicas sharing one real redis-server:
// news cross between them intact and in order, one of them at a time holds a key's lease and the
// other takes over when it dies, a joining replica replays what was published, and while Redis is
// away each keeps serving its own subscribers, then sorts out who holds what when it is back.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { jobKey, listKey, type JobKey, type WatchKey } from '../../src/live/key.js';
import type { LeaseGrant } from '../../src/live/lease.js';
import type { LiveNews } from '../../src/live/news.js';
import { connectRedisLive, leaseName, newsChannel, type RedisLive, type RedisLiveOptions } from '../../src/live/redis/index.js';
import type { Closing } from '../../src/live/transport.js';
import { parseWithDates, stringifyWithDates } from '../../src/live/redis/json-dates.js';
import { log } from '../../src/log.js';
import type { LogEntry } from '../../src/providers/contract.js';
import type { GpuJob, JobState } from '../../src/providers/job.js';
import { until } from '../support/live.js';
import { describeWithRedis, startRedis, type RunningRedis } from '../support/redis.js';

const LEASE_MS = 600;

function gpuJob(id: string, state: JobState, providerState: string): GpuJob {
  return {
    provider: 'GPU',
    providerJobId: id,
    name: 'replicated',
    state,
    providerState,
    owner: null,
    project: null,
    createdAt: new Date(Date.UTC(2026, 0, 15, 12, 0, 0, 123)),
    startedAt: new Date(Date.UTC(2026, 0, 15, 12, 1)),
    finishedAt: null,
    runningTimeSeconds: 60,
    statusMessage: null,
    capabilities: { cancel: true, extend: false, suspend: false, resume: false, logs: true },
    task: 'BATCH',
    description: null,
    updatedAt: new Date(Date.UTC(2026, 0, 15, 12, 2)),
    cpuCount: null,
    gpuCount: null,
    gpuName: null,
    gpuRegistryUuid: null,
    minRamGb: null,
    minVramGb: null,
    minStorageGb: null,
    maxTimeoutAssignMs: null,
    maxTimeoutStartMs: null,
    maxTimeoutRunMs: null,
    maxRetryCount: null,
    maxNodeCount: null,
    timeoutAssignAtMs: null,
    imageSizeBytes: null,
    sourceRecipeUuid: null,
    dockerImage: null,
    dockerTag: null,
    dockerHost: null,
    dockerUser: null,
    dockerImageSource: null,
    envNames: [],
    ports: [],
    allowedIps: [],
    volumes: [],
  };
}

function entry(i: number): LogEntry {
  return { rank: 0, stream: 'STDOUT', text: `line ${i}`, timestamp: new Date(Date.UTC(2026, 0, 15, 12, 0, i % 60, i)) };
}

const freshKey = (): JobKey => jobKey('GPU', randomUUID(), 'fp-test');

type Heard = { news: LiveNews | Closing; seq: number | undefined };
function listen(live: RedisLive, key: JobKey): Heard[] {
  const heard: Heard[] = [];
  live.transport.subscribe(key, (news, seq) => heard.push({ news, seq }));
  return heard;
}

describe('the envelope JSON', () => {
  it('brings Dates back as Dates and leaves look-alike backend values as they were', () => {
    const value = {
      at: new Date(Date.UTC(2026, 0, 15, 12, 0, 0, 5)),
      never: new Date(Number.NaN),
      parameters: { $date: '2020-01-01T00:00:00.000Z' },
      nested: [{ $$date: 1 }, { $date: 'x', other: true }, '$date'],
    };
    const back = parseWithDates(stringifyWithDates(value)) as typeof value;
    expect(back.at).toBeInstanceOf(Date);
    expect(back.at.getTime()).toBe(value.at.getTime());
    expect(back.never).toBeInstanceOf(Date);
    expect(Number.isNaN(back.never.getTime())).toBe(true);
    expect(back.parameters).toEqual(value.parameters);
    expect(back.nested).toEqual(value.nested);
  });
});

describeWithRedis('the Redis live layer', () => {
  let redis: RunningRedis;
  let raw: Redis;
  const opened: RedisLive[] = [];

  function replica(options: RedisLiveOptions = {}): RedisLive {
    const live = connectRedisLive(redis.url, { leaseMs: LEASE_MS, logCap: 20, ...options });
    opened.push(live);
    return live;
  }
  async function connected(...lives: RedisLive[]): Promise<void> {
    await until(() => lives.every((live) => live.state === 'connected'), 5000, 'connected');
  }
  /** Pub/sub delivers only to subscriptions already in place: wait until `count` replicas listen (or none). */
  async function subscribers(key: WatchKey, enough: (count: number) => boolean): Promise<void> {
    const channel = newsChannel(key);
    const deadline = Date.now() + 5000;
    for (;;) {
      const reply = (await raw.pubsub('NUMSUB', channel)) as [string, number | string];
      if (enough(Number(reply[1]))) return;
      if (Date.now() > deadline) throw new Error('subscriber count never reached');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const subscribed = (key: WatchKey, count = 1): Promise<void> => subscribers(key, (n) => n >= count);

  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    raw.on('error', () => undefined);
    await raw.connect();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(opened.splice(0).map((live) => live.close()));
  });
  afterAll(async () => {
    raw.disconnect();
    await redis.close();
  });

  it('carries news from A to B intact and in order, and to A\'s own listeners exactly once', async () => {
    const a = replica();
    const b = replica();
    await connected(a, b);
    const key = freshKey();
    const onA = listen(a, key);
    const onB = listen(b, key);
    await subscribed(key, 2);

    const sent: LiveNews[] = [
      { type: 'snapshot', job: gpuJob(key.target.id, 'QUEUED', 'PENDING') },
      { type: 'logs', entries: [entry(1), entry(2)] },
      { type: 'snapshot', job: gpuJob(key.target.id, 'RUNNING', 'RUNNING') },
      { type: 'logs', entries: [entry(3)] },
      { type: 'logsEnd' },
    ];
    for (const news of sent) a.transport.publish(key, news);

    // Delivered to A synchronously, with a seq each.
    expect(onA.map((h) => h.news)).toEqual(sent);
    await until(() => onB.length >= sent.length, 5000, 'B hears everything');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onB.map((h) => h.news)).toEqual(sent);
    expect(onA).toHaveLength(sent.length);
    const first = onB[0]?.news;
    expect(first?.type === 'snapshot' && first.job.createdAt).toBeInstanceOf(Date);
    expect(first?.type === 'snapshot' && first.job.createdAt.getTime()).toBe(Date.UTC(2026, 0, 15, 12, 0, 0, 123));
    const logs = onB[1]?.news;
    expect(logs?.type === 'logs' && logs.entries[0]?.timestamp).toBeInstanceOf(Date);
    // One seq per news, the same on both sides, strictly increasing.
    const seqs = onB.map((h) => h.seq ?? -1);
    expect(seqs).toEqual(onA.map((h) => h.seq));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);

    // B publishing next continues past what it heard (a takeover keeps the order).
    b.transport.publish(key, { type: 'logsEnd' });
    expect(onB.at(-1)!.seq!).toBeGreaterThan(seqs.at(-1)!);
  });

  it('carries list news and keeps keys apart', async () => {
    const a = replica();
    const b = replica();
    await connected(a, b);
    const list = listKey('GPU', 'fp-list');
    const heard: LiveNews[] = [];
    const other: LiveNews[] = [];
    b.transport.subscribe(list, (news) => {
      if (news.type !== 'closing') heard.push(news);
    });
    b.transport.subscribe(listKey('RIME', 'fp-list'), (news) => {
      if (news.type !== 'closing') other.push(news);
    });
    await subscribed(list);
    const job = gpuJob('l1', 'RUNNING', 'RUNNING');
    a.transport.publish(list, { type: 'listed', event: { job, previousState: 'QUEUED' }, before: null });
    await until(() => heard.length === 1, 5000, 'list news');
    const got = heard[0];
    expect(got?.type === 'listed' && got.event.job.startedAt).toEqual(job.startedAt);
    expect(other).toEqual([]);
  });

  it('stops hearing a key after the last listener leaves', async () => {
    const a = replica();
    const b = replica();
    await connected(a, b);
    const key = freshKey();
    const heard: LiveNews[] = [];
    const stop = b.transport.subscribe(key, (news) => {
      if (news.type !== 'closing') heard.push(news);
    });
    await subscribed(key);
    stop();
    await subscribers(key, (n) => n === 0);
    a.transport.publish(key, { type: 'logsEnd' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(heard).toEqual([]);
  });

  it('gives a key\'s lease to one replica at a time, and to B at once when A releases it', async () => {
    const a = replica();
    const b = replica();
    await connected(a, b);
    expect(a.lease.retryMs).toBe(LEASE_MS / 2);
    const key = freshKey();
    const grant = await a.lease.acquire(key);
    expect(grant).not.toBeNull();
    expect(await b.lease.acquire(key)).toBeNull();
    // Renewals keep it past its TTL.
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2));
    expect(await b.lease.acquire(key)).toBeNull();
    let lost = false;
    void grant!.lost.then(() => (lost = true));
    grant!.release();
    // release() is fire-and-forget; its DEL is on its way before B's SET on another connection.
    const deadline = Date.now() + 300;
    let taken: LeaseGrant | null = null;
    while (!taken && Date.now() < deadline) taken = await b.lease.acquire(key);
    expect(taken).not.toBeNull();
    grant!.release(); // twice: harmless, and does not touch B's lease
    expect(await a.lease.acquire(key)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lost).toBe(false);
  });

  it('lets B take over within the lease time when A dies holding it', async () => {
    const a = replica();
    const b = replica();
    await connected(a, b);
    const key = freshKey();
    expect(await a.lease.acquire(key)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS / 2));
    expect(await b.lease.acquire(key)).toBeNull();
    const crashedAt = Date.now();
    await a.crash();
    let taken: LeaseGrant | null = null;
    while (!taken && Date.now() - crashedAt < LEASE_MS + 1000) {
      taken = await b.lease.acquire(key);
      if (!taken) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(taken).not.toBeNull();
    expect(Date.now() - crashedAt).toBeLessThan(LEASE_MS + 500);
  });

  it('settles lost when the lease is taken away while held', async () => {
    const a = replica();
    await connected(a);
    const key = freshKey();
    const grant = await a.lease.acquire(key);
    expect(grant).not.toBeNull();
    await raw.set(leaseName(key), 'someone-else', 'PX', 5000);
    await expect(Promise.race([grant!.lost.then(() => 'lost'), new Promise((r) => setTimeout(() => r('held'), LEASE_MS * 2))])).resolves.toBe('lost');
    grant!.release();
    expect(await raw.get(leaseName(key))).toBe('someone-else');
  });

  it('replays the snapshot, the newest output up to the cap, and logsEnd to a replica that joins', async () => {
    const a = replica();
    const b = replica();
    await connected(a, b);
    const key = freshKey();
    expect(await b.replay.load(key)).toBeNull();

    const seqs: number[] = [];
    a.transport.subscribe(key, (_news, seq) => seqs.push(seq ?? -1));
    a.transport.publish(key, { type: 'snapshot', job: gpuJob(key.target.id, 'QUEUED', 'PENDING') });
    a.transport.publish(key, { type: 'logs', entries: [1, 2, 3, 4, 5].map(entry) });
    a.transport.publish(key, { type: 'snapshot', job: gpuJob(key.target.id, 'RUNNING', 'RUNNING') });
    // 5 + 30 + 1 entries against a cap of 20, one batch bigger than the cap itself.
    a.transport.publish(key, { type: 'logs', entries: Array.from({ length: 30 }, (_, i) => entry(6 + i)) });
    a.transport.publish(key, { type: 'logs', entries: [entry(36)] });
    const lastSeq = seqs.at(-1)!;

    // The store is written fire-and-forget: read until it has caught up.
    let state = await b.replay.load(key);
    for (let i = 0; state?.seq !== lastSeq && i < 100; i++) state = await b.replay.load(key);
    expect(state?.seq).toBe(lastSeq);
    expect(state?.job?.state).toBe('RUNNING');
    expect(state?.job?.createdAt).toBeInstanceOf(Date);
    expect(state?.job?.provider === 'GPU' && state.job.updatedAt?.getTime()).toBe(Date.UTC(2026, 0, 15, 12, 2));
    expect(state?.logsEnded).toBe(false);
    expect(state?.entries.map((e) => e.text)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${17 + i}`));
    expect(state?.entries[0]?.timestamp).toBeInstanceOf(Date);

    a.transport.publish(key, { type: 'logsEnd' });
    const endSeq = seqs.at(-1)!;
    for (let i = 0; state?.seq !== endSeq && i < 100; i++) state = await b.replay.load(key);
    expect(state?.logsEnded).toBe(true);
    expect(state?.seq).toBe(endSeq);
  });

  it('ignores an envelope of another version or a malformed one, with a log line, and keeps listening', async () => {
    const warnings: string[] = [];
    vi.spyOn(log, 'warn').mockImplementation((message, fields) => {
      warnings.push(`${message} ${JSON.stringify(fields)}`);
    });
    const a = replica();
    const b = replica();
    await connected(a, b);
    const key = freshKey();
    const heard = listen(b, key);
    await subscribed(key);
    const channel = newsChannel(key);
    await raw.publish(channel, JSON.stringify({ v: 2, origin: 'future', seq: Date.now() * 1000, news: { type: 'logsEnd' } }));
    await raw.publish(channel, JSON.stringify({ v: 1, origin: 'broken', seq: 'soon', news: { type: 'logsEnd' } }));
    await raw.publish(channel, 'not json');
    a.transport.publish(key, { type: 'logs', entries: [entry(1)] });
    await until(() => heard.length === 1, 5000, 'the valid news');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard.map((h) => h.news.type)).toEqual(['logs']);
    expect(warnings.filter((w) => w.includes('unknown version'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('malformed'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('not JSON'))).toHaveLength(1);
  });

  it('shares one fingerprint key between replicas', async () => {
    const a = replica();
    const b = replica();
    const [ka, kb] = await Promise.all([a.sharedFingerprintKey(), b.sharedFingerprintKey()]);
    expect(ka).toBeInstanceOf(Buffer);
    expect(ka?.length).toBe(32);
    expect(kb?.equals(ka!)).toBe(true);
  });

  it('tells local listeners closing on close, delivers nothing after, and releases its leases', async () => {
    const a = replica();
    const b = replica();
    await connected(a, b);
    const key = freshKey();
    const heard = listen(a, key);
    expect(await a.lease.acquire(key)).not.toBeNull();
    await a.close();
    a.transport.publish(key, { type: 'logsEnd' });
    expect(heard.map((h) => h.news.type)).toEqual(['closing']);
    expect(await b.lease.acquire(key)).not.toBeNull();
  });

  it('without Redis: delivers locally, degrades, grants locally; back: reconnects and sorts out who holds a key', async () => {
    const states: string[] = [];
    const a = replica({ onState: (state) => states.push(state) });
    const b = replica();
    await connected(a, b);
    const key = freshKey();
    const onB = listen(b, key);
    await subscribed(key);
    // A lease held in Redis before the outage: kept through it, and taken again after.
    const heldKey = freshKey();
    const held = await a.lease.acquire(heldKey);
    expect(held).not.toBeNull();
    let heldLost = false;
    void held!.lost.then(() => (heldLost = true));

    await redis.stop();
    await until(() => a.state === 'degraded' && b.state === 'degraded', 5000, 'degraded');
    expect(states).toEqual(['connected', 'degraded']);

    const onA = listen(a, key);
    const started = Date.now();
    a.transport.publish(key, { type: 'logs', entries: [entry(1)] });
    expect(onA.map((h) => h.news.type)).toEqual(['logs']);
    expect(await a.replay.load(key)).toBeNull();
    expect(await a.sharedFingerprintKey()).toBeNull();
    // Both replicas serve their own subscribers meanwhile.
    const grantA = await a.lease.acquire(key);
    const grantB = await b.lease.acquire(key);
    expect(grantA).not.toBeNull();
    expect(grantB).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(3000);

    // Longer than the lease: its renewals fail, but Redis being away is not someone else holding it.
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 1.5));
    expect(heldLost).toBe(false);

    await redis.start();
    await connected(a, b);
    expect(states).toEqual(['connected', 'degraded', 'connected']);
    // Exactly one of the two local grants becomes the lease; the other is lost.
    const settled: string[] = [];
    void grantA!.lost.then(() => settled.push('A'));
    void grantB!.lost.then(() => settled.push('B'));
    await until(() => settled.length === 1, LEASE_MS * 3, 'one grant lost');
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
    expect(settled).toHaveLength(1);
    const c = replica();
    await connected(c);
    expect(await c.lease.acquire(key)).toBeNull();
    // The restarted Redis had lost every lease: A's pre-outage grant is a Redis lease again.
    expect(await c.lease.acquire(heldKey)).toBeNull();
    expect(heldLost).toBe(false);

    // Subscriptions come back by themselves.
    await subscribed(key, 2);
    a.transport.publish(key, { type: 'logsEnd' });
    await until(() => onB.some((h) => h.news.type === 'logsEnd'), 5000, 'B hears A again');
  });
});
