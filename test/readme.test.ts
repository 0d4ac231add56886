// The README's examples, run as a new user would run them: every ```graphql and ```sh block against
// `npm start` in demo mode, on the port the examples name. Nothing
// in a block is changed; the only things supplied are job ids, found the way the README says (its
// `FindJob` query, or the answer of an earlier example).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  Kind,
  parse,
  validate,
  type DocumentNode,
  OperationTypeNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startDemoBackends, type DemoBackends } from '../src/demo.js';
import { markdownBlocks, type CodeBlock } from './support/markdown.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const SCHEMA = buildSchema(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));
const SCRIPTS = Object.keys((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts);

const PORT = 4000;
const ENDPOINT = `http://127.0.0.1:${PORT}/graphql`;
const BLOCKS = markdownBlocks(README);
/** The commands of a block, without comments and line continuations. */
const commandsOf = (block: CodeBlock) =>
  block.code
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '')
    .flatMap((line) => line.split('&&').map((command) => command.trim()));
/** The project's own commands (`npm install`, `npm test`, ...) are checked, not run: one would run this test again. */
const projectCommands = (block: CodeBlock) => commandsOf(block).every((command) => /^(npm|bash) /.test(command));

// ---- The README's own vocabulary for the job an example needs ----

const PROVIDERS: Record<string, string> = { UCloud: 'UCLOUD', RIME: 'RIME', 'Data Manager': 'DATA_MANAGER', GPU: 'GPU' };
/** A job described as "a running UCloud job" or "the job createGpuJob answered". */
type Need = { kind: 'find'; provider: string; state: string; text: string } | { kind: 'answered'; field: string; text: string };

function parseNeed(text: string): Need {
  const found = /^an? ([a-z]+) (UCloud|RIME|Data Manager|GPU) job$/.exec(text);
  if (found) return { kind: 'find', state: (found[1] ?? '').toUpperCase(), provider: PROVIDERS[found[2] ?? ''] ?? '', text };
  const answered = /^the job (\w+) answered$/.exec(text);
  if (answered) return { kind: 'answered', field: answered[1] ?? '', text };
  throw new Error(`the README asks for "${text}", which says neither "a <state> <backend> job" nor "the job <mutation> answered"`);
}

/** `# $id: a running UCloud job` lines: which job each variable stands for. */
function needsOf(code: string, marker: RegExp): Map<string, Need[]> {
  const needs = new Map<string, Need[]>();
  for (const line of code.split('\n')) {
    const declared = marker.exec(line);
    if (declared) needs.set(declared[1] ?? '', (declared[2] ?? '').split(' and ').map((part) => parseNeed(part.trim())));
  }
  return needs;
}

/** What a job must allow for the operation to succeed on it. */
const CAPABILITY: Record<string, 'cancel' | 'extend' | 'suspend' | 'resume' | 'logs'> = {
  cancelJob: 'cancel',
  cancelJobs: 'cancel',
  extendJob: 'extend',
  suspendJob: 'suspend',
  resumeJob: 'resume',
  jobLogs: 'logs',
};

interface Operation {
  block: CodeBlock;
  document: DocumentNode;
  definition: OperationDefinitionNode;
  rootFields: string[];
}

function operationOf(block: CodeBlock): Operation {
  const document = parse(block.code);
  const definitions = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (definitions.length !== 1 || document.definitions.length !== 1) {
    throw new Error(`README line ${block.line}: a block must hold exactly one operation, so that GraphiQL runs it as pasted`);
  }
  const definition = definitions[0] as OperationDefinitionNode;
  const rootFields = definition.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  return { block, document, definition, rootFields };
}

const OPERATIONS = BLOCKS.filter((block) => block.lang === 'graphql').map(operationOf);

// ---- Talking to the gateway as a client does ----

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

async function post(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}

function dataOf(answer: Answer, where: string): Record<string, unknown> {
  if (answer.errors?.length || !answer.data) throw new Error(`${where}: ${JSON.stringify(answer.errors ?? answer)}`);
  return answer.data;
}

/** The first event of a subscription over graphql-ws; the client is disposed afterwards either way. */
async function firstEvent(query: string, variables: Record<string, unknown>, timeoutMs: number): Promise<Answer> {
  const client = createClient({ url: ENDPOINT.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    return await new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
      client.subscribe(
        { query, variables },
        {
          next: (value) => {
            clearTimeout(timer);
            resolve(value as Answer);
          },
          error: (error) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
          complete: () => {
            clearTimeout(timer);
            reject(new Error('completed without an event'));
          },
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

interface FoundJob {
  id: string;
  provider: string;
  state: string;
  capabilities: Record<string, boolean>;
}

/** Mutations' answers so far, by field: "the job createGpuJob answered". */
const answered = new Map<string, string>();

/** Runs the README's FindJob with the backend and state an example asks for, as the README says to. */
async function findJob(need: Extract<Need, { kind: 'find' }>, capability: string | undefined, taken: Set<string>): Promise<string> {
  const finder = OPERATIONS.find((operation) => operation.definition.name?.value === 'FindJob');
  if (!finder) throw new Error('the README has no FindJob query to find job ids with');
  const data = dataOf(await post(finder.block.code, { providers: [need.provider], states: [need.state] }), 'FindJob');
  const edges = (data.jobs as { edges: { node: FoundJob }[] }).edges;
  const job = edges.map((edge) => edge.node).find((node) => !taken.has(node.id) && (!capability || node.capabilities[capability] === true));
  if (!job) throw new Error(`FindJob found no ${need.text}${capability ? ` that allows ${capability}` : ''}`);
  return job.id;
}

async function resolveNeed(need: Need, capability: string | undefined, taken: Set<string>): Promise<string> {
  if (need.kind === 'find') return findJob(need, capability, taken);
  const id = answered.get(need.field);
  if (!id) throw new Error(`"${need.text}": no earlier example ran ${need.field} successfully`);
  return id;
}

function isListType(definition: VariableDefinitionNode): boolean {
  const type = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
  return type.kind === Kind.LIST_TYPE;
}

/** Values for the variables a user has to fill in: required ones without a default. */
async function variablesFor(operation: Operation): Promise<Record<string, unknown>> {
  const needs = needsOf(operation.block.code, /^#\s*\$(\w+):\s*(.+?)\s*$/);
  const capability = operation.rootFields.map((field) => CAPABILITY[field]).find((c) => c !== undefined);
  const variables: Record<string, unknown> = {};
  const taken = new Set<string>();
  for (const definition of operation.definition.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (definition.type.kind !== Kind.NON_NULL_TYPE || definition.defaultValue) continue;
    const wanted = needs.get(name);
    if (!wanted) throw new Error(`README line ${operation.block.line}: $${name} is required but no "# $${name}: ..." line says which job it is`);
    const ids: string[] = [];
    for (const need of wanted) {
      const id = await resolveNeed(need, capability, taken);
      taken.add(id);
      ids.push(id);
    }
    variables[name] = isListType(definition) ? ids : ids[0];
  }
  return variables;
}

type MutationAnswer = { __typename: string; job?: { id: string } } & Record<string, unknown>;

/** What each root field must answer for the example to count as working, not merely as valid. */
function checkAnswer(type: OperationTypeNode, field: string, value: unknown): void {
  if (type === OperationTypeNode.MUTATION) {
    for (const result of (Array.isArray(value) ? value : [value]) as MutationAnswer[]) {
      expect(result, `${field} answered ${JSON.stringify(result)}`).toMatchObject({ __typename: 'JobMutationSuccess' });
    }
    const single = value as MutationAnswer;
    if (!Array.isArray(value) && single.job) answered.set(field, single.job.id);
    return;
  }
  expect(value, `${field} answered null`).not.toBeNull();
  if (field === 'jobs') {
    const jobs = value as { edges: unknown[]; providerErrors?: unknown[] };
    expect(jobs.edges.length, 'jobs answered an empty page').toBeGreaterThan(0);
    if (jobs.providerErrors) expect(jobs.providerErrors).toEqual([]);
  }
  if (field === 'nodes') expect(value as unknown[]).not.toContain(null);
  if (field === 'providers') {
    for (const provider of value as { enabled: boolean; reachable: boolean }[]) expect(provider).toMatchObject({ enabled: true, reachable: true });
  }
}

// ---- The gateway, as `npm start` runs it ----

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

interface Started {
  child: ChildProcess;
  /** The ready line and the one after it, naming the backends. */
  banner: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start` with only `env` (and PATH, HOME): no backend URL means demo mode. */
async function startGateway(env: Record<string, string>): Promise<Started> {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const banner = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "ready" line within 25 s; stderr: ${stderr}`)), 25_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = stdout.split('\n');
      // npm's own header comes first; the line naming the backends follows the ready line at once.
      const ready = lines.findIndex((line) => line.startsWith('Job Gateway ready'));
      if (ready >= 0 && lines.length > ready + 2) {
        clearTimeout(timer);
        resolve(lines.slice(ready, ready + 2));
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${code}) before it was ready: ${stderr}`));
    });
  });
  return { child, banner, exited };
}

async function stopGateway(started: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGTERM');
  return started.exited;
}

/**
 * `bash -euo pipefail -c`, as strict as a careful user's shell. Standard input is closed: bash
 * takes a socket there (what Node pipes are) for a remote shell and would read the bashrc files.
 */
function runShell(code: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', code], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  return new Promise((resolve) => {
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: exitCode });
    });
  });
}

// ---- The tests ----

describe('README examples, read', () => {
  it('show every query, mutation and subscription of the schema, each a valid operation', () => {
    const shown = new Set(OPERATIONS.flatMap((operation) => operation.rootFields.map((field) => `${operation.definition.operation}.${field}`)));
    const roots = [
      ['query', SCHEMA.getQueryType()],
      ['mutation', SCHEMA.getMutationType()],
      ['subscription', SCHEMA.getSubscriptionType()],
    ] as const;
    const all = roots.flatMap(([type, root]) => Object.keys(root?.getFields() ?? {}).map((field) => `${type}.${field}`));
    expect(all.filter((field) => !shown.has(field))).toEqual([]);
    for (const operation of OPERATIONS) {
      expect(validate(SCHEMA, operation.document).map((error) => `README line ${operation.block.line}: ${error.message}`)).toEqual([]);
    }
  });

  it('name only scripts and files that exist in the sh blocks of project commands', () => {
    const commands = BLOCKS.filter((block) => block.lang === 'sh' && projectCommands(block)).flatMap(commandsOf);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      const [tool, first, second] = command.split(/\s+/);
      if (tool === 'bash') expect(() => readFileSync(new URL(`../${first}`, import.meta.url)), command).not.toThrow();
      else if (tool === 'npm' && first === 'run') expect(SCRIPTS, command).toContain(second);
      else expect(['npm install', 'npm ci', 'npm start', 'npm test'], command).toContain(`${tool} ${first}`);
    }
  });
});

const busy = await portTaken(PORT);
if (busy && !process.env.CI) {
  console.warn(`test/readme.test.ts: port ${PORT} is taken, so the README examples (which name it) are NOT run. Free it and run again.`);
}

describe.skipIf(busy && !process.env.CI)(`README examples, run against \`npm start\` on port ${PORT}`, () => {
  let gateway: Started | undefined;
  let jobId: string | undefined;

  beforeAll(async () => {
    if (busy) throw new Error(`port ${PORT} is taken: the README examples need it`);
    gateway = await startGateway({ PORT: String(PORT) });
  });
  afterAll(async () => {
    if (gateway) await stopGateway(gateway);
  });

  it('prints what the README says it prints when ready', () => {
    const shown = BLOCKS.find((block) => block.lang === '' && block.code.startsWith('Job Gateway ready'));
    expect(gateway?.banner).toEqual(shown?.code.split('\n'));
  });

  for (const block of BLOCKS.filter((b) => b.lang === 'graphql' || (b.lang === 'sh' && !projectCommands(b)))) {
    if (block.lang === 'graphql') {
      const operation = operationOf(block);
      const type = operation.definition.operation;
      it(`line ${block.line}: ${type} ${operation.definition.name?.value ?? operation.rootFields.join(', ')}`, async () => {
        const variables = await variablesFor(operation);
        // Events of jobsUpdated come only with a change; the demo's jobs change every few seconds.
        const answer = type === OperationTypeNode.SUBSCRIPTION ? await firstEvent(block.code, variables, 25_000) : await post(block.code, variables);
        const data = dataOf(answer, `README line ${block.line}`);
        for (const field of operation.rootFields) checkAnswer(type, field, data[field]);
      });
    } else {
      it(`line ${block.line}: sh`, async () => {
        const assigns = /^JOB_ID=/m.test(block.code);
        if (!assigns && block.code.includes('$JOB_ID') && !jobId) throw new Error('the block uses $JOB_ID but no earlier block set it');
        const { stdout, stderr, code } = await runShell(block.code, !assigns && jobId ? { JOB_ID: jobId } : {});
        expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
        expect(stdout.trim()).not.toBe('');
        expect(stdout).not.toContain('"errors"');

        if (assigns) {
          const [need] = needsOf(block.code, /^#\s*(JOB_ID):\s*(.+?)\s*$/).get('JOB_ID') ?? [];
          if (need?.kind !== 'find') throw new Error('a block that sets JOB_ID says which job in a "# JOB_ID: a <state> <backend> job" line');
          jobId = stdout.trim();
          const data = dataOf(await post('query ($id: ID!) { job(id: $id) { provider state } }', { id: jobId }), 'the job JOB_ID names');
          expect(data.job).toEqual({ provider: need.provider, state: need.state });
        }
        if (block.code.includes('text/event-stream')) {
          const events = stdout.split('\n').filter((line) => line.startsWith('data: {'));
          expect(stdout).toContain('event: next');
          expect(events.length).toBeGreaterThan(0);
          for (const event of events) expect(JSON.parse(event.slice('data: '.length))).toMatchObject({ data: expect.any(Object) });
        }
        // "command   # output": a one-line block shows what it prints.
        const shown = /^[^#\n]+\s#\s*(\S.*)$/.exec(block.code);
        if (shown && !block.code.includes('\n')) expect(stdout.trim()).toBe(shown[1]);
      });
    }
  }

  it('stops on SIGTERM with exit code 0', async () => {
    if (!gateway) throw new Error('no gateway');
    const started = Date.now();
    expect(await stopGateway(gateway)).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('a backend URL turns demo mode off for all four', () => {
  let backends: DemoBackends;
  let gateway: Started | undefined;

  // The README's UCloud-only example, with the UCloud simulator standing in for cloud.sdu.dk.
  beforeAll(async () => {
    backends = await startDemoBackends();
    const { url, credentials } = backends.ucloud;
    if (!credentials.refreshToken) throw new Error('the UCloud simulator hands out no refresh token');
    gateway = await startGateway({ PORT: '0', AUTH_MODE: 'none', UCLOUD_URL: url, UCLOUD_REFRESH_TOKEN: credentials.refreshToken });
  });
  afterAll(async () => {
    if (gateway) await stopGateway(gateway);
    await backends?.close();
  });

  it('serves only the configured backend, and the others are off as the README says', async () => {
    expect(gateway?.banner[1]).toBe(/prints\s+`(Backends: [^`]+)`/.exec(README)?.[1]);
    const url = /GraphiQL at (\S+)/.exec(gateway?.banner[0] ?? '')?.[1];
    if (!url) throw new Error(`no URL in ${JSON.stringify(gateway?.banner)}`);
    // A GPU job's global ID, built here only because no gateway serving GPU hands one out.
    const gpuJob = Buffer.from(`GpuJob:${backends.gpu.inventory()[0]?.id}`).toString('base64');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{
          providers { provider enabled }
          all: jobs(first: 100) { edges { node { provider } } }
          other: jobs(filter: { providers: [GPU] }) { edges { cursor } providerErrors { provider code } }
        }`,
      }),
    });
    const { data } = (await response.json()) as {
      data: {
        providers: { provider: string; enabled: boolean }[];
        all: { edges: { node: { provider: string } }[] };
        other: { edges: unknown[]; providerErrors: { provider: string; code: string }[] };
      };
    };
    expect(Object.fromEntries(data.providers.map((p) => [p.provider, p.enabled]))).toEqual({ UCLOUD: true, RIME: false, DATA_MANAGER: false, GPU: false });
    expect(new Set(data.all.edges.map((edge) => edge.node.provider))).toEqual(new Set(['UCLOUD']));
    expect(data.other).toEqual({ edges: [], providerErrors: [{ provider: 'GPU', code: 'UNAVAILABLE' }] });

    const ask = async (query: string) =>
      (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { gpuJob } }) })).json()) as Answer;
    const read = await ask('query ($gpuJob: ID!) { job(id: $gpuJob) { id } }');
    expect(read.errors).toHaveLength(1);
    const cancelled = await ask('mutation ($gpuJob: ID!) { cancelJob(id: $gpuJob) { __typename ... on UnavailableError { outcomeUnknown } } }');
    expect(cancelled.data).toEqual({ cancelJob: { __typename: 'UnavailableError', outcomeUnknown: false } });
  });
});
