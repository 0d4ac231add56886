import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { JobFilter } from '../providers/contract.js';
import type { Job } from '../providers/job.js';
import { decodeCursor, encodeCursor } from '../listing/cursor.js';
import { listMerged } from '../listing/merge.js';
import { sortKeyOf, type SortKey } from '../listing/order.js';
import { ProviderError } from '../providers/errors.js';
import { providerErrorFields, ProviderErrorRef } from './provider-error.js';
import { builder } from './builder.js';
import { selectedFields } from './selection.js';
import { JobProviderEnum, JobStateEnum } from './enums.js';
import { JobRef } from './job.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export const JobFilterInput = builder.inputType('JobFilter', {
  description: 'Narrows a job list. Conditions combine with AND; a list condition matches any of its values.',
  fields: (t) => ({
    providers: t.field({ type: [JobProviderEnum], required: false, description: 'Only jobs on these backends.' }),
    states: t.field({ type: [JobStateEnum], required: false, description: 'Only jobs in these unified states.' }),
    owner: t.string({ required: false, description: 'Only jobs started by this user (exact, as the backend names users).' }),
    project: t.string({ required: false, description: 'Only jobs of this project (the backend\'s project ID).' }),
    createdAfter: t.field({ type: 'DateTime', required: false, description: 'Only jobs created at or after this instant.' }),
    createdBefore: t.field({ type: 'DateTime', required: false, description: 'Only jobs created strictly before this instant.' }),
    search: t.string({ required: false, description: 'Only jobs whose name contains this text (case-insensitive).' }),
  }),
  // Loose: the validated value replaces the input, so the fields not checked here must pass through.
  validate: z
    .looseObject({
      owner: z.string().max(256).nullish(),
      project: z.string().max(256).nullish(),
      search: z.string().max(200).nullish(),
      createdAfter: z.date().nullish(),
      createdBefore: z.date().nullish(),
    })
    .refine((filter) => !filter.createdAfter || !filter.createdBefore || filter.createdAfter < filter.createdBefore, {
      message: 'createdAfter must be earlier than createdBefore',
      path: ['createdAfter'],
    }),
});

const JobConnectionRef = builder.connectionObject(
  {
    type: JobRef,
    name: 'JobConnection',
    description: 'A page of the one job list over every backend, newest first.',
    fields: (t) => ({
      providerErrors: t.field({
        type: [ProviderErrorRef],
        description:
          'Backends that failed while this page was built, and jobs left out because their identity could not be read; the jobs they stand for are missing from this page. Empty when every backend answered in full.',
        resolve: (connection) => connection.providerErrors,
      }),
    }),
  },
  { name: 'JobEdge', description: 'A job and its position in the list.' },
);

/** An edge whose cursor is encoded only when the operation selects it: most list pages never do. */
class JobEdge {
  constructor(readonly node: Job) {}

  get cursor(): string {
    return encodeCursor(sortKeyOf(this.node));
  }
}

/** The `after` argument's position; a cursor this gateway did not issue is the client's error. */
function afterCursor(cursor: string): SortKey {
  const key = decodeCursor(cursor);
  if (key === null) {
    throw new GraphQLError('Invalid cursor: pass back an edge cursor or pageInfo.endCursor from a previous jobs page unchanged.', {
      extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
    });
  }
  return key;
}

builder.queryField('jobs', (t) =>
  t.field({
    type: JobConnectionRef,
    description:
      'Every job of every enabled backend in one list: newest first (`createdAt` descending), jobs created at the same instant ordered by `provider` in code-unit order of the enum names (DATA_MANAGER, GPU, RIME, UCLOUD), then by `providerJobId` in code-unit order. Cursors are opaque and any gateway replica can continue them. A backend that fails leaves its jobs out and is reported in `providerErrors`; so is a job whose id or creation time the backend sent in a shape that cannot be read (`BAD_RESPONSE`, with how many were left out), while the rest of that backend\'s jobs are still listed.',
    args: {
      first: t.arg.int({
        required: false,
        defaultValue: DEFAULT_PAGE_SIZE,
        description: `How many jobs to return (0 to ${MAX_PAGE_SIZE}; 0 answers an empty page with no next page).`,
        validate: z.number().int().min(0, 'first must not be negative').max(MAX_PAGE_SIZE, `first must be at most ${MAX_PAGE_SIZE}`),
      }),
      after: t.arg.string({ required: false, description: 'Return the jobs after this cursor (an edge `cursor` or `pageInfo.endCursor`).' }),
      filter: t.arg({ type: JobFilterInput, required: false, description: 'Which jobs to list; all when absent.' }),
    },
    resolve: async (_root, args, context, info) => {
      const first = args.first ?? DEFAULT_PAGE_SIZE;
      const after = args.after ? afterCursor(args.after) : null;
      const filter: JobFilter = args.filter ?? {};
      const wanted = filter.providers && filter.providers.length > 0 ? filter.providers : null;
      const { backends } = context;
      const providers = [...backends.providers.values()].filter((p) => !wanted || wanted.includes(p.id));
      // What the page shows of each job decides how much each backend is asked for.
      const fields = selectedFields(info, ['edges', 'node']);
      const page = await listMerged(providers, filter, first, after, { signal: context.signal, fields });
      // A backend this request brought no credential for is not called, and says so.
      const unauthenticated = [...backends.missing].filter((id) => !wanted || wanted.includes(id)).map((id) => backends.unauthenticated(id));
      const disabled: ProviderError[] = (wanted ?? [])
        .filter((id) => !backends.enabled(id))
        .map((id) => new ProviderError({ code: 'UNAVAILABLE', provider: id, message: `${id} is not enabled on this gateway` }));
      const edges = page.jobs.map((job) => new JobEdge(job));
      return {
        edges,
        pageInfo: {
          // A next page needs a cursor to continue from: an empty page (`first: 0`) has none.
          hasNextPage: edges.length > 0 && page.hasNextPage,
          hasPreviousPage: after !== null,
          get startCursor() {
            return edges[0]?.cursor ?? null;
          },
          get endCursor() {
            return edges[edges.length - 1]?.cursor ?? null;
          },
        },
        providerErrors: [...page.failures, ...unauthenticated, ...disabled].map(providerErrorFields),
      };
    },
  }),
);
