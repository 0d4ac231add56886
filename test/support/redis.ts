// A real redis-server per test file, on a free loopback port, without persistence: the Redis live
// layer is tested against Redis itself, not a fake that could share its misreadings.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

/** Debian's package installs it on the PATH; REDIS_SERVER overrides (another build, another path). */
export const REDIS_BINARY = process.env.REDIS_SERVER ?? 'redis-server';

export interface RunningRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The server process now; null while stopped. */
  readonly pid: number | null;
  /** SIGTERM, and waits for the process to exit (an outage; data is gone, as after a restart without persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port, waiting until it accepts. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

let available: boolean | undefined;

export function redisAvailable(): boolean {
  available ??= spawnSync(REDIS_BINARY, ['--version'], { stdio: 'ignore' }).status === 0;
  return available;
}

/**
 * `describe` when redis-server is installed. Without it: skipped with a loud warning on a
 * developer's machine, but failing under CI (CI is set), where a missing Redis must not pass quietly.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisAvailable()) {
    describe(name, body);
    return;
  }
  const why = `${REDIS_BINARY} not found: install it (apt-get install redis-server) to run "${name}"`;
  if (process.env.CI) {
    describe(name, () => {
      it('needs redis-server', () => {
        throw new Error(why);
      });
    });
    return;
  }
  console.warn(`\n!!! SKIPPED: ${why}\n`);
  describe.skip(name, body);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something on `port` answers PING with PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    if (child) return;
    output = '';
    const spawned = spawn(
      REDIS_BINARY,
      ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = spawned;
    // Kept for the error message should it never accept.
    spawned.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    spawned.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exited = false;
    spawned.once('exit', () => {
      exited = true;
      if (child === spawned) child = undefined;
    });
    const deadline = Date.now() + 10_000;
    while (!(await pings(port))) {
      if (exited || Date.now() > deadline) {
        spawned.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (!running) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const killer = setTimeout(() => running.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    child = undefined;
  };

  // A run ending any way at all (an error, Ctrl-C) must not leave a server behind.
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? null;
    },
    stop,
    start,
    async close() {
      await stop();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
