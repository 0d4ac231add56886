// Parent and child sides of the cluster benchmark's processes (simulators, gateway replicas,
// clients): requests answered by id, a `ready` message with what the child wants known, and
// events the child sends on its own. Every process has `ping` (clock offsets) and `shutdown`.
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { now } from '../../lib/time.js';

/** A request's parameters and its result. */
export interface Method {
  params: object;
  result: unknown;
}

/** What every process answers besides its own methods. */
export interface BaseMethods {
  ping: { params: Record<string, never>; result: { at: number } };
  /** Closes what the process runs; it then lets go of the channel and exits by itself. */
  shutdown: { params: Record<string, never>; result: { closeMs: number } };
}

export type Methods<M> = { [K in keyof M]: Method } & BaseMethods;

type Message =
  | { kind: 'ready'; info: unknown }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string }
  | { kind: 'event'; event: unknown };

interface Request {
  kind: 'request';
  id: number;
  method: string;
  params: unknown;
}

function isMessage(message: unknown): message is Message {
  if (typeof message !== 'object' || message === null) return false;
  const kind = (message as Record<string, unknown>).kind;
  return kind === 'ready' || kind === 'response' || kind === 'event';
}

function isRequest(message: unknown): message is Request {
  if (typeof message !== 'object' || message === null) return false;
  const { kind, id, method } = message as Record<string, unknown>;
  return kind === 'request' && typeof id === 'number' && typeof method === 'string';
}

const START_TIMEOUT_MS = 60_000;
const CALL_TIMEOUT_MS = 180_000;
const KEPT_LINES = 200;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ProcessExit {
  clean: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  closeMs: number | null;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** The parent's handle on one child: `Ready` is what its `ready` message carries, `Event` what it sends unasked. */
export class IpcProcess<M extends Methods<M>, Ready, Event> {
  private readonly pending = new Map<number, Pending>();
  private readonly exited: Promise<Omit<ProcessExit, 'closeMs'>>;
  private nextId = 1;
  private listener: (event: Event) => void = () => undefined;
  readonly stderr: string[] = [];
  stderrLines = 0;
  readonly ready: Promise<Ready>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    const killOnExit = (): void => {
      // The benchmark itself is ending (an error, Ctrl-C): never leave a child behind.
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        process.off('exit', killOnExit);
        for (const [, call] of this.pending) {
          clearTimeout(call.timer);
          call.reject(new Error(`${label} exited (${code ?? signal}) during a call:\n${this.stderr.slice(-10).join('\n')}`));
        }
        this.pending.clear();
        resolve({ clean: signal === null && code === 0, code, signal });
      });
    });
    if (child.stderr) {
      createInterface({ input: child.stderr }).on('line', (line) => {
        this.stderrLines++;
        if (this.stderr.length < KEPT_LINES) this.stderr.push(line);
      });
    }
    child.stdout?.resume();
    this.ready = new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label} did not start in time`)), START_TIMEOUT_MS);
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited while starting (${exit.code ?? exit.signal}):\n${this.stderr.join('\n')}`));
      });
      child.on('message', (message: unknown) => {
        if (!isMessage(message)) return;
        switch (message.kind) {
          case 'ready':
            clearTimeout(timer);
            // The child's `ready` carries its own `Ready` (see `serve`).
            resolve(message.info as Ready);
            break;
          case 'event':
            this.listener(message.event as Event);
            break;
          case 'response': {
            const call = this.pending.get(message.id);
            if (!call) return;
            this.pending.delete(message.id);
            clearTimeout(call.timer);
            if (message.ok) call.resolve(message.result);
            else call.reject(new Error(`${label}: ${message.error}`));
            break;
          }
        }
      });
    });
    // A child that fails to start is reported by whoever awaits `ready`; nobody may be yet.
    this.ready.catch(() => undefined);
  }

  /** Forks `file` (TypeScript, through tsx) with `options` as JSON in argv[2]. */
  static start<M extends Methods<M>, Ready, Event>(label: string, file: URL, options: unknown, nodeArgs: readonly string[] = []): IpcProcess<M, Ready, Event> {
    const extra = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    const child = fork(fileURLToPath(file), [JSON.stringify(options)], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', ...nodeArgs, ...extra],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new IpcProcess<M, Ready, Event>(label, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  onEvent(listener: (event: Event) => void): void {
    this.listener = listener;
  }

  call<K extends keyof M & string>(method: K, ...params: M[K]['params'] extends Record<string, never> ? [] : [M[K]['params']]): Promise<M[K]['result']> {
    // The child answers with what its handler of `method` returned (`serve` pairs them).
    return this.request(method, params[0] ?? {}) as Promise<M[K]['result']>;
  }

  private request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    const request: Request = { kind: 'request', id, method, params };
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: ${method} got no answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.child.send(request, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  /** The child's clock minus ours, from the ping with the shortest round trip. */
  async clockOffset(samples = 20): Promise<{ offsetMs: number; roundTripMs: number }> {
    let best = { offsetMs: 0, roundTripMs: Number.POSITIVE_INFINITY };
    for (let i = 0; i < samples; i++) {
      const sent = now();
      const { at } = (await this.request('ping', {})) as BaseMethods['ping']['result'];
      const back = now();
      if (back - sent < best.roundTripMs) best = { offsetMs: at - (sent + back) / 2, roundTripMs: back - sent };
    }
    return best;
  }

  async stop(timeoutMs = 15_000): Promise<ProcessExit> {
    let closeMs: number | null = null;
    if (this.child.connected) {
      try {
        closeMs = ((await this.request('shutdown', {})) as BaseMethods['shutdown']['result']).closeMs;
      } catch {
        // Reported as an unclean exit.
      }
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return { ...exit, closeMs };
  }
}

export type Handlers<M extends Methods<M>> = { [K in keyof M]: (params: M[K]['params']) => Promise<M[K]['result']> };

function send(message: Message): void {
  // The parent may be gone already (it crashed or was interrupted); nothing is left to tell.
  if (process.connected) process.send?.(message);
}

/** Child side: the options the parent started it with (argv[2]). */
export function childOptions<T>(file: string): T {
  if (!process.send) throw new Error(`${file} runs as a child of the benchmark (IPC), not on its own`);
  // The parent wrote this JSON from a `T` (IpcProcess.start).
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

export function emit(event: unknown): void {
  send({ kind: 'event', event });
}

/**
 * Child side: answers the parent's requests with `handlers`, then says it is ready. After answering
 * `shutdown` it lets go of the channel; with everything closed it exits by itself.
 */
export function serve<M extends Methods<M>>(handlers: Handlers<M>, ready: unknown, onDisconnect: () => void): void {
  process.on('message', (message: unknown) => {
    if (!isRequest(message) || !(message.method in handlers)) return;
    const method = message.method as keyof M;
    // The parent typed the params for this method (IpcProcess.call).
    const handler = handlers[method] as (params: unknown) => Promise<unknown>;
    handler(message.params).then(
      (result) => {
        send({ kind: 'response', id: message.id, ok: true, result });
        if (message.method === 'shutdown') process.disconnect();
      },
      (error: unknown) => send({ kind: 'response', id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  // The parent went away without asking: stop cleanly anyway.
  process.on('disconnect', onDisconnect);
  send({ kind: 'ready', info: ready });
}
