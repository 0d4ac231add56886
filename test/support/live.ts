import type { JobProvider } from '../../src/providers/job.js';
import type { World } from './gateway.js';

export const TYPE = { UCLOUD: 'UCloudJob', RIME: 'RimeJob', DATA_MANAGER: 'DataManagerInstance', GPU: 'GpuJob' } as const;

export const globalId = (provider: JobProvider, id: string): string => Buffer.from(`${TYPE[provider]}:${id}`).toString('base64');

/** The backend's own state word for a job, straight from its simulator (null once it is gone). */
export function simState(world: World, provider: JobProvider, id: string): string | null {
  const { ucloud, rime, dataManager, gpu } = world.demo;
  switch (provider) {
    case 'UCLOUD':
      return ucloud.inventory().find((job) => job.id === id)?.state ?? null;
    case 'RIME':
      return rime.describe(id)?.status ?? null;
    case 'DATA_MANAGER':
      return dataManager.inventory().find((job) => job.id === id)?.state ?? null;
    case 'GPU':
      return (gpu.snapshot(id) as { status?: string } | null)?.status ?? null;
  }
}

/** Final backend states, per DESIGN's table (written out here, not taken from the code under test). */
export const FINAL: Record<JobProvider, readonly string[]> = {
  UCLOUD: ['SUCCESS', 'FAILURE', 'EXPIRED'],
  RIME: ['JOB_STATUS_SUCCEEDED', 'JOB_STATUS_FAILED', 'JOB_STATUS_CANCELLED'],
  DATA_MANAGER: ['COMPLETED', 'SUCCEEDED', 'FAILED'],
  GPU: ['COMPLETED', 'CANCELLED', 'FAILED'],
};

/** Waits (in real time) until `condition` holds; the gateway polls on a real-time interval. */
export async function until(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
