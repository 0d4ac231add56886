/** One step in a simulated job's life: from `at` on, the job is in `state`. */
export interface Phase<S extends string> {
  state: S;
  at: number;
  /** Status text the backend would show with this step, if it shows one. */
  message?: string;
}

/**
 * A job's whole life laid out in time. The state at any instant is read off the plan, so a job
 * "moves" simply because the clock does; a mutation rewrites the part of the plan after now.
 */
export class Timeline<S extends string> {
  private phases: Phase<S>[];

  constructor(phases: Phase<S>[]) {
    if (phases.length === 0) throw new Error('a timeline needs at least one phase');
    this.phases = [...phases].sort((a, b) => a.at - b.at);
  }

  /** The phase in force at `now` (the first one if `now` is before it). */
  at(now: number): Phase<S> {
    let current = this.phases[0] as Phase<S>;
    for (const phase of this.phases) {
      if (phase.at > now) break;
      current = phase;
    }
    return current;
  }

  /** Every phase that has happened by `now`, oldest first (always at least the first). */
  history(now: number): Phase<S>[] {
    const past = this.phases.filter((phase) => phase.at <= now);
    return past.length > 0 ? past : [this.phases[0] as Phase<S>];
  }

  /** The first time the job entered one of `states`, if it has by `now`. */
  firstTime(states: readonly S[], now: number): number | null {
    const phase = this.history(now).find((p) => states.includes(p.state));
    return phase ? phase.at : null;
  }

  /** The planned future: phases strictly after `now`. */
  future(now: number): Phase<S>[] {
    return this.phases.filter((phase) => phase.at > now);
  }

  /** Drops everything planned after `now` and plans `next` instead. */
  replan(now: number, next: Phase<S>[]): void {
    this.phases = [...this.phases.filter((phase) => phase.at <= now), ...next].sort((a, b) => a.at - b.at);
  }

  /** Moves every planned phase after `now` later by `ms` (a suspension, an extension). */
  shiftFuture(now: number, ms: number): void {
    this.phases = this.phases.map((phase) => (phase.at > now ? { ...phase, at: phase.at + ms } : phase));
  }
}
