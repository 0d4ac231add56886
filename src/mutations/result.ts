// What a mutation answers: the fresh job, or a typed failure a client can act on. Plain data, so
// the logic stays free of GraphQL; `schema/mutation-errors.ts` turns it into the result union.
import type { Operation } from '../providers/contract.js';
import type { Job, JobProvider } from '../providers/job.js';

export const MUTATION_ERROR_CODES = ['NOT_FOUND', 'UNSUPPORTED', 'INVALID_INPUT', 'REJECTED', 'UNAVAILABLE', 'UNAUTHENTICATED'] as const;
export type MutationErrorCode = (typeof MUTATION_ERROR_CODES)[number];

export interface InputIssue {
  /** Dotted path of the offending argument or input field (`input.docker.env.1.name`). */
  path: string;
  message: string;
}

export type NotFoundFailure = { code: 'NOT_FOUND'; message: string; id: string };
export type UnsupportedFailure = { code: 'UNSUPPORTED'; message: string; provider: JobProvider; operation: Operation };
export type InvalidInputFailure = { code: 'INVALID_INPUT'; message: string; issues: InputIssue[] };
export type RejectedFailure = { code: 'REJECTED'; message: string; provider: JobProvider; status: number | null };
export type UnavailableFailure = {
  code: 'UNAVAILABLE';
  message: string;
  provider: JobProvider;
  outcomeUnknown: boolean;
  /** A job known to exist though it could not be read (a created job not read back): its backend id. */
  existingJobId?: string;
};

/** The backend needs the caller's own credential, and the request sent none or one it does not accept. */
export type UnauthenticatedFailure = { code: 'UNAUTHENTICATED'; message: string; provider: JobProvider };

export type MutationFailure = NotFoundFailure | UnsupportedFailure | InvalidInputFailure | RejectedFailure | UnavailableFailure | UnauthenticatedFailure;

export type MutationOutcome = { ok: true; job: Job } | { ok: false; failure: MutationFailure };

export const succeeded = (job: Job): MutationOutcome => ({ ok: true, job });
export const failed = (failure: MutationFailure): MutationOutcome => ({ ok: false, failure });

export function notFound(provider: JobProvider, providerJobId: string, globalId: string): NotFoundFailure {
  return { code: 'NOT_FOUND', message: `${provider} has no job ${providerJobId}.`, id: globalId };
}

/** `Invalid input: input.title: must not be empty; ...`: the one wording, for queries and mutations alike. */
export function describeIssues(issues: readonly InputIssue[]): string {
  return `Invalid input: ${issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ')}`;
}

export function invalidInput(issues: InputIssue[]): InvalidInputFailure {
  return { code: 'INVALID_INPUT', message: describeIssues(issues), issues };
}

export function disabled(provider: JobProvider): UnavailableFailure {
  return { code: 'UNAVAILABLE', message: `The ${provider} backend is not enabled on this gateway.`, provider, outcomeUnknown: false };
}

export function unsupported(provider: JobProvider, operation: Operation, message: string): UnsupportedFailure {
  return { code: 'UNSUPPORTED', message, provider, operation };
}
