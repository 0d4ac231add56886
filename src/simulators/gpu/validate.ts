// Create Job validation as the seed documents it, with class-validator style messages (one per
// problem, each naming its field) and the documented defaults applied.

export interface VolumeInput {
  image: string | null;
  mount: string | null;
  registry: string | null;
  secret: string | null;
  tag: string | null;
  user: string | null;
}

export interface DockerInput {
  image: string | null;
  tag: string | null;
  host: string | null;
  user: string | null;
  secret: string | null;
  sshkey: string | null;
  imagesrc: string | null;
  env: Record<string, string>;
  ports: number[];
  allowed_ips: string[];
  volumes: VolumeInput[];
}

export interface CreateJobInput {
  title: string;
  description: string | null;
  task: 'BATCH';
  max_timeout_run_ms: number;
  cpu_count: number;
  gpu_count: number;
  gpu_name: string | null;
  gpu_registry_uuid: string | null;
  min_ram_gb: number;
  min_vram_gb: number;
  min_storage_gb: number;
  max_retry_count: number;
  max_timeout_assign_ms: number;
  max_timeout_start_ms: number;
  max_node_count: number;
  docker: DockerInput;
}

export type Validation = { ok: true; value: CreateJobInput } | { ok: false; messages: string[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const KNOWN = new Set([
  'parameters', 'title', 'max_timeout_run_ms', 'task', 'cpu_count', 'description', 'gpu_count', 'gpu_name', 'gpu_registry_uuid',
  'max_node_count', 'max_retry_count', 'max_timeout_assign_ms', 'max_timeout_start_ms', 'min_ram_gb', 'min_storage_gb', 'min_vram_gb',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class Checker {
  readonly messages: string[] = [];

  number(body: Record<string, unknown>, field: string, options: { min?: number; fallback?: number; required?: boolean }): number {
    const value = body[field];
    if (value === undefined || value === null) {
      if (options.required) this.messages.push(`${field} must be a number conforming to the specified constraints`);
      return options.fallback ?? 0;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.messages.push(`${field} must be a number conforming to the specified constraints`);
      return options.fallback ?? 0;
    }
    if (options.min !== undefined && value < options.min) this.messages.push(`${field} must not be less than ${options.min}`);
    return value;
  }

  optionalString(body: Record<string, unknown>, field: string, label = field): string | null {
    const value = body[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      this.messages.push(`${label} must be a string`);
      return null;
    }
    return value;
  }
}

function docker(check: Checker, parameters: unknown): DockerInput {
  const empty: DockerInput = {
    image: null, tag: null, host: null, user: null, secret: null, sshkey: null, imagesrc: null, env: {}, ports: [], allowed_ips: [], volumes: [],
  };
  if (!isObject(parameters)) {
    check.messages.push('parameters must be an object');
    return empty;
  }
  if (parameters.type !== 'docker') check.messages.push('parameters.type must be one of the following values: docker');
  const inner = parameters.parameters;
  if (!isObject(inner)) {
    check.messages.push('parameters.parameters must be an object');
    return empty;
  }
  const text = (field: string) => check.optionalString(inner, field, `parameters.parameters.${field}`);
  const env: Record<string, string> = {};
  if (inner.env !== undefined && inner.env !== null) {
    if (!isObject(inner.env) || !Object.values(inner.env).every((v) => typeof v === 'string')) {
      check.messages.push('parameters.parameters.env must be an object of strings');
    } else {
      Object.assign(env, inner.env);
    }
  }
  const ports = inner.ports ?? [];
  const validPorts = Array.isArray(ports) && ports.every((p) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65_535);
  if (!validPorts) check.messages.push('parameters.parameters.ports must be an array of port numbers');
  const allowed = inner.allowed_ips ?? [];
  const validAllowed = Array.isArray(allowed) && allowed.every((ip) => typeof ip === 'string');
  if (!validAllowed) check.messages.push('parameters.parameters.allowed_ips must be an array of strings');
  const volumes: VolumeInput[] = [];
  const rawVolumes = inner.volumes ?? [];
  if (!Array.isArray(rawVolumes)) {
    check.messages.push('parameters.parameters.volumes must be an array');
  } else {
    rawVolumes.forEach((volume, i) => {
      if (!isObject(volume)) {
        check.messages.push(`parameters.parameters.volumes.${i} must be an object`);
        return;
      }
      const field = (name: string) => check.optionalString(volume, name, `parameters.parameters.volumes.${i}.${name}`);
      volumes.push({ image: field('image'), mount: field('mount'), registry: field('registry'), secret: field('secret'), tag: field('tag'), user: field('user') });
    });
  }
  return {
    image: text('image'),
    tag: text('tag'),
    host: text('host'),
    user: text('user'),
    secret: text('secret'),
    sshkey: text('sshkey'),
    imagesrc: text('imagesrc'),
    env,
    ports: validPorts ? (ports as number[]) : [],
    allowed_ips: validAllowed ? (allowed as string[]) : [],
    volumes,
  };
}

export function validateCreateJob(body: unknown): Validation {
  if (!isObject(body)) return { ok: false, messages: ['request body must be a JSON object'] };
  const check = new Checker();
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) check.messages.push(`property ${key} should not exist`);

  const dockerInput = docker(check, body.parameters);
  if (typeof body.title !== 'string' || body.title.trim() === '') check.messages.push('title must be a non-empty string');
  if (body.task !== 'BATCH') check.messages.push('task must be one of the following values: BATCH');
  const maxRun = check.number(body, 'max_timeout_run_ms', { min: 60_000, required: true });
  const value: CreateJobInput = {
    title: typeof body.title === 'string' ? body.title : '',
    description: check.optionalString(body, 'description'),
    task: 'BATCH',
    max_timeout_run_ms: maxRun,
    cpu_count: check.number(body, 'cpu_count', { min: 0 }),
    gpu_count: check.number(body, 'gpu_count', { min: 0 }),
    gpu_name: check.optionalString(body, 'gpu_name'),
    gpu_registry_uuid: check.optionalString(body, 'gpu_registry_uuid'),
    min_ram_gb: check.number(body, 'min_ram_gb', { min: 0 }),
    min_vram_gb: check.number(body, 'min_vram_gb', { min: 0 }),
    min_storage_gb: check.number(body, 'min_storage_gb', { min: 0 }),
    max_retry_count: check.number(body, 'max_retry_count', { min: 0 }),
    max_timeout_assign_ms: check.number(body, 'max_timeout_assign_ms', { min: 300_000, fallback: 300_000 }),
    max_timeout_start_ms: check.number(body, 'max_timeout_start_ms', { min: 120_000, fallback: 300_000 }),
    max_node_count: check.number(body, 'max_node_count', { fallback: 1 }),
    docker: dockerInput,
  };
  if (value.gpu_registry_uuid !== null && !UUID.test(value.gpu_registry_uuid)) check.messages.push('gpu_registry_uuid must be a UUID');
  if (value.gpu_name !== null && value.gpu_registry_uuid !== null) {
    check.messages.push('gpu_name and gpu_registry_uuid are mutually exclusive');
  }
  return check.messages.length > 0 ? { ok: false, messages: check.messages } : { ok: true, value };
}
