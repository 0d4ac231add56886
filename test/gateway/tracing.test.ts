// Tracing: an OTLP/HTTP receiver in this process, the gateway exporting to it, one `jobs(first: 20)`
// query. The receiver gets the operation's span and one client span per upstream call, all in one
// trace, and every request the simulators recorded carries that trace's `traceparent`. No span
// carries a credential, a header, the variables or the result.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTracing, operationTracing, startTracing, tracingRequested, type Tracing } from '../../src/tracing.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';
import { DEMO_SECRETS } from '../support/credentials.js';

const CREDENTIALS = DEMO_SECRETS;

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
}
const SERVER = 2;
const CLIENT = 3;

/** POST /v1/traces with the exporter's JSON; keeps every span. */
async function startReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[]; posts: () => number }> {
  const spans: OtlpSpan[] = [];
  let posts = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      posts++;
      const payload = JSON.parse(body) as { resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[] };
      for (const resource of payload.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, spans, posts: () => posts };
}

function attribute(span: OtlpSpan, key: string): unknown {
  const found = span.attributes?.find((entry) => entry.key === key);
  return found ? Object.values(found.value)[0] : undefined;
}

const JOBS = 'query Jobs { jobs(first: 20) { edges { node { id provider name } } providerErrors { provider code } } }';

describe('tracing', () => {
  it('is off unless an OTLP endpoint is set', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(startTracing({})).toBeNull();
    expect(currentTracing()).toBeNull();
    expect(operationTracing()).toEqual([]);
  });

  describe('exported over OTLP/HTTP', () => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let tracing: Tracing;
    let world: World;
    const saved = { ...process.env };

    beforeAll(async () => {
      receiver = await startReceiver();
      // The exporter and the batch processor read the standard variables themselves.
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
      process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
      tracing = startTracing(process.env)!;
      expect(tracing).not.toBeNull();
      world = await startWorld({ seed: 5 });
    });

    afterAll(async () => {
      await world?.close();
      await tracing?.shutdown();
      await new Promise((resolve) => receiver?.server.close(resolve));
      process.env = saved;
    });

    it('has the operation span, a client span per upstream call, and traceparent on every upstream request', async () => {
      const sims = [world.demo.ucloud, world.demo.rime, world.demo.dataManager, world.demo.gpu];
      const from = sims.map((sim) => sim.server.requests.length);
      const data = await gqlData<{ jobs: { edges: unknown[] } }, Record<string, never>>(world.url, JOBS);
      expect(data.jobs.edges.length).toBe(20);
      const recorded = sims.flatMap((sim, i) => sim.server.requests.slice(from[i]));
      expect(recorded.length).toBeGreaterThanOrEqual(4);
      await tracing.forceFlush();

      const operation = receiver.spans.find((span) => span.name === 'query.Jobs');
      expect(operation, JSON.stringify(receiver.spans.map((span) => span.name))).toBeDefined();
      expect(operation!.kind).toBe(SERVER);
      expect(attribute(operation!, 'graphql.execute.operationName')).toBe('Jobs');
      const traceId = operation!.traceId;

      const ports = new Set(sims.map((sim) => Number(new URL(sim.url).port)));
      const upstream = receiver.spans.filter((span) => span.kind === CLIENT && ports.has(Number(attribute(span, 'server.port'))));
      expect(upstream).toHaveLength(recorded.length);
      for (const span of upstream) {
        expect(span.traceId).toBe(traceId);
        expect(attribute(span, 'http.response.status_code')).toBe(200);
      }
      // Each recorded request names its own client span as the parent, in the operation's trace.
      const spanIds = new Set(upstream.map((span) => span.spanId));
      for (const request of recorded) {
        const traceparent = String(request.headers.traceparent);
        const parts = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(traceparent);
        expect(parts, traceparent).not.toBeNull();
        expect(parts![1]).toBe(traceId);
        expect(spanIds.has(parts![2]!)).toBe(true);
      }
      // The client spans hang under the operation span (directly or through each other).
      const byId = new Map(receiver.spans.map((span) => [span.spanId, span]));
      for (const span of upstream) {
        let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
        while (parent && parent !== operation) parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
        expect(parent).toBe(operation);
      }
    });

    it('puts no credential, header, variables, document or result into any span', () => {
      expect(receiver.spans.length).toBeGreaterThan(0);
      const text = JSON.stringify(receiver.spans);
      for (const credential of CREDENTIALS) expect(text).not.toContain(credential);
      const keys = new Set(receiver.spans.flatMap((span) => (span.attributes ?? []).map((entry) => entry.key)));
      for (const key of keys) expect(key).not.toMatch(/header|variables|result|document|args/i);
    });
  });
});
