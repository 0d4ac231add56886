// Where news travels from a watcher to the subscriptions reading it, one topic per watch key.
// Watchers publish and subscriptions listen through this interface only, so that with several
// replicas a Redis transport can carry the news of a key from the one replica watching it to the
// subscribers of every replica. In one process it is a direct call.
import { keyString, type WatchKey } from './key.js';
import type { LiveNews } from './news.js';

/** Said by the transport itself, to this process's listeners only: no more news will come. */
export interface Closing {
  readonly type: 'closing';
}
const CLOSING: Closing = { type: 'closing' };

/**
 * Hears news of a key. `seq` orders the news of a key across replicas (it grows with every news the
 * key's holder publishes); in one process there is none.
 */
export type Listener = (news: LiveNews | Closing, seq?: number) => void;

export interface LiveTransport {
  publish(key: WatchKey, news: LiveNews): void;
  /** Hears every news of `key` published from now on; the function returned stops that. */
  subscribe(key: WatchKey, listener: Listener): () => void;
  /** Tells this process's listeners `closing` and delivers nothing more (gateway shutdown). */
  close(): void;
}

/** Every listener of a key hears its news synchronously, in publishing order. */
export class LocalTransport implements LiveTransport {
  private readonly topics = new Map<string, Set<Listener>>();

  publish(key: WatchKey, news: LiveNews): void {
    const listeners = this.topics.get(keyString(key));
    // A listener may leave while hearing (a terminal snapshot ends its channel): iterate a copy.
    if (listeners) for (const listener of [...listeners]) listener(news);
  }

  subscribe(key: WatchKey, listener: Listener): () => void {
    const topic = keyString(key);
    let listeners = this.topics.get(topic);
    if (!listeners) {
      listeners = new Set();
      this.topics.set(topic, listeners);
    }
    const own = listeners;
    own.add(listener);
    return () => {
      own.delete(listener);
      if (own.size === 0 && this.topics.get(topic) === own) this.topics.delete(topic);
    };
  }

  close(): void {
    const listeners = [...this.topics.values()].flatMap((set) => [...set]);
    this.topics.clear();
    for (const listener of listeners) listener(CLOSING);
  }
}
