// bench/parsing (issue 8): what lenient reading costs on the hot path. Each backend's list answer,
// as its simulator serves it, is parsed by the gateway's tolerant schema and by the same item
// schema without the tolerance wrapper (the pre-issue-8 shape), clean and with a share drifted.
import { z } from 'zod';
import { startDemoBackends, type DemoBackends } from '../src/demo.js';
import { instanceSummaryFields, instancesGetResponseSchema } from '../src/providers/datamanager/wire.js';
import { gpuJobListSchema, gpuListedJobFields } from '../src/providers/gpu/wire.js';
import type { JobProvider } from '../src/providers/job.js';
import { jobMetadataFields, listJobsResponse } from '../src/providers/rime/wire.js';
import { jobFields, jobPage } from '../src/providers/ucloud/wire.js';
import { ManualClock } from '../src/simulators/common/clock.js';
import { rawClient } from '../test/support/raw.js';
import { parseFlags, usage, type FlagSpec } from './lib/args.js';
import type { Benchmark } from './lib/benchmark.js';

const FLAGS = [
  { name: 'jobs', help: 'jobs per simulator', default: 1_000, min: 10 },
  { name: 'rounds', help: 'parses of each answer per measurement', default: 50, min: 1 },
  { name: 'drift', help: 'share of jobs served drifted, in percent, for the second measurement', default: 20, min: 0 },
] as const satisfies readonly FlagSpec[];

interface Subject {
  provider: JobProvider;
  path: string;
  query: string;
  tolerant: z.ZodType;
  strict: z.ZodType;
}

const SUBJECTS: Subject[] = [
  { provider: 'UCLOUD', path: '/api/jobs/browse', query: 'itemsPerPage=250&includeUpdates=true&includeParameters=true', tolerant: jobPage, strict: z.object({ items: z.array(jobFields) }) },
  { provider: 'RIME', path: '/v1-beta/jobs', query: 'pageSize=1000&view=JOB_VIEW_FULL', tolerant: listJobsResponse, strict: z.object({ jobs: z.array(jobMetadataFields) }) },
  { provider: 'DATA_MANAGER', path: '/instance', query: '', tolerant: instancesGetResponseSchema, strict: z.object({ instances: z.array(instanceSummaryFields) }) },
  { provider: 'GPU', path: '/v1/jobs', query: 'limit=50&page=1&sort=-created_at', tolerant: gpuJobListSchema, strict: z.object({ data: z.array(gpuListedJobFields) }) },
];

function itemsOf(answer: unknown): number {
  const lists = Object.values(answer as Record<string, unknown>).filter(Array.isArray);
  return lists[0]?.length ?? 0;
}

/** Microseconds per item: the median of `rounds` parses. */
function measure(schema: z.ZodType, answer: unknown, rounds: number): number {
  const items = Math.max(1, itemsOf(answer));
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    schema.safeParse(answer);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return ((times[Math.floor(times.length / 2)] ?? 0) * 1000) / items;
}

async function answers(demo: DemoBackends): Promise<Map<JobProvider, unknown>> {
  const out = new Map<JobProvider, unknown>();
  for (const subject of SUBJECTS) {
    const client = rawClient(demo, subject.provider);
    try {
      out.set(subject.provider, await client.get(subject.path, subject.query));
    } finally {
      await client.close();
    }
  }
  return out;
}

async function run(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, FLAGS);
  const clean = await startDemoBackends({ clock: new ManualClock(), seed: 3, jobCount: flags.jobs });
  const drifted = await startDemoBackends({ clock: new ManualClock(), seed: 3, jobCount: flags.jobs, drift: { share: flags.drift / 100 } });
  try {
    const [a, b] = [await answers(clean), await answers(drifted)];
    const rows = ['| backend | items | strict, clean | tolerant, clean | tolerant, ' + flags.drift + ' % drifted |', '|---|---|---|---|---|'];
    for (const subject of SUBJECTS) {
      const plain = a.get(subject.provider);
      const odd = b.get(subject.provider);
      // Warm up both schemas before measuring.
      measure(subject.strict, plain, 5);
      measure(subject.tolerant, plain, 5);
      const figures = [measure(subject.strict, plain, flags.rounds), measure(subject.tolerant, plain, flags.rounds), measure(subject.tolerant, odd, flags.rounds)];
      rows.push(`| ${subject.provider} | ${itemsOf(plain)} | ${figures.map((us) => `${us.toFixed(1)} µs/item`).join(' | ')} |`);
    }
    process.stdout.write(`${rows.join('\n')}\n`);
  } finally {
    await clean.close();
    await drifted.close();
  }
}

export const parsing: Benchmark = {
  name: 'parsing',
  description: 'cost of lenient reading of upstream list answers, per item (issue 8)',
  usage: usage(FLAGS),
  run,
};
