// UCloud wire job → unified job (DESIGN's state table).
import { isTerminal, type Capabilities, type JobState, type UCloudJob } from '../job.js';
import type { UCloudJobSpec } from '../specs.js';
import { FINAL_STATES, type Job as WireJob, type JobSpecificationInput, type SimpleDuration } from './wire.js';

const STATES: Readonly<Record<string, JobState>> = {
  IN_QUEUE: 'QUEUED',
  RUNNING: 'RUNNING',
  SUSPENDED: 'SUSPENDED',
  CANCELING: 'CANCELLING',
  SUCCESS: 'SUCCEEDED',
  FAILURE: 'FAILED',
  EXPIRED: 'EXPIRED',
};

export function toJobState(state: string | null | undefined): JobState {
  return (state != null && Object.hasOwn(STATES, state) ? STATES[state] : undefined) ?? 'UNKNOWN';
}

export function capabilities(wire: WireJob, state: JobState = toJobState(wire.status.state)): Capabilities {
  const providerState = wire.status.state;
  return {
    // A cancellation under way needs no second one.
    cancel: !isTerminal(state) && state !== 'CANCELLING',
    extend: (providerState === 'RUNNING' || providerState === 'IN_QUEUE') && wire.specification.timeAllocation !== null,
    suspend: providerState === 'RUNNING',
    resume: providerState === 'SUSPENDED',
    logs: true,
  };
}

function durationSeconds(duration: SimpleDuration): number {
  return duration.hours * 3_600 + duration.minutes * 60 + duration.seconds;
}

/** The update that put the job in a final state (terminal jobs get no updates after it). */
function finishedAtMs(wire: WireJob): number | null {
  if (!FINAL_STATES.has(wire.status.state)) return null;
  return wire.updates.find((update) => update.state !== null && FINAL_STATES.has(update.state))?.timestamp ?? null;
}

/**
 * Time spent RUNNING. `status.startedAt` is only the latest start (a suspended job restarts), so
 * the updates are summed when present; without them, the last stretch is all there is.
 */
function runningMs(wire: WireJob, finishedAt: number): number | null {
  let total = 0;
  let since: number | null = null;
  let sawRunning = false;
  for (const update of wire.updates) {
    if (update.state === null) continue;
    if (update.state === 'RUNNING') {
      sawRunning = true;
      since ??= update.timestamp;
    } else if (since !== null) {
      total += update.timestamp - since;
      since = null;
    }
  }
  if (since !== null) total += finishedAt - since;
  if (sawRunning) return total;
  const startedAt = wire.status.startedAt;
  return startedAt === null ? null : Math.max(0, finishedAt - startedAt);
}

export function toJob(wire: WireJob): UCloudJob {
  const state = toJobState(wire.status.state);
  const spec = wire.specification;
  const finishedAt = finishedAtMs(wire);
  // A job that has not ended has run until now, the moment it was read.
  const running = runningMs(wire, finishedAt ?? Date.now());
  const lastStatus = wire.updates.findLast((update) => update.status !== null)?.status ?? null;
  const newAllocation = wire.updates.findLast((update) => update.newTimeAllocation !== null)?.newTimeAllocation ?? null;
  const allocationSeconds =
    newAllocation !== null ? Math.round(newAllocation / 1000) : spec.timeAllocation ? durationSeconds(spec.timeAllocation) : null;
  const outputFolder =
    wire.output?.outputFolder ?? wire.updates.findLast((update) => update.outputFolder !== null)?.outputFolder ?? null;

  return {
    provider: 'UCLOUD',
    providerJobId: wire.id,
    name: spec.name ?? spec.application.name,
    state,
    providerState: wire.status.state,
    owner: wire.owner.createdBy,
    project: wire.owner.project,
    createdAt: new Date(wire.createdAt),
    startedAt: wire.status.startedAt === null ? null : new Date(wire.status.startedAt),
    finishedAt: finishedAt === null ? null : new Date(finishedAt),
    runningTimeSeconds: running === null ? null : Math.round(running / 1000),
    statusMessage: lastStatus,
    capabilities: capabilities(wire, state),
    applicationName: spec.application.name,
    applicationVersion: spec.application.version,
    productId: spec.product.id,
    productCategory: spec.product.category,
    productProvider: spec.product.provider,
    replicas: spec.replicas,
    timeAllocationSeconds: allocationSeconds,
    expiresAt: wire.status.expiresAt === null ? null : new Date(wire.status.expiresAt),
    outputFolder,
    providerGeneratedId: wire.providerGeneratedId,
    sshEnabled: spec.sshEnabled,
    restartOnExit: spec.restartOnExit,
    parameters: spec.parameters,
    resources: spec.resources,
    updates: wire.updates.map((update) => ({ state: update.state, status: update.status, timestamp: new Date(update.timestamp) })),
  };
}

/** Seconds as UCloud's `SimpleDuration`. */
export function toSimpleDuration(seconds: number): SimpleDuration {
  const total = Math.max(0, Math.round(seconds));
  return { hours: Math.floor(total / 3_600), minutes: Math.floor((total % 3_600) / 60), seconds: total % 60 };
}

/** The `JobSpecification` `jobs.create` takes for a new job; optional parts left out when not given. */
export function toSpecification(spec: UCloudJobSpec): JobSpecificationInput {
  return {
    application: spec.application,
    product: spec.product,
    ...(spec.name != null ? { name: spec.name } : {}),
    ...(spec.replicas != null ? { replicas: spec.replicas } : {}),
    ...(spec.allowDuplicateJob != null ? { allowDuplicateJob: spec.allowDuplicateJob } : {}),
    ...(spec.timeAllocationSeconds != null ? { timeAllocation: toSimpleDuration(spec.timeAllocationSeconds) } : {}),
    ...(spec.parameters != null ? { parameters: spec.parameters } : {}),
    ...(spec.resources != null ? { resources: [...spec.resources] } : {}),
    ...(spec.sshEnabled != null ? { sshEnabled: spec.sshEnabled } : {}),
  };
}
