// Per-backend HTTP tuning (`<BACKEND>_RETRIES`, `_TIMEOUT_MS`, ...): a backend's own settings win
// over the defaults and the gateway-wide deadline, and leave the other backends as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startDemoBackends, type DemoBackends } from '../../src/demo.js';
import { closeProviders, createProviders } from '../../src/providers/registry.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { failure } from '../support/failure.js';
import { testConfig } from '../support/config.js';

let demo: DemoBackends;

beforeAll(async () => {
  demo = await startDemoBackends({ clock: new ManualClock(), seed: 3, jobCount: 20 });
});

afterAll(async () => {
  await demo?.close();
});


describe('per-backend HTTP settings', () => {
  it('reads them from the environment, only for the backend they name', () => {
    const config = loadConfig({
      AUTH_MODE: 'none',
      RIME_URL: demo.settings.rime!.url,
      RIME_API_KEY: demo.settings.rime!.apiKey,
      RIME_RETRIES: '0',
      RIME_TIMEOUT_MS: '2500',
      GPU_URL: demo.settings.gpu!.url,
      GPU_API_KEY: demo.settings.gpu!.apiKey,
      GPU_API_SECRET: demo.settings.gpu!.apiSecret,
    });
    expect(config.rime?.http).toEqual({ retries: 0, timeoutMs: 2500 });
    expect(config.gpu?.http).toBeUndefined();
  });

  it('a backend with no retries asks once; the others keep retrying', async () => {
    const config = testConfig(demo, { upstreamTimeoutMs: 10_000 });
    const providers = createProviders({ ...config, rime: { ...config.rime!, http: { retries: 0 } } });
    try {
      for (const sim of [demo.rime, demo.gpu]) {
        sim.server.resetCounts();
        sim.server.faults.set({ errorRate: 1, errorStatus: 503 });
      }
      expect((await failure(providers.get('RIME')!.list({ filter: {}, pageSize: 10 }))).code).toBe('UNAVAILABLE');
      expect((await failure(providers.get('GPU')!.list({ filter: {}, pageSize: 10 }))).code).toBe('UNAVAILABLE');
      expect(demo.rime.server.count('GET /v1-beta/jobs')).toBe(1);
      // The default: three retries after the first attempt.
      expect(demo.gpu.server.count('GET /v1/jobs')).toBe(4);
    } finally {
      for (const sim of [demo.rime, demo.gpu]) sim.server.faults.reset();
      await closeProviders(providers);
    }
  });

  it('a backend deadline of its own wins over UPSTREAM_TIMEOUT_MS', async () => {
    const config = testConfig(demo, { upstreamTimeoutMs: 30_000 });
    const providers = createProviders({ ...config, gpu: { ...config.gpu!, http: { timeoutMs: 300 } } });
    try {
      demo.gpu.server.faults.next('hang', { route: 'GET /v1/jobs' });
      const error = await failure(providers.get('GPU')!.list({ filter: {}, pageSize: 10 }));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toContain('no answer within 300 ms');
    } finally {
      demo.gpu.server.faults.reset();
      await closeProviders(providers);
    }
  });
});
