// The seams the replicas issue plugs into: one key type with one string form, a transport that
// carries a key's news to its listeners, and a lease that decides whether this process watches.
import { describe, expect, it } from 'vitest';
import { Channel } from '../../src/live/channel.js';
import { isLiveError } from '../../src/live/errors.js';
import { JobWatcher } from '../../src/live/job-watcher.js';
import { jobKey, keyString, listKey, scopeString, type WatchKey } from '../../src/live/key.js';
import type { LeaseGrant, WatchLease } from '../../src/live/lease.js';
import { WatcherRegistry, type Watcher } from '../../src/live/registry.js';
import { LocalTransport } from '../../src/live/transport.js';

describe('watch keys', () => {
  it('never read alike for different keys, whatever the id holds', () => {
    const keys = [
      jobKey('GPU', 'a:b'),
      jobKey('GPU', 'a', 'b'),
      jobKey('GPU', '"a","b"'),
      jobKey('UCLOUD', 'a:b'),
      listKey('GPU'),
      jobKey('GPU', 'list'),
      listKey('GPU', 'someone else'),
    ];
    expect(new Set(keys.map(keyString)).size).toBe(keys.length);
    expect(keyString(jobKey('RIME', 'x'))).toBe(keyString(jobKey('RIME', 'x')));
    expect(scopeString(jobKey('RIME', 'x'))).toBe(scopeString(listKey('RIME')));
  });
});

describe('the in-process transport', () => {
  it('delivers a key\'s news to its listeners only, in order, and says closing once at the end', () => {
    const transport = new LocalTransport();
    const heard: string[] = [];
    const stop = transport.subscribe(jobKey('GPU', '1'), (news) => heard.push(news.type));
    transport.subscribe(jobKey('GPU', '2'), () => heard.push('other'));
    transport.publish(jobKey('GPU', '1'), { type: 'logs', entries: [] });
    transport.publish(jobKey('GPU', '1'), { type: 'logsEnd' });
    stop();
    transport.publish(jobKey('GPU', '1'), { type: 'logsEnd' });
    transport.close();
    expect(heard).toEqual(['logs', 'logsEnd', 'other']);
  });
});

class Probe implements Watcher<WatchKey> {
  idle = false;
  constructor(readonly key: WatchKey) {}
}

function registry(lease: WatchLease, lingerMs = 0): { watchers: WatcherRegistry<WatchKey, Probe>; started: Probe[]; stopped: Probe[] } {
  const started: Probe[] = [];
  const stopped: Probe[] = [];
  const watchers = new WatcherRegistry<WatchKey, Probe>(lease, { start: (w) => started.push(w), stop: (w) => stopped.push(w), lingerMs });
  return { watchers, started, stopped };
}

describe('the watcher registry', () => {
  it('one watcher per key, started under its lease, stopped and released when idle', async () => {
    const released: WatchKey[] = [];
    const lease: WatchLease = { retryMs: Infinity, acquire: async (key): Promise<LeaseGrant> => ({ release: () => released.push(key), lost: new Promise(() => undefined) }) };
    const { watchers, started, stopped } = registry(lease);
    const key = jobKey('GPU', '1');
    const first = watchers.open(key, () => new Probe(key));
    expect(watchers.open(jobKey('GPU', '1'), () => new Probe(key))).toBe(first);
    await Promise.resolve();
    expect(started).toEqual([first]);
    first.idle = true;
    watchers.idle(first);
    expect(stopped).toEqual([first]);
    expect(released).toEqual([key]);
    expect(watchers.get(key)).toBeUndefined();
  });

  it('does not read the backend for a key another process holds', async () => {
    const { watchers, started } = registry({ retryMs: Infinity, acquire: async () => null });
    const key = listKey('RIME');
    watchers.open(key, () => new Probe(key));
    await Promise.resolve();
    expect(started).toEqual([]);
    expect(watchers.size).toBe(1);
  });

  it('keeps an idle watcher for the linger, and a comeback keeps it', async () => {
    const { watchers, stopped } = registry({ retryMs: Infinity, acquire: async () => ({ release: () => undefined, lost: new Promise<void>(() => undefined) }) }, 20);
    const key = listKey('GPU');
    const list = watchers.open(key, () => new Probe(key));
    list.idle = true;
    watchers.idle(list);
    expect(watchers.open(key, () => new Probe(key))).toBe(list);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(stopped).toEqual([]);
    watchers.idle(list);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(stopped).toEqual([list]);
  });
});

describe('the watcher registry across replicas', () => {
  it('asks again for a lease another replica holds, and starts the watcher once it is granted', async () => {
    let holder: 'other' | 'free' = 'other';
    const lease: WatchLease = {
      retryMs: 10,
      acquire: async () => (holder === 'free' ? { release: () => undefined, lost: new Promise<void>(() => undefined) } : null),
    };
    const { watchers, started } = registry(lease);
    const key = jobKey('GPU', '7');
    const watcher = watchers.open(key, () => new Probe(key));
    await new Promise((resolve) => setTimeout(resolve, 35));
    expect(started).toEqual([]);
    holder = 'free';
    await new Promise((resolve) => setTimeout(resolve, 35));
    expect(started).toEqual([watcher]);
  });

  it('a lease taken away stops the watcher, which keeps its key and asks again', async () => {
    let lose: () => void = () => undefined;
    let grants = 0;
    const lease: WatchLease = {
      retryMs: 10,
      acquire: async () => {
        grants++;
        return grants === 1 ? { release: () => undefined, lost: new Promise<void>((resolve) => (lose = resolve)) } : null;
      },
    };
    const { watchers, started, stopped } = registry(lease);
    const key = jobKey('RIME', '3');
    const watcher = watchers.open(key, () => new Probe(key));
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([watcher]);
    lose();
    await new Promise((resolve) => setTimeout(resolve, 35));
    expect(stopped).toEqual([watcher]);
    expect(watchers.get(key)).toBe(watcher);
    expect(grants).toBeGreaterThan(2);
  });
});

describe('live errors', () => {
  it('a job its backend does not know: the first snapshot is refused with NOT_FOUND, naming the backend', async () => {
    const watcher = new JobWatcher(jobKey('GPU', 'missing'), new LocalTransport(), () => undefined);
    watcher.vanish(1);
    const error = await watcher.known().then(() => null, (reason: unknown) => reason);
    expect(isLiveError(error) && [error.code, error.provider, error.message]).toEqual(['NOT_FOUND', 'GPU', 'GPU does not know job missing.']);
  });

  it('a subscriber too far behind is cut off with SUBSCRIBER_TOO_SLOW, after what was queued', async () => {
    const channel = new Channel<number>(() => undefined, 2);
    for (const value of [1, 2, 3, 4]) channel.push(value);
    const values = [(await channel.next()).value, (await channel.next()).value, (await channel.next()).value];
    const error = await channel.next().then(() => null, (reason: unknown) => reason);
    expect(values).toEqual([1, 2, 3]);
    expect(isLiveError(error) && error.code).toBe('SUBSCRIBER_TOO_SLOW');
  });
});
