// The list benchmark's flags. bench/lib/args.ts takes one number per flag; this benchmark also
// takes lists (`--concurrency 1,20`, `--jobs 300,20000`) and a switch (`--peer`), so it parses its
// own argv, with the same `--name value` / `--name=value` forms and the same UsageError (run.ts
// prints the help on it).
import { UsageError } from '../lib/args.js';

export interface ListFlags {
  concurrency: number[];
  seconds: number;
  rounds: number;
  warmup: number;
  latency: number;
  /** Empty: the load scenario; otherwise the sizes of the size scenario. */
  jobs: number[];
  build: boolean;
  /** The gateway's LIST_SNAPSHOT_MS; null: its default. */
  snapshotMs: number | null;
  /** Load scenario only: Hive Gateway + Mesh (bench/peer/) measured side by side with ours. */
  peer: boolean;
}

interface Spec {
  readonly name: string;
  readonly help: string;
  readonly default: string;
  readonly list: boolean;
  readonly min: number;
}

const SPECS: readonly Spec[] = [
  { name: 'concurrency', help: 'load scenario: connections (= requests in flight), comma-separated', default: '1,20', list: true, min: 1 },
  { name: 'seconds', help: 'measured seconds per round and concurrency (or size)', default: '8', list: false, min: 1 },
  { name: 'rounds', help: 'rounds; each round runs every concurrency (or size) once, in turn', default: '3', list: false, min: 1 },
  { name: 'warmup', help: 'seconds of load before measuring, per gateway process', default: '5', list: false, min: 0 },
  { name: 'latency', help: "ms the simulators add to every answer", default: '20', list: false, min: 0 },
  {
    name: 'jobs',
    help: 'size scenario instead: RIME and Data Manager holding N jobs each, comma-separated (e.g. 300,20000); jobs(first: 20) at c=1',
    default: '',
    list: true,
    min: 1,
  },
  { name: 'build', help: '1: `npm run build` before starting the gateway; 0: use dist/ as it is', default: '1', list: false, min: 0 },
  {
    name: 'snapshot-ms',
    help: "the gateway's LIST_SNAPSHOT_MS (0: every operation reads its backends, only reads in flight are shared); absent: the gateway's default",
    default: '',
    list: false,
    min: 0,
  },
];

export const LIST_USAGE = [
  ...SPECS.map((spec) => `  --${spec.name.padEnd(12)} ${spec.help}${spec.default === '' ? '' : ` (default ${spec.default})`}`),
  '  --peer         load scenario: also Hive Gateway + Mesh OpenAPI sources (bench/peer/, installed on first use) over the same',
  '                 simulators, asked for the 50 newest per backend; columns ours and peer per concurrency, ratios ours/peer',
  '                 (`--peer` alone or `--peer=1`; default off)',
].join('\n');

function numbers(spec: Spec, text: string): number[] {
  const parts = spec.list ? text.split(',') : [text];
  return parts.map((part) => {
    const value = Number(part);
    if (part.trim() === '' || !Number.isInteger(value)) throw new UsageError(`--${spec.name} needs ${spec.list ? 'whole numbers separated by commas' : 'a whole number'}`);
    if (value < spec.min) throw new UsageError(`--${spec.name} must be at least ${spec.min}`);
    return value;
  });
}

export function parseListFlags(argv: readonly string[]): ListFlags {
  const values = new Map<string, number[]>(SPECS.map((spec) => [spec.name, spec.default === '' ? [] : numbers(spec, spec.default)]));
  let peer = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    // A switch: `--peer` alone must not swallow the next flag as its value.
    if (name === 'peer') {
      const text = eq === -1 ? '1' : arg.slice(eq + 1);
      if (text !== '0' && text !== '1') throw new UsageError('--peer takes no value, or =1 / =0');
      peer = text === '1';
      continue;
    }
    const spec = SPECS.find((candidate) => candidate.name === name);
    if (!spec) throw new UsageError(`unknown flag --${name}`);
    const text = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (text === undefined) throw new UsageError(`--${name} needs a value`);
    values.set(name, numbers(spec, text));
  }
  const one = (name: string): number => values.get(name)?.[0] ?? 0;
  // The peer answers the load scenario's question (the newest per backend); the size scenario's
  // pages of 20 over growing backends have no counterpart there.
  if (peer && (values.get('jobs') ?? []).length > 0) throw new UsageError('--peer runs the load scenario: not with --jobs');
  return {
    concurrency: [...new Set(values.get('concurrency') ?? [])],
    seconds: one('seconds'),
    rounds: one('rounds'),
    warmup: one('warmup'),
    latency: one('latency'),
    jobs: [...new Set(values.get('jobs') ?? [])],
    build: one('build') !== 0,
    snapshotMs: values.get('snapshot-ms')?.[0] ?? null,
    peer,
  };
}
