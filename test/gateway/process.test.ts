// `npm start` as a supervisor runs it (systemd, a container runtime, CI): signals go to the pid it
// started, never to a process group. npm must hand them to the gateway, and report its death.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulators/rime/index.js';

function npmStart(env: Record<string, string>): { child: ChildProcess; out: () => string } {
  // Its own process group (detached), so nothing but the pid signalled below can reach the gateway.
  const child = spawn('npm', ['start', '--silent'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return { child, out: () => stdout };
}

async function ready(child: ChildProcess, out: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line: ${out()}`)), 30_000);
    child.stdout?.on('data', () => {
      const found = /GraphiQL at (http:\/\/\S+)\n/.exec(out());
      if (found?.[1] && /backends/i.test(out())) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
      signal: AbortSignal.timeout(2_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

describe('npm start under a supervisor', () => {
  it('stops the gateway when SIGTERM goes to the pid npm runs as', async () => {
    const { child, out } = npmStart({ PORT: '0' });
    try {
      const url = await ready(child, out);
      expect(await answers(url)).toBe(true);
      process.kill(child.pid!, 'SIGTERM');
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(out()).toContain('SIGTERM received, stopping');
      expect(await answers(url)).toBe(false);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });

  it('exits non-zero when the gateway cannot run', async () => {
    const { child } = npmStart({ PORT: 'eighty' });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
  });
});

describe('npm start with real backends', () => {
  it('says which backends are served and which are off', async () => {
    const rime = await startSimulator({ seed: 1, jobCount: 5 });
    const { child, out } = npmStart({ PORT: '0', AUTH_MODE: 'none', RIME_URL: rime.url, RIME_API_KEY: rime.credentials.apiKey });
    try {
      await ready(child, out);
      expect(out()).toContain('Backends: RIME (off, no URL set: UCLOUD, DATA_MANAGER, GPU)');
      expect(out()).not.toContain('Demo mode');
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      await rime.close();
    }
  });
});
