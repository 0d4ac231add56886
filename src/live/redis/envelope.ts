// The one wire format of everything a replica writes to Redis (pub/sub messages, the snap hash,
// the log stream): { v: 1, origin, seq, news }. Read with zod, because during a rolling deploy
// replicas of another version share the channels: an envelope of an unknown `v`, or one that does
// not parse, is skipped with a log line and never breaks the reader.
import { z } from 'zod';
import { log } from '../../log.js';
import type { LogEntry } from '../../providers/contract.js';
import { JOB_PROVIDERS, JOB_STATES, type Job } from '../../providers/job.js';
import type { LiveNews } from '../news.js';
import { parseWithDates, stringifyWithDates } from './json-dates.js';

export const ENVELOPE_VERSION = 1;

export interface Envelope {
  readonly v: typeof ENVELOPE_VERSION;
  /** The replicaId of the publisher: a replica ignores its own messages (delivered locally already). */
  readonly origin: string;
  readonly seq: number;
  readonly news: LiveNews;
}

// A job is checked for the fields every reader relies on; the rest is the backend's own shape and
// passes through untouched (a stricter schema here would drop fields a newer replica added).
const jobShape = z.looseObject({
  provider: z.enum(JOB_PROVIDERS),
  providerJobId: z.string(),
  state: z.enum(JOB_STATES),
});
const job = z.custom<Job>((value) => jobShape.safeParse(value).success);

const logEntry: z.ZodType<LogEntry> = z.looseObject({
  rank: z.number(),
  stream: z.enum(['STDOUT', 'STDERR', 'EVENT']),
  text: z.string(),
  timestamp: z.date(),
});

const news = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), job }),
  z.object({ type: z.literal('logs'), entries: z.array(logEntry) }),
  z.object({ type: z.literal('logsEnd') }),
  z.object({ type: z.literal('want'), id: z.string(), logs: z.boolean() }),
  z.object({
    type: z.literal('listed'),
    event: z.object({ job, previousState: z.enum(JOB_STATES).nullable() }),
    before: job.nullable(),
  }),
]);

const versioned = z.looseObject({ v: z.unknown() });
const envelopeV1 = z.object({
  v: z.literal(ENVELOPE_VERSION),
  origin: z.string().min(1),
  // Bounded so that a bad seq cannot push a key's sequence clock past exact integers.
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  news,
});

export function encodeEnvelope(envelope: Envelope): string {
  return stringifyWithDates(envelope);
}

/** The envelope in `text`, or null (logged, throttled) when it is of another version or malformed. */
export function decodeEnvelope(text: string): Envelope | null {
  let raw: unknown;
  try {
    raw = parseWithDates(text);
  } catch {
    ignored('not JSON');
    return null;
  }
  const head = versioned.safeParse(raw);
  if (!head.success) {
    ignored('not an envelope');
    return null;
  }
  if (head.data.v !== ENVELOPE_VERSION) {
    ignored('unknown version', { v: typeof head.data.v === 'number' || typeof head.data.v === 'string' ? head.data.v : typeof head.data.v });
    return null;
  }
  const parsed = envelopeV1.safeParse(raw);
  if (!parsed.success) {
    ignored('malformed', { issue: parsed.error.issues[0]?.path.join('.') ?? '' });
    return null;
  }
  const { origin, seq } = parsed.data;
  const liveNews: LiveNews = parsed.data.news;
  return { v: ENVELOPE_VERSION, origin, seq, news: liveNews };
}

// One line the first time a reason is seen, then at most one a minute with the count skipped since:
// a replica of another version publishing steadily must not flood the log.
const THROTTLE_MS = 60_000;
const lastLogged = new Map<string, { at: number; skipped: number }>();

function ignored(reason: string, fields: Record<string, unknown> = {}): void {
  const id = `${reason}:${JSON.stringify(fields)}`;
  const now = Date.now();
  const seen = lastLogged.get(id);
  if (seen && now - seen.at < THROTTLE_MS) {
    seen.skipped += 1;
    return;
  }
  lastLogged.set(id, { at: now, skipped: 0 });
  log.warn('live: ignored a Redis envelope', { reason, ...fields, ...(seen ? { alsoIgnoredSince: seen.skipped } : {}) });
}
