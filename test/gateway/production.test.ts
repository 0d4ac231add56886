// Production: `npm run build` compiles src/ to dist/, and `npm run serve` runs that with plain
// `node` (no tsx), under a supervisor that signals the pid it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BUILD_TIMEOUT_MS = 120_000;

/** The environment of the test run without anything that would configure a backend (demo mode). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(UCLOUD|RIME|DATAMANAGER|GPU)_|^(REDIS_URL|HOST|PORT|NODE_OPTIONS)$/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function npm(args: string[], env: Record<string, string> = {}): { child: ChildProcess; out: () => string } {
  // Its own process group (detached), so nothing but the pid signalled below can reach the gateway.
  const child = spawn('npm', args, { cwd: root, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { child, out: () => out };
}

/** Whatever is left of the process group (npm, and node under it), if anything. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The GraphQL URL, once the ready line and the line after it (the backends) are out. */
async function ready(child: ChildProcess, out: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up lines: ${out()}`)), 30_000);
    const look = () => {
      const found = /Job Gateway ready: GraphiQL at (http:\/\/\S+)\n(.*backends.*)\n/i.exec(out());
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before it was ready: ${out()}`));
    });
  });
}

describe('the compiled gateway (npm run build, npm run serve)', () => {
  beforeAll(async () => {
    const { child, out } = npm(['run', 'build', '--silent']);
    try {
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, out()).toBe(0);
    } finally {
      killGroup(child);
    }
    expect(existsSync(`${root}/dist/main.js`)).toBe(true);
  }, BUILD_TIMEOUT_MS);

  it('serves demo mode with plain node and stops cleanly on SIGTERM to the pid npm runs as', async () => {
    const { child, out } = npm(['run', 'serve', '--silent'], { PORT: '0' });
    try {
      const url = await ready(child, out);
      expect(out()).toContain('Demo mode');

      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ providers { provider reachable } }' }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data?: { providers: { provider: string; reachable: boolean }[] }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      const providers = body.data?.providers ?? [];
      expect(providers.map((p) => p.provider).sort()).toEqual(['DATA_MANAGER', 'GPU', 'RIME', 'UCLOUD']);
      expect(providers.every((p) => p.reachable)).toBe(true);

      const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
      process.kill(child.pid!, 'SIGTERM');
      const [code, signal] = await exited;
      expect({ code, signal }, out()).toEqual({ code: 0, signal: null });
      expect(out()).toContain('SIGTERM received, stopping');
    } finally {
      killGroup(child);
    }
  });
});
