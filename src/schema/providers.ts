import { operationsOf, type Provider, type ProviderOperations } from '../providers/contract.js';
import { JOB_PROVIDERS, type JobProvider } from '../providers/job.js';
import { providerErrorFields, ProviderErrorRef, type ProviderErrorFields } from './provider-error.js';
import { builder } from './builder.js';
import { JobProviderEnum } from './enums.js';

interface ProviderStatus {
  provider: JobProvider;
  backend: Provider | null;
  reachable: boolean | null;
  latencyMs: number | null;
  checkedAt: Date | null;
  lastError: ProviderErrorFields | null;
}

const ProviderCapabilitiesRef = builder.objectRef<ProviderOperations>('ProviderCapabilities').implement({
  description: 'What a backend supports at all (a particular job may allow less: see `Job.capabilities`).',
  fields: (t) => ({
    cancel: t.exposeBoolean('cancel', { description: 'Jobs can be cancelled (RIME: only some job types).' }),
    create: t.exposeBoolean('create', { description: 'Jobs can be created through this gateway.' }),
    extend: t.exposeBoolean('extend', { description: 'Time allocations can be extended.' }),
    suspend: t.exposeBoolean('suspend', { description: 'Jobs can be suspended.' }),
    resume: t.exposeBoolean('resume', { description: 'Suspended jobs can be resumed.' }),
    logs: t.exposeBoolean('logs', { description: 'Live output or events are available (`jobLogs`).' }),
  }),
});

const ProviderStatusRef = builder.objectRef<ProviderStatus>('ProviderStatus').implement({
  description: 'A backend as this gateway sees it right now.',
  fields: (t) => ({
    provider: t.field({ type: JobProviderEnum, description: 'Which backend.', resolve: (s) => s.provider }),
    enabled: t.boolean({ description: 'Configured on this gateway (its URL is set).', resolve: (s) => s.backend !== null }),
    reachable: t.boolean({
      nullable: true,
      description: 'Answered its probe request (see `checkedAt`); null when the backend is not enabled.',
      resolve: (s) => s.reachable,
    }),
    latencyMs: t.float({ nullable: true, description: 'How long the probe took, in milliseconds.', resolve: (s) => s.latencyMs }),
    checkedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the probe answered (at most two seconds ago); null when the backend is not enabled.',
      resolve: (s) => s.checkedAt,
    }),
    lastError: t.field({
      type: ProviderErrorRef,
      nullable: true,
      description: 'Why the probe failed; null when it succeeded or the backend is not enabled.',
      resolve: (s) => s.lastError,
    }),
    capabilities: t.field({
      type: ProviderCapabilitiesRef,
      nullable: true,
      description: 'What the backend supports; null when it is not enabled.',
      resolve: (s) => (s.backend ? operationsOf(s.backend) : null),
    }),
  }),
});

builder.queryField('providers', (t) =>
  t.field({
    type: [ProviderStatusRef],
    description:
      'Every backend this gateway knows, with whether it is enabled and answers now: one light probe request each, shared by every client asking within two seconds.',
    resolve: (_root, _args, context) =>
      Promise.all(
        JOB_PROVIDERS.map(async (provider): Promise<ProviderStatus> => {
          const backend = context.services.providers.get(provider) ?? null;
          const probe = await context.services.health.probe(provider);
          return {
            provider,
            backend,
            reachable: probe?.reachable ?? null,
            latencyMs: probe?.latencyMs ?? null,
            checkedAt: probe?.checkedAt ?? null,
            lastError: probe?.error ? providerErrorFields(probe.error) : null,
          };
        }),
      ),
  }),
);
