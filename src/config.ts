// Configuration from the environment. Variable names are a public contract (DESIGN.md).
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
const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const env = z.object({
  PORT: integer(0, 65_535).default(4000),
  HOST: text.default('127.0.0.1'),
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
  const parsed = env.safeParse(present);
  if (!parsed.success) {
    const seen = new Set<string>();
    const problems = parsed.error.issues.flatMap((issue) => {
      const name = String(issue.path[0] ?? 'configuration');
      if (seen.has(name)) return [];
      seen.add(name);
      return [describe(name, issue.message, present[name])];
    });
    throw new ConfigError(problems);
  }
  const v = parsed.data;
  const problems: string[] = [];
  const requireWith = (urlName: string, urlValue: string | undefined, names: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(names)) {
      if (urlValue !== undefined && value === undefined) problems.push(`${name} is required when ${urlName} is set`);
      if (urlValue === undefined && value !== undefined) problems.push(`${name} is set but ${urlName} is not`);
    }
  };
  if (v.UCLOUD_URL !== undefined && v.UCLOUD_TOKEN === undefined && v.UCLOUD_REFRESH_TOKEN === undefined) {
    problems.push('UCLOUD_TOKEN or UCLOUD_REFRESH_TOKEN is required when UCLOUD_URL is set');
  }
  if (v.UCLOUD_URL === undefined) {
    requireWith('UCLOUD_URL', undefined, {
      UCLOUD_TOKEN: v.UCLOUD_TOKEN,
      UCLOUD_REFRESH_TOKEN: v.UCLOUD_REFRESH_TOKEN,
      UCLOUD_PROJECT: v.UCLOUD_PROJECT,
    });
  }
  requireWith('RIME_URL', v.RIME_URL, { RIME_API_KEY: v.RIME_API_KEY });
  requireWith('DATAMANAGER_URL', v.DATAMANAGER_URL, { DATAMANAGER_TOKEN: v.DATAMANAGER_TOKEN });
  requireWith('GPU_URL', v.GPU_URL, { GPU_API_KEY: v.GPU_API_KEY, GPU_API_SECRET: v.GPU_API_SECRET });
  if (problems.length > 0) throw new ConfigError(problems);

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
