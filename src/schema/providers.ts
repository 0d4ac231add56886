import type { Provider, ProviderOperations } from '../providers/contract.js';
import type { CredentialMode } from '../providers/credentials.js';
import { JOB_PROVIDERS, type JobProvider } from '../providers/job.js';
import { providerErrorFields, ProviderErrorRef, type ProviderErrorFields } from './provider-error.js';
import { builder } from './builder.js';
import { CredentialModeEnum, JobProviderEnum } from './enums.js';

interface ProviderStatus {
  provider: JobProvider;
  enabled: boolean;
  credentials: CredentialMode | null;
  /** The provider this caller reads the backend with; null when not enabled or no credential was sent. */
  backend: Provider | null;
  reachable: boolean | null;
  latencyMs: number | null;
  checkedAt: Date | null;
  lastError: ProviderErrorFields | null;
  capabilities: ProviderOperations | null;
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
    enabled: t.boolean({ description: 'Configured on this gateway (its URL is set).', resolve: (s) => s.enabled }),
    credentials: t.field({
      type: CredentialModeEnum,
      nullable: true,
      description: 'Whose credential the backend is called with; null when it is not enabled.',
      resolve: (s) => (s.credentials === null ? null : s.credentials === 'forward' ? 'FORWARD' : 'SERVICE'),
    }),
    usable: t.boolean({
      description:
        'This caller can use it: it is enabled, and called with the gateway\'s own credential or with one this request forwarded. False for a backend on FORWARD when the request sent no credential for it (its jobs are left out and `lastError` says UNAUTHENTICATED).',
      resolve: (s) => s.backend !== null,
    }),
    reachable: t.boolean({
      nullable: true,
      description:
        'Answered its probe request with the credential this caller uses (see `checkedAt`); null when the backend is not enabled or this caller sent no credential for it.',
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
      resolve: (s) => s.capabilities,
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
          const configured = context.services.backends.get(provider) ?? null;
          const backend = context.backends.providers.get(provider) ?? null;
          const probe = backend ? await context.services.health.probe(backend, context.backends.slot(provider)) : null;
          const missing = context.backends.missing.has(provider) ? context.backends.unauthenticated(provider) : null;
          const error = probe?.error ?? missing;
          return {
            provider,
            enabled: configured !== null,
            credentials: configured?.credentials ?? null,
            backend,
            capabilities: configured?.operations ?? null,
            reachable: probe?.reachable ?? null,
            latencyMs: probe?.latencyMs ?? null,
            checkedAt: probe?.checkedAt ?? null,
            lastError: error ? providerErrorFields(error) : null,
          };
        }),
      ),
  }),
);
