// Configuration from the environment. Variable names are a public contract (DESIGN.md). The types
// are inferred from the schemas, and the environment is read through the same field schemas, so a
// field's type and its valid range are written once.
import { isIP } from 'node:net';
import { z } from 'zod';
import { LOG_FORMATS, LOG_LEVELS } from './log.js';
import { CREDENTIAL_MODES, type CredentialMode } from './providers/credentials.js';

const text = z.string().trim().min(1, 'must not be empty');
const whole = (min: number, max: number) =>
  z
    .number()
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
const httpUrl = text.superRefine((value, ctx) => {
  const parsed = parseUrl(value);
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
  } else if (parsed.username !== '' || parsed.password !== '') {
    // The clients keep only the origin and path, so a password here would be silently dropped;
    // credentials have variables of their own.
    ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
  }
});

/** A host name or an IPv4/IPv6 address to listen on. */
const host = text.refine(
  (value) => isIP(value) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(value),
  'must be a host name or an IP address',
);
const timeoutMs = whole(100, 600_000);

/** `https://app.example.org`: a scheme, a host and an optional port, nothing else. */
const origin = text.refine((value) => {
  const parsed = parseUrl(value);
  return parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === value.replace(/\/$/, '');
}, 'must be a comma-separated list of origins like https://app.example.org (scheme, host and port only)');

const redisUrl = text.superRefine((value, ctx) => {
  const parsed = parseUrl(value);
  if (parsed === null || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) {
    ctx.addIssue({ code: 'custom', message: 'must be a redis:// or rediss:// URL' });
  }
});

/** How the gateway calls one backend. */
const httpSettings = z.object({
  /** Deadline of one call, retries included. */
  timeoutMs,
  /** Further attempts of an idempotent request (GET) after a network error, a 5xx or a 429. */
  retries: whole(0, 10),
  /** The wait after the first failed attempt; it doubles with every further one (jittered). */
  retryBaseDelayMs: whole(1, 60_000),
  /** No wait between attempts is longer. */
  retryMaxDelayMs: whole(1, 600_000),
  /** Connections of the backend's pool. */
  connections: whole(1, 1_024),
});
export type HttpSettings = z.infer<typeof httpSettings>;

/**
 * Only what the environment sets, so that the code building a backend's client can lay it over
 * `UPSTREAM_TIMEOUT_MS` and the client's own defaults. Absent when nothing is set.
 */
const httpOverrides = httpSettings.partial().optional();

const ucloudSettings = z.object({
  url: httpUrl,
  token: text.nullable(),
  refreshToken: text.nullable(),
  project: text.nullable(),
  http: httpOverrides,
});
const rimeSettings = z.object({ url: httpUrl, apiKey: text, http: httpOverrides });
const dataManagerSettings = z.object({ url: httpUrl, token: text, http: httpOverrides });
const gpuSettings = z.object({ url: httpUrl, apiKey: text, apiSecret: text, http: httpOverrides });
/**
 * A backend whose every call carries the caller's own credential (`<BACKEND>_CREDENTIALS=forward`):
 * the gateway holds none of its own for it.
 */
const forwardSettings = z.object({ url: httpUrl, credentials: z.literal('forward'), http: httpOverrides });
export type ForwardSettings = z.infer<typeof forwardSettings>;
export type UCloudSettings = z.infer<typeof ucloudSettings>;
export type RimeSettings = z.infer<typeof rimeSettings>;
export type DataManagerSettings = z.infer<typeof dataManagerSettings>;
export type GpuSettings = z.infer<typeof gpuSettings>;

/** Operation limits; each variable is read through its field (see `LIMIT_VARIABLES`). */
const limitSettings = z.object({
  maxDepth: whole(1, 1_000),
  maxAliases: whole(0, 100_000),
  maxTokens: whole(10, 1_000_000),
  maxDirectives: whole(0, 100_000),
  maxCost: whole(1, 100_000_000),
  maxWrites: whole(1, 1_000_000),
  maxCreates: whole(0, 100_000),
  maxSubscriptionsPerConnection: whole(1, 100_000),
  maxConnectionsPerAddress: whole(1, 1_000_000),
});
type LimitSettings = z.infer<typeof limitSettings>;
const LIMIT_VARIABLES = {
  MAX_DEPTH: 'maxDepth',
  MAX_ALIASES: 'maxAliases',
  MAX_TOKENS: 'maxTokens',
  MAX_DIRECTIVES: 'maxDirectives',
  MAX_COST: 'maxCost',
  MAX_WRITES: 'maxWrites',
  MAX_CREATES: 'maxCreates',
  WS_MAX_SUBSCRIPTIONS: 'maxSubscriptionsPerConnection',
  WS_MAX_CONNECTIONS_PER_ADDRESS: 'maxConnectionsPerAddress',
} as const satisfies Record<string, keyof LimitSettings>;

/** Callers prove who they are with an OIDC access token (`AUTH_MODE=jwt`), or need not (`none`). */
const authSettings = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }),
  z.object({
    mode: z.literal('jwt'),
    /** The `iss` every token must carry; OIDC discovery starts from it when `jwksUrl` is null. */
    issuer: httpUrl,
    /** The `aud` every token must include. */
    audience: text,
    jwksUrl: httpUrl.nullable(),
  }),
]);
export type AuthSettings = z.infer<typeof authSettings>;
export const AUTH_MODES = ['none', 'jwt'] as const;

const configSchema = z.object({
  port: whole(0, 65_535),
  host,
  /** Serves `/metrics` on this port instead of the main one. Absent: on the main port. */
  metricsPort: whole(1, 65_535).optional(),
  pollIntervalMs: whole(50, 3_600_000),
  /**
   * How long a whole listing of RIME or the Data Manager (which have no order, so every page of
   * `jobs` reads them whole) serves further operations of the same credential (`LIST_SNAPSHOT_MS`).
   * Absent: 0, shared only while in flight.
   */
  listSnapshotMs: whole(0, 60_000).optional(),
  upstreamTimeoutMs: timeoutMs,
  /** Browser origins allowed CORS grants and WebSocket upgrades (`ALLOWED_ORIGINS`); absent: none. */
  allowedOrigins: z.array(origin).optional(),
  /** Absent: info. Optional because tests and benchmarks build a `Config` by hand. */
  logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  /** `LOG_FORMAT`: JSON lines (absent: json) or pino-pretty's lines for people. */
  logFormat: z.enum(LOG_FORMATS, { error: `must be one of ${LOG_FORMATS.join(', ')}` }).optional(),
  /** A backend is enabled when its settings are there (its URL is set). */
  ucloud: z.union([ucloudSettings, forwardSettings]).nullable(),
  rime: z.union([rimeSettings, forwardSettings]).nullable(),
  dataManager: z.union([dataManagerSettings, forwardSettings]).nullable(),
  gpu: z.union([gpuSettings, forwardSettings]).nullable(),
  /** Who may call the gateway (`AUTH_MODE`). Absent: anyone (what `AUTH_MODE=none` says explicitly). */
  auth: authSettings.optional(),
  /** Operation limits (`MAX_DEPTH`, `MAX_COST`, …); absent ones take `DEFAULT_LIMITS` (src/limits.ts). */
  limits: limitSettings.partial().optional(),
  /** `INTROSPECTION=false` refuses introspection (GraphiQL and codegen use it, so it is on unless said). */
  introspection: z.boolean().optional(),
  /** Several replicas share the live layer through this Redis (`REDIS_URL`); absent: in-process. */
  redisUrl: redisUrl.optional(),
  /** Demo mode only: the simulated backends that take each caller's credential (`<BACKEND>_CREDENTIALS=forward`). */
  demoForwarding: z.array(z.enum(['ucloud', 'rime', 'dataManager', 'gpu'])).optional(),
});
export type Config = z.infer<typeof configSchema>;

/** Thrown with one line per bad variable; values of secrets never appear in it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

// ---- The environment: every variable is read through the field schema it ends up in. ----

/** A variable's text as a whole number; the message names the field's range. */
function integer(field: z.ZodNumber) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${field.minValue} to ${field.maxValue}`)
    .transform(Number)
    .pipe(field);
}

const { shape: c } = configSchema;
const { shape: h } = httpSettings;

/** `<B>_TIMEOUT_MS` and the rest, by their suffixes; `<B>` is the prefix of the backend's other variables. */
const HTTP_VARIABLES = {
  TIMEOUT_MS: 'timeoutMs',
  RETRIES: 'retries',
  RETRY_BASE_MS: 'retryBaseDelayMs',
  RETRY_MAX_MS: 'retryMaxDelayMs',
  CONNECTIONS: 'connections',
} as const satisfies Record<string, keyof HttpSettings>;
const BACKENDS = ['UCLOUD', 'RIME', 'DATAMANAGER', 'GPU'] as const;
type Backend = (typeof BACKENDS)[number];

function httpEnv(backend: Backend) {
  return z
    .object({
      TIMEOUT_MS: integer(h.timeoutMs).optional(),
      RETRIES: integer(h.retries).optional(),
      RETRY_BASE_MS: integer(h.retryBaseDelayMs).optional(),
      RETRY_MAX_MS: integer(h.retryMaxDelayMs).optional(),
      CONNECTIONS: integer(h.connections).optional(),
    })
    .superRefine((v, ctx) => {
      // Only when both are set: one alone is laid over the other's default, which the client caps.
      if (v.RETRY_BASE_MS !== undefined && v.RETRY_MAX_MS !== undefined && v.RETRY_BASE_MS > v.RETRY_MAX_MS) {
        ctx.addIssue({ code: 'custom', path: ['RETRY_BASE_MS'], message: `must not be more than ${backend}_RETRY_MAX_MS` });
      }
    });
}

const credentialMode = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(CREDENTIAL_MODES, { error: `must be one of ${CREDENTIAL_MODES.join(', ')}` }));

const env = z.object({
  PORT: integer(c.port).default(4000),
  HOST: c.host.default('127.0.0.1'),
  METRICS_PORT: integer(c.metricsPort.unwrap()).optional(),
  POLL_INTERVAL_MS: integer(c.pollIntervalMs).default(2000),
  LIST_SNAPSHOT_MS: integer(c.listSnapshotMs.unwrap()).default(1000),
  UPSTREAM_TIMEOUT_MS: integer(c.upstreamTimeoutMs).default(10_000),
  LOG_LEVEL: z.string().trim().toLowerCase().pipe(c.logLevel.unwrap()).default('info'),
  LOG_FORMAT: z.string().trim().toLowerCase().pipe(c.logFormat.unwrap()).default('json'),
  INTROSPECTION: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
    .transform((value) => value === 'true')
    .optional(),
  ALLOWED_ORIGINS: z
    .string()
    .transform((list) => list.split(',').map((item) => item.trim()).filter((item) => item !== ''))
    .pipe(c.allowedOrigins.unwrap())
    .optional(),
  AUTH_MODE: z.string().trim().toLowerCase().pipe(z.enum(AUTH_MODES, { error: `must be one of ${AUTH_MODES.join(', ')}` })).optional(),
  AUTH_ISSUER: httpUrl.optional(),
  AUTH_AUDIENCE: text.optional(),
  AUTH_JWKS_URL: httpUrl.optional(),
  REDIS_URL: redisUrl.optional(),
  UCLOUD_CREDENTIALS: credentialMode.optional(),
  RIME_CREDENTIALS: credentialMode.optional(),
  DATAMANAGER_CREDENTIALS: credentialMode.optional(),
  GPU_CREDENTIALS: credentialMode.optional(),
  UCLOUD_URL: ucloudSettings.shape.url.optional(),
  UCLOUD_TOKEN: ucloudSettings.shape.token.unwrap().optional(),
  UCLOUD_REFRESH_TOKEN: ucloudSettings.shape.refreshToken.unwrap().optional(),
  UCLOUD_PROJECT: ucloudSettings.shape.project.unwrap().optional(),
  RIME_URL: rimeSettings.shape.url.optional(),
  RIME_API_KEY: rimeSettings.shape.apiKey.optional(),
  DATAMANAGER_URL: dataManagerSettings.shape.url.optional(),
  DATAMANAGER_TOKEN: dataManagerSettings.shape.token.optional(),
  GPU_URL: gpuSettings.shape.url.optional(),
  GPU_API_KEY: gpuSettings.shape.apiKey.optional(),
  GPU_API_SECRET: gpuSettings.shape.apiSecret.optional(),
  MAX_DEPTH: integer(limitSettings.shape.maxDepth).optional(),
  MAX_ALIASES: integer(limitSettings.shape.maxAliases).optional(),
  MAX_TOKENS: integer(limitSettings.shape.maxTokens).optional(),
  MAX_DIRECTIVES: integer(limitSettings.shape.maxDirectives).optional(),
  MAX_COST: integer(limitSettings.shape.maxCost).optional(),
  MAX_WRITES: integer(limitSettings.shape.maxWrites).optional(),
  MAX_CREATES: integer(limitSettings.shape.maxCreates).optional(),
  WS_MAX_SUBSCRIPTIONS: integer(limitSettings.shape.maxSubscriptionsPerConnection).optional(),
  WS_MAX_CONNECTIONS_PER_ADDRESS: integer(limitSettings.shape.maxConnectionsPerAddress).optional(),
  // Nested by backend so that each backend's variables are checked together (see httpEnv).
  http: z.object({ UCLOUD: httpEnv('UCLOUD'), RIME: httpEnv('RIME'), DATAMANAGER: httpEnv('DATAMANAGER'), GPU: httpEnv('GPU') }),
});
type Env = z.output<typeof env>;

const SECRETS = new Set(['UCLOUD_TOKEN', 'UCLOUD_REFRESH_TOKEN', 'RIME_API_KEY', 'DATAMANAGER_TOKEN', 'GPU_API_KEY', 'GPU_API_SECRET']);
const URLS = new Set(BACKENDS.map((backend) => `${backend}_URL`));
const SCALARS = Object.keys(env.shape).filter((key) => key !== 'http');
const HTTP_SUFFIXES = Object.keys(HTTP_VARIABLES) as (keyof typeof HTTP_VARIABLES)[];

/** The variable an issue is about: `PORT`, or `RIME_RETRIES` for the path `http.RIME.RETRIES`. */
function variableOf(path: readonly PropertyKey[]): string {
  if (path[0] === 'http' && path.length >= 3) return `${String(path[1])}_${String(path[2])}`;
  return String(path[0] ?? 'configuration');
}

function describe(name: string, message: string, value: string | undefined): string {
  // A URL can carry credentials of its own (`https://user:password@host`, `?token=`), so one
  // with either is named but not shown.
  const hidden = value === undefined || SECRETS.has(name) || ((URLS.has(name) || name === 'REDIS_URL') && /[@?]/.test(value));
  return `${name} ${message}${hidden ? '' : ` (got ${JSON.stringify(value.slice(0, 80))})`}`;
}

/** `{ http }` with what is set of the backend's HTTP variables; nothing when none is. */
function withHttp(values: Env['http'][Backend]): { http?: Partial<HttpSettings> } {
  const set = HTTP_SUFFIXES.flatMap((suffix) => {
    const value = values[suffix];
    return value === undefined ? [] : [[HTTP_VARIABLES[suffix], value] as const];
  });
  return set.length > 0 ? { http: Object.fromEntries(set) } : {};
}

/** Reads the configuration; throws `ConfigError` naming every bad variable. */
export function loadConfig(source: Readonly<Record<string, string | undefined>>): Config {
  // An empty variable is treated as unset, the way shells and compose files usually mean it.
  const present: Record<string, string> = {};
  const read = (name: string): string | undefined => {
    const value = source[name];
    if (value === undefined || value === '') return undefined;
    present[name] = value;
    return value;
  };
  const input = {
    ...Object.fromEntries(SCALARS.map((name) => [name, read(name)])),
    http: Object.fromEntries(BACKENDS.map((backend) => [backend, Object.fromEntries(HTTP_SUFFIXES.map((suffix) => [suffix, read(`${backend}_${suffix}`)]))])),
  };

  const problems: string[] = [];
  const parsed = env.safeParse(input);
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const name = variableOf(issue.path);
      if (seen.has(name)) continue;
      seen.add(name);
      problems.push(describe(name, issue.message, present[name]));
    }
  }
  // Which variables go together is checked on what is set, valid or not, so every problem shows
  // in one run instead of one after another.
  const has = (name: string): boolean => present[name] !== undefined;
  const httpNames = (backend: Backend) => HTTP_SUFFIXES.map((suffix) => `${backend}_${suffix}`);
  const requireWith = (urlName: string, required: string[], optional: string[]) => {
    for (const name of required) {
      if (has(urlName) && !has(name)) problems.push(`${name} is required when ${urlName} is set`);
      if (!has(urlName) && has(name)) problems.push(`${name} is set but ${urlName} is not`);
    }
    for (const name of optional) if (!has(urlName) && has(name)) problems.push(`${name} is set but ${urlName} is not`);
  };
  if (parsed.success && parsed.data.METRICS_PORT !== undefined && parsed.data.METRICS_PORT === parsed.data.PORT) {
    problems.push('METRICS_PORT must differ from PORT');
  }
  // A forwarding backend takes each caller's credential: one of the gateway's own would be unused,
  // so setting it is a mistake worth a line rather than a secret kept for nothing.
  const mode = (backend: Backend): CredentialMode => (parsed.success ? (parsed.data[`${backend}_CREDENTIALS`] ?? 'service') : 'service');
  const ownCredentials = (backend: Backend, names: string[]): string[] => {
    if (mode(backend) === 'service') return names;
    for (const name of names) if (has(name)) problems.push(`${name} is set but ${backend}_CREDENTIALS=forward uses each caller's own credential`);
    return [];
  };
  if (has('UCLOUD_URL') && mode('UCLOUD') === 'service' && !has('UCLOUD_TOKEN') && !has('UCLOUD_REFRESH_TOKEN')) {
    problems.push('UCLOUD_TOKEN or UCLOUD_REFRESH_TOKEN is required when UCLOUD_URL is set (or UCLOUD_CREDENTIALS=forward)');
  }
  // Demo mode (no URL at all) forwards to its simulators what `<BACKEND>_CREDENTIALS` says.
  const demo = !BACKENDS.some((backend) => has(`${backend}_URL`));
  const modeName = (backend: Backend): string[] => (demo ? [] : [`${backend}_CREDENTIALS`]);
  requireWith('UCLOUD_URL', [], [...ownCredentials('UCLOUD', ['UCLOUD_TOKEN', 'UCLOUD_REFRESH_TOKEN', 'UCLOUD_PROJECT']), ...modeName('UCLOUD'), ...httpNames('UCLOUD')]);
  requireWith('RIME_URL', ownCredentials('RIME', ['RIME_API_KEY']), [...modeName('RIME'), ...httpNames('RIME')]);
  requireWith('DATAMANAGER_URL', ownCredentials('DATAMANAGER', ['DATAMANAGER_TOKEN']), [...modeName('DATAMANAGER'), ...httpNames('DATAMANAGER')]);
  requireWith('GPU_URL', ownCredentials('GPU', ['GPU_API_KEY', 'GPU_API_SECRET']), [...modeName('GPU'), ...httpNames('GPU')]);
  const authMode = parsed.success ? parsed.data.AUTH_MODE : undefined;
  if (authMode === 'jwt') {
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE']) if (!has(name)) problems.push(`${name} is required when AUTH_MODE=jwt`);
  } else {
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL']) if (has(name)) problems.push(`${name} is set but AUTH_MODE is not jwt`);
  }
  // The gateway's own credentials would serve whoever reaches the port: that must be a decision.
  const serviced = BACKENDS.filter((backend) => has(`${backend}_URL`) && mode(backend) === 'service');
  if (!has('AUTH_MODE') && serviced.length > 0) {
    problems.push(
      `AUTH_MODE must be set: ${serviced.map((b) => `${b}_URL`).join(', ')} ${serviced.length === 1 ? 'uses' : 'use'} the gateway's own credentials, which would serve anyone who reaches it (AUTH_MODE=jwt to verify callers' tokens, AUTH_MODE=none to serve anyone)`,
    );
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const v = parsed.data;

  const limits = Object.fromEntries(
    Object.entries(LIMIT_VARIABLES).flatMap(([name, field]) => {
      const value = v[name as keyof typeof LIMIT_VARIABLES];
      return value === undefined ? [] : [[field, value] as const];
    }),
  ) as Partial<LimitSettings>;

  const demoForwarding = (
    [
      ['UCLOUD', 'ucloud'],
      ['RIME', 'rime'],
      ['DATAMANAGER', 'dataManager'],
      ['GPU', 'gpu'],
    ] as const
  ).flatMap(([backend, key]) => (demo && mode(backend) === 'forward' ? [key] : []));
  return {
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(demoForwarding.length > 0 ? { demoForwarding } : {}),
    ...(v.REDIS_URL ? { redisUrl: v.REDIS_URL } : {}),
    port: v.PORT,
    host: v.HOST,
    ...(v.METRICS_PORT !== undefined ? { metricsPort: v.METRICS_PORT } : {}),
    pollIntervalMs: v.POLL_INTERVAL_MS,
    listSnapshotMs: v.LIST_SNAPSHOT_MS,
    upstreamTimeoutMs: v.UPSTREAM_TIMEOUT_MS,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT,
    ...(v.INTROSPECTION === undefined ? {} : { introspection: v.INTROSPECTION }),
    ...(v.ALLOWED_ORIGINS ? { allowedOrigins: v.ALLOWED_ORIGINS } : {}),
    ...(v.AUTH_MODE === 'jwt' && v.AUTH_ISSUER && v.AUTH_AUDIENCE
      ? { auth: { mode: 'jwt' as const, issuer: v.AUTH_ISSUER, audience: v.AUTH_AUDIENCE, jwksUrl: v.AUTH_JWKS_URL ?? null } }
      : v.AUTH_MODE === 'none'
        ? { auth: { mode: 'none' as const } }
        : {}),
    ucloud: v.UCLOUD_URL && v.UCLOUD_CREDENTIALS === 'forward'
      ? { url: v.UCLOUD_URL, credentials: 'forward' as const, ...withHttp(v.http.UCLOUD) }
      : v.UCLOUD_URL
      ? {
          url: v.UCLOUD_URL,
          token: v.UCLOUD_TOKEN ?? null,
          refreshToken: v.UCLOUD_REFRESH_TOKEN ?? null,
          project: v.UCLOUD_PROJECT ?? null,
          ...withHttp(v.http.UCLOUD),
        }
      : null,
    rime: v.RIME_URL && v.RIME_CREDENTIALS === 'forward' ? forwarded(v.RIME_URL, v.http.RIME) : v.RIME_URL && v.RIME_API_KEY ? { url: v.RIME_URL, apiKey: v.RIME_API_KEY, ...withHttp(v.http.RIME) } : null,
    dataManager:
      v.DATAMANAGER_URL && v.DATAMANAGER_CREDENTIALS === 'forward'
        ? forwarded(v.DATAMANAGER_URL, v.http.DATAMANAGER)
        : v.DATAMANAGER_URL && v.DATAMANAGER_TOKEN ? { url: v.DATAMANAGER_URL, token: v.DATAMANAGER_TOKEN, ...withHttp(v.http.DATAMANAGER) } : null,
    gpu:
      v.GPU_URL && v.GPU_CREDENTIALS === 'forward'
        ? forwarded(v.GPU_URL, v.http.GPU)
        : v.GPU_URL && v.GPU_API_KEY && v.GPU_API_SECRET
        ? { url: v.GPU_URL, apiKey: v.GPU_API_KEY, apiSecret: v.GPU_API_SECRET, ...withHttp(v.http.GPU) }
        : null,
  };
}

function forwarded(url: string, http: Env['http'][Backend]): ForwardSettings {
  return { url, credentials: 'forward', ...withHttp(http) };
}

/** Whether a backend's calls carry each caller's own credential rather than the gateway's. */
export function isForwarding(settings: object): settings is ForwardSettings {
  return 'credentials' in settings && settings.credentials === 'forward';
}

/** Every backend on the gateway's own credentials (demo mode, tests). */
export interface ServiceBackendSettings {
  ucloud: UCloudSettings;
  rime: RimeSettings;
  dataManager: DataManagerSettings;
  gpu: GpuSettings;
}

/** Demo mode: no backend configured, so the gateway serves its own simulators. */
export function isDemo(config: Config): boolean {
  return !config.ucloud && !config.rime && !config.dataManager && !config.gpu;
}
