// Command-line flags of a benchmark: `--name value` or `--name=value`, numbers only (every knob a
// benchmark has is a count or a duration), each with a default and a line of help.

export interface FlagSpec<N extends string = string> {
  readonly name: N;
  readonly help: string;
  readonly default: number;
  /** Smallest accepted value (default 0). */
  readonly min?: number;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseFlags<N extends string>(argv: readonly string[], specs: readonly FlagSpec<N>[]): Record<N, number> {
  const values = new Map<string, number>(specs.map((spec) => [spec.name, spec.default]));
  const byName = new Map<string, FlagSpec<N>>(specs.map((spec) => [spec.name, spec]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const [rawName, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const spec = byName.get(rawName);
    if (!spec) throw new UsageError(`unknown flag --${rawName}`);
    const text = inline ?? argv[++i];
    const value = Number(text);
    if (text === undefined || text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${rawName} needs a number`);
    if (value < (spec.min ?? 0)) throw new UsageError(`--${rawName} must be at least ${spec.min ?? 0}`);
    values.set(rawName, value);
  }
  return Object.fromEntries(values) as Record<N, number>;
}

export function usage(specs: readonly FlagSpec[]): string {
  const width = Math.max(...specs.map((spec) => spec.name.length));
  return specs.map((spec) => `  --${spec.name.padEnd(width)}  ${spec.help} (default ${spec.default})`).join('\n');
}
