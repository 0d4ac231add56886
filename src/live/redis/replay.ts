// What a replica that does not watch a job starts its subscribers from: the holder's last snapshot,
// its logsEnd and the output kept in the capped stream (written by transport.ts). Never throws:
// with Redis away there is nothing to replay and the caller starts from nothing, as in one process.
import type { LogEntry } from '../../providers/contract.js';
import type { Job } from '../../providers/job.js';
import { keyString, type JobKey } from '../key.js';
import type { LiveReplay, ReplayState } from '../replay.js';
import { decodeEnvelope } from './envelope.js';
import type { RedisLink } from './link.js';
import { logsName, snapName } from './names.js';
import type { SequenceClock } from './sequence.js';
import { STREAM_FIELD } from './transport.js';

export type SequencedReplayState = ReplayState & { seq: number };

export class RedisReplay implements LiveReplay {
  constructor(
    private readonly link: RedisLink,
    private readonly clock: SequenceClock,
    private readonly logCap: number,
  ) {}

  async load(key: JobKey): Promise<SequencedReplayState | null> {
    await this.link.startup;
    if (!this.link.commandReady) return null;
    let snap: Record<string, string>;
    let stream: Array<[id: string, fields: string[]]>;
    try {
      // One MULTI: the snapshot and the output are read at one instant of the holder's writes.
      const results = await this.link.command.multi().hgetall(snapName(key)).xrange(logsName(key), '-', '+').exec();
      const [snapResult, streamResult] = results ?? [];
      if (!snapResult || !streamResult || snapResult[0] || streamResult[0]) throw snapResult?.[0] ?? streamResult?.[0] ?? new Error('MULTI aborted');
      snap = snapResult[1] as Record<string, string>;
      stream = streamResult[1] as Array<[id: string, fields: string[]]>;
      this.link.succeeded();
    } catch (error) {
      this.link.failed(error);
      return null;
    }

    let seq = 0;
    let found = false;
    let job: Job | null = null;
    const snapshot = snap.snapshot === undefined ? null : decodeEnvelope(snap.snapshot);
    if (snapshot?.news.type === 'snapshot') {
      job = snapshot.news.job;
      seq = Math.max(seq, snapshot.seq);
      found = true;
    }
    const ended = snap.logsEnd === undefined ? null : decodeEnvelope(snap.logsEnd);
    const logsEnded = ended?.news.type === 'logsEnd';
    if (ended && logsEnded) {
      seq = Math.max(seq, ended.seq);
      found = true;
    }
    const entries: LogEntry[] = [];
    for (const [, fields] of stream) {
      const at = fields.indexOf(STREAM_FIELD);
      const text = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
      const envelope = text === undefined ? null : decodeEnvelope(text);
      if (envelope?.news.type !== 'logs') continue;
      entries.push(...envelope.news.entries);
      seq = Math.max(seq, envelope.seq);
      found = true;
    }
    if (!found) return null;
    this.clock.note(keyString(key), seq);
    // MAXLEN ~ trims whole stream nodes only, so the stream may hold a few more than the cap.
    return { job, entries: entries.slice(-this.logCap), logsEnded, seq };
  }
}
