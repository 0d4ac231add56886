// `GET /metrics` over real HTTP, against the gateway over the four simulators: upstream calls
// counted exactly as the simulators see them, operations by name and outcome, live gauges while a
// graphql-ws subscription is open, and METRICS_PORT moving the endpoint to a port of its own.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamAnomalies } from '../../src/providers/anomalies.js';
import type { JobProvider } from '../../src/providers/job.js';
import { routeTemplate } from '../../src/providers/http.js';
import { gql, gqlData, startWorld, type World } from '../support/gateway.js';
import { subscribeWs, wsClient } from '../support/subscriptions.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, enough of it for these tests (no escaped quotes in our labels). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unreadable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function sum(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value))
    .reduce((total, sample) => total + sample.value, 0);
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return parse(await response.text());
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const PAGE = `query Page { jobs(first: 20) { edges { node { id provider } } providerErrors { provider code } } }`;
const LOOKUP = `query Lookup($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
const BACKENDS = `query Backends { providers { provider reachable } }`;
const BROKEN = `query Broken { noSuchField }`;
const JOB_UPDATED = `subscription Follow($id: ID!) { jobUpdated(id: $id) { id } }`;

const SIMULATORS = { UCLOUD: 'ucloud', RIME: 'rime', DATA_MANAGER: 'dataManager', GPU: 'gpu' } as const satisfies Record<JobProvider, keyof World['demo']>;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('GET /metrics', () => {
  let world: World;
  let metricsUrl: string;
  let ids: string[] = [];

  beforeAll(async () => {
    world = await startWorld({ seed: 23 });
    metricsUrl = new URL('/metrics', world.url).toString();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('counts every upstream request exactly as the simulators saw it, and operations by name and outcome', async () => {
    const before = await scrape(metricsUrl);
    for (const name of Object.values(SIMULATORS)) world.demo[name].server.resetCounts();

    const page = await gqlData<{ jobs: { edges: { node: { id: string; provider: JobProvider } }[] } }, Record<string, never>>(world.url, PAGE);
    await gqlData(world.url, PAGE);
    ids = page.jobs.edges.map((edge) => edge.node.id);
    expect(ids.length).toBe(20);
    const byBackend = new Map<JobProvider, string>();
    for (const edge of page.jobs.edges) if (!byBackend.has(edge.node.provider)) byBackend.set(edge.node.provider, edge.node.id);
    await gqlData(world.url, LOOKUP, { ids: [...byBackend.values()] });
    await gqlData(world.url, BACKENDS);
    const broken = await gql(world.url, BROKEN);
    expect(broken.errors?.length).toBeGreaterThan(0);

    const after = await scrape(metricsUrl);
    const delta = (name: string, where: Record<string, string>) => sum(after, name, where) - sum(before, name, where);
    let total = 0;
    for (const [backend, simulator] of Object.entries(SIMULATORS)) {
      const seen = world.demo[simulator].server.count();
      expect({ backend, counted: delta('jobgateway_upstream_requests_total', { backend }) }).toEqual({ backend, counted: seen });
      // Every attempt has a duration too.
      expect(delta('jobgateway_upstream_request_duration_seconds_count', { backend })).toBe(seen);
      total += seen;
    }
    expect(total).toBeGreaterThan(0);

    expect(delta('jobgateway_operations_total', { operation: 'Page', type: 'query', outcome: 'success' })).toBe(2);
    expect(delta('jobgateway_operations_total', { operation: 'Lookup', type: 'query', outcome: 'success' })).toBe(1);
    expect(delta('jobgateway_operations_total', { operation: 'Backends', type: 'query', outcome: 'success' })).toBe(1);
    expect(delta('jobgateway_operations_total', { operation: 'Broken', outcome: 'rejected' })).toBe(1);
    expect(delta('jobgateway_operations_total', {})).toBe(5);
    expect(delta('jobgateway_operation_duration_seconds_count', { operation: 'Page' })).toBe(2);

    // Process metrics and event-loop lag are on this gateway's registry.
    expect(after.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    expect(after.some((sample) => sample.name === 'process_cpu_user_seconds_total')).toBe(true);
    // Yoga's own phase metrics, without the `url` label.
    expect(after.some((sample) => sample.name.startsWith('graphql_envelop_phase_execute'))).toBe(true);
    expect(after.some((sample) => 'url' in sample.labels)).toBe(false);
  });

  it('labels upstream calls by route template: never a job id', async () => {
    const samples = await scrape(metricsUrl);
    const upstream = samples.filter((sample) => sample.name.startsWith('jobgateway_upstream_'));
    expect(upstream.length).toBeGreaterThan(0);
    const raw = ids.map((id) => Buffer.from(id, 'base64').toString('utf8').split(':').slice(1).join(':'));
    for (const sample of upstream) {
      for (const value of Object.values(sample.labels)) {
        expect(value).not.toMatch(UUID);
        for (const id of [...ids, ...raw]) if (id.length >= 6) expect(value).not.toContain(id);
      }
    }
    // The id lookups are there, as templates.
    expect(upstream.some((sample) => sample.labels['route']?.includes(':id'))).toBe(true);

    const uuid = '0b9c7d4e-2f1a-4c3b-9d8e-7a6f5e4d3c2b';
    expect(routeTemplate(`/v1/jobs/${uuid}/cancel`)).toBe('/v1/jobs/:id/cancel');
    expect(routeTemplate(`/v1-beta/jobs/${uuid}/project-id`)).toBe('/v1-beta/jobs/:id/project-id');
    expect(routeTemplate(`/instance/instance-${uuid}`)).toBe('/instance/:id');
    expect(routeTemplate(`/task/task-${uuid}`)).toBe('/task/:id');
    expect(routeTemplate('/api/jobs/retrieveProducts')).toBe('/api/jobs/retrieveProducts');
    expect(routeTemplate('/jobs/12345')).toBe('/jobs/:id');
    expect(routeTemplate('/jobs/abc%2Fdef')).toBe('/jobs/:id');
  });

  it('exports the tolerated payload anomalies, read at scrape time', async () => {
    const where = { backend: 'GPU', path: 'GpuJob.metricsTestField', kind: 'repaired' };
    expect(sum(await scrape(metricsUrl), 'jobgateway_upstream_payload_anomalies_total', where)).toBe(0);
    upstreamAnomalies.record('GPU', where.path, 'repaired');
    upstreamAnomalies.record('GPU', where.path, 'repaired');
    expect(sum(await scrape(metricsUrl), 'jobgateway_upstream_payload_anomalies_total', where)).toBe(2);
  });

  it('shows an open graphql-ws subscription in the subscription and WebSocket gauges', async () => {
    const gauges = async () => {
      const samples = await scrape(metricsUrl);
      return {
        sockets: sum(samples, 'jobgateway_websocket_connections'),
        subscriptions: sum(samples, 'jobgateway_live_subscriptions', { kind: 'job' }),
        watchers: sum(samples, 'jobgateway_live_job_watchers'),
      };
    };
    expect(await gauges()).toEqual({ sockets: 0, subscriptions: 0, watchers: 0 });

    const client = wsClient(world.url);
    const received = subscribeWs(client, JOB_UPDATED, { id: ids[0] }, 'jobUpdated');
    try {
      const open = await until(gauges, (g) => g.sockets === 1 && g.subscriptions === 1);
      expect(open).toEqual({ sockets: 1, subscriptions: 1, watchers: 1 });
    } finally {
      received.unsubscribe();
      await client.dispose();
    }
    expect(await until(gauges, (g) => g.sockets === 0 && g.subscriptions === 0)).toEqual({ sockets: 0, subscriptions: 0, watchers: 0 });
    // The subscription is counted once it has ended.
    const samples = await until(
      () => scrape(metricsUrl),
      (s) => sum(s, 'jobgateway_operations_total', { operation: 'Follow', type: 'subscription' }) === 1,
    );
    expect(sum(samples, 'jobgateway_operations_total', { operation: 'Follow', type: 'subscription' })).toBe(1);
  });
});

describe('METRICS_PORT', () => {
  let world: World;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    world = await startWorld({ seed: 23, config: { metricsPort: port } });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('serves /metrics on its own port and not on the main one', async () => {
    await gqlData(world.url, BACKENDS);
    const samples = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(sum(samples, 'jobgateway_operations_total', { operation: 'Backends', outcome: 'success' })).toBe(1);

    const main = await fetch(new URL('/metrics', world.url));
    const text = await main.text();
    expect(main.status).toBe(404);
    expect(text).not.toContain('jobgateway_');

    // The metrics port serves nothing else.
    const other = await fetch(`http://127.0.0.1:${port}/graphql`);
    expect(other.status).toBe(404);
    await other.text();
  });
});
