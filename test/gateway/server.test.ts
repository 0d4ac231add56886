// The gateway as a process and as a server: `npm start`'s entry point in demo mode, GraphiQL,
// the providers query, and start-up refusing bad configuration with one clear line per variable.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/client/index.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';

const Providers = graphql(`
  query Providers {
    providers {
      provider
      enabled
      reachable
      checkedAt
      lastError {
        code
        message
      }
      capabilities {
        cancel
        create
        extend
        suspend
        resume
        logs
      }
    }
  }
`);

describe('the server', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ seed: 2, config: { upstreamTimeoutMs: 1_000 } });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('serves GraphiQL, with WebSocket subscriptions, at the GraphQL path', async () => {
    const response = await fetch(world.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('GraphiQL');
    expect(html).toContain('"subscriptionsProtocol":"WS"');
  });

  it('reports every backend: enabled, reachable, what it supports', async () => {
    const { providers } = await gqlData(world.url, Providers);
    expect(providers.map((p) => p.provider)).toEqual(['UCLOUD', 'RIME', 'DATA_MANAGER', 'GPU']);
    expect(providers.every((p) => p.checkedAt !== null && Date.now() - Date.parse(p.checkedAt) < 10_000)).toBe(true);
    expect(providers.every((p) => p.enabled && p.reachable && p.lastError === null)).toBe(true);
    const caps = Object.fromEntries(providers.map((p) => [p.provider, p.capabilities]));
    expect(caps.UCLOUD).toEqual({ cancel: true, create: true, extend: true, suspend: true, resume: true, logs: true });
    expect(caps.GPU).toMatchObject({ create: true, extend: false, suspend: false });
    expect(caps.RIME).toMatchObject({ create: false, extend: false, logs: true });
  });

  it('shares one probe per backend among clients asking at the same time, and answers from it for two seconds', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const servers = [world.demo.ucloud, world.demo.rime, world.demo.dataManager, world.demo.gpu].map((sim) => sim.server);
    for (const server of servers) server.resetCounts();
    const answers = await Promise.all(Array.from({ length: 10 }, () => gqlData(world.url, Providers)));
    await gqlData(world.url, Providers);
    expect(answers.every((answer) => answer.providers.every((p) => p.reachable))).toBe(true);
    // One probe each, for eleven answers.
    expect(servers.map((server) => server.count())).toEqual([1, 1, 1, 1]);
  });

  it('reports a backend that does not answer as unreachable, with the reason', async () => {
    world.demo.rime.server.faults.set({ errorRate: 1 });
    // Past the shared probe of the test before.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    try {
      const { providers } = await gqlData(world.url, Providers);
      const rime = providers.find((p) => p.provider === 'RIME')!;
      expect(rime).toMatchObject({ enabled: true, reachable: false, lastError: { code: 'UNAVAILABLE' } });
      expect(providers.filter((p) => p.reachable).map((p) => p.provider)).toEqual(['UCLOUD', 'DATA_MANAGER', 'GPU']);
    } finally {
      world.demo.rime.server.faults.reset();
    }
  });
});

describe('configuration', () => {
  it('names every bad variable on its own line, and never echoes a secret', () => {
    let error: unknown;
    try {
      loadConfig({
        AUTH_MODE: 'none',
        PORT: 'eighty',
        POLL_INTERVAL_MS: '5',
        RIME_URL: 'ftp://rime.example',
        GPU_URL: 'https://gpu.example',
        GPU_API_KEY: 'pk_live_supersecretvalue',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    // Every problem in one run, the ones about variables that go together included.
    expect(problems).toEqual([
      'PORT must be a whole number from 0 to 65535 (got "eighty")',
      'POLL_INTERVAL_MS must be at least 50 (got "5")',
      'RIME_URL must be an http:// or https:// URL (got "ftp://rime.example")',
      'RIME_API_KEY is required when RIME_URL is set',
      'GPU_API_SECRET is required when GPU_URL is set',
    ]);
    const second = (() => {
      try {
        loadConfig({ AUTH_MODE: 'none', GPU_URL: 'https://gpu.example', GPU_API_KEY: 'pk_live_supersecretvalue', UCLOUD_TOKEN: 'abc' });
      } catch (caught) {
        return (caught as ConfigError).problems;
      }
      return [];
    })();
    expect(second).toEqual(['UCLOUD_TOKEN is set but UCLOUD_URL is not', 'GPU_API_SECRET is required when GPU_URL is set']);
    expect(JSON.stringify([problems, second])).not.toContain('supersecret');
  });

  it('reads the defaults and a complete backend', () => {
    const config = loadConfig({ AUTH_MODE: 'none', DATAMANAGER_URL: 'https://dm.example/data-manager-api', DATAMANAGER_TOKEN: 't0ken' });
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      pollIntervalMs: 2000,
      upstreamTimeoutMs: 10000,
      dataManager: { url: 'https://dm.example/data-manager-api', token: 't0ken' },
      ucloud: null,
      rime: null,
      gpu: null,
    });
  });
});

describe('the process (npm start)', () => {
  function start(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return { child, out: () => stdout, err: () => stderr };
  }

  it('starts the demo backends, serves GraphQL, and stops cleanly on SIGTERM', async () => {
    const { child, out } = start({ PORT: '0' });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no start-up line')), 20_000);
      child.stdout.on('data', () => {
        const found = /GraphiQL at (http:\/\/\S+)\n/.exec(out());
        if (found?.[1] && out().includes('backends')) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
    });
    expect(out()).toContain('Demo mode');
    const data = await gqlData(url, Providers);
    expect(data.providers.every((p) => p.enabled && p.reachable)).toBe(true);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('refuses bad configuration with one line per problem and exit code 2', async () => {
    const { child, err } = start({ PORT: 'x', UPSTREAM_TIMEOUT_MS: '0' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    const lines = err().trim().split('\n');
    expect(lines).toEqual([
      'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "x")',
      'Invalid configuration: UPSTREAM_TIMEOUT_MS must be at least 100 (got "0")',
    ]);
  });
});
