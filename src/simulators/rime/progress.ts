// A job's progress at an instant, read off its plan: which test runs exist, each batch's status,
// and the human-readable `jobProgressStr`.
import { FINAL_STATUSES, type TestTaskStatus } from './catalog.js';
import type { SimJob, Step, TestRunPlan } from './plan.js';

export interface BatchState {
  type: string;
  status: TestTaskStatus;
}

export interface TestRunState {
  testRunId: string;
  status: TestTaskStatus;
  binStart: number | null;
  binEnd: number | null;
  batches: BatchState[];
}

export interface ProgressState {
  /** False until the job first runs. */
  running: boolean;
  testRuns: TestRunState[];
  text: string | null;
}

/** How the job's work was cut short, if it was. */
interface Stop {
  at: number;
  kind: 'failed' | 'cancelled';
}

function stopOf(job: SimJob, t: number): Stop | null {
  const final = job.timeline.history(t).find((phase) => FINAL_STATUSES.includes(phase.state));
  if (!final || final.state === 'JOB_STATUS_SUCCEEDED') return null;
  return { at: final.at, kind: final.state === 'JOB_STATUS_FAILED' ? 'failed' : 'cancelled' };
}

function stepStatus(step: Step, t: number, stop: Stop | null): TestTaskStatus {
  if (stop && stop.at < step.end) {
    if (step.start <= stop.at) return stop.kind === 'failed' ? 'TEST_TASK_STATUS_FAILED' : 'TEST_TASK_STATUS_CANCELLED';
    // Work that never started is cleaned up with a failed job, and cancelled with a cancelled one.
    return stop.kind === 'failed' ? 'TEST_TASK_STATUS_GARBAGE_COLLECTED' : 'TEST_TASK_STATUS_CANCELLED';
  }
  if (t < step.start) return 'TEST_TASK_STATUS_PENDING';
  if (t < step.end) return 'TEST_TASK_STATUS_RUNNING';
  return 'TEST_TASK_STATUS_COMPLETED';
}

function runStatus(batches: readonly BatchState[], stop: Stop | null): TestTaskStatus {
  const statuses = batches.map((batch) => batch.status);
  if (statuses.every((s) => s === 'TEST_TASK_STATUS_COMPLETED')) return 'TEST_TASK_STATUS_COMPLETED';
  if (stop) return stop.kind === 'failed' ? 'TEST_TASK_STATUS_FAILED' : 'TEST_TASK_STATUS_CANCELLED';
  if (statuses.every((s) => s === 'TEST_TASK_STATUS_PENDING')) return 'TEST_TASK_STATUS_PENDING';
  return 'TEST_TASK_STATUS_RUNNING';
}

function runState(plan: TestRunPlan, t: number, stop: Stop | null): TestRunState {
  const batches = plan.batches.map((step) => ({ type: step.label, status: stepStatus(step, t, stop) }));
  return { testRunId: plan.testRunId, status: runStatus(batches, stop), binStart: plan.binStart, binEnd: plan.binEnd, batches };
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** "3/9 test batches completed; running "Feature Drift"" and its stopped/finished variants. */
function batchSummary(run: TestRunState, stop: Stop | null): string {
  const done = run.batches.filter((b) => b.status === 'TEST_TASK_STATUS_COMPLETED').length;
  const head = `${done}/${run.batches.length} test batches completed`;
  const active = run.batches.find((b) => b.status === 'TEST_TASK_STATUS_RUNNING' || b.status === 'TEST_TASK_STATUS_FAILED');
  if (run.status === 'TEST_TASK_STATUS_COMPLETED') return head;
  if (stop?.kind === 'failed') return active ? `${head}; "${active.type}" failed` : `${head}; failed before the first batch`;
  if (stop?.kind === 'cancelled') return `${head}; cancelled`;
  if (active) return `${head}; running "${active.type}"`;
  return 'loading model and datasets';
}

function stepsText(job: SimJob, t: number, stop: Stop | null): string {
  const statuses = job.steps.map((step) => stepStatus(step, t, stop));
  const n = job.steps.length;
  const current = statuses.findIndex((s) => s !== 'TEST_TASK_STATUS_COMPLETED');
  if (current < 0) return `Completed ${n}/${n} ${job.stepNoun.toLowerCase()}s`;
  const label = `${job.stepNoun} ${current + 1}/${n}: ${job.steps[current]?.label ?? ''}`;
  if (stop) return `${label} (${stop.kind})`;
  if (statuses[current] === 'TEST_TASK_STATUS_PENDING') return 'Starting';
  return label;
}

export function progressAt(job: SimJob, t: number): ProgressState {
  const started = job.timeline.firstTime(['JOB_STATUS_RUNNING'], t) !== null;
  if (!started) return { running: false, testRuns: [], text: null };
  const stop = stopOf(job, t);
  switch (job.work) {
    case 'none':
      return { running: true, testRuns: [], text: null };
    case 'steps':
      return { running: true, testRuns: [], text: stepsText(job, t, stop) };
    case 'stress': {
      const testRuns = job.testRuns.map((plan) => runState(plan, t, stop));
      const run = testRuns[0];
      const text = run ? `Test run ${run.testRunId.slice(0, 8)}: ${batchSummary(run, stop)}` : null;
      return { running: true, testRuns, text };
    }
    case 'continuous': {
      // A bin's test run exists once its first batch has started.
      const begun = job.testRuns.filter((plan) => {
        const first = plan.batches[0];
        return first !== undefined && first.start <= t && !(stop && stop.at < first.start);
      });
      const testRuns = begun.map((plan) => runState(plan, t, stop));
      const total = job.testRuns.length;
      const last = testRuns[testRuns.length - 1];
      let text: string;
      if (!last) text = stop ? `0/${total} bins tested; ${stop.kind}` : `Preparing ${total} bins`;
      else if (testRuns.length === total && last.status === 'TEST_TASK_STATUS_COMPLETED') text = `${total}/${total} bins tested`;
      else {
        const window = `${isoMinute(last.binStart ?? 0)} to ${isoMinute(last.binEnd ?? 0)}`;
        text = `Bin ${testRuns.length}/${total} (${window}): ${batchSummary(last, stop)}`;
      }
      return { running: true, testRuns, text };
    }
  }
}

/** Every instant at which something observable about the job may change, up to `now`. */
export function changeTimes(job: SimJob, now: number): number[] {
  const times = new Set<number>(job.timeline.history(now).map((phase) => phase.at));
  if (job.cancelRequestedAt !== null && job.cancelRequestedAt <= now) times.add(job.cancelRequestedAt);
  const steps = [...job.steps, ...job.testRuns.flatMap((run) => run.batches)];
  for (const step of steps) {
    if (step.start <= now) times.add(step.start);
    if (step.end <= now) times.add(step.end);
  }
  return [...times].sort((a, b) => a - b);
}
