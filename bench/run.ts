// Runs benchmarks: `npm run bench` runs all of them, `npm run bench -- subscriptions --jobs 50`
// one with its flags. Benchmarks measure and report; they never fail on a figure.
import { UsageError } from './lib/args.js';
import type { Benchmark } from './lib/benchmark.js';
import { list } from './list.js';
import { parsing } from './parsing.js';
import { subscriptions } from './subscriptions.js';

const BENCHMARKS: readonly Benchmark[] = [subscriptions, parsing, list];

function help(): string {
  const lines = ['Usage: npm run bench -- [name ...] [--flag value ...]', '', 'Benchmarks (all when none is named):'];
  for (const benchmark of BENCHMARKS) lines.push(`  ${benchmark.name}: ${benchmark.description}`, benchmark.usage, '');
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${help()}\n`);
    return 0;
  }
  const firstFlag = argv.findIndex((arg) => arg.startsWith('--'));
  const names = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
  const flags = firstFlag === -1 ? [] : argv.slice(firstFlag);
  const chosen = names.length === 0 ? BENCHMARKS : names.map((name) => BENCHMARKS.find((benchmark) => benchmark.name === name));
  const unknown = names.filter((_, i) => chosen[i] === undefined);
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark ${unknown.join(', ')}.\n\n${help()}\n`);
    return 2;
  }
  for (const benchmark of chosen) {
    if (!benchmark) continue;
    try {
      await benchmark.run(flags);
    } catch (error) {
      if (error instanceof UsageError) {
        process.stderr.write(`${benchmark.name}: ${error.message}\n\n${help()}\n`);
        return 2;
      }
      throw error;
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
