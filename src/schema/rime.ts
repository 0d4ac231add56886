import type { RimeJob, RimeTestBatch } from '../providers/job.js';
import { builder } from './builder.js';
import { jobNode } from './job.js';

const RimeTestBatchRef = builder.objectRef<RimeTestBatch>('RimeTestBatch').implement({
  description: 'Progress of one test batch of a RIME test run.',
  fields: (t) => ({
    type: t.exposeString('type', { nullable: true, description: 'The test batch type (unique within its test run).' }),
    status: t.exposeString('status', { nullable: true, description: 'RIME test task status (`TEST_TASK_STATUS_RUNNING`, ...).' }),
  }),
});

export const RimeJobRef = jobNode<RimeJob>('RIME', 'A RIME job: a model stress test, continuous (firewall) test, file scan or other RIME task.', (t) => ({
  jobType: t.exposeString('jobType', {
    description: 'RIME job type (`JOB_TYPE_MODEL_STRESS_TEST`, `JOB_TYPE_FIREWALL_BATCH_TEST`, `JOB_TYPE_FILE_SCAN`, ...; an open set).',
  }),
  terminationReason: t.exposeString('terminationReason', {
    nullable: true,
    description: 'Why the job ended (`TERMINATION_REASON_OOMKILLED`, ...; an open set); null while running.',
  }),
  cancellationRequested: t.exposeBoolean('cancellationRequested', {
    description: 'Cancellation was requested; the job reaches CANCELLED later.',
  }),
  agentId: t.exposeString('agentId', { nullable: true, description: 'The RIME agent the job runs on.' }),
  testRunId: t.exposeString('testRunId', { nullable: true, description: 'The test run a stress test job produces.' }),
  firewallId: t.exposeString('firewallId', { nullable: true, description: 'The firewall a continuous test job belongs to.' }),
  continuousTestRunIds: t.exposeStringList('continuousTestRunIds', { description: 'Test runs of a continuous test job.' }),
  progressText: t.exposeString('progressText', {
    nullable: true,
    description: 'RIME\'s human-readable progress text. Unstable wording: show it, do not parse it.',
  }),
  testRunStatus: t.exposeString('testRunStatus', { nullable: true, description: 'Status of the job\'s test run.' }),
  testBatches: t.field({ type: [RimeTestBatchRef], description: 'Test batch progress, when RIME reports it.', resolve: (job) => job.testBatches }),
  archivedLogsUrl: t.exposeString('archivedLogsUrl', { nullable: true, description: 'Download link of the archived logs of a finished job (expires).' }),
  archivedLogsExpireAt: t.expose('archivedLogsExpireAt', { type: 'DateTime', nullable: true, description: 'When `archivedLogsUrl` stops working.' }),
}));
