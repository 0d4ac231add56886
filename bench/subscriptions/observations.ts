// Parent side: the changes the gateway observed, per job, in order, on the parent's clock.
import { now } from '../lib/time.js';
import type { Observation } from './protocol.js';
import { changeKey, jobKey } from './subscribers.js';

export interface Observed {
  key: string;
  /** Parent clock (the child's timestamp minus the estimated offset). */
  at: number;
}

export class ObservationLog {
  private readonly byJob = new Map<string, Observed[]>();
  /** Where each job's list stood when the measured phase began. */
  private readonly baselines = new Map<string, number>();
  /** When the last observation arrived (parent clock), to tell when the gateway has gone quiet. */
  lastArrival = 0;
  total = 0;

  constructor(private readonly offsetMs: number) {}

  add(change: Observation): void {
    const key = jobKey(change);
    let list = this.byJob.get(key);
    if (!list) {
      list = [];
      this.byJob.set(key, list);
    }
    list.push({ key: changeKey(change), at: change.at - this.offsetMs });
    this.lastArrival = now();
    this.total++;
  }

  of(job: string): readonly Observed[] {
    return this.byJob.get(job) ?? [];
  }

  latest(job: string): Observed | undefined {
    return this.byJob.get(job)?.at(-1);
  }

  /** Starts the measured phase: what was observed so far is history. */
  mark(): void {
    for (const [job, list] of this.byJob) this.baselines.set(job, list.length);
  }

  /** Arrival times (parent clock) of every change observed in the measured phase, all jobs. */
  timesSinceMark(): number[] {
    const times: number[] = [];
    for (const job of this.byJob.keys()) for (const change of this.since(job)) times.push(change.at);
    return times;
  }

  /** Changes observed in the measured phase. */
  since(job: string): readonly Observed[] {
    return this.of(job).slice(this.baselines.get(job) ?? 0);
  }
}
