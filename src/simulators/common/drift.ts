// Drift: some jobs served in the shapes other releases of a backend write. Real backends change
// between releases, and the gateway must read every shape; a simulator that only ever speaks one
// release cannot show that it does. Which jobs drift, and how, is decided per job id, so a job looks
// the same in every answer that carries it (list pages, gets, mutation answers, follow frames).
import { Random } from './random.js';

export interface DriftOptions {
  /** Share (0..1) of jobs served in drifted but readable shapes (same values, other spellings; extra keys; unknown values of enums that do not decide the job's state; unreadable non-identity, non-state fields). */
  share: number;
  /** Share (0..1) of jobs whose identity (id or creation time) is unreadable. Disjoint from the drifted ones. */
  brokenShare?: number;
  /** Picks the jobs and variants; default the simulator's seed. */
  seed?: number | string;
}

export type DriftKind = 'none' | 'drifted' | 'broken';

/** What a test sees of the drift: how each job is served. */
export interface DriftView {
  kindOf(jobId: string): DriftKind;
}

/** A JSON object as the simulators build it. */
export type JsonTree = Record<string, unknown>;

export function isTree(value: unknown): value is JsonTree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * One job's decisions. Each decision draws from its own generator, named by a label, so a variant
 * that does not apply to one answer (no start time yet, no updates requested) shifts no other.
 */
export class JobDice {
  constructor(private readonly base: string) {}

  random(label: string): Random {
    return new Random(`${this.base}:${label}`);
  }

  chance(label: string, probability = 0.5): boolean {
    return this.random(label).chance(probability);
  }

  pick<T>(label: string, items: readonly T[]): T {
    return this.random(label).pick(items);
  }
}

/** A backend's variants. Both change a private copy of the job in place. */
export interface DriftCatalogue {
  /** Other spellings of the same values, extra keys, unreadable fields that are neither identity nor state. */
  drift(job: JsonTree, dice: JobDice): void;
  /** Makes the id or the creation time unreadable, nothing else. */
  break(job: JsonTree, dice: JobDice): void;
  /** Called when the drawn variants happened to change nothing: a change that always applies. */
  fallback(job: JsonTree, dice: JobDice): void;
}

function share(value: number | undefined, name: string): number {
  const given = value ?? 0;
  if (!Number.isFinite(given) || given < 0 || given > 1) throw new RangeError(`drift.${name} must be between 0 and 1, got ${given}`);
  return given;
}

export class Drift implements DriftView {
  private readonly share: number;
  private readonly brokenShare: number;
  private readonly seed: string;

  constructor(
    options: DriftOptions | undefined,
    simulatorSeed: number | string,
    private readonly catalogue: DriftCatalogue,
  ) {
    this.share = share(options?.share, 'share');
    this.brokenShare = share(options?.brokenShare, 'brokenShare');
    this.seed = String(options?.seed ?? simulatorSeed);
  }

  /**
   * Broken jobs take the bottom of the roll and drifted ones the top, so changing one share never
   * moves a job between the other kind and none; where the shares overlap, broken wins.
   */
  kindOf(jobId: string): DriftKind {
    if (this.share === 0 && this.brokenShare === 0) return 'none';
    const roll = new Random(`${this.seed}:drift:${jobId}`).next();
    if (roll < this.brokenShare) return 'broken';
    if (roll >= 1 - this.share) return 'drifted';
    return 'none';
  }

  /** The job as served: the very object when it does not drift, a changed copy when it does. */
  apply<T>(jobId: string, job: T): T {
    const kind = this.kindOf(jobId);
    if (kind === 'none' || !isTree(job)) return job;
    const copy = structuredClone(job);
    const dice = new JobDice(`${this.seed}:drift:${jobId}:${kind}`);
    if (kind === 'broken') {
      this.catalogue.break(copy, dice);
    } else {
      const before = JSON.stringify(copy);
      this.catalogue.drift(copy, dice);
      if (JSON.stringify(copy) === before) this.catalogue.fallback(copy, dice);
    }
    return copy;
  }

  /** Drifts the jobs of an envelope that has been marshalled already, so marshalling cannot undo it. */
  applyToList<T>(envelope: T, key: string, ids: readonly string[]): T {
    if (!isTree(envelope)) return envelope;
    const items = envelope[key];
    if (!Array.isArray(items)) return envelope;
    const drifted = items.map((item: unknown, i) => {
      const id = ids[i];
      return id === undefined ? item : this.apply(id, item);
    });
    return Object.assign({}, envelope, { [key]: drifted });
  }
}
