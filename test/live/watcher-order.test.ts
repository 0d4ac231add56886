// Reads of one job race (a poll round, a mutation's read-back, a stream frame): the watcher keeps
// the newest read, whatever order the answers arrive in, and an ended job never comes back.
import { describe, expect, it } from 'vitest';
import { JobWatcher } from '../../src/live/job-watcher.js';
import { jobKey } from '../../src/live/key.js';
import { LocalTransport } from '../../src/live/transport.js';
import type { GpuJob, Job, JobState } from '../../src/providers/job.js';

function gpuJob(state: JobState, providerState: string): GpuJob {
  return {
    provider: 'GPU',
    providerJobId: 'c0ffee00-0000-4000-8000-000000000001',
    name: 'race',
    state,
    providerState,
    owner: null,
    project: null,
    createdAt: new Date(Date.UTC(2026, 0, 15)),
    startedAt: null,
    finishedAt: null,
    runningTimeSeconds: null,
    statusMessage: null,
    capabilities: { cancel: true, extend: false, suspend: false, resume: false, logs: true },
    task: 'BATCH',
    description: null,
    updatedAt: null,
    cpuCount: null,
    gpuCount: null,
    gpuName: null,
    gpuRegistryUuid: null,
    minRamGb: null,
    minVramGb: null,
    minStorageGb: null,
    maxTimeoutAssignMs: null,
    maxTimeoutStartMs: null,
    maxTimeoutRunMs: null,
    maxRetryCount: null,
    maxNodeCount: null,
    timeoutAssignAtMs: null,
    imageSizeBytes: null,
    sourceRecipeUuid: null,
    dockerImage: null,
    dockerTag: null,
    dockerHost: null,
    dockerUser: null,
    dockerImageSource: null,
    envNames: [],
    ports: [],
    allowedIps: [],
    volumes: [],
  };
}

async function drain(channel: AsyncIterableIterator<Job>, count: number): Promise<string[]> {
  const states: string[] = [];
  for (let i = 0; i < count; i++) states.push((await channel.next()).value.providerState);
  return states;
}

describe('JobWatcher read order', () => {
  it('drops a read that began before the last one applied', async () => {
    const watcher = new JobWatcher(jobKey('GPU', 'c0ffee00-0000-4000-8000-000000000001'), new LocalTransport(), () => undefined);
    watcher.applySnapshot(gpuJob('QUEUED', 'PENDING'), 1);
    const channel = watcher.subscribeStatus();
    // A poll began at t=2 and a mutation's read-back at t=3; the read-back answers first.
    expect(watcher.applySnapshot(gpuJob('CANCELLING', 'CANCELLING'), 3)).toBe(true);
    expect(watcher.applySnapshot(gpuJob('RUNNING', 'RUNNING'), 2)).toBe(false);
    expect(watcher.applySnapshot(gpuJob('CANCELLED', 'CANCELLED'), 4)).toBe(true);
    expect(await drain(channel, 3)).toEqual(['PENDING', 'CANCELLING', 'CANCELLED']);
    expect((await channel.next()).done).toBe(true);
  });

  it('never moves an ended job back to a live state', () => {
    const watcher = new JobWatcher(jobKey('GPU', 'c0ffee00-0000-4000-8000-000000000001'), new LocalTransport(), () => undefined);
    watcher.applySnapshot(gpuJob('SUCCEEDED', 'COMPLETED'), 5);
    expect(watcher.applySnapshot(gpuJob('RUNNING', 'RUNNING'), 6)).toBe(false);
    expect(watcher.snapshot?.state).toBe('SUCCEEDED');
  });
});
