import { durationSchema } from '../mutations/duration.js';
import { changeJob } from '../mutations/lifecycle.js';
import { builder } from './builder.js';
import { DurationInputRef } from './duration-input.js';
import { mutationDeps, targetOf } from './mutation-context.js';
import { JobMutationResultRef, toResult } from './mutation-errors.js';

const ONLY_UCLOUD = 'Only UCloud jobs have it: on any other backend the answer is an `UnsupportedError` and nothing is sent.';

builder.mutationField('extendJob', (t) =>
  t.field({
    type: JobMutationResultRef,
    description: `Adds time to a job's time allocation (UCloud \`extend\`), so that it expires later. ${ONLY_UCLOUD} UCloud refuses jobs without a time allocation and jobs that are not queued or running (\`RejectedError\`). Never retried by the gateway.`,
    args: {
      id: t.arg.id({ required: true, description: 'Global ID of the job (`Job.id`).' }),
      duration: t.arg({ type: DurationInputRef, required: true, description: 'How much time to add.' }).validate(durationSchema),
    },
    resolve: async (_root, { id, duration }, context) =>
      toResult(await changeJob(mutationDeps(context), targetOf(id, 'id'), { operation: 'extend', seconds: duration })),
  }),
);

builder.mutationField('suspendJob', (t) =>
  t.field({
    type: JobMutationResultRef,
    description: `Pauses a running job (UCloud \`suspend\`); \`resumeJob\` continues it. ${ONLY_UCLOUD} Never retried by the gateway.`,
    args: { id: t.arg.id({ required: true, description: 'Global ID of the job (`Job.id`).' }) },
    resolve: async (_root, { id }, context) => toResult(await changeJob(mutationDeps(context), targetOf(id, 'id'), { operation: 'suspend' })),
  }),
);

builder.mutationField('resumeJob', (t) =>
  t.field({
    type: JobMutationResultRef,
    description: `Continues a suspended job (UCloud \`unsuspend\`). ${ONLY_UCLOUD} Never retried by the gateway.`,
    args: { id: t.arg.id({ required: true, description: 'Global ID of the job (`Job.id`).' }) },
    resolve: async (_root, { id }, context) => toResult(await changeJob(mutationDeps(context), targetOf(id, 'id'), { operation: 'resume' })),
  }),
);
