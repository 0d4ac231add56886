import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../src/simulators/common/clock.js';
import type { DriftKind } from '../../src/simulators/common/drift.js';
import type { RunningSimulator } from '../../src/simulators/common/server.js';
import * as gpu from '../../src/simulators/gpu/index.js';
import * as ucloud from '../../src/simulators/ucloud/index.js';
import { BACKENDS, GPU, gpuGet, gpuPut, isTree, readTime, UCLOUD, type Backend, type Tree } from './backends.js';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const DRIFT = { share: 0.5, brokenShare: 0.05 };

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The job without its identity fields, to see that breaking an identity touches nothing else. */
function withoutIdentity(job: Tree): Tree {
  const drop = new Set(['jobId', 'creationTime', 'uuid', 'created_at', 'id', 'createdAt', 'launched']);
  return Object.fromEntries(Object.entries(job).filter(([key]) => !drop.has(key)));
}

interface Pair {
  plain: RunningSimulator;
  drifted: RunningSimulator;
  /** `share: 0`, which must serve exactly what no drift option serves. */
  zero: RunningSimulator;
}

describe.each(BACKENDS.map((backend) => [backend.name, backend] as const))('%s drift', (_name, backend: Backend) => {
  let sims: Pair;
  let plainJobs: Tree[];
  let driftedJobs: Tree[];
  /** Each listed job's kind, by the plain job's id (the drifted one may not have a readable id). */
  let kinds: DriftKind[];
  let ids: string[];

  beforeAll(async () => {
    const clock = new ManualClock(START);
    sims = {
      plain: await backend.start(clock),
      drifted: await backend.start(clock, DRIFT),
      zero: await backend.start(clock, { share: 0 }),
    };
    plainJobs = (await backend.list(sims.plain)).jobs;
    driftedJobs = (await backend.list(sims.drifted)).jobs;
    ids = plainJobs.map((job) => backend.identity(job).id ?? '');
    kinds = ids.map((id) => sims.drifted.drift.kindOf(id));
  });

  afterAll(async () => {
    await Promise.all([sims?.plain.close(), sims?.drifted.close(), sims?.zero.close()]);
  });

  it('lists the same jobs in the same order, with readable identities when undrifted', () => {
    expect(driftedJobs).toHaveLength(plainJobs.length);
    expect(plainJobs.length).toBeGreaterThan(100);
    for (const job of plainJobs) {
      const identity = backend.identity(job);
      expect(identity.id).not.toBeNull();
      expect(identity.createdMs).not.toBeNull();
    }
  });

  it('drifts about the configured shares of jobs, and only those', () => {
    const count = (kind: DriftKind) => kinds.filter((k) => k === kind).length;
    const n = kinds.length;
    expect(count('drifted') / n).toBeGreaterThan(DRIFT.share - 0.12);
    expect(count('drifted') / n).toBeLessThan(DRIFT.share + 0.12);
    expect(count('broken')).toBeGreaterThan(0);
    expect(count('broken') / n).toBeLessThan(DRIFT.brokenShare + 0.07);
    const differing = plainJobs.filter((job, i) => !same(job, driftedJobs[i])).length;
    expect(differing).toBe(count('drifted') + count('broken'));
  });

  it('serves each job as kindOf says', () => {
    plainJobs.forEach((plain, i) => {
      const served = driftedJobs[i] as Tree;
      const kind = kinds[i];
      const context = `${ids[i]} (${kind}): ${JSON.stringify(served).slice(0, 400)}`;
      if (kind === 'none') {
        expect(JSON.stringify(served), context).toBe(JSON.stringify(plain));
        return;
      }
      expect(same(served, plain), context).toBe(false);
      const identity = backend.identity(served);
      if (kind === 'broken') {
        expect(identity.id === null || identity.createdMs === null, context).toBe(true);
        expect(withoutIdentity(served), context).toEqual(withoutIdentity(plain));
      } else {
        expect(identity, context).toEqual(backend.identity(plain));
        expect(backend.state(served), context).toEqual(backend.state(plain));
      }
    });
  });

  it('renders a job the same way in its list entry and its single get', async () => {
    const sample = (['none', 'drifted', 'broken'] as const).flatMap((kind) =>
      kinds.flatMap((k, i) => (k === kind ? [i] : [])).slice(0, 4),
    );
    for (const i of sample) {
      const id = ids[i] as string;
      const { job } = await backend.get(sims.drifted, id);
      const listed = driftedJobs[i] as Tree;
      if (backend.shared(listed) === listed) {
        expect(JSON.stringify(job), id).toBe(JSON.stringify(listed));
      } else if (kinds[i] !== 'broken') {
        expect(backend.shared(job), id).toEqual(backend.shared(listed));
      } else {
        // A get without the id in it (the Data Manager's) loses the creation time instead.
        expect(backend.identity(job).createdMs, id).toBeNull();
      }
    }
  });

  it('changes nothing at share 0', async () => {
    const plain = await backend.list(sims.plain);
    const zero = await backend.list(sims.zero);
    expect(zero.raw).toBe(plain.raw);
    const id = ids[0] as string;
    expect((await backend.get(sims.zero, id)).raw).toBe((await backend.get(sims.plain, id)).raw);
    expect(ids.every((jobId) => sims.zero.drift.kindOf(jobId) === 'none')).toBe(true);
  });

  it('picks the same jobs and variants on every start with the same seed', async () => {
    const clock = new ManualClock(START);
    const again = await backend.start(clock, DRIFT);
    try {
      expect(ids.map((id) => again.drift.kindOf(id))).toEqual(kinds);
      expect((await backend.list(again)).raw).toBe((await backend.list(sims.drifted)).raw);
    } finally {
      await again.close();
    }
  });
});

describe('drift in mutation answers and follow frames', () => {
  const clock = new ManualClock(START);
  let gpuSim: gpu.GpuSimulator;
  let ucloudSim: ucloud.UCloudSimulator;

  beforeAll(async () => {
    gpuSim = await gpu.startSimulator({ clock, seed: 5, jobCount: 120, drift: DRIFT });
    ucloudSim = await ucloud.startSimulator({ clock, seed: 5, jobCount: 120, drift: DRIFT, followPollMs: 60_000 });
  });

  afterAll(async () => {
    await gpuSim?.close();
    await ucloudSim?.close();
  });

  it('GPU: a cancel answer shows the job as its get does', async () => {
    const live = gpuSim
      .inventory()
      .find((job) => ['PENDING', 'ASSIGNED', 'RUNNING'].includes(job.state) && gpuSim.drift.kindOf(job.id) === 'drifted');
    if (!live) throw new Error('no live drifted job in the seeded world');
    const cancelled = await gpuPut(gpuSim, `/v1/jobs/${live.id}/cancel`);
    const got = await GPU.get(gpuSim, live.id);
    expect(cancelled.raw).toBe(got.raw);
    expect(got.job['status']).toBe('CANCELLING');
    expect(gpuSim.snapshot(live.id)).toEqual(got.job);
  });

  it('UCloud: follow sends the initial job drifted as retrieve does', async () => {
    const job = ucloudSim.inventory().find((item) => ucloudSim.drift.kindOf(item.id) === 'drifted');
    if (!job) throw new Error('no drifted job');
    const socket = new WebSocket(`${ucloudSim.url.replace('http', 'ws')}/api/jobs`);
    const frame = await new Promise<Tree>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () =>
        socket.send(JSON.stringify({ call: 'jobs.follow', streamId: '0', payload: { id: job.id }, bearer: ucloud.DEMO_CREDENTIALS.token })),
      );
      socket.on('message', (data: WebSocket.RawData) => {
        const parsed: unknown = JSON.parse(data.toString());
        if (isTree(parsed) && parsed['type'] === 'message') resolve(parsed);
      });
    });
    socket.terminate();
    const payload = frame['payload'];
    if (!isTree(payload)) throw new Error('no payload');
    const retrieved = await fetch(`${ucloudSim.url}/api/jobs/retrieve?id=${job.id}&includeUpdates=true&includeParameters=true`, {
      headers: { authorization: `Bearer ${ucloud.DEMO_CREDENTIALS.token}` },
    });
    expect(JSON.stringify(payload['initialJob'])).toBe(await retrieved.text());
    expect(UCLOUD.identity(payload['initialJob'] as Tree)).toEqual({ id: job.id, createdMs: job.createdAtMs });
  });
});

describe('GPU filter[created_at] reading', () => {
  const clock = new ManualClock(START);
  let lenient: gpu.GpuSimulator;
  let strict: gpu.GpuSimulator;

  beforeAll(async () => {
    lenient = await gpu.startSimulator({ clock, seed: 3, jobCount: 120 });
    strict = await gpu.startSimulator({ clock, seed: 3, jobCount: 120, rangeReading: 'strict' });
  });

  afterAll(async () => {
    await lenient?.close();
    await strict?.close();
  });

  /** A bound between two jobs' creation times, so no job sits on it. */
  function bound(): number {
    const times = lenient.inventory().map((job) => job.createdAtMs);
    const a = times[40] as number;
    const b = times[41] as number;
    return Math.floor((a + b) / 2);
  }

  async function created(sim: gpu.GpuSimulator, range: string): Promise<{ total: number; times: number[] }> {
    const { json } = await gpuGet(sim, '/v1/jobs', { 'filter[created_at]': range, limit: '50', sort: '-created_at' });
    const data = Array.isArray(json['data']) ? json['data'].filter(isTree) : [];
    return { total: Number(json['total']), times: data.map((job) => readTime(job['created_at']) ?? Number.NaN) };
  }

  it('",to" is an upper bound when lenient and a lower bound when strict', async () => {
    const to = bound();
    const iso = new Date(to).toISOString();
    const times = lenient.inventory().map((job) => job.createdAtMs);
    const lenientAnswer = await created(lenient, `,${iso}`);
    const strictAnswer = await created(strict, `,${iso}`);
    expect(lenientAnswer.total).toBe(times.filter((t) => t <= to).length);
    expect(strictAnswer.total).toBe(times.filter((t) => t >= to).length);
    expect(lenientAnswer.times.every((t) => t <= to)).toBe(true);
    expect(strictAnswer.times.every((t) => t >= to)).toBe(true);
    expect(lenientAnswer.total + strictAnswer.total).toBe(times.length);
  });

  it('"from," and "from,to" read alike in both modes', async () => {
    const from = bound();
    const to = lenient.inventory()[10]?.createdAtMs as number;
    for (const range of [`${new Date(from).toISOString()},`, `${new Date(from).toISOString()},${new Date(to).toISOString()}`]) {
      expect((await created(strict, range)).total).toBe((await created(lenient, range)).total);
    }
    expect((await created(strict, `${new Date(from).toISOString()},`)).total).toBe(
      lenient.inventory().filter((job) => job.createdAtMs >= from).length,
    );
  });
});
