import type { GatewayContext } from '../context.js';
import type { MutationDeps } from '../mutations/preflight.js';
import { disabled, invalidInput, type MutationFailure } from '../mutations/result.js';
import type { TargetOrInvalid } from '../mutations/target.js';
import type { JobProvider } from '../providers/job.js';
import { readJobId } from './global-id.js';

/** The part of a request's context the mutation logic works with. */
export function mutationDeps(context: GatewayContext): MutationDeps {
  const { live } = context.services;
  const { backends } = context;
  return {
    providers: backends.providers,
    unreachable: (provider: JobProvider): MutationFailure => {
      if (!backends.missing.has(provider)) return disabled(provider);
      return { code: 'UNAUTHENTICATED', message: `${backends.unauthenticated(provider).message}.`, provider };
    },
    loaders: context.loaders,
    observe: (job, readAt) => live.observe(job, readAt, backends.slot(job.provider)),
  };
}

/** A mutation argument's global ID, read at the schema edge: the job, or the input error at `path`. */
export function targetOf(globalId: string | number, path: string): TargetOrInvalid {
  const read = readJobId(globalId);
  return 'invalid' in read ? invalidInput([{ path, message: read.invalid }]) : read;
}
