// Headless Chromium (Debian's `chromium` package) driven by puppeteer-core, for the dashboard's
// tests. Where the browser is missing the suites skip, loudly; under CI a missing browser fails.
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';

const CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((path): path is string => !!path);

/** The browser binary, or null when this machine has none. */
export const chromiumPath: string | null = CANDIDATES.find((path) => existsSync(path)) ?? null;

/** Whether browser suites run here: a browser is installed, or CI demands one (and then fails without it). */
export const browserAvailable = chromiumPath !== null || !!process.env['CI'];

if (chromiumPath === null) {
  const message = process.env['CI']
    ? 'CI is set and no Chromium was found (apt-get install -y chromium): the browser tests fail.'
    : 'No Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH): SKIPPING the dashboard browser tests.';
  process.stderr.write(`\n*** ${message}\n\n`);
}

export async function launchBrowser(): Promise<Browser> {
  if (chromiumPath === null) throw new Error('No Chromium to run: install Debian\'s chromium package (apt-get install -y chromium) or set CHROMIUM_PATH.');
  const { launch } = await import('puppeteer-core');
  return launch({
    executablePath: chromiumPath,
    headless: true,
    // As root in a container, Chromium's sandbox cannot start; /dev/shm is often tiny there.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--lang=en-GB'],
  });
}

/** Collects what the page prints to its console and every uncaught error, so failures can say why. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') problems.push(`console.${message.type()}: ${message.text()}`);
  });
  return problems;
}
