import { createJob } from '../mutations/create.js';
import { MAX_NAME_LENGTH, MAX_REPLICAS, toUCloudSpec, ucloudJobInputSchema } from '../mutations/ucloud-input.js';
import { builder } from './builder.js';
import { DurationInputRef } from './duration-input.js';
import { mutationDeps } from './mutation-context.js';
import { JobMutationResultRef, toResult } from './mutation-errors.js';

const UCloudApplicationInputRef = builder.inputType('UCloudApplicationInput', {
  description: 'An application of the UCloud app store, by name and version.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Application name (`jupyter-lab`).' }),
    version: t.string({ required: true, description: 'Application version.' }),
  }),
});

const UCloudProductInputRef = builder.inputType('UCloudProductInput', {
  description: 'The machine type to run on.',
  fields: (t) => ({
    id: t.string({ required: true, description: 'Product ID (`u1-standard-8`).' }),
    category: t.string({ required: true, description: 'Product category (`u1-standard`).' }),
    provider: t.string({ required: true, description: 'The compute provider offering the product (`ucloud`).' }),
  }),
});

const CreateUCloudJobInputRef = builder.inputType('CreateUCloudJobInput', {
  description: 'A UCloud job specification. Every rule is checked before anything is sent.',
  fields: (t) => ({
    application: t.field({ type: UCloudApplicationInputRef, required: true, description: 'The application to run.' }),
    product: t.field({ type: UCloudProductInputRef, required: true, description: 'The machine type to run on.' }),
    name: t.string({
      required: false,
      description: `Job name: letters, digits, spaces and \`():_-\`, at most ${MAX_NAME_LENGTH} characters.`,
    }),
    replicas: t.int({ required: false, defaultValue: 1, description: `Number of nodes (1 to ${MAX_REPLICAS}; the backend may allow fewer).` }),
    timeAllocation: t.field({ type: DurationInputRef, required: false, description: 'How long the job may run; without it the job does not expire on its own.' }),
    parameters: t.field({ type: 'JSON', required: false, description: 'Application parameter values: a JSON object, as UCloud takes it.' }),
    resources: t.field({ type: 'JSON', required: false, description: 'Resources to attach (files, networks, ingresses): a JSON list, as UCloud takes it.' }),
    allowDuplicateJob: t.boolean({
      required: false,
      defaultValue: false,
      description: 'Start the job even when an identical one is already running (UCloud refuses it otherwise).',
    }),
    sshEnabled: t.boolean({ required: false, description: 'Ask for SSH access to the job.' }),
  }),
});

builder.mutationField('createUCloudJob', (t) =>
  t.field({
    type: JobMutationResultRef,
    description:
      'Creates a UCloud job and answers it as read right after (usually `QUEUED`). Invalid input is an `InvalidInputError` listing every broken rule, and nothing is sent. Never retried by the gateway: after an `UnavailableError` with `outcomeUnknown`, look for the job before creating it again.',
    args: { input: t.arg({ type: CreateUCloudJobInputRef, required: true, description: 'The job to create.' }).validate(ucloudJobInputSchema) },
    resolve: async (_root, { input }, context) => toResult(await createJob(mutationDeps(context), 'UCLOUD', toUCloudSpec(input))),
  }),
);
