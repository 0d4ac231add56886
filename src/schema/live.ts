import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { GatewayContext } from '../context.js';
import type { JobFilter, LogEntry, Provider } from '../providers/contract.js';
import type { JobProvider } from '../providers/job.js';
import { isProviderError } from '../providers/errors.js';
import type { Channel } from '../live/channel.js';
import { isLiveError, LiveError } from '../live/errors.js';
import { jobKey, type JobKey } from '../live/key.js';
import { HISTORY_ENTRIES } from '../live/output-history.js';
import type { JobEvent } from '../live/news.js';
import { builder } from './builder.js';
import { JobStateEnum } from './enums.js';
import { JobFilterInput } from './connection.js';
import { JobRef } from './job.js';
import { decodeJobId } from './global-id.js';

/** What a client sees of a live failure: its message, its code and the backend concerned as extensions. */
function clientError(error: unknown): unknown {
  if (isLiveError(error)) {
    return new GraphQLError(error.message, { extensions: { code: error.code, ...(error.provider !== null ? { provider: error.provider } : {}) } });
  }
  if (isProviderError(error)) return new GraphQLError(error.message, { extensions: { code: error.code, provider: error.provider } });
  return error;
}

function rethrowForClient(error: unknown): never {
  throw clientError(error);
}

/**
 * The key of a followed job for this caller (the credential its backend is read with) and the
 * provider that reads it: a backend not enabled, or one this request brought no credential for, is
 * an error before anything is watched.
 */
function watchOf(context: GatewayContext, target: { provider: JobProvider; id: string }): { key: JobKey; provider: Provider } {
  const provider = context.backends.providers.get(target.provider);
  if (provider) return { key: jobKey(target.provider, target.id, context.backends.slot(target.provider)), provider };
  if (context.backends.missing.has(target.provider)) {
    const error = context.backends.unauthenticated(target.provider);
    throw new LiveError('UNAUTHENTICATED', `${error.message}.`, target.provider);
  }
  throw new LiveError('PROVIDER_DISABLED', `The ${target.provider} backend is not enabled on this gateway.`, target.provider);
}

/** The backends a `jobsUpdated` filter names that this caller cannot read for want of a credential, when it can read none. */
function listReader(context: GatewayContext, filter: JobFilter): GatewayContext['backends'] {
  const wanted = filter.providers && filter.providers.length > 0 ? filter.providers : [...context.backends.missing, ...context.backends.providers.keys()];
  const readable = wanted.filter((id) => context.backends.providers.has(id));
  const missing = wanted.filter((id) => context.backends.missing.has(id));
  if (readable.length === 0 && missing.length > 0) {
    throw new LiveError('UNAUTHENTICATED', `${missing.map((id) => context.backends.unauthenticated(id).message).join('; ')}.`, missing.length === 1 ? (missing[0] ?? null) : null);
  }
  return context.backends;
}

/** Opens a subscription's stream, its failures shown as clients see them; so is a failure to open it. */
async function live<T>(open: () => Channel<T> | Promise<Channel<T>>): Promise<AsyncIterableIterator<T>> {
  try {
    return (await open()).describeFailures(clientError);
  } catch (error) {
    return rethrowForClient(error);
  }
}

const LogStreamEnum = builder.enumType('LogStream', {
  description: 'Where a log entry comes from.',
  values: {
    STDOUT: { description: 'Standard output of the job\'s program (UCloud per rank, GPU job runs).' },
    STDERR: { description: 'Standard error of the job\'s program (UCloud per rank).' },
    EVENT: { description: 'An event of the platform about the job (Data Manager task events, RIME progress).' },
  },
});

const JobLogEntryRef = builder.objectRef<LogEntry>('JobLogEntry').implement({
  description: 'A piece of a job\'s output, in order. Chunks are not necessarily whole lines: concatenate them per rank and stream.',
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: 'Replica index from 0 (UCloud multi-node jobs; run index for GPU jobs); 0 elsewhere.' }),
    stream: t.field({ type: LogStreamEnum, description: 'Which stream the text belongs to.', resolve: (entry) => entry.stream }),
    text: t.exposeString('text', { description: 'The text exactly as the backend produced it.' }),
    timestamp: t.expose('timestamp', { type: 'DateTime', description: 'When the backend wrote it, or when the gateway received it where the backend does not say.' }),
  }),
});

const JobEventRef = builder.objectRef<JobEvent>('JobEvent').implement({
  description: 'A change of one job.',
  fields: (t) => ({
    job: t.field({ type: JobRef, description: 'The job after the change.', resolve: (event) => event.job }),
    previousState: t.field({
      type: JobStateEnum,
      nullable: true,
      description: 'The state before the change; null for a job seen for the first time (just created).',
      resolve: (event) => event.previousState,
    }),
  }),
});

builder.subscriptionField('jobUpdated', (t) =>
  t.field({
    type: JobRef,
    description:
      'The job as it is now, then the job again after every change of any field (except the running time ticking), in order; completes after a terminal state. However many clients follow a job, the gateway watches it once.',
    args: { id: t.arg.id({ required: true, description: 'Global ID of the job (`Job.id`).' }) },
    subscribe: (_root, { id }, context) => {
      const target = decodeJobId(id);
      return live(() => {
        const { key, provider } = watchOf(context, target);
        return context.services.live.jobUpdated(key, provider);
      });
    },
    resolve: (job) => job,
  }),
);

builder.subscriptionField('jobsUpdated', (t) =>
  t.field({
    type: JobEventRef,
    description:
      'Every change among the jobs matching the filter, from now on, with the state before it. A job leaving the filter (say, no longer RUNNING) is reported once more, showing where it went. Costs the backends one list poll per interval, whatever the number of subscribers.',
    args: { filter: t.arg({ type: JobFilterInput, required: false, description: 'Which jobs to watch; all when absent.' }) },
    subscribe: (_root, { filter }, context) => live(() => context.services.live.jobsUpdated(filter ?? {}, listReader(context, filter ?? {}))),
    resolve: (event) => event,
  }),
);

builder.subscriptionField('jobLogs', (t) =>
  t.field({
    type: JobLogEntryRef,
    description:
      'The job\'s output so far, then new output as it is written; completes once the job has ended and its output is drained. UCloud: program output per rank from `follow`; Data Manager: task events; GPU: job-run logs; RIME: progress changes as events.',
    args: {
      id: t.arg.id({ required: true, description: 'Global ID of the job (`Job.id`).' }),
      tail: t.arg.int({
        required: false,
        description: `Start from the end: only the last \`tail\` entries of the output so far (0: none, only new output), then everything new. Absent: the whole output so far (up to ${HISTORY_ENTRIES} entries).`,
        validate: z.number().int().min(0, 'tail must not be negative').max(HISTORY_ENTRIES, `tail must be at most ${HISTORY_ENTRIES}`),
      }),
    },
    subscribe: (_root, { id, tail }, context) => {
      const target = decodeJobId(id);
      return live(() => {
        const { key, provider } = watchOf(context, target);
        return context.services.live.jobLogs(key, provider, { tail: tail ?? null });
      });
    },
    resolve: (entry) => entry,
  }),
);
