// The dashboard in a real browser (headless Chromium, puppeteer-core) against a gateway over the
// four simulators on a clock the test moves: the list in order and paged by scrolling, live state
// changes, a running job's streaming output and its cancel, a backend going down, identity, and
// screenshots at desktop and phone sizes for people to look at (test/.screenshots/, ignored).
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, pageProblems } from '../support/browser.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';
import { newGpuJob } from '../support/jobs.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';
import { globalId } from '../support/live.js';

/** The gateway's poll interval here: short, so live changes show quickly, yet long enough to measure against. */
const POLL_MS = 600;
const SCREENSHOTS = fileURLToPath(new URL('../.screenshots/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

interface Listed {
  jobs: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string | null } };
}
const LIST = `query DashboardTestList($first: Int!, $after: String) {
  jobs(first: $first, after: $after) { edges { node { id } } pageInfo { endCursor } }
}`;

describe.skipIf(!browserAvailable)('the dashboard in a browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  const opened: Page[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [world, browser] = await Promise.all([startWorld({ seed: 12, config: { pollIntervalMs: POLL_MS } }), launchBrowser()]);
    base = world.url.replace(/\/graphql$/, '/');
  }, 30_000);

  afterAll(async () => {
    await Promise.all(opened.map((page) => page.close().catch(() => undefined)));
    await browser?.close();
    await world?.close();
  });

  /** A fresh tab on `path`, once its first rows are in. */
  async function open(path = '', viewport: Parameters<Page['setViewport']>[0] = DESKTOP): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    opened.push(page);
    const problems = pageProblems(page);
    await page.setViewport(viewport);
    await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#rows tr', { timeout: 15_000 });
    return { page, problems };
  }

  const rowIds = (page: Page) => page.$$eval('#rows tr', (rows) => rows.map((row) => (row as HTMLElement).dataset['id'] ?? ''));
  const rowState = (page: Page, id: string) => page.$eval(`#rows tr[data-id="${id}"]`, (row) => (row as HTMLElement).dataset['state']).catch(() => null);
  const live = (page: Page) => page.waitForSelector('#live[data-state="connected"]', { timeout: 10_000 });

  it('lists the newest jobs in order, and scrolling loads the next page without duplicates', async () => {
    // The API's own order, read as any client would, page by page.
    const expected: string[] = [];
    let after: string | null = null;
    while (expected.length < 150) {
      const page: Listed = await gqlData<Listed, Record<string, unknown>>(world.url, LIST, { first: 50, after });
      expected.push(...page.jobs.edges.map((edge) => edge.node.id));
      after = page.jobs.pageInfo.endCursor;
    }
    const { page, problems } = await open();
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length >= 50);
    expect(await rowIds(page)).toEqual(expected.slice(0, 50));
    expect(await page.$eval('#list-status', (node) => node.textContent)).toContain('50 jobs shown');

    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length >= 100, { timeout: 10_000 });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length >= 150, { timeout: 10_000 });
    const ids = await rowIds(page);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 150)).toEqual(expected);
    expect(problems).toEqual([]);
  });

  it('shows a simulator state change within two poll intervals, without a reload', async () => {
    const { page, problems } = await open('?provider=GPU');
    await live(page);
    // A job created on the backend, behind the page's back: it appears at the top.
    const created = await newGpuJob(world, { title: 'dashboard live test' });
    const id = globalId('GPU', created.providerJobId);
    await page.waitForFunction((wanted) => (document.querySelector('#rows tr') as HTMLElement | null)?.dataset['id'] === wanted, { timeout: 2 * POLL_MS + 1_000 }, id);
    const first = await rowState(page, id);
    // Then its state moves on with the backend's clock; the row follows within two polls.
    let moved: string | null = null;
    let changedAt = 0;
    for (let step = 0; step < 40 && moved === null; step++) {
      changedAt = Date.now();
      world.clock.advance(15_000);
      const state = (await gqlData<{ job: { state: string } | null }, { id: string }>(world.url, 'query DashboardTestState($id: ID!) { job(id: $id) { state } }', { id })).job?.state ?? null;
      if (state !== first) moved = state;
    }
    if (moved === null) throw new Error(`the GPU job stayed ${first}`);
    await page.waitForFunction((wanted, state) => (document.querySelector(`#rows tr[data-id="${wanted}"]`) as HTMLElement | null)?.dataset['state'] === state, { timeout: 10_000 }, id, moved);
    // From the change on the backend to the row on screen: two polls, and a little for the test's own
    // round trips (reading the state above, asking the browser below).
    expect(Date.now() - changedAt).toBeLessThanOrEqual(2 * POLL_MS + 200);
    expect(problems).toEqual([]);
  });

  it('streams a running job\'s output, and cancelling it shows CANCELLING, then its end', async () => {
    const { page, problems } = await open('?provider=GPU&state=RUNNING');
    await live(page);
    const [id] = await rowIds(page);
    if (!id) throw new Error('no running GPU job');
    await page.click(`#rows tr[data-id="${id}"] button.name`);
    await page.waitForSelector('#detail[open] dd[data-field="providerJobId"]');
    expect(new URL(page.url()).searchParams.get('job')).toBe(id);
    await page.waitForSelector('#logs .entry', { timeout: 10_000 });
    const before = await page.$eval('#logs', (node) => node.textContent?.length ?? 0);
    // New output as the job runs on.
    world.clock.advance(60_000);
    await page.waitForFunction((length) => (document.querySelector('#logs')?.textContent?.length ?? 0) > length, { timeout: 10_000 }, before);
    expect(await page.$$eval('#logs .entry', (entries) => entries.every((entry) => ['STDOUT', 'STDERR', 'EVENT'].includes((entry as HTMLElement).dataset['stream'] ?? '')))).toBe(true);

    await page.click('#detail-actions button[data-action="cancel"]');
    await page.waitForSelector('#confirm[open]');
    await page.click('#confirm-ok');
    await page.waitForFunction(() => /Cancel accepted: the job is now cancelling/.test(document.querySelector('#detail-result')?.textContent ?? ''), { timeout: 10_000 });
    await page.waitForSelector('#detail dd[data-field="state"] .state[data-state="CANCELLING"]');
    expect(await rowState(page, id)).toBe('CANCELLING');
    await page.screenshot({ path: `${SCREENSHOTS}detail-1280x800.png` });

    world.clock.advance(120_000);
    await page.waitForSelector('#detail dd[data-field="state"] .state[data-state="CANCELLED"]', { timeout: 10_000 });
    await page.waitForFunction((wanted) => (document.querySelector(`#rows tr[data-id="${wanted}"]`) as HTMLElement | null)?.dataset['state'] === 'CANCELLED', { timeout: 5_000 }, id);
    // A job that has ended offers nothing more.
    expect(await page.$$('#detail-actions button')).toHaveLength(0);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('#detail')?.hasAttribute('open'));
    // Closed: the address no longer names the job.
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('job'), { timeout: 2_000 });
    expect(problems).toEqual([]);
  });

  it('shows a backend taken down in the status strip, while the other backends\' jobs stay', async () => {
    const { page } = await open();
    await page.waitForSelector('#providers li[data-provider="GPU"][data-ok="true"]');
    world.demo.gpu.server.faults.set({ errorRate: 1 });
    try {
      await page.waitForSelector('#providers li[data-provider="GPU"][data-ok="false"]', { timeout: 15_000 });
      expect(await page.$eval('#providers li[data-provider="GPU"]', (node) => node.textContent)).toMatch(/not answering/);
      for (const other of ['UCLOUD', 'RIME', 'DATA_MANAGER']) {
        expect(await page.$eval(`#providers li[data-provider="${other}"]`, (node) => (node as HTMLElement).dataset['ok'])).toBe('true');
      }
      // A fresh page: the GPU's jobs are missing, everyone else's are there.
      const fresh = await open();
      await fresh.page.waitForSelector('#providers li[data-provider="GPU"][data-ok="false"]', { timeout: 15_000 });
      const providers = new Set(await fresh.page.$$eval('#rows tr', (rows) => rows.map((row) => (row as HTMLElement).dataset['provider'])));
      expect(providers.has('GPU')).toBe(false);
      expect([...providers].sort()).toEqual(['DATA_MANAGER', 'RIME', 'UCLOUD']);
    } finally {
      world.demo.gpu.server.faults.reset();
    }
  });

  it('writes screenshots at 1280×800 and at phone width, with nothing wider than the phone', async () => {
    const desktop = await open();
    await live(desktop.page);
    // Every backend answering again (the one taken down above has recovered).
    await desktop.page.waitForFunction(() => document.querySelectorAll('#providers li[data-ok="true"]').length === 4, { timeout: 15_000 });
    await desktop.page.screenshot({ path: `${SCREENSHOTS}dashboard-1280x800.png` });
    const phone = await open('', PHONE);
    await live(phone.page);
    await phone.page.waitForFunction(() => document.querySelectorAll('#providers li[data-ok="true"]').length === 4, { timeout: 15_000 });
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await phone.page.screenshot({ path: `${SCREENSHOTS}dashboard-390x844.png` });
    for (const name of ['dashboard-1280x800.png', 'dashboard-390x844.png']) expect(statSync(`${SCREENSHOTS}${name}`).size).toBeGreaterThan(10_000);
    // Keyboard: Tab from the top reaches the first job, Enter opens it.
    await desktop.page.focus('#filter-q');
    const firstId = (await rowIds(desktop.page))[0];
    await desktop.page.focus(`#rows tr[data-id="${firstId}"] button.name`);
    await desktop.page.keyboard.press('Enter');
    await desktop.page.waitForSelector('#detail[open]');
    expect(await desktop.page.evaluate(() => document.activeElement?.closest('#detail') !== null)).toBe(true);
  });

  describe('with AUTH_MODE=jwt and a backend that forwards each person\'s credentials', () => {
    let issuer: TestIssuer;
    let secured: World;

    beforeAll(async () => {
      issuer = await startIssuer();
      secured = await startWorld({
        seed: 13,
        config: (demo) => ({
          pollIntervalMs: POLL_MS,
          auth: { mode: 'jwt', issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl },
          gpu: { url: demo.gpu.url, credentials: 'forward' },
        }),
      });
    });

    afterAll(async () => {
      await secured?.close();
      await issuer?.close();
    });

    it('signs in from the URL fragment, and sends the credentials the person enters, kept for the tab only', async () => {
      const page = await browser.newPage();
      opened.push(page);
      const problems = pageProblems(page);
      await page.setViewport(DESKTOP);
      const token = await issuer.sign({ sub: 'ada' });
      await page.goto(`${secured.url.replace(/\/graphql$/, '/')}#token=${token}`, { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('#rows tr', { timeout: 15_000 });
      // The token left the address bar; the live connection was accepted with it (4401 otherwise).
      expect(page.url()).not.toContain('token=');
      await live(page);
      await page.waitForSelector('#providers li[data-provider="GPU"][data-ok="needs"]');
      const before = new Set(await page.$$eval('#rows tr', (rows) => rows.map((row) => (row as HTMLElement).dataset['provider'])));
      expect(before.has('GPU')).toBe(false);

      const ada = secured.demo.people.find((person) => person.username === 'ada');
      if (!ada) throw new Error('no demo person ada');
      await page.click('#open-credentials');
      await page.waitForSelector('#credentials[open] input[name="X-Gpu-Api-Key"]');
      await page.type('#credentials input[name="X-Gpu-Api-Key"]', ada.gpu.apiKey);
      await page.type('#credentials input[name="X-Gpu-Api-Secret"]', ada.gpu.apiSecret);
      await page.click('#credentials button[value="ok"]');
      await page.waitForSelector('#providers li[data-provider="GPU"][data-ok="true"]', { timeout: 15_000 });
      await page.waitForSelector('#rows tr[data-provider="GPU"]', { timeout: 15_000 });
      // Exactly what the GPU cloud shows ada (it has no owners to show: her key pair is her account).
      const gpuRows = await page.$$eval('#rows tr[data-provider="GPU"]', (rows) => rows.map((row) => (row as HTMLElement).dataset['id'] ?? ''));
      const hers = new Set(secured.demo.gpu.visibleTo('ada'));
      expect(gpuRows.length).toBeGreaterThan(0);
      for (const id of gpuRows) expect(hers.has(Buffer.from(id, 'base64').toString('utf8').replace(/^GpuJob:/, ''))).toBe(true);
      const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('jobgateway.credentials'), local: localStorage.length, cookies: document.cookie }));
      expect(JSON.parse(stored.session ?? '{}')).toEqual({ 'X-Gpu-Api-Key': ada.gpu.apiKey, 'X-Gpu-Api-Secret': ada.gpu.apiSecret });
      expect(stored.local).toBe(0);
      expect(stored.cookies).toBe('');
      // Live updates with the forwarded credential too (connection_init carries it): a change of ada's GPU job shows.
      await live(page);
      expect(problems).toEqual([]);
    });

    it('asks for a token when there is none', async () => {
      const page = await browser.newPage();
      opened.push(page);
      await page.goto(secured.url.replace(/\/graphql$/, '/'), { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('#signin[open] textarea[name="token"]');
      await page.type('#signin-token', await issuer.sign({ sub: 'grace' }));
      await page.click('#signin button[value="ok"]');
      await page.waitForSelector('#rows tr', { timeout: 15_000 });
      await live(page);
    });
  });
});
