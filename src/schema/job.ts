import type { FieldMap, InterfaceRef, ObjectRef, SchemaTypes } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { isTerminal, type Capabilities, type Job, type JobProvider } from '../providers/job.js';
import { builder } from './builder.js';
import { JobProviderEnum, JobStateEnum } from './enums.js';
import { providerOfType, TYPE_OF_PROVIDER } from './global-id.js';

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types extends SchemaTypes> ? Types : never;

export const JobCapabilitiesRef = builder.objectRef<Capabilities>('JobCapabilities').implement({
  description: 'What can be done with a job right now. Depends on the backend, the kind of job and its state.',
  fields: (t) => ({
    cancel: t.exposeBoolean('cancel', { description: '`cancelJob` would be accepted.' }),
    extend: t.exposeBoolean('extend', { description: '`extendJob` would be accepted (UCloud jobs with a time allocation).' }),
    suspend: t.exposeBoolean('suspend', { description: '`suspendJob` would be accepted (running UCloud jobs).' }),
    resume: t.exposeBoolean('resume', { description: '`resumeJob` would be accepted (suspended UCloud jobs).' }),
    logs: t.exposeBoolean('logs', { description: '`jobLogs` has output or events to show for this job.' }),
  }),
});

export const JobRef = builder.interfaceRef<Job>('Job').implement({
  description:
    'A unit of work on any backend. Every backend type implements it; query the concrete type with a fragment for its own fields.',
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (job) => TYPE_OF_PROVIDER[job.provider],
  fields: (t) => ({
    provider: t.field({ type: JobProviderEnum, description: 'The backend this job lives on.', resolve: (job) => job.provider }),
    providerJobId: t.exposeString('providerJobId', { description: "The backend's own ID of this job." }),
    name: t.exposeString('name', { nullable: true, description: 'Display name (the job name, title or instance name as the backend has it).' }),
    state: t.field({ type: JobStateEnum, description: 'Unified state (see `JobState`).', resolve: (job) => job.state }),
    providerState: t.exposeString('providerState', { description: "The backend's own state word, unmapped." }),
    terminal: t.boolean({ description: 'True once the job has ended and will not change state again.', resolve: (job) => isTerminal(job.state) }),
    owner: t.exposeString('owner', { nullable: true, description: 'Who started the job, as the backend names users; null where the backend has no owner.' }),
    project: t.exposeString('project', { nullable: true, description: 'The project the job belongs to, by the backend\'s project ID; null when none.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the backend received the job.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When it started running; null before that.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it ended; null while not terminal.' }),
    runningTimeSeconds: t.exposeFloat('runningTimeSeconds', {
      nullable: true,
      description: 'Seconds spent running so far (final once terminal); null when the backend cannot tell.',
    }),
    statusMessage: t.exposeString('statusMessage', {
      nullable: true,
      description: 'The latest human-readable status or failure reason from the backend.',
    }),
    capabilities: t.field({ type: JobCapabilitiesRef, description: 'What can be done with this job now.', resolve: (job) => job.capabilities }),
  }),
});

/**
 * Registers a backend's job type as a Relay node implementing `Job`: its global ID carries the
 * backend's job ID, and `node`/`nodes` load it through the per-request batching loaders.
 */
export function jobNode<T extends Job>(
  provider: T['provider'],
  description: string,
  fields: (t: PothosSchemaTypes.ObjectFieldBuilder<BuilderTypes, T>) => FieldMap,
): ObjectRef<BuilderTypes, T> {
  const ref = builder.objectRef<T>(TYPE_OF_PROVIDER[provider]);
  builder.node(ref, {
    description,
    // T extends Job, but TypeScript cannot see that through Pothos' interface check on a generic.
    interfaces: [JobRef as unknown as InterfaceRef<BuilderTypes, T>],
    id: { resolve: (job) => job.providerJobId },
    isTypeOf: (value) => typeof value === 'object' && value !== null && (value as Job).provider === provider,
    // A failed id fails only its own entry of `nodes`, not the whole list.
    loadManyWithoutCache: async (ids, context) =>
      (await context.loaders.loadMany(provider, ids)).map((result) =>
        result instanceof Error ? Promise.reject(result) : (result as T | null),
      ),
    fields,
  });
  return ref;
}

builder.queryField('job', (t) =>
  t.field({
    type: JobRef,
    nullable: true,
    description: 'One job by its global ID, from whichever backend holds it; null when the backend does not know it.',
    args: { id: t.arg.globalID({ required: true, description: 'Global ID of the job (`Job.id`).' }) },
    resolve: (_root, { id }, context) => {
      const provider = providerOfType(id.typename) as JobProvider;
      if (!context.backends.enabled(provider)) {
        throw new GraphQLError(`The ${provider} backend is not enabled on this gateway.`, {
          extensions: { code: 'PROVIDER_DISABLED', provider },
        });
      }
      if (context.backends.missing.has(provider)) {
        throw new GraphQLError(`${context.backends.unauthenticated(provider).message}.`, { extensions: { code: 'UNAUTHENTICATED', provider } });
      }
      return context.loaders.load(provider, id.id);
    },
  }),
);
