// JSON as each UCloud backend writes it. Kotlin serialises every field (nulls and defaults
// included); the Go backend leaves out nulls, empty lists and false flags.
import type { World, SimJob, UpdateView } from './data.js';
import type { AppDef, ProductDef } from './catalog.js';
import type { Dialect } from './plan.js';

export interface ReadFlags {
  includeUpdates?: boolean;
  includeParameters?: boolean;
  includeApplication?: boolean;
  includeProduct?: boolean;
  includeSupport?: boolean;
  includeOthers?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Go's `omitempty`: drops null, false and empty lists at every depth. */
export function forDialect(value: Json, dialect: Dialect): Json {
  if (dialect === 'kotlin') return value;
  if (Array.isArray(value)) return value.map((item) => forDialect(item, dialect));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner === null || inner === false || (Array.isArray(inner) && inner.length === 0)) continue;
      out[key] = forDialect(inner, dialect);
    }
    return out;
  }
  return value;
}

export function errorBody(dialect: Dialect, status: number, why: string): Json {
  // Load balancers in front of UCloud answer these without a body.
  if (status === 502 || status === 504) return null;
  return dialect === 'kotlin' ? { why, errorCode: null } : { why, statusCode: status, detailedCode: 0, errorCode: '' };
}

function duration(ms: number): Json {
  const total = Math.round(ms / 1000);
  return { hours: Math.floor(total / 3600), minutes: Math.floor((total % 3600) / 60), seconds: total % 60 };
}

export function productJson(product: ProductDef): Json {
  return {
    type: 'compute',
    balance: null,
    name: product.id,
    pricePerUnit: product.gpu > 0 ? 1_200 * product.gpu : 25 * product.cpu,
    category: { name: product.category, provider: product.provider },
    description: product.description,
    priority: 0,
    cpu: product.cpu,
    memoryInGigs: product.memoryInGigs,
    gpu: product.gpu,
    cpuModel: product.cpuModel,
    memoryModel: null,
    gpuModel: product.gpuModel,
    version: 1,
    freeToUse: false,
    productType: 'COMPUTE',
    unitOfPrice: 'CREDITS_PER_MINUTE',
    chargeType: 'ABSOLUTE',
    hiddenInGrantApplications: false,
  };
}

export function supportJson(product: ProductDef): Json {
  return {
    product: { id: product.id, category: product.category, provider: product.provider },
    docker: { enabled: true, web: true, vnc: false, logs: true, terminal: true, peers: true, timeExtension: true, utilization: true },
    virtualMachine: null,
  };
}

function applicationJson(app: AppDef): Json {
  return {
    metadata: {
      name: app.name,
      version: app.version,
      authors: ['UCloud'],
      title: app.title,
      description: `${app.title} on UCloud`,
      website: null,
      public: true,
    },
    invocation: { tool: { name: app.name, version: app.version }, applicationType: app.kind === 'interactive' ? 'WEB' : 'BATCH' },
  };
}

function updateJson(update: UpdateView): Json {
  return {
    state: update.state,
    outputFolder: update.outputFolder,
    status: update.status,
    expectedState: null,
    expectedDifferentState: null,
    newTimeAllocation: update.newTimeAllocation,
    allowRestart: null,
    newMounts: null,
    timestamp: update.timestamp,
  };
}

export function statusJson(world: World, job: SimJob, now: number, flags: ReadFlags): Json {
  const started = job.timeline.firstTime(['RUNNING'], now) !== null;
  return {
    state: world.stateOf(job, now),
    jobParametersJson: null,
    startedAt: world.startedAt(job, now),
    expiresAt: started ? job.expiresAtMs : null,
    resolvedApplication: flags.includeApplication ? applicationJson(job.app) : null,
    resolvedSupport: flags.includeSupport ? { product: productJson(job.product), support: supportJson(job.product) } : null,
    resolvedProduct: flags.includeProduct ? productJson(job.product) : null,
    allowRestart: false,
  };
}

/**
 * A `Job` in the Kotlin shape (the caller applies `forDialect`); `owner` as the caller reads it
 * (default: as the world has it, the service account's view).
 */
export function jobJson(world: World, job: SimJob, now: number, flags: ReadFlags, owner?: { createdBy: string; project: string | null }): Json {
  const started = job.timeline.firstTime(['RUNNING'], now) !== null;
  return {
    id: job.id,
    owner: { createdBy: owner?.createdBy ?? job.createdBy, project: owner === undefined ? job.project : owner.project },
    updates: flags.includeUpdates ? world.updates(job, now).map(updateJson) : [],
    specification: {
      application: { name: job.app.name, version: job.app.version },
      product: { id: job.product.id, category: job.product.category, provider: job.product.provider },
      name: job.name,
      replicas: job.replicas,
      allowDuplicateJob: job.allowDuplicateJob,
      parameters: flags.includeParameters ? (job.parameters as { [key: string]: Json }) : null,
      resources: flags.includeParameters ? (job.resources as Json[]) : null,
      timeAllocation: job.allocationMs === null ? null : duration(job.allocationMs),
      openedFile: job.openedFile,
      restartOnExit: job.restartOnExit,
      sshEnabled: job.sshEnabled,
    },
    status: statusJson(world, job, now, flags),
    createdAt: job.createdAt,
    output: started ? { outputFolder: job.outputFolder } : null,
    permissions: flags.includeOthers ? { myself: ['ADMIN'], others: [] } : null,
    providerGeneratedId: job.providerGeneratedId,
  };
}

export function updatesJson(updates: UpdateView[]): Json[] {
  return updates.map(updateJson);
}

export type { Json };
