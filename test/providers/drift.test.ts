// A drift corpus per backend: real items (the seeds' examples and what the simulators serve, fetched
// over HTTP) with their fields swapped to every shape a drifting backend sends. The properties:
// an item whose identity is intact maps to the same job (id, creation time, state); a value-preserving
// respelling maps to exactly the same job; an unreadable identity leaves that item out, counted,
// while the items around it are still served in order; and the anomaly counter moves exactly when
// the item was not in a documented shape.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { startDemoBackends, type DemoBackends } from '../../src/demo.js';
import { upstreamAnomalies } from '../../src/providers/anomalies.js';
import * as dm from '../../src/providers/datamanager/map.js';
import { instanceSummaryFields, instancesGetResponseSchema } from '../../src/providers/datamanager/wire.js';
import * as gpu from '../../src/providers/gpu/map.js';
import { gpuJobListSchema, gpuListedJobFields } from '../../src/providers/gpu/wire.js';
import type { Job, JobProvider } from '../../src/providers/job.js';
import * as rime from '../../src/providers/rime/map.js';
import { jobMetadataFields, listJobsResponse } from '../../src/providers/rime/wire.js';
import type { SkippedItems } from '../../src/providers/tolerance.js';
import * as ucloud from '../../src/providers/ucloud/map.js';
import { jobFields, jobPage } from '../../src/providers/ucloud/wire.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { rawClient } from '../support/raw.js';
import { UCLOUD_RETRIEVE_EXAMPLE } from '../support/seeds.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

interface Read {
  jobs: Job[];
  skipped: SkippedItems | null;
}

interface DriftCase {
  provider: JobProvider;
  /** The list call, and where its answer keeps the items. */
  list: { path: string; query: string; items: (answer: Json) => Json[] };
  /** Items through the list envelope's schema and the mapper, as the provider reads a page. */
  read: (items: Json[]) => Read;
  /** The documented shape alone: an item it accepts needs no repair. */
  strict: z.ZodType;
  identity: string[];
  /** Fields the state is derived from: unreadable, the state is UNKNOWN. */
  state: Path[];
  /** Values passed through untouched (JSON the backend owns): a respelling inside them is a change. */
  opaque: Path[];
  /** Paths that are ids (RIME wraps those as `{"uuid": ...}`). */
  isId: (path: Path) => boolean;
  /** Example items from the seeds, besides what the simulator serves. */
  seeds: Json[];
  /** Unreadable spellings of the creation time. */
  badTimes: Json[];
}

const UUID_A = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

const CASES: DriftCase[] = [
  {
    provider: 'UCLOUD',
    list: { path: '/api/jobs/browse', query: 'itemsPerPage=250&includeUpdates=true&includeParameters=true', items: (a) => field(a, 'items') },
    read: (items) => {
      const page = jobPage.parse({ items, next: null });
      return { jobs: page.items.map(ucloud.toJob), skipped: page.skipped ?? null };
    },
    strict: jobFields,
    identity: ['id', 'createdAt'],
    state: [['status']],
    opaque: [['specification', 'parameters'], ['specification', 'resources'], ['status', 'jobParametersJson'], ['status', 'resolvedApplication'], ['status', 'resolvedSupport'], ['status', 'resolvedProduct'], ['permissions']],
    isId: () => false,
    seeds: [UCLOUD_RETRIEVE_EXAMPLE],
    badTimes: [null, 'yesterday', {}, [], true, '12:00'],
  },
  {
    provider: 'RIME',
    list: { path: '/v1-beta/jobs', query: 'pageSize=1000&view=JOB_VIEW_FULL', items: (a) => field(a, 'jobs') },
    read: (items) => {
      const page = listJobsResponse.parse({ jobs: items });
      return { jobs: page.jobs.map(rime.toJob), skipped: page.skipped ?? null };
    },
    strict: jobMetadataFields,
    identity: ['jobId', 'creationTime'],
    state: [['status'], ['cancellationRequested']],
    opaque: [],
    isId: (path) => /(Id|Ids)$/.test(String(path.filter((segment) => typeof segment === 'string').at(-1) ?? '')),
    seeds: [],
    badTimes: [null, 'yesterday', {}, [], 1709294400, '2024-13-45T99:00:00Z'],
  },
  {
    provider: 'DATA_MANAGER',
    list: { path: '/instance', query: '', items: (a) => field(a, 'instances') },
    read: (items) => {
      const answer = instancesGetResponseSchema.parse({ count: items.length, instances: items });
      return { jobs: answer.instances.map((instance) => dm.toJob(instance)), skipped: answer.skipped ?? null };
    },
    strict: instanceSummaryFields,
    identity: ['id', 'launched'],
    state: [['phase']],
    opaque: [['outputs'], ['application_specification']],
    isId: () => false,
    seeds: [],
    badTimes: [null, 'yesterday', {}, [], 1709294400, ''],
  },
  {
    provider: 'GPU',
    list: { path: '/v1/jobs', query: 'limit=50&page=1&sort=-created_at', items: (a) => field(a, 'data') },
    read: (items) => {
      const page = gpuJobListSchema.parse({ data: items, page: 1, limit: 50, total: items.length });
      return { jobs: page.data.map((wire) => gpu.toJob(wire, wire.uuid)), skipped: page.skipped ?? null };
    },
    strict: gpuListedJobFields,
    identity: ['uuid', 'created_at'],
    state: [['status']],
    opaque: [],
    isId: () => false,
    // The seed's example answer (seeds/004), with a real uuid in place of `<string>`.
    seeds: [
      {
        object: 'job', created_at: '2023-12-25', updated_at: '2023-12-25', status: 'PENDING', task: 'BATCH', title: '<string>',
        cpu_count: 123, gpu_count: 123, min_ram_gb: 123, min_vram_gb: 123, min_storage_gb: 123,
        parameters: {
          parameters: {
            allowed_ips: ['<string>'], env: {}, host: '<string>', image: '<string>', imagesrc: '<string>', ports: [123],
            secret: '<string>', sshkey: '<string>', tag: '<string>', user: '<string>',
            volumes: [{ image: '<string>', mount: '<string>', registry: '<string>', secret: '<string>', tag: '<string>', user: '<string>' }],
          },
          type: 'docker',
        },
        timeout_assign_at_ms: 123, uuid: UUID_A, started_at: '2023-12-25', completed_at: '2023-12-25', description: '<string>',
        gpu_name: '<string>', gpu_registry_uuid: '<string>', max_timeout_assign_ms: 123, max_timeout_run_ms: 123,
        max_timeout_start_ms: 123, max_retry_count: 123, max_node_count: 123, image_size_bytes: 123,
        container_access_tokens: [], source_recipe_uuid: '<string>', status_reason: '<string>',
      },
    ],
    badTimes: [null, 'yesterday', {}, [], true, '25/12/2023'],
  },
];

function field(answer: Json, key: string): Json[] {
  const value = answer !== null && typeof answer === 'object' && !Array.isArray(answer) ? answer[key] : undefined;
  if (!Array.isArray(value)) throw new Error(`answer has no list under ${key}`);
  return value;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

/** Every path inside an item, containers and leaves, except the identity fields themselves. */
function pathsOf(value: Json, identity: readonly string[], at: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) {
    value.forEach((element, i) => out.push([...at, i], ...pathsOf(element, identity, [...at, i])));
  } else if (isObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (at.length === 0 && identity.includes(key)) continue;
      out.push([...at, key], ...pathsOf(inner, identity, [...at, key]));
    }
  }
  return out;
}

function getAt(root: Json, path: Path): Json | undefined {
  let current: Json | undefined = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isObject(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

/** Sets (or, with `undefined`, removes) the value at `path`; false when the path is not there. */
function setAt(root: Json, path: Path, value: Json | undefined): boolean {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number' && last < parent.length) {
    if (value === undefined) parent.splice(last, 1);
    else parent[last] = value;
    return true;
  }
  if (isObject(parent) && typeof last === 'string') {
    if (value === undefined) delete parent[last];
    else parent[last] = value;
    return true;
  }
  return false;
}

const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Other spellings of the same instant, to the millisecond (every zone here is UTC). */
function timeVariants(text: string): string[] {
  const match = ISO.exec(text);
  if (!match) return [];
  const [, date, time, fraction = '', zone = ''] = match;
  if (zone !== '' && zone !== 'Z' && zone !== '+00:00') return [];
  const millis = fraction === '' ? '.000' : fraction.slice(0, 4).padEnd(4, '0');
  const variants = [`${date}T${time}${millis}Z`, `${date}T${time}${millis}+00:00`, `${date}T${time}${millis}`, `${date}T${time}${millis}456Z`, `${date} ${time}${millis}`];
  if (millis === '.000') variants.push(`${date}T${time}Z`, `${date}T${time}`);
  return variants;
}

/** Spellings that keep the value: what a backend in a newer release (or another server) may send. */
function respellings(value: Json | undefined, path: Path, c: DriftCase): Json[] {
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'boolean') return [String(value)];
  if (typeof value === 'string') {
    const out: Json[] = timeVariants(value);
    if (c.isId(path) && value !== '') out.push({ uuid: value });
    return out;
  }
  if (isObject(value) && c.isId(path) && typeof value['uuid'] === 'string' && value['uuid'] !== '' && Object.keys(value).length === 1) {
    return [value['uuid']];
  }
  return [];
}

/** Shapes a field may arrive in that the gateway cannot read as the same value. */
const FOREIGN: Json[] = [null, 42, -1.5, '', 'SOMETHING_NEW_FROM_A_NEWER_RELEASE', true, [], [1, 'two'], { unexpected: true }, { uuid: 'x' }];

/** Values no backend's id can be read from (a number or a `{uuid}` wrapper can, on some). */
const BAD_IDS: (Json | undefined)[] = [undefined, null, '', {}, [], true, { unexpected: true }];

type Mutation = { path: Path; kind: 'foreign'; value: Json } | { path: Path; kind: 'missing' } | { path: Path; kind: 'extra' };

function apply(item: Json, mutation: Mutation): void {
  if (mutation.kind === 'missing') setAt(item, mutation.path, undefined);
  else if (mutation.kind === 'foreign') setAt(item, mutation.path, structuredClone(mutation.value));
  else {
    const target = getAt(item, mutation.path);
    if (isObject(target)) target['unexpectedExtraField'] = { from: 'a newer release' };
  }
}

function mutationArb(paths: Path[]): fc.Arbitrary<Mutation> {
  const path = fc.constantFrom(...paths);
  return fc.oneof(
    fc.record({ path, kind: fc.constant('foreign' as const), value: fc.constantFrom(...FOREIGN) }),
    fc.record({ path, kind: fc.constant('missing' as const) }),
    fc.record({ path: fc.constantFrom<Path>([], ...paths), kind: fc.constant('extra' as const) }),
  );
}

/** The job as two reads of it agree: a running job's running time counts up to the moment it is read. */
function readable(job: Job): Record<string, unknown> {
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(job)) as Record<string, unknown>;
  delete copy['runningTimeSeconds'];
  return copy;
}

/** The job without what is legitimately different after a respelling inside opaque values. */
function comparable(job: Job, c: DriftCase, touched: Path[]): Record<string, unknown> {
  const copy = readable(job);
  if (touched.some((path) => c.opaque.some((prefix) => startsWith(path, prefix)))) {
    for (const key of ['parameters', 'resources', 'outputs', 'applicationSpecification']) delete copy[key];
  }
  return copy;
}

let demo: DemoBackends;
const corpus = new Map<JobProvider, Json[]>();

beforeAll(async () => {
  demo = await startDemoBackends({ clock: new ManualClock(), seed: 11, jobCount: 60 });
  for (const c of CASES) {
    const client = rawClient(demo, c.provider);
    try {
      const answer = (await client.get(c.list.path, c.list.query)) as Json;
      // Every state the simulator has, a few of each: the corpus stays small and varied.
      const served = c.list.items(answer);
      corpus.set(c.provider, [...c.seeds, ...served.slice(0, 40)]);
    } finally {
      await client.close();
    }
  }
});

afterAll(async () => {
  await demo?.close();
});

describe.each(CASES)('$provider payload drift', (c) => {
  const examples = (): Json[] => corpus.get(c.provider) ?? [];
  const readOne = (item: Json): Read => c.read([item]);

  it('reads every example as it is, without an anomaly', () => {
    const before = upstreamAnomalies.total(c.provider);
    const read = c.read(examples());
    expect(read.skipped).toBeNull();
    expect(read.jobs).toHaveLength(examples().length);
    expect(upstreamAnomalies.total(c.provider)).toBe(before);
  });

  it('maps an item with any non-identity field drifted to the same job, and counts exactly the unexpected shapes', () => {
    const cases = fc.constantFrom(...examples()).chain((example) =>
      fc.tuple(fc.constant(example), fc.array(mutationArb(pathsOf(example, c.identity)), { minLength: 1, maxLength: 4 })),
    );
    fc.assert(
      fc.property(cases, ([example, mutations]) => {
        const original = readOne(example).jobs[0]!;
        const item = structuredClone(example);
        for (const mutation of mutations) apply(item, mutation);
        const documented = c.strict.safeParse(item).success;
        const before = upstreamAnomalies.total(c.provider, 'repaired');
        const read = readOne(item);
        expect(read.skipped).toBeNull();
        expect(read.jobs).toHaveLength(1);
        const job = read.jobs[0]!;
        expect(job.providerJobId).toBe(original.providerJobId);
        expect(job.createdAt.getTime()).toBe(original.createdAt.getTime());
        const stateTouched = mutations.some((m) => m.kind !== 'extra' && c.state.some((prefix) => startsWith(m.path, prefix) || startsWith(prefix, m.path)));
        if (stateTouched) expect([original.state, 'UNKNOWN']).toContain(job.state);
        else expect(job.state).toBe(original.state);
        expect(upstreamAnomalies.total(c.provider, 'repaired') > before).toBe(!documented);
      }),
      { numRuns: 400, seed: 8_2026 },
    );
  });

  it('maps an item whose fields are respelled (same values, other shapes) to exactly the same job, with no anomaly', () => {
    const cases = fc.constantFrom(...examples()).chain((example) => {
      const options = pathsOf(example, []).flatMap((path) => respellings(getAt(example, path), path, c).map((value) => ({ path, value })));
      return fc.tuple(fc.constant(example), fc.subarray(options, { minLength: 1 }));
    });
    fc.assert(
      fc.property(cases, ([example, changes]) => {
        const item = structuredClone(example);
        const applied: Path[] = [];
        for (const change of changes) {
          // An earlier change may have replaced the container this one points into.
          if (getAt(item, change.path) !== undefined && JSON.stringify(getAt(item, change.path)) === JSON.stringify(getAt(example, change.path))) {
            setAt(item, change.path, structuredClone(change.value));
            applied.push(change.path);
          }
        }
        const before = upstreamAnomalies.total(c.provider);
        const read = readOne(item);
        expect(read.skipped).toBeNull();
        expect(comparable(read.jobs[0]!, c, applied)).toEqual(comparable(readOne(example).jobs[0]!, c, applied));
        expect(upstreamAnomalies.total(c.provider)).toBe(before);
      }),
      { numRuns: 300, seed: 9_2026 },
    );
  });

  it('leaves out an item whose identity cannot be read, and serves the others in order', () => {
    const cases = fc.tuple(
      fc.shuffledSubarray(examples(), { minLength: 3, maxLength: 3 }),
      fc.constantFrom(...c.identity),
      fc.nat(),
    );
    fc.assert(
      fc.property(cases, ([items, key, pick]) => {
        const broken = structuredClone(items);
        const unreadable = key === c.identity[1] ? [undefined, ...c.badTimes] : BAD_IDS;
        setAt(broken[1]!, [key], unreadable[pick % unreadable.length]);
        const before = upstreamAnomalies.total(c.provider, 'dropped');
        const read = c.read(broken);
        const expected = c.read([items[0]!, items[2]!]).jobs;
        expect(read.jobs.map(readable)).toEqual(expected.map(readable));
        expect(read.skipped?.count).toBe(1);
        expect(read.skipped?.paths[0]).toMatch(new RegExp(`\\.${key}$`));
        expect(upstreamAnomalies.total(c.provider, 'dropped')).toBe(before + 1);
      }),
      { numRuns: 150, seed: 10_2026 },
    );
  });
});
