// The dashboard's browser code, bundled from its TypeScript sources (src/dashboard/client) with
// esbuild's JS API, in memory, once per process: `npm start` and `npm run serve` need no build step
// of their own. Each asset is kept with its hash and compressed on first use.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type { Asset, Encoding } from '../static-asset.js';
import { asset, type Asset } from '../static-asset.js';

export interface Bundle {
  readonly js: Asset;
  readonly css: Asset;
}

/** Where the client's entry is: next to this module (tsx, `npm start`), or in src/ seen from dist/ (`npm run serve`). */
export function clientEntry(): string {
  const candidates = [new URL('./client/main.ts', import.meta.url), new URL('../../src/dashboard/client/main.ts', import.meta.url)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  throw new Error(`the dashboard's client sources are missing (looked for ${candidates.map((url) => fileURLToPath(url)).join(' and ')})`);
}

export { asset };

let built: Promise<Bundle> | null = null;

/** The bundle, built on first use and shared by every gateway of the process. A failed build is tried again next time. */
export function dashboardBundle(): Promise<Bundle> {
  built ??= buildBundle().catch((error: unknown) => {
    built = null;
    throw error;
  });
  return built;
}

async function buildBundle(): Promise<Bundle> {
  // Loaded only when someone opens the page: a gateway that only serves the API never starts esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { app: clientEntry() },
    bundle: true,
    write: false,
    outdir: '/dashboard',
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    // graphql-js reads process.env.NODE_ENV for its development checks; a browser has no process.
    define: { 'process.env.NODE_ENV': '"production"', 'globalThis.process': 'undefined' },
    loader: { '.css': 'css' },
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const css = result.outputFiles.find((file) => file.path.endsWith('.css'));
  if (!js || !css) throw new Error('the dashboard bundle lacks its script or its style sheet');
  return {
    js: asset('text/javascript; charset=utf-8', Buffer.from(js.contents)),
    css: asset('text/css; charset=utf-8', Buffer.from(css.contents)),
  };
}
