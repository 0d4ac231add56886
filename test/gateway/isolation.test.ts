// Forwarded credentials on all four backends: each person sees and acts on exactly what each
// backend lets them, over HTTP, SSE and graphql-ws; nothing read with one person's credential
// reaches another; shared work is shared per credential, never across; no credential is echoed.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import type { DemoBackends } from '../../src/demo.js';
import { configureLog } from '../../src/log.js';
import type { JobProvider } from '../../src/providers/job.js';
import { DEMO_PEOPLE, type SimPerson } from '../../src/simulators/common/people.js';
import type { RecordedRequest, SimServer } from '../../src/simulators/common/server.js';
import { gql, startWorld, type World } from '../support/gateway.js';
import { until } from '../support/live.js';
import { globalId } from '../support/mutations.js';
import { subscribeSse, subscribeWs, wsClient, type Received } from '../support/subscriptions.js';

const [ADA, GRACE] = DEMO_PEOPLE as [SimPerson, SimPerson];
const PROVIDERS: readonly JobProvider[] = ['DATA_MANAGER', 'GPU', 'RIME', 'UCLOUD'];

/** Every backend takes each caller's own credential. */
function forwardEverywhere(demo: DemoBackends): Partial<Config> {
  return {
    auth: { mode: 'none' },
    ucloud: { url: demo.ucloud.url, credentials: 'forward' },
    rime: { url: demo.rime.url, credentials: 'forward' },
    dataManager: { url: demo.dataManager.url, credentials: 'forward' },
    gpu: { url: demo.gpu.url, credentials: 'forward' },
  };
}

/** A person's credentials as DESIGN's headers; `project` selects a UCloud workspace. */
function headersOf(person: SimPerson, project: string | null = person.ucloud.project): Record<string, string> {
  return {
    'x-ucloud-token': person.ucloud.token,
    ...(project !== null ? { 'x-ucloud-project': project } : {}),
    'x-rime-api-key': person.rime.apiKey,
    'x-datamanager-token': person.dataManager.token,
    'x-gpu-api-key': person.gpu.apiKey,
    'x-gpu-api-secret': person.gpu.apiSecret,
  };
}

/** The same credentials as `connection_init` keys. */
const paramsOf = headersOf;

/** Every secret a response, an error or a log line must never contain. */
const SECRETS = DEMO_PEOPLE.flatMap((person) => [person.ucloud.token, person.rime.apiKey, person.dataManager.token, person.gpu.apiKey, person.gpu.apiSecret]);
function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

const servers = (world: World): Record<JobProvider, SimServer> => ({
  UCLOUD: world.demo.ucloud.server,
  RIME: world.demo.rime.server,
  DATA_MANAGER: world.demo.dataManager.server,
  GPU: world.demo.gpu.server,
});
const totalRequests = (world: World): number => Object.values(servers(world)).reduce((sum, server) => sum + server.requests.length, 0);

/** Which person a recorded request was made as, read from the backend's own auth header. */
function madeAs(provider: JobProvider, request: RecordedRequest): string | null {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  for (const person of DEMO_PEOPLE) {
    const matches =
      provider === 'RIME'
        ? header('rime-api-key') === person.rime.apiKey
        : provider === 'GPU'
          ? header('x-api-key') === person.gpu.apiKey
          : header('authorization') === `Bearer ${provider === 'UCLOUD' ? person.ucloud.token : person.dataManager.token}`;
    if (matches) return person.username;
  }
  return null;
}

function visibleTo(world: World, person: SimPerson): Set<string> {
  const { demo } = world;
  return new Set([
    ...demo.ucloud.visibleTo(person.username).map((id) => `UCLOUD/${id}`),
    ...demo.rime.visibleTo(person.username).map((id) => `RIME/${id}`),
    ...demo.dataManager.visibleTo(person.username).map((id) => `DATA_MANAGER/${id}`),
    ...demo.gpu.visibleTo(person.username).map((id) => `GPU/${id}`),
  ]);
}

interface Page {
  jobs: {
    edges: { cursor: string; node: { provider: JobProvider; providerJobId: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    providerErrors: { provider: JobProvider; code: string; message: string }[];
  };
}
const PAGE = `query Page($after: String) {
  jobs(first: 100, after: $after) {
    edges { cursor node { provider providerJobId } }
    pageInfo { hasNextPage endCursor }
    providerErrors { provider code message }
  }
}`;

/** Every job of the list, walked to its end with `headers`; fails on any provider error. */
async function walk(world: World, headers: Record<string, string>): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const response: { data?: Page | null; errors?: unknown } = await gql<Page, { after: string | null }>(world.url, PAGE, { after }, headers);
    expectNoSecret(JSON.stringify(response));
    expect(response.errors).toBeUndefined();
    const jobs: Page['jobs'] = response.data!.jobs;
    expect(jobs.providerErrors).toEqual([]);
    seen.push(...jobs.edges.map((edge) => `${edge.node.provider}/${edge.node.providerJobId}`));
    if (!jobs.pageInfo.hasNextPage) return seen;
    after = jobs.pageInfo.endCursor;
  }
  throw new Error('the list did not end');
}

let world: World;
let logged = '';

beforeAll(async () => {
  configureLog({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    }),
  });
  world = await startWorld({ seed: 23, jobCount: 60, config: forwardEverywhere });
});

afterAll(async () => {
  await world?.close();
  configureLog({ level: 'info', destination: process.stdout });
  // Every failure and refusal of this file went through the log: not one credential in it.
  expectNoSecret(logged);
});

describe('lists and lookups', () => {
  it('each person walks exactly their own jobs, from every backend', async () => {
    const ada = await walk(world, headersOf(ADA));
    const grace = await walk(world, headersOf(GRACE));
    expect(new Set(ada)).toEqual(visibleTo(world, ADA));
    expect(new Set(grace)).toEqual(visibleTo(world, GRACE));
    expect(ada.length).toBe(new Set(ada).size);
    // Each person has jobs of their own on every backend, so equal sets are not equal by emptiness.
    for (const provider of PROVIDERS) expect(ada.filter((key) => key.startsWith(`${provider}/`)).length).toBeGreaterThan(0);
    expect(ada.filter((key) => !grace.includes(key)).length).toBeGreaterThan(0);
  });

  it('a request without credentials calls no backend and names each one UNAUTHENTICATED', async () => {
    const before = totalRequests(world);
    const response = await gql<Page, { after: null }>(world.url, PAGE, { after: null });
    expect(response.data!.jobs.edges).toEqual([]);
    const errors = response.data!.jobs.providerErrors;
    expect(errors.map((error) => [error.provider, error.code]).sort()).toEqual(PROVIDERS.map((provider) => [provider, 'UNAUTHENTICATED']));
    expect(errors.find((error) => error.provider === 'RIME')?.message).toContain('x-rime-api-key');
    expect(totalRequests(world)).toBe(before);

    const providers = await gql<{ providers: { provider: string; enabled: boolean; usable: boolean; credentials: string; lastError: { code: string } | null }[] }, Record<string, never>>(
      world.url,
      '{ providers { provider enabled usable credentials lastError { code } } }',
    );
    for (const status of providers.data!.providers) {
      expect(status).toMatchObject({ enabled: true, usable: false, credentials: 'FORWARD', lastError: { code: 'UNAUTHENTICATED' } });
    }
    expect(totalRequests(world)).toBe(before);
  });

  it('only the backends a request has credentials for are called', async () => {
    const response = await gql<Page, { after: null }>(world.url, PAGE, { after: null }, { 'x-rime-api-key': ADA.rime.apiKey });
    const providers = new Set(response.data!.jobs.edges.map((edge) => edge.node.provider));
    expect([...providers]).toEqual(['RIME']);
    expect(response.data!.jobs.providerErrors.map((error) => error.provider).sort()).toEqual(['DATA_MANAGER', 'GPU', 'UCLOUD']);
  });

  it("another person's job is null for each backend, as the backends answer", async () => {
    const ada = visibleTo(world, ADA);
    for (const provider of PROVIDERS) {
      const foreign = [...visibleTo(world, GRACE)].find((key) => key.startsWith(`${provider}/`) && !ada.has(key));
      expect(foreign, `a job of GRACE's only on ${provider}`).toBeDefined();
      const id = globalId(provider, foreign!.slice(provider.length + 1));
      const asAda = await gql<{ job: { id: string } | null }, { id: string }>(world.url, 'query J($id: ID!) { job(id: $id) { id } }', { id }, headersOf(ADA));
      expect(asAda.errors).toBeUndefined();
      expect(asAda.data?.job).toBeNull();
      const asGrace = await gql<{ job: { id: string } | null }, { id: string }>(world.url, 'query J($id: ID!) { job(id: $id) { id } }', { id }, headersOf(GRACE));
      expect(asGrace.data?.job?.id).toBe(id);
    }
  });

  it('a backend rejecting one caller\'s credential is that caller\'s UNAUTHENTICATED, not everyone\'s', async () => {
    const wrong = { ...headersOf(ADA), 'x-rime-api-key': 'rime-nobody-0000000000000000' };
    const refused = await gql<Page, { after: null }>(world.url, PAGE, { after: null }, wrong);
    expect(refused.data!.jobs.providerErrors).toEqual([expect.objectContaining({ provider: 'RIME', code: 'UNAUTHENTICATED' })]);
    expect(JSON.stringify(refused)).not.toContain('rime-nobody-0000000000000000');
    // The next caller is served at once: no back-off was taken for the backend.
    const fine = await gql<Page, { after: null }>(world.url, PAGE, { after: null }, headersOf(GRACE));
    expect(fine.data!.jobs.providerErrors).toEqual([]);
  });
});

describe('mutations', () => {
  it("cancelling another person's job is NOT_FOUND and sends no change", async () => {
    const ada = visibleTo(world, ADA);
    const foreign = [...visibleTo(world, GRACE)].find((key) => key.startsWith('GPU/') && !ada.has(key))!;
    const id = globalId('GPU', foreign.slice('GPU/'.length));
    const writesBefore = world.demo.gpu.server.requests.filter((request) => request.method !== 'GET').length;
    const response = await gql<{ cancelJob: { __typename: string } }, { id: string }>(
      world.url,
      'mutation C($id: ID!) { cancelJob(id: $id) { __typename } }',
      { id },
      headersOf(ADA),
    );
    expect(response.data?.cancelJob.__typename).toBe('NotFoundError');
    expect(world.demo.gpu.server.requests.filter((request) => request.method !== 'GET').length).toBe(writesBefore);
  });

  it('a mutation without the backend\'s credential is UNAUTHENTICATED and calls nothing', async () => {
    const own = [...visibleTo(world, ADA)].find((key) => key.startsWith('RIME/'))!;
    const before = totalRequests(world);
    const response = await gql<{ cancelJob: { __typename: string; code: string; message: string } }, { id: string }>(
      world.url,
      'mutation C($id: ID!) { cancelJob(id: $id) { __typename ... on MutationError { code message } } }',
      { id: globalId('RIME', own.slice('RIME/'.length)) },
      { 'x-gpu-api-key': ADA.gpu.apiKey, 'x-gpu-api-secret': ADA.gpu.apiSecret },
    );
    expect(response.data?.cancelJob).toMatchObject({ __typename: 'UnauthenticatedError', code: 'UNAUTHENTICATED' });
    expect(totalRequests(world)).toBe(before);
  });
});

describe('live updates', () => {
  const JOB_UPDATED = 'subscription U($id: ID!) { jobUpdated(id: $id) { id state } }';

  /** A job of `provider` that GRACE sees and ADA sees too (`shared`) or does not. */
  function graceJob(provider: JobProvider, shared: boolean): string {
    const ada = visibleTo(world, ADA);
    const found = [...visibleTo(world, GRACE)].find((key) => key.startsWith(`${provider}/`) && ada.has(key) === shared);
    if (!found) throw new Error(`${provider}: no ${shared ? 'shared' : 'GRACE-only'} job`);
    return found.slice(provider.length + 1);
  }

  it('two people following one job get a watcher each; a third with the first\'s credential shares it', async () => {
    const id = globalId('RIME', graceJob('RIME', true));
    const adaClient = wsClient(world.url, paramsOf(ADA));
    const adaAgain = wsClient(world.url, paramsOf(ADA));
    const graceClient = wsClient(world.url, paramsOf(GRACE));
    const streams: Received<{ id: string }>[] = [];
    try {
      const watchersBefore = world.gateway.services.live.stats().jobWatchers;
      streams.push(subscribeWs(adaClient, JOB_UPDATED, { id }, 'jobUpdated'));
      streams.push(subscribeWs(graceClient, JOB_UPDATED, { id }, 'jobUpdated'));
      streams.push(subscribeSse(world.url, JOB_UPDATED, { id }, 'jobUpdated', headersOf(ADA)));
      streams.push(subscribeWs(adaAgain, JOB_UPDATED, { id }, 'jobUpdated'));
      for (const stream of streams) expect((await stream.next()).id).toBe(id);
      expect(world.gateway.services.live.stats().jobWatchers - watchersBefore).toBe(2);

      // Each credential polls for itself: a few rounds, then every RIME request is one of theirs,
      // and each is read about as often as the other however many subscribers it has.
      const start = world.demo.rime.server.requests.length;
      const rounds = world.gateway.services.live.stats().rounds.RIME!.jobs;
      await until(() => world.gateway.services.live.stats().rounds.RIME!.jobs >= rounds + 4, 15_000, 'four poll rounds');
      const made = world.demo.rime.server.requests.slice(start).map((request) => madeAs('RIME', request));
      expect(made).not.toContain(null);
      const byAda = made.filter((who) => who === ADA.username).length;
      const byGrace = made.filter((who) => who === GRACE.username).length;
      expect(byAda).toBeGreaterThan(0);
      expect(byGrace).toBeGreaterThan(0);
      expect(Math.abs(byAda - byGrace)).toBeLessThanOrEqual(2);
    } finally {
      for (const stream of streams) stream.unsubscribe();
      await Promise.all([adaClient.dispose(), adaAgain.dispose(), graceClient.dispose()]);
    }
  });

  it.each(PROVIDERS)("%s: following another person's job is refused to them while its owner is served", async (provider) => {
    const id = globalId(provider, graceJob(provider, false));
    const graceClient = wsClient(world.url, paramsOf(GRACE));
    const adaClient = wsClient(world.url, paramsOf(ADA));
    try {
      const grace = subscribeWs<{ id: string }>(graceClient, JOB_UPDATED, { id }, 'jobUpdated');
      expect((await grace.next()).id).toBe(id);
      // GRACE's watcher is running for that very id: ADA must not be served from it.
      const ada = subscribeWs<{ id: string }>(adaClient, JOB_UPDATED, { id }, 'jobUpdated');
      await ada.ended();
      expect(ada.values).toEqual([]);
      expect(JSON.stringify(ada.errors)).toMatch(/NOT_FOUND|FORBIDDEN/);
      const logs = subscribeWs<{ text: string }>(adaClient, 'subscription L($id: ID!) { jobLogs(id: $id) { text } }', { id }, 'jobLogs');
      await logs.ended();
      expect(logs.values).toEqual([]);
      grace.unsubscribe();
    } finally {
      await Promise.all([adaClient.dispose(), graceClient.dispose()]);
    }
  });

  it('UCloud: one follow stream per credential, however many subscribers', async () => {
    const project = world.demo.ucloud.sharedProject;
    // A job of the shared project, created by ADA in it: both see it, and it is not over yet.
    const created = await gql<{ createUCloudJob: { __typename: string; job?: { id: string } } }, Record<string, never>>(
      world.url,
      `mutation { createUCloudJob(input: {
        application: { name: "gromacs", version: "2024.3" }
        product: { id: "u1-standard-8", category: "u1-standard", provider: "ucloud" }
        name: "shared run", allowDuplicateJob: true, timeAllocation: { hours: 3 }
      }) { __typename ... on JobMutationSuccess { job { id } } } }`,
      {},
      headersOf(ADA, project),
    );
    expect(created.data?.createUCloudJob.__typename).toBe('JobMutationSuccess');
    const id = created.data!.createUCloudJob.job!.id;
    const asGrace = await gql<{ job: { id: string } | null }, { id: string }>(world.url, 'query J($id: ID!) { job(id: $id) { id } }', { id }, headersOf(GRACE, project));
    expect(asGrace.data?.job?.id).toBe(id);
    const followsBefore = world.gateway.services.live.stats().follows;
    const clients = [paramsOf(ADA, project), paramsOf(ADA, project), paramsOf(GRACE, project)].map((params) => wsClient(world.url, params));
    try {
      const streams = clients.map((client) => subscribeWs<{ id: string }>(client, JOB_UPDATED, { id }, 'jobUpdated'));
      for (const stream of streams) expect((await stream.next()).id).toBe(id);
      await until(() => world.gateway.services.live.stats().follows - followsBefore === 2, 5_000, 'two follow streams');
      await until(() => world.demo.ucloud.activeFollows() === 2, 5_000, 'UCloud to see two follow calls');
      for (const stream of streams) stream.unsubscribe();
      await until(() => world.gateway.services.live.stats().follows === followsBefore, 5_000, 'the streams to close');
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('jobsUpdated delivers only jobs the subscriber may see', async () => {
    const adaClient = wsClient(world.url, paramsOf(ADA));
    const graceClient = wsClient(world.url, paramsOf(GRACE));
    const query = 'subscription { jobsUpdated { job { provider providerJobId state } } }';
    try {
      const ada = subscribeWs<{ job: { provider: JobProvider; providerJobId: string } }>(adaClient, query, {}, 'jobsUpdated');
      const grace = subscribeWs<{ job: { provider: JobProvider; providerJobId: string } }>(graceClient, query, {}, 'jobsUpdated');
      // Time passes on the simulators' clock: jobs start, finish and fail for both people.
      for (let step = 0; step < 20 && (ada.values.length < 3 || grace.values.length < 3); step++) {
        world.clock.advance(15 * 60_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(ada.values.length).toBeGreaterThan(0);
      expect(grace.values.length).toBeGreaterThan(0);
      const adaSees = visibleTo(world, ADA);
      const graceSees = visibleTo(world, GRACE);
      for (const event of ada.values) expect(adaSees.has(`${event.job.provider}/${event.job.providerJobId}`)).toBe(true);
      for (const event of grace.values) expect(graceSees.has(`${event.job.provider}/${event.job.providerJobId}`)).toBe(true);
      ada.unsubscribe();
      grace.unsubscribe();
    } finally {
      await Promise.all([adaClient.dispose(), graceClient.dispose()]);
    }
  });
});
