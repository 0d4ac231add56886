// Entry point: configuration from the environment, logs and traces, demo backends when none is
// configured, the gateway, and a clean stop on SIGINT/SIGTERM.
//
// stdout carries the two start-up banner lines (plain text, which people, tests and supervisors
// read) and, as separate lines, the JSON log records (log.ts); stderr only what is said before
// logging exists or when it cannot start at all (bad configuration, a port in use).
import { ConfigError, isDemo, loadConfig, type Config } from './config.js';
import { startDemoBackends, type DemoBackends } from './demo.js';
import { configureLog, log, LogFormatUnavailable } from './log.js';
import { JOB_PROVIDERS } from './providers/job.js';
import { useFingerprintKey } from './identity/fingerprint.js';
import { connectRedisLive, type RedisLive } from './live/redis/index.js';
import { createGateway } from './server.js';
import { startTracing, type Tracing } from './tracing.js';

/** A second signal within this time is the same request to stop, not an impatient second one. */
const REPEAT_WINDOW_MS = 1_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`Invalid configuration: ${problem}\n`);
      process.exit(2);
    }
    throw error;
  }
  try {
    configureLog({ level: config.logLevel ?? 'info', format: config.logFormat ?? 'json' });
  } catch (error) {
    if (error instanceof LogFormatUnavailable) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Before anything makes an upstream call: the undici instrumentation sees only calls made after it.
  const tracing: Tracing | null = startTracing(process.env);
  if (tracing) log.info('tracing on: spans are exported over OTLP/HTTP', { endpoint: otlpEndpoint() });

  let demo: DemoBackends | null = null;
  if (isDemo(config)) {
    // Loopback only, whatever HOST says: the simulators accept fixed demo credentials.
    demo = await startDemoBackends('127.0.0.1');
    config = { ...config, ...demo.settings };
    // `<BACKEND>_CREDENTIALS=forward`: the demo people's own credentials, sent per request, are used instead.
    for (const key of config.demoForwarding ?? []) config = { ...config, [key]: { url: demo[key].url, credentials: 'forward' } };
    // Where the simulators are (loopback; their admin API `/_sim/faults` lets a demo fail on purpose).
    // Not the word "backends": supervisors and tests take it, after the ready line, for the banner.
    log.info('demo simulators listening', {
      ucloud: demo.ucloud.url,
      rime: demo.rime.url,
      dataManager: demo.dataManager.url,
      gpu: demo.gpu.url,
    });
  }

  // Several replicas: the live layer goes through Redis, and credentials are named alike on every
  // replica (one fingerprint key for all), before anyone is served.
  const shared = config.redisUrl ? await joinReplicas(config.redisUrl) : null;
  const gateway = createGateway(config, {
    loopbackOrigins: demo !== null,
    ...(shared ? { live: { transport: shared.transport, lease: shared.lease, replay: shared.replay }, liveState: () => shared.state } : {}),
  });
  let url: string;
  try {
    url = await gateway.listen();
  } catch (error) {
    process.stderr.write(`Cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`);
    await demo?.close();
    await shared?.close();
    await tracing?.shutdown();
    process.exit(1);
  }

  let stoppingSince: number | null = null;
  const stop = (signal: string) => {
    if (stoppingSince !== null) {
      // Ctrl-C reaches this process twice under npm (from the terminal, and forwarded by npm):
      // only a signal sent again later means "stop now".
      if (Date.now() - stoppingSince < REPEAT_WINDOW_MS) return;
      process.stderr.write('Stopping now.\n');
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.info(`${signal} received, stopping`);
    void (async () => {
      await gateway.close();
      await shared?.close();
      await demo?.close();
      // The last spans (the shutdown's own upstream calls included) are exported before exit.
      await tracing?.shutdown().catch((error: unknown) => log.warn('traces could not be flushed', { error: (error as Error).message }));
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  // Announced only now: a supervisor that reacts to this line with a signal must find it handled.
  const { backends } = gateway.services;
  const enabled = [...backends.keys()];
  const off = JOB_PROVIDERS.filter((id) => !backends.has(id));
  const forwarded = [...gateway.services.forwarding];
  process.stdout.write(`Job Gateway ready: GraphiQL at ${url}\n`);
  if (demo) {
    const people = forwarded.length > 0 ? `; ${forwarded.join(', ')} take each caller's own credential (the README's demo people)` : '';
    process.stdout.write(`Demo mode: simulated ${enabled.join(', ')} backends (set a backend URL to use real ones)${people}.\n`);
  } else {
    // Demo backends run only when no backend is configured: any not configured now is simply off.
    const note = off.length > 0 ? ` (off, no URL set: ${off.join(', ')})` : '';
    process.stdout.write(`Backends: ${enabled.join(', ')}${note}\n`);
  }
}

// A stray rejection is a defect to log, not a reason to drop every client's connection.
process.on('unhandledRejection', (reason) => {
  log.error('unhandled rejection', { reason: reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason) });
});

main().catch((error: unknown) => {
  process.stderr.write(`Job Gateway could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

async function joinReplicas(url: string): Promise<RedisLive> {
  const shared = connectRedisLive(url, {
    onState: (state) =>
      state === 'connected'
        ? log.info('live layer shared through Redis')
        : log.warn('Redis cannot be reached: each replica watches for its own subscribers until it is back'),
  });
  const key = await shared.sharedFingerprintKey();
  if (key) useFingerprintKey(key);
  else log.warn('no shared fingerprint key (Redis unreachable at start): watchers of forwarded credentials are not shared with other replicas');
  return shared;
}

/** The OTLP traces endpoint without any query or credentials, for the start-up record. */
function otlpEndpoint(): string {
  const raw = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT || '';
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(unreadable URL)';
  }
}
