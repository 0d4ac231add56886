// The live transport across replicas: a key's news reach this process's listeners synchronously
// (as in LocalTransport), then travel on the key's Redis channel to every other replica, and a job
// key's snapshot and output are kept beside it for replicas that join later (replay.ts). Redis is
// fire-and-forget here: its failing never reaches a publisher, only the link's state.
import { log } from '../../log.js';
import { keyString, type WatchKey } from '../key.js';
import type { LiveNews } from '../news.js';
import type { Closing, Listener, LiveTransport } from '../transport.js';
import { encodeEnvelope, decodeEnvelope, ENVELOPE_VERSION, type Envelope } from './envelope.js';
import type { RedisLink } from './link.js';
import { logsName, newsChannel, snapName } from './names.js';
import type { SequenceClock } from './sequence.js';

const CLOSING: Closing = { type: 'closing' };

/** Writes a field of the snap hash only if its seq is newer (two holders may overlap briefly), then refreshes both TTLs. */
export const STORE_FIELD_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1] .. 'Seq') or '0')
if tonumber(ARGV[2]) > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3], ARGV[1] .. 'Seq', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`;

/** The field of a stream entry that holds its envelope. */
export const STREAM_FIELD = 'e';

export interface TransportOptions {
  replicaId: string;
  logCap: number;
  retentionMs: number;
}

interface Topic {
  readonly key: WatchKey;
  readonly name: string;
  readonly channel: string;
  readonly listeners: Set<Listener>;
}

export class RedisTransport implements LiveTransport {
  private readonly topics = new Map<string, Topic>();
  private readonly channels = new Map<string, Topic>();
  private closed = false;

  constructor(
    private readonly link: RedisLink,
    private readonly clock: SequenceClock,
    private readonly options: TransportOptions,
  ) {
    link.subscriber.on('message', (channel: string, message: string) => this.heard(channel, message));
    link.onSubscriberReady(() => this.resubscribe());
  }

  publish(key: WatchKey, news: LiveNews): void {
    if (this.closed) return;
    const name = keyString(key);
    const seq = this.clock.next(name);
    try {
      const listeners = this.topics.get(name)?.listeners;
      // A listener may leave while hearing (a terminal snapshot ends its channel): iterate a copy.
      if (listeners) for (const listener of [...listeners]) listener(news, seq);
    } finally {
      // Even when a listener throws, the other replicas hear the news; and Redis never throws here.
      try {
        this.send(key, { v: ENVELOPE_VERSION, origin: this.options.replicaId, seq, news });
      } catch (error) {
        this.link.failed(error);
      }
    }
  }

  subscribe(key: WatchKey, listener: Listener): () => void {
    if (this.closed) return () => undefined;
    const name = keyString(key);
    let topic = this.topics.get(name);
    if (!topic) {
      topic = { key, name, channel: newsChannel(key), listeners: new Set() };
      this.topics.set(name, topic);
      this.channels.set(topic.channel, topic);
      this.listen(topic.channel);
    }
    const own = topic;
    own.listeners.add(listener);
    return () => {
      own.listeners.delete(listener);
      if (own.listeners.size > 0 || this.topics.get(name) !== own) return;
      this.topics.delete(name);
      this.channels.delete(own.channel);
      if (this.link.subscriberReady) this.link.subscriber.unsubscribe(own.channel).catch((error: unknown) => this.link.failed(error));
    };
  }

  close(): void {
    if (this.closed) return;
    const listeners = this.silence();
    for (const listener of listeners) listener(CLOSING);
  }

  /** Stops all delivery without a word to listeners (a crash); returns who was listening. */
  silence(): Listener[] {
    this.closed = true;
    const listeners = [...this.topics.values()].flatMap((topic) => [...topic.listeners]);
    this.topics.clear();
    this.channels.clear();
    return listeners;
  }

  private listen(channel: string): void {
    // While the subscriber is away, resubscribe() subscribes every topic's channel on 'ready'.
    if (this.link.subscriberReady) this.link.subscriber.subscribe(channel).catch((error: unknown) => this.link.failed(error));
  }

  private resubscribe(): void {
    if (this.closed || this.channels.size === 0) return;
    this.link.subscriber.subscribe(...this.channels.keys()).catch((error: unknown) => this.link.failed(error));
  }

  private heard(channel: string, message: string): void {
    const topic = this.channels.get(channel);
    if (!topic || this.closed) return;
    const envelope = decodeEnvelope(message);
    // Our own news were delivered to our listeners when published.
    if (!envelope || envelope.origin === this.options.replicaId) return;
    this.clock.note(topic.name, envelope.seq);
    for (const listener of [...topic.listeners]) {
      // This runs inside ioredis's reply parsing: a throwing listener must not break the connection.
      try {
        listener(envelope.news, envelope.seq);
      } catch (error) {
        log.error('live: a listener failed on news from another replica', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  private send(key: WatchKey, envelope: Envelope): void {
    if (!this.link.commandReady) {
      // Redis is away: the news stays on this replica (pub/sub is at-most-once anyway); say so.
      this.link.failed(new Error('Redis connection not ready'));
      return;
    }
    const text = encodeEnvelope(envelope);
    const { news } = envelope;
    // One MULTI, so the store is written before any replica hears the news and reads it back.
    const multi = this.link.command.multi();
    if (key.target.kind === 'job') {
      const snap = snapName(key);
      const logs = logsName(key);
      const ttl = String(this.options.retentionMs);
      if (news.type === 'snapshot' || news.type === 'logsEnd') {
        multi.eval(STORE_FIELD_SCRIPT, 2, snap, logs, news.type, String(envelope.seq), text, ttl);
      } else if (news.type === 'logs' && news.entries.length > 0) {
        // One stream entry per log entry, so MAXLEN counts log entries; what the cap would trim at
        // once is not written at all.
        for (const entry of news.entries.slice(-this.options.logCap)) {
          const one = encodeEnvelope({ ...envelope, news: { type: 'logs', entries: [entry] } });
          multi.xadd(logs, 'MAXLEN', '~', String(this.options.logCap), '*', STREAM_FIELD, one);
        }
        multi.pexpire(logs, ttl);
        multi.pexpire(snap, ttl);
      }
    }
    multi.publish(newsChannel(key), text);
    multi.exec().then(
      (results) => {
        const failure = results?.find(([error]) => error !== null)?.[0];
        if (failure) this.link.failed(failure);
        else this.link.succeeded();
      },
      (error: unknown) => this.link.failed(error),
    );
  }
}
