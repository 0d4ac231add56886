import type { DataManagerInstance } from '../providers/job.js';
import { jobNode } from './job.js';

export const DataManagerInstanceRef = jobNode<DataManagerInstance>(
  'DATA_MANAGER',
  'A Squonk Data Manager instance: a running application (e.g. a notebook) or a job run from a job definition.',
  (t) => ({
    applicationId: t.exposeString('applicationId', { description: 'The Data Manager application ID.' }),
    applicationVersion: t.exposeString('applicationVersion', { description: 'The application version.' }),
    applicationType: t.exposeString('applicationType', { description: '`APPLICATION` or `JOB`.' }),
    phase: t.exposeString('providerState', { description: 'The Data Manager phase (`PENDING`, `RUNNING`, `COMPLETED`, ...).' }),
    archived: t.exposeBoolean('archived', { description: 'Protected from automatic deletion.' }),
    coins: t.exposeString('coins', { nullable: true, description: 'Running coin cost, as the exact decimal string the Data Manager reports.' }),
    url: t.exposeString('url', { nullable: true, description: 'Where a started application is served (applications only).' }),
    outputs: t.expose('outputs', { type: 'JSON', nullable: true, description: 'Known outputs of a job instance.' }),
    applicationSpecification: t.expose('applicationSpecification', {
      type: 'JSON',
      nullable: true,
      description: 'The specification the instance was launched with.',
    }),
    runTime: t.exposeString('runTime', { description: 'Run time as the Data Manager reports it (Python timedelta text, an estimate until stopped).' }),
    jobCollection: t.exposeString('jobCollection', { nullable: true, description: 'Job definition collection (job instances).' }),
    jobJob: t.exposeString('jobJob', { nullable: true, description: 'Job within its collection (job instances).' }),
    jobName: t.exposeString('jobName', { nullable: true, description: 'Job definition name (job instances).' }),
    jobVersion: t.exposeString('jobVersion', { nullable: true, description: 'Job definition version (job instances).' }),
    jobDefinitionId: t.exposeInt('jobDefinitionId', { nullable: true, description: 'The job definition\'s numeric ID.' }),
    jobImageType: t.exposeString('jobImageType', { nullable: true, description: '`SIMPLE` (one container) or `NEXTFLOW` (a workflow).' }),
    fixPermissions: t.exposeBoolean('fixPermissions', {
      nullable: true,
      description: 'The Data Manager fixes output file permissions when the instance completes.',
    }),
    taskIds: t.exposeStringList('taskIds', {
      nullable: true,
      description:
        'Data Manager tasks of this instance (launch, deletion). Only a single-instance read carries them: null on instances from `jobs` (fetch the instance with `job` or `node` to get them), so that a list never costs a request per instance.',
    }),
  }),
);
