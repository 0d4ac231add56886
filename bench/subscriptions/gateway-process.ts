// Parent side of the child process: starts it, calls it, hears its observations, stops it.
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { now } from '../lib/time.js';
import { isChildMessage, type ChildMethods, type ChildOptions, type MethodName, type Observation, type Request } from './protocol.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const CALL_TIMEOUT_MS = 120_000;
/** Lines of the child's stderr kept for the report (warnings of the gateway's live layer, say). */
const KEPT_LINES = 200;

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ChildExit {
  /** The child exited by itself after shutdown (false: it had to be killed). */
  clean: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class GatewayProcess {
  private readonly pending = new Map<number, Pending>();
  private readonly exited: Promise<ChildExit>;
  private nextId = 1;
  private changeListener: (change: Observation) => void = () => undefined;
  /** The child's stderr, line by line (first KEPT_LINES), and how many lines there were. */
  readonly stderr: string[] = [];
  stderrLines = 0;
  /** The gateway's GraphQL URL. */
  readonly url: Promise<string>;

  private constructor(private readonly child: ChildProcess) {
    const killOnExit = (): void => {
      // The benchmark itself is ending (an error, Ctrl-C): never leave the child behind.
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    this.exited = new Promise<ChildExit>((resolve) => {
      child.once('exit', (code, signal) => {
        process.off('exit', killOnExit);
        for (const [, call] of this.pending) {
          clearTimeout(call.timer);
          call.reject(new Error(`the gateway process exited (${code ?? signal}) during a call`));
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
    this.url = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the gateway process did not start in time')), START_TIMEOUT_MS);
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`the gateway process exited while starting (${exit.code ?? exit.signal}):\n${this.stderr.join('\n')}`));
      });
      child.on('message', (message: unknown) => {
        if (!isChildMessage(message)) return;
        switch (message.kind) {
          case 'ready':
            clearTimeout(timer);
            resolve(message.url);
            break;
          case 'changes':
            for (const change of message.changes) this.changeListener(change);
            break;
          case 'response': {
            const call = this.pending.get(message.id);
            if (!call) return;
            this.pending.delete(message.id);
            clearTimeout(call.timer);
            if (message.ok) call.resolve(message.result);
            else call.reject(new Error(`gateway process: ${message.error}`));
            break;
          }
        }
      });
    });
  }

  static start(options: ChildOptions): GatewayProcess {
    // BENCH_CHILD_NODE_ARGS adds node flags to the gateway process only (say `--cpu-prof`, which
    // NODE_OPTIONS refuses), to look into what a run shows.
    const extra = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    const child = fork(CHILD, [JSON.stringify(options)], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', '--expose-gc', ...extra],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new GatewayProcess(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  onChange(listener: (change: Observation) => void): void {
    this.changeListener = listener;
  }

  call<M extends MethodName>(method: M, ...params: ChildMethods[M]['params'] extends Record<string, never> ? [] : [ChildMethods[M]['params']]): Promise<ChildMethods[M]['result']> {
    const id = this.nextId++;
    const request = { kind: 'request', id, method, params: params[0] ?? {} } as Request;
    return new Promise<ChildMethods[M]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`gateway process: ${method} got no answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      // The child answers with what the handler of `method` returned (protocol.ts pairs them).
      this.pending.set(id, { resolve: (result) => resolve(result as ChildMethods[M]['result']), reject, timer });
      this.child.send(request, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  /**
   * The child's clock minus ours, from the ping with the shortest round trip: delays are measured
   * across the two processes, so their clocks are put on one scale.
   */
  async clockOffset(samples = 20): Promise<{ offsetMs: number; roundTripMs: number }> {
    let best = { offsetMs: 0, roundTripMs: Number.POSITIVE_INFINITY };
    for (let i = 0; i < samples; i++) {
      const sent = now();
      const { at } = await this.call('ping');
      const back = now();
      if (back - sent < best.roundTripMs) best = { offsetMs: at - (sent + back) / 2, roundTripMs: back - sent };
    }
    return best;
  }

  /** Asks the child to shut down and waits for it to exit; kills it if it does not in time. */
  async stop(timeoutMs = 15_000): Promise<ChildExit & { closeMs: number | null }> {
    let closeMs: number | null = null;
    if (this.child.connected) {
      try {
        closeMs = (await this.call('shutdown')).closeMs;
      } catch {
        // Reported below as an unclean exit.
      }
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return { ...exit, closeMs };
  }
}
