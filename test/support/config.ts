import type { Config } from '../../src/config.js';
import type { DemoBackends } from '../../src/demo.js';

/** A gateway configuration pointing at running simulators, on a free port. */
export function testConfig(demo: DemoBackends, overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    pollIntervalMs: 2_000,
    upstreamTimeoutMs: 5_000,
    ...demo.settings,
    ...overrides,
  };
}
