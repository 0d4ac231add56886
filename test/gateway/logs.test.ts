// Logs are JSON lines (pino) on stdout with a request id on every record written while a request
// is handled, and no credential ever: proven on a whole demo run of the real process (queries, a
// mutation, backends made to fail, graphql-ws), whose stdout and stderr are searched for every demo
// credential. The redaction paths and the request-id rules are checked in-process too.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../src/config.js';
import { configureLog, log, REDACTED, SECRET_KEYS } from '../../src/log.js';
import { currentRequestId, outsideRequest, requestIdFrom, withRequestId } from '../../src/request-context.js';
import * as gpu from '../../src/simulators/gpu/index.js';
import * as rime from '../../src/simulators/rime/index.js';
import * as ucloud from '../../src/simulators/ucloud/index.js';
import { DEMO_SECRETS } from '../support/credentials.js';

const CREDENTIALS = DEMO_SECRETS;
const BANNER = [/^Job Gateway ready: GraphiQL at http:\/\/\S+$/, /^Demo mode: .*backends/];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  url: string;
}

/** `node --import tsx src/main.ts` in demo mode, debug level, nothing of the test run's backends or tracing. */
async function startDemo(): Promise<Run> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(UCLOUD|RIME|DATAMANAGER|GPU|OTEL|LOG)_|^(HOST|PORT|NODE_OPTIONS)$/.test(key)) continue;
    env[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...env, PORT: '0', LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up lines: ${stdout}${stderr}`)), 30_000);
    child.stdout?.on('data', () => {
      const found = /GraphiQL at (http:\/\/\S+)\n.*backends/i.exec(stdout);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before it was ready: ${stdout}${stderr}`)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, url };
}

type Record_ = { level: string; time: string; msg: string; reqId?: string } & Record<string, unknown>;

function records(stdout: string): Record_[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '' && !BANNER.some((banner) => banner.test(line)))
    .map((line) => JSON.parse(line) as Record_);
}

async function post(url: string, body: object, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
}

const JOBS = '{ jobs(first: 20) { edges { node { id provider } } providerErrors { provider code message } } }';
const JOB = 'query Job($id: ID!) { job(id: $id) { id state } }';
const CANCEL = 'mutation Cancel($id: ID!) { cancelJob(id: $id) { __typename ... on MutationError { code message } } }';

describe('a whole demo run, as logged', () => {
  let run: Run;
  let all: Record_[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    run = await startDemo();
    const demo = records(run.stdout()).find((record) => record.msg === 'demo simulators listening') as Record_ & Record<'rime' | 'gpu' | 'ucloud', string>;
    expect(demo).toBeDefined();
    // Credentials a client sends are never logged either.
    const clientSecrets = { authorization: `Bearer ${ucloud.DEMO_CREDENTIALS.token}`, 'x-api-key': gpu.DEMO_CREDENTIALS.apiKey, cookie: `s=${rime.DEMO_API_KEY}` };

    const first = await post(run.url, { query: JOBS }, { 'x-request-id': 'logs-list-1', ...clientSecrets });
    expect(first.headers.get('x-request-id')).toBe('logs-list-1');
    const listed = (await first.json()) as { data: { jobs: { edges: { node: { id: string; provider: string } }[] } } };
    for (const { node } of listed.data.jobs.edges) ids[node.provider] ??= node.id;
    expect(Object.keys(ids)).toContain('RIME');

    const insane = await post(run.url, { query: '{ __typename }' }, { 'x-request-id': 'not a "sane" id' });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    // Backends that fail: every RIME and GPU answer is a 5xx from now on.
    for (const sim of [demo.rime, demo.gpu]) {
      const set = await fetch(`${sim}/_sim/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 1 }) });
      expect(set.ok).toBe(true);
    }
    await (await post(run.url, { query: JOBS }, { 'x-request-id': 'logs-list-2' })).json();
    await (await post(run.url, { query: JOB, variables: { id: ids.RIME } }, { 'x-request-id': 'logs-job-1', ...clientSecrets })).json();
    await (await post(run.url, { query: CANCEL, variables: { id: ids.RIME } }, { 'x-request-id': 'logs-cancel-1' })).json();
    if (ids.GPU) await (await post(run.url, { query: CANCEL, variables: { id: ids.GPU } }, { 'x-request-id': 'logs-cancel-2' })).json();

    // One graphql-ws operation, on a failing backend.
    const client = createClient({ url: run.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      await new Promise<void>((resolve) => {
        client.subscribe({ query: JOB, variables: { id: ids.RIME } }, { next: () => undefined, error: () => resolve(), complete: () => resolve() });
      });
    } finally {
      await client.dispose();
    }

    run.child.kill('SIGTERM');
    const [code] = (await once(run.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    all = records(run.stdout());
  }, 60_000);

  afterAll(() => {
    if (run?.child.exitCode === null) run.child.kill('SIGKILL');
  });

  it('holds no credential anywhere, on stdout or stderr', () => {
    const everything = run.stdout() + run.stderr();
    for (const credential of CREDENTIALS) expect(everything).not.toContain(credential);
    expect(run.stderr()).toBe('');
  });

  it('is JSON lines on stdout besides the two banner lines, with level, time and message', () => {
    const lines = run.stdout().split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => BANNER.some((banner) => banner.test(line)))).toHaveLength(2);
    expect(all.length).toBeGreaterThan(5);
    for (const record of all) {
      expect(['debug', 'info', 'warn', 'error']).toContain(record.level);
      expect(Number.isNaN(Date.parse(record.time))).toBe(false);
      expect(typeof record.msg).toBe('string');
    }
    expect(all.map((record) => record.msg)).toContain('SIGTERM received, stopping');
  });

  it('names the request on every record written while one is handled', () => {
    // A request's own records: its end, and what failed in it.
    for (const reqId of ['logs-list-1', 'logs-list-2', 'logs-job-1', 'logs-cancel-1']) {
      const mine = all.filter((record) => record.reqId === reqId);
      expect(mine.map((record) => record.msg), reqId).toContain('request finished');
    }
    const failures = all.filter((record) => record.level === 'warn' || record.level === 'error');
    expect(failures.map((record) => record.msg)).toEqual(expect.arrayContaining(['backend call failed']));
    const inRequests = all.filter((record) => /backend call failed|mutation|request finished/.test(record.msg));
    for (const record of inRequests) expect(record.reqId, record.msg).toMatch(/\S/);
    expect(all.filter((record) => record.reqId === 'logs-job-1' && record.msg === 'backend call failed')).not.toHaveLength(0);
    expect(all.filter((record) => record.reqId === 'logs-cancel-1' && record.level === 'warn')).not.toHaveLength(0);
    // The graphql-ws operation: an id of its own, not one of the HTTP requests'.
    const wsFailure = all.filter((record) => record.msg === 'backend call failed' && !String(record.reqId).startsWith('logs-'));
    expect(wsFailure.length).toBeGreaterThan(0);
    expect(wsFailure[0]!.reqId).toMatch(/^[0-9a-f-]{36}$/);
    // Start-up and shutdown are no request's.
    for (const msg of ['demo simulators listening', 'SIGTERM received, stopping']) {
      expect(all.find((record) => record.msg === msg)?.reqId).toBeUndefined();
    }
  });
});

describe('the log, in-process', () => {
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== ''));
      done();
    },
  });
  beforeAll(() => configureLog({ level: 'debug', destination: capture }));
  afterEach(() => {
    lines.length = 0;
  });
  afterAll(() => configureLog({ level: 'info', destination: process.stdout }));

  const parsed = () => lines.map((line) => JSON.parse(line) as Record_);

  it('censors every credential key, at the top, under headers and two levels down', () => {
    const secret = (key: string) => `s3cr3t-${key}-value`;
    const flat = Object.fromEntries(SECRET_KEYS.map((key) => [key, secret(key)]));
    log.warn('fields', { ...flat, headers: { ...flat }, upstream: { request: { ...flat } }, kept: 'visible' });
    const [record] = parsed();
    expect(record).toBeDefined();
    for (const key of SECRET_KEYS) {
      expect(lines[0]).not.toContain(secret(key));
      expect(record![key]).toBe(REDACTED);
      expect((record!.headers as Record<string, unknown>)[key]).toBe(REDACTED);
    }
    expect(record!.kept).toBe('visible');
  });

  it('adds the request id inside a request, and none outside', async () => {
    await withRequestId('req-42', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.info('inside');
    });
    log.info('outside');
    // Work a request starts for everyone (a shared poller) is no request's.
    withRequestId('req-43', () => outsideRequest(() => log.info('shared')));
    expect(parsed().map((record) => [record.msg, record.reqId])).toEqual([
      ['inside', 'req-42'],
      ['outside', undefined],
      ['shared', undefined],
    ]);
    expect(currentRequestId()).toBeUndefined();
  });

  it('keeps a sane incoming x-request-id and replaces anything else', () => {
    expect(requestIdFrom('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
    for (const bad of [undefined, '', ' ', 'has space', 'quote"', 'new\nline', 'x'.repeat(200), '-leading']) {
      expect(requestIdFrom(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('LOG_FORMAT is json (default) or pretty, nothing else', () => {
    expect(loadConfig({}).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: ' Pretty ' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(ConfigError);
    try {
      loadConfig({ LOG_FORMAT: 'xml' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(['LOG_FORMAT must be one of json, pretty (got "xml")']);
    }
  });
});
