// Entry point: configuration from the environment, demo backends when none is configured, the
// gateway, and a clean stop on SIGINT/SIGTERM.
import { ConfigError, isDemo, loadConfig, type Config } from './config.js';
import { startDemoBackends, type DemoBackends } from './demo.js';
import { log, setLogLevel } from './log.js';
import { JOB_PROVIDERS } from './providers/job.js';
import { createGateway } from './server.js';

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
  setLogLevel(config.logLevel ?? 'info');

  let demo: DemoBackends | null = null;
  if (isDemo(config)) {
    // Loopback only, whatever HOST says: the simulators accept fixed demo credentials.
    demo = await startDemoBackends('127.0.0.1');
    config = { ...config, ...demo.settings };
  }

  const gateway = createGateway(config);
  let url: string;
  try {
    url = await gateway.listen();
  } catch (error) {
    process.stderr.write(`Cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`);
    await demo?.close();
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
      await demo?.close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  // Announced only now: a supervisor that reacts to this line with a signal must find it handled.
  const enabled = [...gateway.services.providers.keys()];
  const off = JOB_PROVIDERS.filter((id) => !gateway.services.providers.has(id));
  process.stdout.write(`Job Gateway ready: GraphiQL at ${url}\n`);
  if (demo) {
    process.stdout.write(`Demo mode: simulated ${enabled.join(', ')} backends (set a backend URL to use real ones).\n`);
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
