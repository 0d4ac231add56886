import type { GatewayContext } from '../context.js';
import type { MutationDeps } from '../mutations/preflight.js';

/** The part of a request's context the mutation logic works with. */
export function mutationDeps(context: GatewayContext): MutationDeps {
  const { live } = context.services;
  return { providers: context.services.providers, loaders: context.loaders, observe: (job, readAt) => live.observe(job, readAt) };
}
