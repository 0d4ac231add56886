// bench/peer's packages (Hive Gateway, Mesh compose, the OpenAPI loader) are installed only when
// the peer benchmark runs: `npm ci --prefix bench/peer` when bench/peer/node_modules is missing or
// no longer what bench/peer/package-lock.json pins. The root install and CI never fetch them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PEER_DIR = fileURLToPath(new URL('../peer/', import.meta.url));

interface LockFile {
  packages?: Record<string, { version?: string; optional?: boolean }>;
}

function readLock(path: string): LockFile | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockFile;
  } catch {
    return null;
  }
}

/**
 * Compares the lock file with the one npm writes into node_modules after an install (the hidden
 * lockfile): same packages at the same versions, optional ones allowed to be absent (another
 * platform's). Contents, not times: a checkout touches every file.
 */
export function peerInstallState(): 'installed' | 'missing' | 'stale' {
  const wanted = readLock(`${PEER_DIR}package-lock.json`);
  if (!wanted?.packages) throw new Error('bench/peer/package-lock.json is missing or unreadable');
  const installed = readLock(`${PEER_DIR}node_modules/.package-lock.json`);
  if (!installed?.packages) return 'missing';
  for (const [path, entry] of Object.entries(wanted.packages)) {
    if (path === '') continue;
    const present = installed.packages[path];
    if (present === undefined ? !entry.optional : present.version !== entry.version) return 'stale';
  }
  return 'installed';
}

export function ensurePeerInstalled(progress: (message: string) => void): void {
  const state = peerInstallState();
  if (state === 'installed') return;
  progress(`bench/peer/node_modules ${state}: npm ci --prefix bench/peer (a minute or so; npm's output follows on stderr)`);
  const started = Date.now();
  // Its output goes to stderr: stdout is the report's.
  const result = spawnSync('npm', ['ci', '--prefix', 'bench/peer', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error(`npm ci --prefix bench/peer failed (${result.status ?? result.signal})`);
  if (peerInstallState() !== 'installed') throw new Error('npm ci --prefix bench/peer left node_modules unlike package-lock.json');
  progress(`bench/peer installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
