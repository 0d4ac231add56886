// Configuration from the environment. Variable names are a public contract (DESIGN.md).
import { isIP } from 'node:net';
import { z } from 'zod';

export interface UCloudSettings {
  url: string;
  token: string | null;
  refreshToken: string | null;
  project: string | null;
}
export interface RimeSettings {
  url: string;
  apiKey: string;
}
export interface DataManagerSettings {
  url: string;
  token: string;
}
export interface GpuSettings {
  url: string;
  apiKey: string;
  apiSecret: string;
}

export interface Config {
  port: number;
  host: string;
  pollIntervalMs: number;
  upstreamTimeoutMs: number;
  ucloud: UCloudSettings | null;
  rime: RimeSettings | null;
  dataManager: DataManagerSettings | null;
  gpu: GpuSettings | null;
}

/** Thrown with one line per bad variable; values of secrets never appear in it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

const SECRETS = new Set(['UCLOUD_TOKEN', 'UCLOUD_REFRESH_TOKEN', 'RIME_API_KEY', 'DATAMANAGER_TOKEN', 'GPU_API_KEY', 'GPU_API_SECRET']);

const text = z.string().trim().min(1, 'must not be empty');
const url = text.refine((value) => {
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL');
/** A host name or an IPv4/IPv6 address to listen on. */
const host = text.refine(
  (value) => isIP(value) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(value),
  'must be a host name or an IP address',
);
const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const env = z.object({
  PORT: integer(0, 65_535).default(4000),
  HOST: host.default('127.0.0.1'),
  POLL_INTERVAL_MS: integer(50, 3_600_000).default(2000),
  UPSTREAM_TIMEOUT_MS: integer(100, 600_000).default(10_000),
  UCLOUD_URL: url.optional(),
  UCLOUD_TOKEN: text.optional(),
  UCLOUD_REFRESH_TOKEN: text.optional(),
  UCLOUD_PROJECT: text.optional(),
  RIME_URL: url.optional(),
  RIME_API_KEY: text.optional(),
  DATAMANAGER_URL: url.optional(),
  DATAMANAGER_TOKEN: text.optional(),
  GPU_URL: url.optional(),
  GPU_API_KEY: text.optional(),
  GPU_API_SECRET: text.optional(),
});

function describe(name: string, message: string, value: string | undefined): string {
  const shown = value === undefined || SECRETS.has(name) ? '' : ` (got ${JSON.stringify(value.slice(0, 80))})`;
  return `${name} ${message}${shown}`;
}

/** Reads the configuration; throws `ConfigError` naming every bad variable. */
export function loadConfig(source: Readonly<Record<string, string | undefined>>): Config {
  // An empty variable is treated as unset, the way shells and compose files usually mean it.
  const present = Object.fromEntries(
    Object.keys(env.shape).flatMap((key) => {
      const value = source[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  const problems: string[] = [];
  const parsed = env.safeParse(present);
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'configuration');
      if (seen.has(name)) continue;
      seen.add(name);
      problems.push(describe(name, issue.message, present[name]));
    }
  }
  // Which variables go together is checked on what is set, valid or not, so every problem shows
  // in one run instead of one after another.
  const has = (name: string): boolean => present[name] !== undefined;
  const requireWith = (urlName: string, names: string[]) => {
    for (const name of names) {
      if (has(urlName) && !has(name)) problems.push(`${name} is required when ${urlName} is set`);
      if (!has(urlName) && has(name)) problems.push(`${name} is set but ${urlName} is not`);
    }
  };
  if (has('UCLOUD_URL') && !has('UCLOUD_TOKEN') && !has('UCLOUD_REFRESH_TOKEN')) {
    problems.push('UCLOUD_TOKEN or UCLOUD_REFRESH_TOKEN is required when UCLOUD_URL is set');
  }
  if (!has('UCLOUD_URL')) {
    for (const name of ['UCLOUD_TOKEN', 'UCLOUD_REFRESH_TOKEN', 'UCLOUD_PROJECT']) if (has(name)) problems.push(`${name} is set but UCLOUD_URL is not`);
  }
  requireWith('RIME_URL', ['RIME_API_KEY']);
  requireWith('DATAMANAGER_URL', ['DATAMANAGER_TOKEN']);
  requireWith('GPU_URL', ['GPU_API_KEY', 'GPU_API_SECRET']);
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const v = parsed.data;

  return {
    port: v.PORT,
    host: v.HOST,
    pollIntervalMs: v.POLL_INTERVAL_MS,
    upstreamTimeoutMs: v.UPSTREAM_TIMEOUT_MS,
    ucloud: v.UCLOUD_URL
      ? { url: v.UCLOUD_URL, token: v.UCLOUD_TOKEN ?? null, refreshToken: v.UCLOUD_REFRESH_TOKEN ?? null, project: v.UCLOUD_PROJECT ?? null }
      : null,
    rime: v.RIME_URL && v.RIME_API_KEY ? { url: v.RIME_URL, apiKey: v.RIME_API_KEY } : null,
    dataManager: v.DATAMANAGER_URL && v.DATAMANAGER_TOKEN ? { url: v.DATAMANAGER_URL, token: v.DATAMANAGER_TOKEN } : null,
    gpu: v.GPU_URL && v.GPU_API_KEY && v.GPU_API_SECRET ? { url: v.GPU_URL, apiKey: v.GPU_API_KEY, apiSecret: v.GPU_API_SECRET } : null,
  };
}

/** Demo mode: no backend configured, so the gateway serves its own simulators. */
export function isDemo(config: Config): boolean {
  return !config.ucloud && !config.rime && !config.dataManager && !config.gpu;
}
