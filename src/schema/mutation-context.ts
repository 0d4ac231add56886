import type { GatewayContext } from '../context.js';
import type { MutationDeps } from '../mutations/preflight.js';
import { invalidInput } from '../mutations/result.js';
import type { TargetOrInvalid } from '../mutations/target.js';
import { readJobId } from './global-id.js';

/** The part of a request's context the mutation logic works with. */
export function mutationDeps(context: GatewayContext): MutationDeps {
  const { live } = context.services;
  return { providers: context.services.providers, loaders: context.loaders, observe: (job, readAt) => live.observe(job, readAt) };
}

/** A mutation argument's global ID, read at the schema edge: the job, or the input error at `path`. */
export function targetOf(globalId: string | number, path: string): TargetOrInvalid {
  const read = readJobId(globalId);
  return 'invalid' in read ? invalidInput([{ path, message: read.invalid }]) : read;
}
