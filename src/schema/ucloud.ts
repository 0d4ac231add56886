import type { UCloudJob, UCloudJobUpdate } from '../providers/job.js';
import { builder } from './builder.js';
import { jobNode } from './job.js';

interface NameAndVersion {
  name: string;
  version: string;
}
interface ProductReference {
  id: string;
  category: string;
  provider: string;
}

const UCloudApplicationRef = builder.objectRef<NameAndVersion>('UCloudApplication').implement({
  description: 'The UCloud application a job runs.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Application name in the UCloud app store (`jupyter-lab`).' }),
    version: t.exposeString('version', { description: 'Application version.' }),
  }),
});

const UCloudProductRef = builder.objectRef<ProductReference>('UCloudProduct').implement({
  description: 'The compute product (machine type) a UCloud job runs on.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Product ID (`u1-standard-8`).' }),
    category: t.exposeString('category', { description: 'Product category (`u1-standard`).' }),
    provider: t.exposeString('provider', { description: 'The compute provider offering the product (`ucloud`).' }),
  }),
});

const UCloudJobUpdateRef = builder.objectRef<UCloudJobUpdate>('UCloudJobUpdate').implement({
  description: 'One entry of a UCloud job\'s update history, oldest first.',
  fields: (t) => ({
    state: t.exposeString('state', { nullable: true, description: 'UCloud state this update moved the job to; null when it did not change state.' }),
    status: t.exposeString('status', { nullable: true, description: 'Status text of the update.' }),
    timestamp: t.expose('timestamp', { type: 'DateTime', description: 'When the update happened.' }),
  }),
});

export const UCloudJobRef = jobNode<UCloudJob>('UCLOUD', 'A job on UCloud (HPC or cloud): an application run on a compute product.', (t) => ({
  application: t.field({
    type: UCloudApplicationRef,
    description: 'The application the job runs.',
    resolve: (job) => ({ name: job.applicationName, version: job.applicationVersion }),
  }),
  product: t.field({
    type: UCloudProductRef,
    description: 'The machine type the job runs on.',
    resolve: (job) => ({ id: job.productId, category: job.productCategory, provider: job.productProvider }),
  }),
  replicas: t.exposeInt('replicas', { description: 'Number of nodes (replicas) the job runs on; log ranks count from 0.' }),
  timeAllocationSeconds: t.exposeInt('timeAllocationSeconds', {
    nullable: true,
    description: 'The time allocation in seconds; null when the job does not expire on its own.',
  }),
  expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When the time allocation runs out.' }),
  outputFolder: t.exposeString('outputFolder', { nullable: true, description: 'UCloud path of the job\'s output folder.' }),
  providerGeneratedId: t.exposeString('providerGeneratedId', { nullable: true, description: 'The compute provider\'s own ID of the job.' }),
  sshEnabled: t.exposeBoolean('sshEnabled', { nullable: true, description: 'SSH access was requested.' }),
  restartOnExit: t.exposeBoolean('restartOnExit', { nullable: true, description: 'The job restarts when its program exits.' }),
  parameters: t.expose('parameters', { type: 'JSON', nullable: true, description: 'Application parameter values, as UCloud holds them.' }),
  resources: t.expose('resources', { type: 'JSON', nullable: true, description: 'Resources attached to the job (files, networks, ingresses).' }),
  updates: t.field({
    type: [UCloudJobUpdateRef],
    description: 'The job\'s update history, oldest first; the last entry is the current state.',
    resolve: (job) => job.updates,
  }),
}));
