// Every variable goes through the configuration's schema: LOG_LEVEL and the per-backend HTTP
// settings included, one line per problem, no secret ever shown (in a URL either).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, type HttpSettings } from '../../src/config.js';
import { log, setLogLevel } from '../../src/log.js';

const RIME = { AUTH_MODE: 'none', RIME_URL: 'https://rime.example', RIME_API_KEY: 'rime-key-0123456789' };
const ALL = {
  UCLOUD_URL: 'https://ucloud.example',
  UCLOUD_TOKEN: 'ucloud-token-0123456789',
  ...RIME,
  DATAMANAGER_URL: 'https://dm.example/data-manager-api',
  DATAMANAGER_TOKEN: 'dm-token-0123456789',
  GPU_URL: 'https://gpu.example',
  GPU_API_KEY: 'gpu-key-0123456789',
  GPU_API_SECRET: 'gpu-secret-0123456789',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the configuration was accepted');
}

describe('LOG_LEVEL', () => {
  it('is info by default, and any of the four levels in any case', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(loadConfig({ LOG_LEVEL: ' WARN ' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'Error' }).logLevel).toBe('error');
  });

  it('refuses anything else, naming the variable', () => {
    expect(problemsOf({ LOG_LEVEL: 'inof' })).toEqual(['LOG_LEVEL must be one of debug, info, warn, error (got "inof")']);
    expect(problemsOf({ LOG_LEVEL: 'verbose', PORT: '-1' })).toEqual([
      'PORT must be a whole number from 0 to 65535 (got "-1")',
      'LOG_LEVEL must be one of debug, info, warn, error (got "verbose")',
    ]);
  });
});

describe('the log', () => {
  afterEach(() => {
    setLogLevel('info');
    vi.restoreAllMocks();
  });

  it('writes what its configured level lets through', () => {
    const lines: string[] = [];
    // Log records are JSON lines on stdout.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    log.debug('d0');
    log.info('i0');
    setLogLevel('warn');
    log.info('i1');
    log.warn('w1');
    setLogLevel('debug');
    log.debug('d2');
    const records = lines.map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(records.map((record) => `${record.level.toUpperCase()} ${record.msg}`)).toEqual(['INFO i0', 'WARN w1', 'DEBUG d2']);
  });
});

describe('per-backend HTTP settings', () => {
  it('are absent unless set, so the defaults apply', () => {
    const config = loadConfig(ALL);
    for (const settings of [config.ucloud, config.rime, config.dataManager, config.gpu]) {
      expect(settings).not.toBeNull();
      expect(settings).not.toHaveProperty('http');
    }
  });

  it('hold exactly what is set, per backend', () => {
    const config = loadConfig({
      ...ALL,
      UCLOUD_TIMEOUT_MS: '2500',
      UCLOUD_RETRIES: '0',
      RIME_RETRY_BASE_MS: '50',
      RIME_RETRY_MAX_MS: '800',
      GPU_CONNECTIONS: ' 8 ',
      DATAMANAGER_TIMEOUT_MS: '',
    });
    expect(config.ucloud?.http).toEqual({ timeoutMs: 2500, retries: 0 } satisfies Partial<HttpSettings>);
    expect(config.rime?.http).toEqual({ retryBaseDelayMs: 50, retryMaxDelayMs: 800 });
    expect(config.gpu?.http).toEqual({ connections: 8 });
    // Empty means unset, as for every variable.
    expect(config.dataManager).not.toHaveProperty('http');
    expect(config.upstreamTimeoutMs).toBe(10_000);
  });

  it('accept both ends of every range', () => {
    const low = loadConfig({ ...RIME, RIME_TIMEOUT_MS: '100', RIME_RETRIES: '0', RIME_RETRY_BASE_MS: '1', RIME_RETRY_MAX_MS: '1', RIME_CONNECTIONS: '1' });
    expect(low.rime?.http).toEqual({ timeoutMs: 100, retries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1, connections: 1 });
    const high = loadConfig({
      ...RIME,
      RIME_TIMEOUT_MS: '600000',
      RIME_RETRIES: '10',
      RIME_RETRY_BASE_MS: '60000',
      RIME_RETRY_MAX_MS: '600000',
      RIME_CONNECTIONS: '1024',
    });
    expect(high.rime?.http).toEqual({ timeoutMs: 600_000, retries: 10, retryBaseDelayMs: 60_000, retryMaxDelayMs: 600_000, connections: 1024 });
  });

  it('refuse values outside their ranges and anything not a whole number, one line per variable', () => {
    expect(
      problemsOf({
        ...ALL,
        UCLOUD_TIMEOUT_MS: '99',
        UCLOUD_RETRIES: '11',
        RIME_RETRY_BASE_MS: '0',
        RIME_RETRY_MAX_MS: '600001',
        DATAMANAGER_CONNECTIONS: '0',
        DATAMANAGER_RETRIES: '1.5',
        GPU_TIMEOUT_MS: '5s',
        GPU_CONNECTIONS: '-4',
      }),
    ).toEqual([
      'UCLOUD_TIMEOUT_MS must be at least 100 (got "99")',
      'UCLOUD_RETRIES must be at most 10 (got "11")',
      'RIME_RETRY_BASE_MS must be at least 1 (got "0")',
      'RIME_RETRY_MAX_MS must be at most 600000 (got "600001")',
      'DATAMANAGER_RETRIES must be a whole number from 0 to 10 (got "1.5")',
      'DATAMANAGER_CONNECTIONS must be at least 1 (got "0")',
      'GPU_TIMEOUT_MS must be a whole number from 100 to 600000 (got "5s")',
      'GPU_CONNECTIONS must be a whole number from 1 to 1024 (got "-4")',
    ]);
  });

  it('refuse a base delay above the maximum delay when both are set', () => {
    expect(problemsOf({ ...RIME, RIME_RETRY_BASE_MS: '2000', RIME_RETRY_MAX_MS: '1000' })).toEqual([
      'RIME_RETRY_BASE_MS must not be more than RIME_RETRY_MAX_MS (got "2000")',
    ]);
    // One alone is laid over the other's default, which the HTTP client caps.
    expect(loadConfig({ ...RIME, RIME_RETRY_BASE_MS: '8000' }).rime?.http).toEqual({ retryBaseDelayMs: 8000 });
  });

  it('refuse settings of a backend that is not configured', () => {
    expect(problemsOf({ ...RIME, GPU_RETRIES: '2', UCLOUD_CONNECTIONS: '4' })).toEqual([
      'UCLOUD_CONNECTIONS is set but UCLOUD_URL is not',
      'GPU_RETRIES is set but GPU_URL is not',
    ]);
  });
});

describe('secrets', () => {
  it('are never shown, in a URL either', () => {
    const problems = problemsOf({
      AUTH_MODE: 'none',
      RIME_URL: 'ftp://user:hunter2@rime',
      RIME_API_KEY: 'k',
      GPU_URL: 'https://key:hunter2@gpu.example',
      GPU_API_KEY: 'gpu-key',
      GPU_API_SECRET: ' ',
      DATAMANAGER_URL: 'dm.example/?token=hunter2',
      DATAMANAGER_TOKEN: 'hunter2',
      UCLOUD_URL: 'https://ucloud.example',
      UCLOUD_TOKEN: ' ',
    });
    expect(problems).toEqual([
      'UCLOUD_TOKEN must not be empty',
      'RIME_URL must be an http:// or https:// URL',
      'DATAMANAGER_URL must be an http:// or https:// URL',
      'GPU_URL must not contain a user name or password',
      'GPU_API_SECRET must not be empty',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

describe('the process', () => {
  it('stops with exit code 2 and one line per bad variable, LOG_LEVEL and a URL with a password included', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: '0', AUTH_MODE: 'none', LOG_LEVEL: 'verbose', RIME_URL: 'https://u:hunter2@rime.example', RIME_API_KEY: 'k', RIME_RETRIES: 'three' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      'Invalid configuration: LOG_LEVEL must be one of debug, info, warn, error (got "verbose")',
      'Invalid configuration: RIME_URL must not contain a user name or password',
      'Invalid configuration: RIME_RETRIES must be a whole number from 0 to 10 (got "three")',
    ]);
  });

  it('logs at the configured level', async () => {
    // The one record a demo run writes for sure is "SIGTERM received, stopping", at info.
    async function logOfDemoRun(level: string): Promise<string> {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { ...process.env, PORT: '0', LOG_LEVEL: level },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up line (${stderr})`)), 20_000);
        child.stdout.on('data', () => {
          if (stdout.includes('Demo mode')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGTERM');
      const [code, signal] = await once(child, 'exit');
      // Not killed by the signal: the gateway handles it once it has said it is ready.
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      return stdout;
    }
    const [info, warn] = await Promise.all([logOfDemoRun('INFO'), logOfDemoRun('warn')]);
    expect(info).toMatch(/"level":"info"[^\n]*"msg":"SIGTERM received, stopping"/);
    expect(warn).not.toContain('SIGTERM received');
  });
});
