// OpenTelemetry: a span per GraphQL operation (@envelop/opentelemetry), a client span per upstream
// call (undici's diagnostics channels), and `traceparent` on every upstream request. Off unless
// `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; the exporter and
// the batch processor read the other standard `OTEL_*` variables themselves (`OTEL_EXPORTER_OTLP_HEADERS`,
// `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, …).
//
// No span carries a credential: operation spans have the operation's name and type only (no
// document, no variables, no result, no resolver arguments); upstream spans have method, URL,
// status and peer, and no header (`headersToSpanAttributes` is left unset).
import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type TracerProvider } from '@opentelemetry/api';
import { useOpenTelemetry } from '@envelop/opentelemetry';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Plugin } from 'graphql-yoga';

export const SERVICE_NAME = 'job-gateway';

export interface Tracing {
  readonly provider: TracerProvider;
  /** Exports every span ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the instrumentation and unregisters the provider. */
  shutdown(): Promise<void>;
}

let active: Tracing | null = null;

/** Whether the environment asks for tracing: an OTLP endpoint is set and the SDK is not disabled. */
export function tracingRequested(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * Starts tracing when the environment asks for it (see `tracingRequested`), before any gateway is
 * created; returns null otherwise. `spanProcessor` replaces the OTLP batch exporter (tests).
 */
export function startTracing(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: { spanProcessor?: SpanProcessor } = {},
): Tracing | null {
  if (active) return active;
  if (!options.spanProcessor && !tracingRequested(env)) return null;
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [options.spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The global provider, AsyncLocalStorage context manager and W3C trace-context propagator.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new UndiciInstrumentation()],
  });
  const tracing: Tracing = {
    provider,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      if (active === tracing) active = null;
      unregister();
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
  active = tracing;
  return tracing;
}

/** The tracing started in this process, if any. */
export function currentTracing(): Tracing | null {
  return active;
}

/** Yoga plugins that make a span per operation; none when tracing is off. */
export function operationTracing(): Plugin[] {
  if (!active) return [];
  // Everything that could carry a secret is off: variables, the result, resolver arguments, and
  // the document (which may hold inline literals).
  return [
    useOpenTelemetry(
      { variables: false, result: false, resolvers: false, defaultResolvers: false, document: false },
      active.provider,
      SpanKind.SERVER,
      {},
      SERVICE_NAME,
    ) as Plugin,
  ];
}

/** Runs `fn` in the trace the caller's `traceparent` names, when tracing is on and it sent one. */
export function withIncomingTrace<T>(headers: Readonly<Record<string, string | string[] | undefined>>, fn: () => T): T {
  if (!active || headers.traceparent === undefined) return fn();
  return context.with(propagation.extract(ROOT_CONTEXT, headers), fn);
}
