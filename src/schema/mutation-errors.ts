import {
  MUTATION_ERROR_CODES,
  type MutationErrorCode,
  type MutationFailure,
  type MutationOutcome,
  type NotFoundFailure,
  type RejectedFailure,
  type UnauthenticatedFailure,
  type UnavailableFailure,
  type UnsupportedFailure,
} from '../mutations/result.js';
import type { Job } from '../providers/job.js';
import { builder } from './builder.js';
import { describedEnum, JobProviderEnum } from './enums.js';
import { encodeGlobalId, TYPE_OF_PROVIDER } from './global-id.js';
import { InvalidInputError, type InputIssue } from './input-error.js';
import { JobRef } from './job.js';

export { InvalidInputError };

const CODE_DESCRIPTIONS: Record<MutationErrorCode, string> = {
  NOT_FOUND: 'The job does not exist on its backend (`NotFoundError`).',
  UNSUPPORTED: 'The backend, or this kind of job, does not have the operation (`UnsupportedError`). Nothing was sent.',
  INVALID_INPUT: 'The arguments break a rule (`InvalidInputError`). Nothing was sent.',
  REJECTED: 'The backend (or the gateway, for a job that has ended) refused the change (`RejectedError`).',
  UNAUTHENTICATED: 'The backend takes each caller\'s own credential and this request sent none it accepts (`UnauthenticatedError`). Nothing was changed.',
  UNAVAILABLE: 'The backend could not be reached or did not answer properly (`UnavailableError`); see `outcomeUnknown`.',
};

export const MutationErrorCodeEnum = describedEnum('MutationErrorCode', 'Why a mutation did not change the job.', MUTATION_ERROR_CODES, CODE_DESCRIPTIONS);

const MutationErrorRef = builder.interfaceRef<{ code: MutationErrorCode; message: string }>('MutationError').implement({
  description: 'What every mutation error has. Select `... on MutationError { code message }` to handle them all alike.',
  fields: (t) => ({
    code: t.field({ type: MutationErrorCodeEnum, description: 'Which kind of error this is.', resolve: (error) => error.code }),
    message: t.exposeString('message', { description: 'What happened, for people. Never contains credentials.' }),
  }),
});

const InputIssueRef = builder.objectRef<InputIssue>('InputIssue').implement({
  description: 'One broken rule of a mutation\'s arguments.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'Where: the argument and input field names, dotted, list positions from 0 (`input.docker.env.1.name`).' }),
    message: t.exposeString('message', { description: 'The rule that was broken.' }),
  }),
});

/** A failure carried as an Error, so that the errors plugin can put it in the result union. */
abstract class FailureError<F extends MutationFailure> extends Error {
  readonly code: F['code'];
  constructor(readonly failure: F) {
    super(failure.message);
    this.code = failure.code;
  }
}

export class NotFoundError extends FailureError<NotFoundFailure> {}
export class UnsupportedError extends FailureError<UnsupportedFailure> {}
export class RejectedError extends FailureError<RejectedFailure> {}
export class UnavailableError extends FailureError<UnavailableFailure> {}
export class UnauthenticatedError extends FailureError<UnauthenticatedFailure> {}

/** A mutation that went through: the job as it is now. */
export class JobMutationSuccess {
  constructor(readonly job: Job) {}
}

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'The job does not exist (any more) on its backend. Nothing was changed.',
  interfaces: [MutationErrorRef],
  fields: (t) => ({
    id: t.id({ description: 'Global ID of the job that was not found.', resolve: (error) => error.failure.id }),
  }),
});

builder.objectType(UnsupportedError, {
  name: 'UnsupportedError',
  description:
    'The operation does not exist for this job: its backend has no such call (extend, suspend and resume are UCloud-only) or the job is of a kind that cannot take it (RIME image builds cannot be cancelled). Nothing was sent to the backend.',
  interfaces: [MutationErrorRef],
  fields: (t) => ({
    provider: t.field({ type: JobProviderEnum, description: 'The backend of the job.', resolve: (error) => error.failure.provider }),
    operation: t.string({ description: 'The operation asked for: `cancel`, `extend`, `suspend`, `resume` or `create`.', resolve: (error) => error.failure.operation }),
  }),
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  description: 'The arguments break one or more rules (a malformed or foreign ID, a value out of range, ...). Nothing was sent to any backend.',
  interfaces: [MutationErrorRef],
  fields: (t) => ({
    issues: t.field({
      type: [InputIssueRef],
      description: 'Every broken rule, one each.',
      resolve: (error) => error.issues,
    }),
  }),
});

builder.objectType(RejectedError, {
  name: 'RejectedError',
  description:
    'The change was refused and not applied: by the backend (its own reason in `message`, its HTTP status in `status`), or by the gateway for a job that has already ended (`status` null).',
  interfaces: [MutationErrorRef],
  fields: (t) => ({
    provider: t.field({ type: JobProviderEnum, description: 'The backend that refused (or would have been asked).', resolve: (error) => error.failure.provider }),
    status: t.int({ nullable: true, description: 'The backend\'s HTTP status; null when the gateway refused without asking.', resolve: (error) => error.failure.status }),
  }),
});

builder.objectType(UnavailableError, {
  name: 'UnavailableError',
  description:
    'The backend is not enabled, could not be reached, timed out, or answered with an error of its own or something unreadable. Mutations are never retried by the gateway: read `outcomeUnknown` before trying again.',
  interfaces: [MutationErrorRef],
  fields: (t) => ({
    provider: t.field({ type: JobProviderEnum, description: 'The backend concerned.', resolve: (error) => error.failure.provider }),
    jobId: t.id({
      nullable: true,
      description:
        'Global ID of the job concerned when it is known to exist although it could not be read (a job created but not read back): look it up instead of creating it again.',
      resolve: (error) =>
        error.failure.existingJobId === undefined ? null : encodeGlobalId(TYPE_OF_PROVIDER[error.failure.provider], error.failure.existingJobId),
    }),
    outcomeUnknown: t.boolean({
      description:
        'True when the request reached the backend and may have been applied (it timed out, failed with a 5xx, lost its connection after sending, or got an unreadable success answer): read the job before trying again. False when nothing was changed.',
      resolve: (error) => error.failure.outcomeUnknown,
    }),
  }),
});

builder.objectType(UnauthenticatedError, {
  name: 'UnauthenticatedError',
  description:
    'The backend did not accept the credential it was called with: the request forwarded none for a backend that takes each caller\'s own (see the `X-…` headers in the README), or the backend rejected it (HTTP 401). Nothing was changed.',
  interfaces: [MutationErrorRef],
  fields: (t) => ({
    provider: t.field({ type: JobProviderEnum, description: 'The backend concerned.', resolve: (error) => error.failure.provider }),
  }),
});

builder.objectType(JobMutationSuccess, {
  name: 'JobMutationSuccess',
  description: 'The mutation was accepted by the backend.',
  isTypeOf: (value) => value instanceof JobMutationSuccess,
  fields: (t) => ({
    job: t.field({
      type: JobRef,
      description:
        'The job as read from its backend right after the change, so its state is fresh (a cancel usually shows `CANCELLING` until the backend is done). If that read fails, the job as read just before the change; a cancelled job that its backend no longer lists (a deleted Data Manager instance) comes back as it was, with state `CANCELLED`.',
      resolve: (success) => success.job,
    }),
  }),
});

export const JobMutationResultRef = builder.errorUnion('JobMutationResult', {
  description:
    'What a job mutation answers: `JobMutationSuccess` with the job, or one of the errors (all implement `MutationError`). Errors are results, not GraphQL errors, so a client handles them with fragments.',
  types: [JobMutationSuccess, NotFoundError, UnsupportedError, InvalidInputError, RejectedError, UnavailableError, UnauthenticatedError],
});

export type JobMutationResult =
  | JobMutationSuccess
  | NotFoundError
  | UnsupportedError
  | InvalidInputError
  | RejectedError
  | UnavailableError
  | UnauthenticatedError;

export function toResult(outcome: MutationOutcome): JobMutationResult {
  if (outcome.ok) return new JobMutationSuccess(outcome.job);
  const { failure } = outcome;
  switch (failure.code) {
    case 'NOT_FOUND':
      return new NotFoundError(failure);
    case 'UNSUPPORTED':
      return new UnsupportedError(failure);
    case 'INVALID_INPUT':
      return new InvalidInputError(failure.issues);
    case 'REJECTED':
      return new RejectedError(failure);
    case 'UNAVAILABLE':
      return new UnavailableError(failure);
    case 'UNAUTHENTICATED':
      return new UnauthenticatedError(failure);
  }
}
