import { GraphQLError } from 'graphql';
import type { JobProvider } from '../providers/job.js';
import { decodeJobId } from '../schema/global-id.js';
import { invalidInput, type InvalidInputFailure } from './failures.js';

/** The job a mutation is about: its backend and its ID there. */
export interface Target {
  provider: JobProvider;
  id: string;
  /** The canonical global ID: what errors name, and what makes two spellings of one job the same. */
  globalId: string;
}

/** Reads a job's global ID; a malformed or foreign one is the caller's input error at `path`. */
export function decodeTarget(globalId: string, path: string): Target | InvalidInputFailure {
  try {
    return decodeJobId(globalId);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return invalidInput([{ path, message: error.message }]);
  }
}

export function isTarget(value: Target | InvalidInputFailure): value is Target {
  return 'provider' in value && 'globalId' in value;
}
