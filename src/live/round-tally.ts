import type { JobProvider } from '../providers/job.js';

export interface RoundCounts {
  /** Status and log rounds of followed jobs. */
  jobs: number;
  /** List rounds for `jobsUpdated`. */
  list: number;
}

/** Poll rounds done per backend since the start, whichever group or watcher did them: counts outlive both. */
export class RoundTally {
  private readonly counts = new Map<JobProvider, RoundCounts>();

  /** The callback a poll group or list watcher calls after each round. */
  counter(backend: JobProvider, kind: keyof RoundCounts): () => void {
    return () => {
      const counts = this.of(backend);
      this.counts.set(backend, { ...counts, [kind]: counts[kind] + 1 });
    };
  }

  of(backend: JobProvider): RoundCounts {
    return this.counts.get(backend) ?? { jobs: 0, list: 0 };
  }
}
