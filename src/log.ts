// Log records as JSON lines (pino) on stdout, one object per line:
//   {"level":"warn","time":"2026-01-15T12:00:00.000Z","pid":1234,"reqId":"…","msg":"backend call failed","provider":"RIME",…}
// `reqId` is there on every record written while a request (HTTP, SSE, a graphql-ws operation) is
// handled (request-context.ts). Callers build messages from request lines and error codes, never
// from headers or configuration values; redaction below is the second line of defence, for fields.
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './request-context.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `json`: one JSON object per line (machines); `pretty`: pino-pretty's coloured lines (people; dev dependency). */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Keys whose values are censored wherever they appear in a record's fields, up to three levels
 * deep (`token`, `headers.authorization`, `backend.headers["x-api-key"]`). Redaction matches
 * object paths only, never the message text.
 */
export const SECRET_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'rime-api-key',
  'x-rime-api-key',
  'x-api-key',
  'x-api-secret',
  'x-signature',
  'x-auth-token',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'apiKey',
  'api_key',
  'apiSecret',
  'api_secret',
  'secret',
  'clientSecret',
  'password',
  'credentials',
] as const;

function pathFor(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
}
function join(prefix: string, key: string): string {
  const part = pathFor(key);
  return part.startsWith('[') ? `${prefix}${part}` : `${prefix}.${part}`;
}
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((key) => [pathFor(key), join('*', key), join('*.*', key)]);
export const REDACTED = '[redacted]';

/** Thrown by `configureLog` when `pretty` is asked for and pino-pretty is not installed (production). */
export class LogFormatUnavailable extends Error {
  override readonly name = 'LogFormatUnavailable';
}

function build(level: LogLevel, destination: DestinationStream): Logger<never> {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const reqId = currentRequestId();
        return reqId === undefined ? {} : { reqId };
      },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination,
  );
}

/** A sync pino-pretty stream, or why there is none. */
function prettyStream(): DestinationStream {
  let pretty: (options: Record<string, unknown>) => DestinationStream;
  try {
    const loaded = createRequire(import.meta.url)('pino-pretty') as { default?: typeof pretty } & typeof pretty;
    pretty = loaded.default ?? loaded;
  } catch {
    throw new LogFormatUnavailable('LOG_FORMAT=pretty needs pino-pretty, a development dependency that is not installed here; use LOG_FORMAT=json');
  }
  return pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid' });
}

// process.stdout is synchronous for files and pipes on Linux, so nothing is lost when the process
// exits right after a record, and records stay in order with the start-up banner main prints.
// Until main configures it (and in tests), JSON at info.
let logger = build('info', process.stdout);

/** Called once by main with the configuration; throws LogFormatUnavailable for `pretty` without pino-pretty. */
export function configureLog(options: { level?: LogLevel; format?: LogFormat; destination?: DestinationStream }): void {
  const destination = options.destination ?? (options.format === 'pretty' ? prettyStream() : process.stdout);
  logger = build(options.level ?? (logger.level as LogLevel), destination);
}

export function setLogLevel(level: LogLevel): void {
  logger.level = level;
}

function write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
  if (fields) logger[level](fields, message);
  else logger[level](message);
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
  /** Whether records of `level` are written now: work done only for them can be skipped. */
  enabled: (level: LogLevel): boolean => logger.isLevelEnabled(level),
};
