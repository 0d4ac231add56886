/** What `bench/run.ts` knows of a benchmark. */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Help for its flags, one per line. */
  readonly usage: string;
  run(argv: readonly string[]): Promise<void>;
}
