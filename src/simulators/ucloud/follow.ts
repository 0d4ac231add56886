// `jobs.follow` over WebSocket at `/api/jobs`: the request frame carries the bearer token; the server
// sends the job, then polls it and sends what is new (updates, status, log chunks) until it ends.
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../common/clock.js';
import type { Drift } from '../common/drift.js';
import { Random } from '../common/random.js';
import type { SimServer } from '../common/server.js';
import type { TokenStore } from './auth.js';
import { Refusal, type SimJob, type World } from './data.js';
import type { ForeignJobs, OwnerView, Ownership } from './people.js';
import { FINAL, type Dialect } from './plan.js';
import { errorBody, forDialect, jobJson, statusJson, updatesJson, type Json } from './serialize.js';

export interface FollowOptions {
  httpServer: Server;
  sim: SimServer;
  world: World;
  tokens: TokenStore;
  clock: Clock;
  dialect: Dialect;
  drift: Drift;
  seed: number | string;
  /** Real-time interval between two looks at a followed job. */
  pollMs: number;
  /** Real-time interval of Kotlin's `{"ping":"pong"}` keep-alive. */
  pingMs: number;
  people: Ownership;
  foreignJobs: ForeignJobs;
}

/** What a follow stream asks for about the job. */
const FOLLOW_FLAGS = { includeUpdates: true, includeParameters: true, includeProduct: false, includeApplication: false } as const;
/** Largest log chunk in one `JobsLog`, and most entries per frame. */
const MAX_CHUNK = 4_096;
const MAX_ENTRIES = 64;

interface Stream {
  socket: WebSocket;
  streamId: string;
  job: SimJob;
  sentUpdates: Set<string>;
  status: string;
  sent: Map<string, number>;
  random: Random;
  timer: NodeJS.Timeout | null;
}

export class FollowServer {
  private readonly wss: WebSocketServer;
  private readonly streams = new Set<Stream>();
  private readonly pings = new Map<WebSocket, NodeJS.Timeout>();
  private opened = 0;

  constructor(private readonly options: FollowOptions) {
    this.wss = new WebSocketServer({ server: options.httpServer, path: '/api/jobs', perMessageDeflate: false });
    this.wss.on('connection', (socket) => this.connected(socket));
  }

  /** Streams currently open. */
  get active(): number {
    return this.streams.size;
  }

  /** Cuts every follow connection without a final frame, as a network failure or a restart would. */
  drop(): void {
    for (const stream of this.streams) this.stop(stream);
    for (const socket of this.wss.clients) socket.terminate();
  }

  async close(): Promise<void> {
    for (const stream of this.streams) this.stop(stream);
    for (const timer of this.pings.values()) clearInterval(timer);
    this.pings.clear();
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private connected(socket: WebSocket): void {
    if (this.options.dialect === 'kotlin') {
      this.pings.set(
        socket,
        setInterval(() => {
          if (socket.readyState === socket.OPEN) socket.send('{"ping":"pong"}');
        }, this.options.pingMs),
      );
    }
    socket.on('message', (data) => this.request(socket, data.toString()));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      clearInterval(this.pings.get(socket));
      this.pings.delete(socket);
      for (const stream of this.streams) if (stream.socket === socket) this.stop(stream);
    });
  }

  private request(socket: WebSocket, text: string): void {
    let frame: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return;
      frame = parsed as Record<string, unknown>;
    } catch {
      return;
    }
    const streamId = typeof frame['streamId'] === 'string' ? frame['streamId'] : String(frame['streamId'] ?? '0');
    if (frame['call'] !== 'jobs.follow') {
      this.deny(socket, streamId, 404, 'Unknown call');
      return;
    }
    this.options.sim.increment('WS jobs.follow');
    const bearer = typeof frame['bearer'] === 'string' ? frame['bearer'] : null;
    const project = typeof frame['project'] === 'string' && frame['project'] !== '' ? frame['project'] : null;
    const payload = frame['payload'] as Record<string, unknown> | undefined;
    const id = payload?.['id'];
    const job = typeof id === 'string' ? this.options.world.find(id) : undefined;
    const now = this.options.clock.now();
    if (!this.options.tokens.isValidAccess(bearer)) {
      const person = this.options.people.personByToken(bearer);
      if (!person) {
        this.deny(socket, streamId, 401, 'Unauthorized');
        return;
      }
      // A person follows what they may retrieve, refused the same way retrieve refuses them.
      try {
        const workspace = this.options.people.workspaceOf(project);
        const own = this.options.people.jobFor(person, job, workspace, now, this.options.foreignJobs);
        this.start(socket, streamId, own, this.options.people.ownerView(own));
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        this.deny(socket, streamId, error.status, error.message);
      }
      return;
    }
    if (project !== null && !this.options.world.projects.some((candidate) => candidate.id === project)) {
      this.deny(socket, streamId, 403, 'Forbidden');
      return;
    }
    if (!job || job.createdAt > now || (project !== null && job.project !== project)) {
      this.deny(socket, streamId, 404, 'Not Found');
      return;
    }
    this.start(socket, streamId, job);
  }

  /** Kotlin answers with a final frame carrying the error; Go just closes the socket. */
  private deny(socket: WebSocket, streamId: string, status: number, why: string): void {
    if (this.options.dialect === 'kotlin') {
      this.send(socket, { type: 'response', streamId, status, payload: errorBody('kotlin', status, why) });
    } else {
      socket.close(1000);
    }
  }

  /** `owner`: as the follower reads it (undefined: the world's, for the service account). */
  private start(socket: WebSocket, streamId: string, job: SimJob, owner?: OwnerView): void {
    const { world, clock, dialect } = this.options;
    const now = clock.now();
    const initial = jobJson(world, job, now, FOLLOW_FLAGS, owner) as { updates: Json[]; status: Json };
    const stream: Stream = {
      socket,
      streamId,
      job,
      sentUpdates: new Set(initial.updates.map((update) => JSON.stringify(update))),
      status: JSON.stringify(initial.status),
      sent: new Map(),
      random: new Random(`${this.options.seed}:follow:${job.id}:${++this.opened}`),
      timer: null,
    };
    this.streams.add(stream);
    // The job is drifted after the dialect's omissions, which would otherwise undo a drift's nulls.
    const initialJob = this.options.drift.apply(job.id, forDialect(initial as Json, dialect));
    const rest = forDialect({ updates: [], log: [], newStatus: dialect === 'kotlin' ? initial.status : null }, dialect) as { [key: string]: Json };
    this.send(socket, { type: 'message', streamId, payload: { ...rest, initialJob } });
    // The first look right away (it carries the output so far), then one per interval.
    setImmediate(() => this.tick(stream));
    stream.timer = setInterval(() => this.tick(stream), this.options.pollMs);
  }

  private tick(stream: Stream): void {
    if (!this.streams.has(stream)) return;
    const { world, clock, dialect } = this.options;
    const now = clock.now();
    const updates = updatesJson(world.updates(stream.job, now)).filter((update) => !stream.sentUpdates.has(JSON.stringify(update)));
    for (const update of updates) stream.sentUpdates.add(JSON.stringify(update));
    const status = statusJson(world, stream.job, now, FOLLOW_FLAGS);
    const statusText = JSON.stringify(status);
    const statusChanged = statusText !== stream.status;
    stream.status = statusText;
    const logs = this.newOutput(stream, now);

    const batches: Json[][] = [];
    for (let i = 0; i < logs.length; i += MAX_ENTRIES) batches.push(logs.slice(i, i + MAX_ENTRIES));
    if (updates.length > 0 || statusChanged || batches.length > 0) {
      this.message(stream, { updates, log: batches[0] ?? [], newStatus: statusChanged ? status : null, initialJob: null });
      for (const batch of batches.slice(1)) this.message(stream, { updates: [], log: batch, newStatus: null, initialJob: null });
    }

    if (FINAL.has(world.stateOf(stream.job, now))) {
      this.stop(stream);
      if (dialect === 'kotlin') {
        this.send(stream.socket, {
          type: 'response',
          streamId: stream.streamId,
          status: 200,
          payload: { updates: [], log: [], newStatus: null, initialJob: null },
        });
      } else {
        // Go ends the stream when the log stream ends, by closing the socket.
        stream.socket.close(1000);
      }
    }
  }

  /** New output since the last look, cut into chunks at arbitrary points. */
  private newOutput(stream: Stream, now: number): Json[] {
    const entries: Json[] = [];
    for (const output of this.options.world.output(stream.job, now)) {
      for (const channel of ['stdout', 'stderr'] as const) {
        const key = `${output.rank}:${channel}`;
        const text = output[channel];
        const from = stream.sent.get(key) ?? 0;
        if (text.length <= from) continue;
        stream.sent.set(key, text.length);
        let position = from;
        while (position < text.length) {
          const size = Math.min(MAX_CHUNK, text.length - position, stream.random.chance(0.5) ? text.length - position : stream.random.int(1, 600));
          const chunk = text.slice(position, position + size);
          position += size;
          entries.push({ rank: output.rank, stdout: channel === 'stdout' ? chunk : null, stderr: channel === 'stderr' ? chunk : null, channel: null });
        }
      }
    }
    return entries;
  }

  private message(stream: Stream, payload: { [key: string]: Json }): void {
    this.send(stream.socket, { type: 'message', streamId: stream.streamId, payload: forDialect(payload, this.options.dialect) });
  }

  private send(socket: WebSocket, frame: { [key: string]: Json }): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  }

  private stop(stream: Stream): void {
    if (stream.timer) clearInterval(stream.timer);
    stream.timer = null;
    this.streams.delete(stream);
  }
}
