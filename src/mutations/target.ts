import type { JobProvider } from '../providers/job.js';
import type { InvalidInputFailure } from './result.js';

/**
 * The job a mutation is about: its backend and its ID there. Global IDs are read at the schema
 * edge; a mutation gets a target, or the input failure of an ID that names none.
 */
export interface Target {
  provider: JobProvider;
  id: string;
  /** The canonical global ID: what errors name, and what makes two spellings of one job the same. */
  globalId: string;
}

export type TargetOrInvalid = Target | InvalidInputFailure;

export function isTarget(value: TargetOrInvalid): value is Target {
  return 'provider' in value && 'globalId' in value;
}
