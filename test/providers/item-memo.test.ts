// Item readings kept by their JSON text (src/providers/item-memo.ts): an unchanged item of a big
// listing comes back as the very object read last time; a changed one is read again; a repaired
// one is read (and counted as drift) every time it comes.
import { describe, expect, it } from 'vitest';
import { upstreamAnomalies } from '../../src/providers/anomalies.js';
import { ItemMemo } from '../../src/providers/item-memo.js';
import { listJobsResponse } from '../../src/providers/rime/wire.js';

function page(jobs: unknown[]): unknown {
  // As the backend sends it: text, read by JSON.parse each time.
  return JSON.parse(JSON.stringify({ jobs, hasMore: false }));
}

const running = {
  jobId: '0b7b1a8e-1111-4c1e-9d2a-4e1f0c9a7b01',
  jobType: 'JOB_TYPE_MODEL_STRESS_TEST',
  status: 'JOB_STATUS_RUNNING',
  creationTime: '2026-12-01T10:00:00Z',
  jobData: { stress: { projectId: { uuid: 'a1b2' }, testRunId: 'tr-1' } },
};
const other = { ...running, jobId: '0b7b1a8e-2222-4c1e-9d2a-4e1f0c9a7b02', creationTime: '2026-12-01T11:00:00Z' };

describe('item readings by their text', () => {
  it('an unchanged item is the same reading on the next answer; a changed one is read anew', () => {
    const first = listJobsResponse.parse(page([running, other]));
    const again = listJobsResponse.parse(page([running, { ...other, status: 'JOB_STATUS_SUCCEEDED' }]));
    expect(again.jobs[0]).toBe(first.jobs[0]);
    expect(again.jobs[1]).not.toBe(first.jobs[1]);
    expect(again.jobs[1]?.status).toBe('JOB_STATUS_SUCCEEDED');
    expect(first.jobs[1]?.status).toBe('JOB_STATUS_RUNNING');
  });

  it('an item that needed repair is repaired (and counted) every time', () => {
    const drifted = { ...running, jobId: '0b7b1a8e-3333-4c1e-9d2a-4e1f0c9a7b03', startTime: 'not a time' };
    const before = upstreamAnomalies.total('RIME', 'repaired');
    const first = listJobsResponse.parse(page([drifted]));
    const again = listJobsResponse.parse(page([drifted]));
    expect(first.jobs[0]?.startTime).toBeNull();
    expect(again.jobs[0]).not.toBe(first.jobs[0]);
    expect(upstreamAnomalies.total('RIME', 'repaired') - before).toBe(2);
  });

  it('keeps at most two generations of readings', () => {
    const memo = new ItemMemo<number>(3);
    for (let i = 0; i < 10; i++) memo.set(`item ${i}`, i);
    expect(memo.size).toBeLessThanOrEqual(6);
    // The newest are kept; the oldest generations are gone.
    expect(memo.get('item 9')).toBe(9);
    expect(memo.get('item 0')).toBeUndefined();
  });

  it('a reading still in use moves to the current generation instead of being dropped', () => {
    const memo = new ItemMemo<number>(2);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3); // a, b are now the previous generation
    expect(memo.get('a')).toBe(1); // a moves to the current one (c, a)
    memo.set('d', 4); // current full: (c, a) becomes previous
    expect(memo.get('a')).toBe(1);
    expect(memo.get('b')).toBeUndefined();
  });
});
