import type { GpuJobSpec } from '../providers/specs.js';

/** Values of a new GPU job that are credentials (env values may be too): never to be echoed back. */
export function secretsOf(spec: GpuJobSpec): string[] {
  const { docker } = spec;
  return [docker.secret, docker.sshkey, ...(docker.volumes ?? []).map((volume) => volume.secret), ...(docker.env ?? []).map((variable) => variable.value)].filter(
    (value): value is string => typeof value === 'string',
  );
}
