// Where benchmark results go: bench/results/ (gitignored), one JSON file per run.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `data` as `<name>-<UTC timestamp>.json`; resolves to the file's path. */
export async function writeResult(name: string, data: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const path = `${RESULTS_DIR}${name}-${stamp}.json`;
  await writeFile(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
