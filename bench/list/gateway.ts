// The gateway under test in its own process, as it is deployed: the production build (`npm run
// build`, then what `npm run serve` runs), configured only through the environment. `spawn` runs
// any other gateway the same way (the peer, bench/list/peer.ts): ready when a line says so.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ServiceBackendSettings } from '../../src/config.js';
import { processCpuMs, processRss } from '../lib/proc.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY = /^Job Gateway ready: GraphiQL at (\S+)/;
const START_TIMEOUT_MS = 60_000;
const KEPT_LINES = 50;

/** `npm run build`; its output goes to stderr so the report on stdout stays the tables. */
export function buildGateway(): void {
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.status ?? result.signal})`);
}

/** The variables that point a gateway (ours or the peer) at the simulators with their service credentials. */
export function backendEnv(settings: ServiceBackendSettings): Record<string, string> {
  const env: Record<string, string> = {
    UCLOUD_URL: settings.ucloud.url,
    RIME_URL: settings.rime.url,
    RIME_API_KEY: settings.rime.apiKey,
    DATAMANAGER_URL: settings.dataManager.url,
    DATAMANAGER_TOKEN: settings.dataManager.token,
    GPU_URL: settings.gpu.url,
    GPU_API_KEY: settings.gpu.apiKey,
    GPU_API_SECRET: settings.gpu.apiSecret,
  };
  // The UCloud simulator hands out a refresh token (and maybe a project), not an access token.
  if (settings.ucloud.token) env.UCLOUD_TOKEN = settings.ucloud.token;
  if (settings.ucloud.refreshToken) env.UCLOUD_REFRESH_TOKEN = settings.ucloud.refreshToken;
  if (settings.ucloud.project) env.UCLOUD_PROJECT = settings.ucloud.project;
  return env;
}

export class GatewayUnderTest {
  /** Lines the gateway wrote besides its banner (warnings, errors), first KEPT_LINES. */
  readonly output: string[] = [];
  outputLines = 0;
  private readonly exited: Promise<void>;
  /** The gateway's GraphQL URL, once its banner says it is ready. */
  readonly url: Promise<string>;

  private constructor(
    private readonly child: ChildProcess,
    ready: RegExp,
    /** Lines of stdout that are expected and not worth keeping (our banner's backend list). */
    quiet: (line: string) => boolean,
  ) {
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        process.off('exit', killOnExit);
        resolve();
      }),
    );
    const keep = (line: string): void => {
      this.outputLines++;
      if (this.output.length < KEPT_LINES) this.output.push(line);
    };
    this.url = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the gateway did not start in time:\n${this.output.join('\n')}`)), START_TIMEOUT_MS);
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the gateway exited while starting:\n${this.output.join('\n')}`));
      });
      if (child.stdout) {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const match = ready.exec(line);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          } else if (!quiet(line)) {
            keep(line);
          }
        });
      }
      if (child.stderr) createInterface({ input: child.stderr }).on('line', keep);
    });
  }

  static start(settings: ServiceBackendSettings, snapshotMs: number | null = null): GatewayUnderTest {
    // A clean environment, not ours: a stray REDIS_URL or OTEL_* in the shell would change what is measured.
    const env = {
      PATH: process.env.PATH ?? '',
      AUTH_MODE: 'none',
      LOG_LEVEL: 'warn',
      // As `npm run serve` sets it: graphql-js's development checks are not what is deployed.
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      ...(snapshotMs === null ? {} : { LIST_SNAPSHOT_MS: String(snapshotMs) }),
      ...backendEnv(settings),
    };
    // What `npm run serve` runs, without npm in between: the pid read from /proc is the gateway's own.
    const child = spawn(process.execPath, ['--enable-source-maps', 'dist/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new GatewayUnderTest(child, READY, (line) => line.startsWith('Backends: '));
  }

  /**
   * Another gateway: `node <args>` (node itself, never npm or npx in between, so the pid is the
   * server's), ready once stdout has a line matching `ready`, whose first group is its URL.
   */
  static spawn(args: readonly string[], options: Pick<SpawnOptions, 'cwd' | 'env'>, ready: RegExp): GatewayUnderTest {
    const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    return new GatewayUnderTest(child, ready, () => false);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** utime + stime of the gateway process so far (ms), from /proc. */
  cpuMs(): number | null {
    return processCpuMs(this.pid);
  }

  rss(): number | null {
    return processRss(this.pid);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
  }
}
