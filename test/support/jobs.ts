import type { GpuProvider } from '../../src/providers/gpu/provider.js';
import type { GpuJob } from '../../src/providers/job.js';
import type { GpuJobSpec, UCloudJobSpec } from '../../src/providers/specs.js';
import type { UCloudProvider } from '../../src/providers/ucloud/provider.js';
import type { World } from './gateway.js';

/**
 * A fresh BATCH job on the GPU simulator, created through the gateway's own provider: it queues,
 * runs and ends as the test moves the clock.
 */
export async function newGpuJob(world: World, overrides: Partial<GpuJobSpec> = {}): Promise<GpuJob> {
  const provider = world.gateway.services.providers.get('GPU') as GpuProvider;
  const created = await provider.create({
    title: 'test job',
    task: 'BATCH',
    maxTimeoutRunMs: 24 * 3_600_000,
    docker: { image: 'pytorch/pytorch', tag: '2.5.1-cuda12.4-cudnn9-runtime' },
    ...overrides,
  });
  return created.job;
}

/** A fresh UCloud job (a batch application on a standard node); resolves to its id. */
export async function newUCloudJob(world: World, overrides: Partial<UCloudJobSpec> = {}): Promise<string> {
  const provider = world.gateway.services.providers.get('UCLOUD') as UCloudProvider;
  const created = await provider.create({
    application: { name: 'gromacs', version: '2024.3' },
    product: { id: 'u1-standard-8', category: 'u1-standard', provider: 'ucloud' },
    name: 'test job',
    replicas: 1,
    allowDuplicateJob: true,
    timeAllocationSeconds: 3 * 3_600,
    ...overrides,
  });
  return created.id;
}
