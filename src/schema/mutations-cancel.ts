import { z } from 'zod';
import { cancelJob, cancelJobs } from '../mutations/cancel.js';
import { builder } from './builder.js';
import { mutationDeps, targetOf } from './mutation-context.js';
import { JobMutationResultRef, toResult } from './mutation-errors.js';

export const MAX_CANCEL_IDS = 100;

builder.mutationField('cancelJob', (t) =>
  t.field({
    type: JobMutationResultRef,
    description:
      'Cancels a job on whichever backend holds it: UCloud `terminate`, RIME CancelJob (stress tests, firewall batch tests and file scans only), Data Manager instance deletion, GPU cancel. The job usually shows `CANCELLING` until the backend has stopped it. A job that has already ended is a `RejectedError`. Never retried by the gateway.',
    args: { id: t.arg.id({ required: true, description: 'Global ID of the job (`Job.id`).' }) },
    resolve: async (_root, { id }, context) => toResult(await cancelJob(mutationDeps(context), targetOf(id, 'id'))),
  }),
);

builder.mutationField('cancelJobs', (t) =>
  t.field({
    type: [JobMutationResultRef],
    description: `Cancels up to ${MAX_CANCEL_IDS} jobs of any backends at once, answering one result per ID in the order given (an ID given twice is cancelled once and answered twice). All UCloud jobs go in one \`terminate\` call, so a refusal of that call is the answer for each of them. Otherwise as \`cancelJob\`.`,
    args: {
      ids: t.arg.idList({
        required: true,
        description: `Global IDs of the jobs (\`Job.id\`), at most ${MAX_CANCEL_IDS}.`,
        validate: z.array(z.unknown()).max(MAX_CANCEL_IDS, `at most ${MAX_CANCEL_IDS} ids per request`),
      }),
    },
    resolve: async (_root, { ids }, context) =>
      (await cancelJobs(mutationDeps(context), ids.map((id, index) => targetOf(id, `ids.${index}`)))).map(toResult),
  }),
);
