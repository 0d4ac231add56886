// A subscription's queue (src/live/channel.ts) on its own: values in order whether the consumer
// waits or lags, several waiting `next()`s served oldest first, and the end reaching them all.
import { describe, expect, it } from 'vitest';
import { Channel } from '../../src/live/channel.js';

describe('Channel', () => {
  it('hands values over in order, to a waiting consumer or from the queue', async () => {
    const channel = new Channel<number>(() => undefined);
    const waiting = channel.next();
    channel.push(1);
    channel.push(2);
    channel.push(3);
    expect(await waiting).toEqual({ value: 1, done: false });
    expect(await channel.next()).toEqual({ value: 2, done: false });
    expect(await channel.next()).toEqual({ value: 3, done: false });
    // Drained, then used again.
    channel.push(4);
    expect(await channel.next()).toEqual({ value: 4, done: false });
  });

  it('serves several waiting next() oldest first, then ends them all, and closes once', async () => {
    let closes = 0;
    const channel = new Channel<string>(() => closes++);
    const waits = [channel.next(), channel.next(), channel.next()];
    channel.push('a');
    channel.push('b');
    const late = channel.next();
    channel.end();
    channel.end();
    expect(await Promise.all([...waits, late])).toEqual([
      { value: 'a', done: false },
      { value: 'b', done: false },
      { value: undefined, done: true },
      { value: undefined, done: true },
    ]);
    expect(closes).toBe(1);
    channel.push('ignored');
    expect(await channel.next()).toEqual({ value: undefined, done: true });
  });

  it('gives what was queued before a failure, then the failure once, then the end', async () => {
    const channel = new Channel<number>(() => undefined, 2);
    for (const value of [1, 2, 3]) channel.push(value);
    expect((await channel.next()).value).toBe(1);
    expect((await channel.next()).value).toBe(2);
    expect((await channel.next()).value).toBe(3);
    await expect(channel.next()).rejects.toMatchObject({ code: 'SUBSCRIBER_TOO_SLOW' });
    expect(await channel.next()).toEqual({ value: undefined, done: true });
  });

  it('hands its failure over as described, to a waiting next() and to a later one alike', async () => {
    const waiting = new Channel<number>(() => undefined, 0);
    const pending = waiting.next();
    waiting.describeFailures((error) => ({ seen: (error as { code: string }).code }));
    waiting.push(1);
    waiting.push(2);
    expect(await pending).toEqual({ value: 1, done: false });
    await expect(waiting.next()).resolves.toEqual({ value: 2, done: false });
    await expect(waiting.next()).rejects.toEqual({ seen: 'SUBSCRIBER_TOO_SLOW' });

    const later = new Channel<number>(() => undefined, 0).describeFailures((error) => ({ seen: (error as { code: string }).code }));
    const first = later.next();
    later.fail(new Error('boom'));
    await expect(first).rejects.toEqual({ seen: undefined });
    expect(await later.next()).toEqual({ value: undefined, done: true });
  });

  it('a consumer that leaves drops what is queued and ends its waiting next()', async () => {
    let closes = 0;
    const channel = new Channel<number>(() => closes++);
    channel.push(1);
    expect(await channel.return()).toEqual({ value: undefined, done: true });
    expect(await channel.next()).toEqual({ value: undefined, done: true });
    expect(closes).toBe(1);
  });
});
