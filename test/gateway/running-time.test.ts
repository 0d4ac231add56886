// `runningTimeSeconds` of jobs that are still running, on every backend: the backend's own figure
// where it reports one (RIME, Data Manager), and otherwise the time since `startedAt` up to the
// moment the gateway read the job (UCloud, GPU).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlData, startWorld, type World } from '../support/gateway.js';

const RUNNING = `query Running($providers: [JobProvider!]) {
  jobs(first: 10, filter: { providers: $providers, states: [RUNNING] }) {
    edges { node { provider providerJobId startedAt runningTimeSeconds } }
  }
}`;
interface Running {
  jobs: { edges: { node: { provider: string; providerJobId: string; startedAt: string | null; runningTimeSeconds: number | null } }[] };
}

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 17 });
});

afterAll(async () => {
  await world?.close();
});

describe('runningTimeSeconds of running jobs', () => {
  it.each(['UCLOUD', 'GPU'])('%s: the time since the job started, up to when it was read', async (provider) => {
    const before = Date.now();
    const { jobs } = await gqlData<Running, { providers: string[] }>(world.url, RUNNING, { providers: [provider] });
    const after = Date.now();
    const started = jobs.edges.map((edge) => edge.node).filter((job) => job.startedAt !== null);
    expect(started.length).toBeGreaterThan(0);
    for (const job of started) {
      const startedAt = Date.parse(job.startedAt!);
      expect(job.runningTimeSeconds).not.toBeNull();
      // UCloud sums its running stretches (a job suspended and resumed ran for less).
      if (provider === 'GPU') expect(job.runningTimeSeconds!).toBeGreaterThanOrEqual(Math.floor((before - startedAt) / 1000));
      expect(job.runningTimeSeconds!).toBeLessThanOrEqual(Math.ceil((after - startedAt) / 1000));
      expect(job.runningTimeSeconds!).toBeGreaterThan(0);
    }
  });

  it.each(['RIME', 'DATA_MANAGER'])('%s: the running time the backend reports', async (provider) => {
    const { jobs } = await gqlData<Running, { providers: string[] }>(world.url, RUNNING, { providers: [provider] });
    const started = jobs.edges.map((edge) => edge.node).filter((job) => job.startedAt !== null);
    expect(started.length).toBeGreaterThan(0);
    for (const job of started) expect(job.runningTimeSeconds).toBeGreaterThanOrEqual(0);
  });
});
