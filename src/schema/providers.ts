import type { Provider } from '../providers/contract.js';
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

const ProviderCapabilitiesRef = builder.objectRef<Provider>('ProviderCapabilities').implement({
  description: 'What a backend supports at all (a particular job may allow less: see `Job.capabilities`).',
  fields: (t) => ({
    cancel: t.boolean({ description: 'Jobs can be cancelled (RIME: only some job types).', resolve: () => true }),
    create: t.boolean({ description: 'Jobs can be created through this gateway.', resolve: (p) => 'create' in p && typeof p.create === 'function' }),
    extend: t.boolean({ description: 'Time allocations can be extended.', resolve: (p) => typeof p.extend === 'function' }),
    suspend: t.boolean({ description: 'Jobs can be suspended.', resolve: (p) => typeof p.suspend === 'function' }),
    resume: t.boolean({ description: 'Suspended jobs can be resumed.', resolve: (p) => typeof p.resume === 'function' }),
    logs: t.boolean({
      description: 'Live output or events are available (`jobLogs`).',
      resolve: (p) => typeof p.pollLogs === 'function' || typeof p.follow === 'function',
    }),
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
      resolve: (s) => s.backend,
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
