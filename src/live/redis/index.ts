// The live layer across replicas: one Redis link giving the transport, the lease and the replay
// that the in-process defaults (LocalTransport, LocalLease, NO_REPLAY) stand for in one process.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { JobKey } from '../key.js';
import type { WatchLease } from '../lease.js';
import type { LiveReplay } from '../replay.js';
import type { LiveTransport } from '../transport.js';
import { sharedFingerprintKey } from './fingerprint-key.js';
import { RedisLease } from './lease.js';
import { RedisLink, type RedisState } from './link.js';
import { RedisReplay, type SequencedReplayState } from './replay.js';
import { SequenceClock } from './sequence.js';
import { RedisTransport } from './transport.js';

export type { RedisState } from './link.js';
export type { SequencedReplayState } from './replay.js';
export { FINGERPRINT_KEY_NAME, REDIS_PREFIX, leaseName, logsName, newsChannel, snapName } from './names.js';
export { ENVELOPE_VERSION, decodeEnvelope, encodeEnvelope, type Envelope } from './envelope.js';

export interface RedisLiveOptions {
  /** Tells this replica's own messages apart on the channels; unique per process by default. */
  replicaId?: string;
  /** TTL of a lease; renewed every leaseMs/3. Default 10 s. */
  leaseMs?: number;
  /** Log entries kept per job for replay. Default 2000. */
  logCap?: number;
  /** How long a job's snapshot and log stream are kept after its last news (so an ended job's too). Default 10 min. */
  retentionMs?: number;
  onState?: (state: RedisState) => void;
}

/** A LiveReplay whose state also says the highest seq it includes (news after it are newer). */
export interface SequencedReplay extends LiveReplay {
  load(key: JobKey): Promise<SequencedReplayState | null>;
}

export interface RedisLive {
  /** Listeners get (news, seq) for every news. */
  readonly transport: LiveTransport;
  /** retryMs = leaseMs / 2. */
  readonly lease: WatchLease;
  readonly replay: SequencedReplay;
  readonly state: RedisState;
  /** A random 32-byte key shared by every replica (SET NX once, then GET): the HMAC key of credential fingerprints. Null if Redis cannot be reached within a short time. */
  sharedFingerprintKey(): Promise<Buffer | null>;
  /** Releases held leases, tells local listeners closing, quits connections. */
  close(): Promise<void>;
  /** Tests: stop renewing and drop connections WITHOUT releasing leases (what a SIGKILL does). */
  crash(): Promise<void>;
}

const FINGERPRINT_WAIT_MS = 2000;

export function connectRedisLive(url: string, options: RedisLiveOptions = {}): RedisLive {
  const replicaId = options.replicaId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const leaseMs = options.leaseMs ?? 10_000;
  const logCap = options.logCap ?? 2000;
  const retentionMs = options.retentionMs ?? 10 * 60_000;
  // Short enough that a hung Redis cannot outlast a lease renewal, long enough for a busy one.
  const commandTimeoutMs = Math.min(2000, Math.max(500, Math.floor(leaseMs / 2)));

  const link = new RedisLink(url, { commandTimeoutMs, ...(options.onState ? { onState: options.onState } : {}) });
  const clock = new SequenceClock();
  const transport = new RedisTransport(link, clock, { replicaId, logCap, retentionMs });
  const lease = new RedisLease(link, { replicaId, leaseMs });
  const replay = new RedisReplay(link, clock, logCap);
  let ended = false;

  return {
    transport,
    lease,
    replay,
    get state() {
      return link.state;
    },
    sharedFingerprintKey: () => sharedFingerprintKey(link, FINGERPRINT_WAIT_MS),
    async close() {
      if (ended) return;
      ended = true;
      transport.close();
      await lease.releaseAll();
      await link.quit();
    },
    crash() {
      if (!ended) {
        ended = true;
        lease.crash();
        transport.silence();
        link.drop();
      }
      return Promise.resolve();
    },
  };
}
