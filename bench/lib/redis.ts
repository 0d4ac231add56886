// A throwaway redis-server for a benchmark run: the tests' own (a free loopback port, no
// persistence, its own directory), with what a benchmark reports of it.
import { REDIS_BINARY, redisAvailable, startRedis as startServer } from '../../test/support/redis.js';
import { processCpuMs, processRss } from './proc.js';

export { REDIS_BINARY, redisAvailable };

export interface BenchRedis {
  readonly url: string;
  readonly pid: number;
  /** CPU time the server has used so far (user + system, ms), from /proc; null where /proc is not there. */
  cpuMs(): number | null;
  /** Resident memory now (bytes), from /proc; null where /proc is not there. */
  rss(): number | null;
  close(): Promise<void>;
}

export async function startRedis(): Promise<BenchRedis> {
  const server = await startServer();
  const pid = server.pid ?? 0;
  return {
    url: server.url,
    pid,
    cpuMs: () => processCpuMs(pid),
    rss: () => processRss(pid),
    close: () => server.close(),
  };
}
