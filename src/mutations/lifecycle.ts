// extendJob / suspendJob / resumeJob: operations only some backends have (UCloud today).
import type { Provider } from '../providers/contract.js';
import { sentFailure } from './backend-failure.js';
import { isReady, preflight, type MutationDeps } from './preflight.js';
import { reread } from './reread.js';
import { failed, succeeded, type MutationOutcome } from './result.js';
import { isTarget, type TargetOrInvalid } from './target.js';

export type LifecycleChange = { operation: 'extend'; seconds: number } | { operation: 'suspend' } | { operation: 'resume' };

/** The provider call for `change`; preflight has made sure the provider has it. */
function call(provider: Provider, id: string, change: LifecycleChange): Promise<void> {
  const missing = (): Promise<void> => Promise.reject(new Error(`${provider.id} has no ${change.operation}`));
  switch (change.operation) {
    case 'extend':
      return provider.extend ? provider.extend(id, change.seconds) : missing();
    case 'suspend':
      return provider.suspend ? provider.suspend(id) : missing();
    case 'resume':
      return provider.resume ? provider.resume(id) : missing();
  }
}

/** Applies `change` to the job; never retried, never aborted once sent. */
export async function changeJob(deps: MutationDeps, target: TargetOrInvalid, change: LifecycleChange): Promise<MutationOutcome> {
  if (!isTarget(target)) return failed(target);
  const [checked] = await preflight(deps, [target], change.operation);
  if (!checked) throw new Error('changeJob: no preflight answer');
  if (!isReady(checked)) return failed(checked);
  try {
    await call(checked.provider, target.id, change);
  } catch (error) {
    return failed(sentFailure(error, target.provider, target));
  }
  const [job] = await reread(deps, [checked], change.operation);
  return succeeded(job ?? checked.job);
}
