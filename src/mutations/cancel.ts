// cancelJob / cancelJobs: decode, check, send each backend's cancel once per job, read back.
import { mapLimit } from '../providers/concurrency.js';
import type { JobProvider } from '../providers/job.js';
import { sentFailure } from './backend-failure.js';
import { isReady, preflight, type MutationDeps, type Ready } from './preflight.js';
import { reread } from './reread.js';
import { failed, succeeded, type MutationFailure, type MutationOutcome } from './result.js';
import { isTarget, type Target, type TargetOrInvalid } from './target.js';

/** Cancels in flight per backend that has no bulk call: enough to be quick, too few to flood it. */
const CANCEL_CONCURRENCY = 4;

/** Null: the backend accepted the cancel. */
type Sent = MutationFailure | null;

/**
 * Never retried and never aborted with the client's request: once sent, a cancel runs to its
 * answer or to the upstream deadline, so its outcome is known whenever it can be.
 */
async function attempt(provider: JobProvider, target: Target | null, call: () => Promise<void>): Promise<Sent> {
  try {
    await call();
    return null;
  } catch (error) {
    return sentFailure(error, provider, target);
  }
}

/** A backend with a bulk call (UCloud `terminate`) gets every job of the request in one call; the others one call per job. */
async function send(ready: readonly Ready[]): Promise<Sent[]> {
  const results: Sent[] = ready.map(() => null);
  const bulk = new Map<JobProvider, { index: number; item: Ready }[]>();
  const perBackend = new Map<JobProvider, { index: number; item: Ready }[]>();
  ready.forEach((item, index) => {
    const groups = item.provider.cancelMany ? bulk : perBackend;
    groups.set(item.target.provider, [...(groups.get(item.target.provider) ?? []), { index, item }]);
  });

  const bulkCalls = [...bulk.values()].map(async (group) => {
    const [first] = group;
    const cancelMany = first?.item.provider.cancelMany?.bind(first.item.provider);
    if (!first || !cancelMany) return;
    // One job: a 404 is about that job. Several: the backend's message says which one it was.
    const target = group.length === 1 ? first.item.target : null;
    const outcome = await attempt(first.item.target.provider, target, () => cancelMany(group.map(({ item }) => item.target.id)));
    for (const { index } of group) results[index] = outcome;
  });
  const singleCalls = [...perBackend.values()].map(async (group) => {
    const outcomes = await mapLimit(group, CANCEL_CONCURRENCY, ({ item }) => attempt(item.target.provider, item.target, () => item.provider.cancel(item.target.id)));
    group.forEach(({ index }, i) => {
      results[index] = outcomes[i] ?? null;
    });
  });
  await Promise.all([...bulkCalls, ...singleCalls]);
  return results;
}

/**
 * Cancels the jobs `decoded` names, answering per entry in the same order. A job named twice (or by
 * two spellings of its global ID) is acted on once and answered the same both times.
 */
export async function cancelJobs(deps: MutationDeps, decoded: readonly TargetOrInvalid[]): Promise<MutationOutcome[]> {
  const distinct = new Map<string, Target>();
  for (const target of decoded) if (isTarget(target) && !distinct.has(target.globalId)) distinct.set(target.globalId, target);
  const targets = [...distinct.values()];

  const checked = await preflight(deps, targets, 'cancel');
  const ready = checked.filter(isReady);
  const sent = await send(ready);
  const applied = ready.filter((_item, index) => sent[index] === null);
  const fresh = await reread(deps, applied, 'cancel');

  const answers = new Map<string, MutationOutcome>();
  checked.forEach((check, index) => {
    const target = targets[index];
    if (target && !isReady(check)) answers.set(target.globalId, failed(check));
  });
  ready.forEach((item, index) => {
    const failure = sent[index];
    if (failure) answers.set(item.target.globalId, failed(failure));
  });
  applied.forEach((item, index) => {
    const job = fresh[index];
    if (job) answers.set(item.target.globalId, succeeded(job));
  });
  return decoded.map((target) => {
    if (!isTarget(target)) return failed(target);
    const answer = answers.get(target.globalId);
    if (!answer) throw new Error(`cancelJobs: no answer for ${target.globalId}`);
    return answer;
  });
}

export async function cancelJob(deps: MutationDeps, target: TargetOrInvalid): Promise<MutationOutcome> {
  const [outcome] = await cancelJobs(deps, [target]);
  if (!outcome) throw new Error('cancelJob: no answer');
  return outcome;
}
