// /health says the process serves; /readiness says it takes new work, and goes 503 the moment
// shutdown begins, while it still serves, so a load balancer stops sending work before connections drain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoBackends, type DemoBackends } from '../../src/demo.js';
import { createGateway } from '../../src/server.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { testConfig } from '../support/config.js';

let demo: DemoBackends;

beforeAll(async () => {
  demo = await startDemoBackends({ clock: new ManualClock(), seed: 8, jobCount: 10 });
});

afterAll(async () => {
  await demo?.close();
});

const status = async (url: string): Promise<number | 'refused'> => {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 'refused';
  }
};

describe('health and readiness', () => {
  it('are 200 while the gateway serves; readiness turns 503 as soon as shutdown begins', async () => {
    const gateway = createGateway(testConfig(demo), { drainDelayMs: 500 });
    const base = (await gateway.listen()).replace(/\/graphql$/, '');
    expect(await status(`${base}/health`)).toBe(200);
    expect(await status(`${base}/readiness`)).toBe(200);
    const closed = gateway.close();
    expect(await status(`${base}/readiness`)).toBe(503);
    // Still serving meanwhile: only new work is turned away.
    expect(await status(`${base}/health`)).toBe(200);
    await closed;
    expect(await status(`${base}/health`)).toBe('refused');
  });
});
