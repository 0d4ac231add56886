// AUTH_MODE at start-up: a gateway holding its own backend credentials must be told who may call
// it, and says exactly which variable is missing; demo mode and forwarding-only gateways need not.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const RIME = { RIME_URL: 'https://rime.example', RIME_API_KEY: 'rime-key-0123456789' };

function problemsOf(env: Record<string, string>): string[] {
  let thrown: unknown = null;
  try {
    loadConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'the configuration was accepted').toBeInstanceOf(ConfigError);
  return (thrown as ConfigError).problems;
}

describe('AUTH_MODE', () => {
  it('must be set when a backend uses the gateway’s own credentials: one line, naming it, no secret', () => {
    const problems = problemsOf(RIME);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^AUTH_MODE must be set\b/);
    expect(problems[0]).toContain('RIME_URL');
    expect(problems[0]).not.toContain(RIME.RIME_API_KEY);
  });

  it('names every backend that would serve anyone, and only those', () => {
    const problems = problemsOf({
      ...RIME,
      GPU_URL: 'https://gpu.example',
      GPU_API_KEY: 'gpu-key-0123456789',
      GPU_API_SECRET: 'gpu-secret-0123456789',
      DATAMANAGER_URL: 'https://dm.example/data-manager-api',
      DATAMANAGER_CREDENTIALS: 'forward',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^AUTH_MODE must be set: RIME_URL, GPU_URL use\b/);
    expect(problems[0]).not.toContain('DATAMANAGER');
  });

  it('AUTH_MODE=none loads, serving anyone', () => {
    expect(loadConfig({ ...RIME, AUTH_MODE: 'none' }).auth).toEqual({ mode: 'none' });
  });

  it('is not needed when every backend forwards its callers’ own credentials', () => {
    const config = loadConfig({
      UCLOUD_URL: 'https://ucloud.example',
      UCLOUD_CREDENTIALS: 'forward',
      RIME_URL: 'https://rime.example',
      RIME_CREDENTIALS: 'forward',
      DATAMANAGER_URL: 'https://dm.example/data-manager-api',
      DATAMANAGER_CREDENTIALS: 'forward',
      GPU_URL: 'https://gpu.example',
      GPU_CREDENTIALS: 'forward',
    });
    expect(config.auth).toBeUndefined();
    for (const settings of [config.ucloud, config.rime, config.dataManager, config.gpu]) expect(settings).toMatchObject({ credentials: 'forward' });
  });

  it('is not needed in demo mode', () => {
    expect(loadConfig({}).auth).toBeUndefined();
  });

  it('AUTH_MODE=jwt needs AUTH_ISSUER and AUTH_AUDIENCE, naming each', () => {
    expect(problemsOf({ ...RIME, AUTH_MODE: 'jwt' })).toEqual(['AUTH_ISSUER is required when AUTH_MODE=jwt', 'AUTH_AUDIENCE is required when AUTH_MODE=jwt']);
    expect(problemsOf({ ...RIME, AUTH_MODE: 'jwt', AUTH_ISSUER: 'https://id.example' })).toEqual(['AUTH_AUDIENCE is required when AUTH_MODE=jwt']);
  });

  it('AUTH_MODE=jwt with both loads; the JWKS URL is optional (discovery)', () => {
    expect(loadConfig({ ...RIME, AUTH_MODE: 'JWT', AUTH_ISSUER: 'https://id.example', AUTH_AUDIENCE: 'job-gateway' }).auth).toEqual({
      mode: 'jwt',
      issuer: 'https://id.example',
      audience: 'job-gateway',
      jwksUrl: null,
    });
    expect(
      loadConfig({ ...RIME, AUTH_MODE: 'jwt', AUTH_ISSUER: 'https://id.example', AUTH_AUDIENCE: 'job-gateway', AUTH_JWKS_URL: 'https://id.example/keys' }).auth,
    ).toMatchObject({ jwksUrl: 'https://id.example/keys' });
  });

  it('refuses an unknown mode, and the AUTH_* settings without AUTH_MODE=jwt', () => {
    const unknown = problemsOf({ ...RIME, AUTH_MODE: 'oidc' });
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatch(/^AUTH_MODE must be one of none, jwt/);
    expect(problemsOf({ ...RIME, AUTH_MODE: 'none', AUTH_ISSUER: 'https://id.example' })).toEqual(['AUTH_ISSUER is set but AUTH_MODE is not jwt']);
  });

  it('a forwarding backend with a service credential of its own is refused, naming the variable', () => {
    const problems = problemsOf({ ...RIME, RIME_CREDENTIALS: 'forward' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^RIME_API_KEY is set but RIME_CREDENTIALS=forward\b/);
    expect(problems[0]).not.toContain(RIME.RIME_API_KEY);
  });
});

describe('the process', () => {
  it('without AUTH_MODE, holding a service credential: exit 2, one stderr line naming AUTH_MODE', async () => {
    // Nothing of the surrounding environment's own gateway settings.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AUTH_|UCLOUD_|RIME_|DATAMANAGER_|GPU_)/.test(name)));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...inherited, PORT: '0', ...RIME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, stdout + stderr).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: AUTH_MODE must be set\b/);
    expect(stderr + stdout).not.toContain(RIME.RIME_API_KEY);
  });
});
