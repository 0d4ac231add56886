// What other releases of the GPU service make of the same job. Its state is `status`, never touched.
import { respell, type Spellings } from '../common/drift-time.js';
import { addExtraKeys, at, breakIdentity, wrongTypes } from '../common/drift-values.js';
import type { DriftCatalogue, JobDice, JsonTree } from '../common/drift.js';

/** The creation time is identity: other zones and fraction lengths, never less than milliseconds. */
const CREATED: Spellings = { zones: ['Z', '+00:00', ''], digits: [0, 3, 6] };
/** Other dates may also come with a space (Python's `str(datetime)`) or as a bare date. */
const OTHER_DATES: Spellings = { ...CREATED, space: true, bareDate: true };
const DATES = ['updated_at', 'started_at', 'completed_at'];
const NUMBERS = [
  'cpu_count',
  'gpu_count',
  'min_ram_gb',
  'min_vram_gb',
  'min_storage_gb',
  'max_timeout_assign_ms',
  'max_timeout_start_ms',
  'max_timeout_run_ms',
  'max_retry_count',
  'max_node_count',
  'timeout_assign_at_ms',
  'image_size_bytes',
];
const UNKNOWN_TASKS = ['INTERACTIVE', 'SCHEDULED', 'SPOT'];
/** Fields that are neither identity nor state. */
const NON_STATE = ['parameters', 'description', 'min_vram_gb', 'container_access_tokens', 'status_reason', 'gpu_name', 'source_recipe_uuid'];

const numeric = (value: unknown): unknown => (typeof value === 'number' ? String(value) : value);

function numbersAsStrings(job: JsonTree, dice: JobDice): void {
  for (const key of NUMBERS) if (dice.chance(`number:${key}`, 0.3)) job[key] = numeric(job[key]);
  const docker = at(job, 'parameters.parameters');
  const ports = docker?.['ports'];
  if (docker && Array.isArray(ports) && dice.chance('number:ports', 0.3)) docker['ports'] = ports.map(numeric);
  const tokens = job['container_access_tokens'];
  if (Array.isArray(tokens) && dice.chance('number:token-ports', 0.3)) {
    job['container_access_tokens'] = tokens.map((token: unknown) =>
      token !== null && typeof token === 'object' && 'port' in token ? { ...token, port: numeric(token.port) } : token,
    );
  }
}

export const gpuDrift: DriftCatalogue = {
  drift(job, dice) {
    if (dice.chance('time:created_at', 0.6)) job['created_at'] = respell(job['created_at'], dice.random('spelling:created_at'), CREATED);
    for (const key of DATES) {
      if (dice.chance(`time:${key}`, 0.6)) job[key] = respell(job[key], dice.random(`spelling:${key}`), OTHER_DATES);
    }
    numbersAsStrings(job, dice);
    if (dice.chance('task', 0.25)) job['task'] = dice.pick('task:value', UNKNOWN_TASKS);
    if (dice.chance('extra')) addExtraKeys(job, dice.random('extra:keys'));
    const parameters = at(job, 'parameters');
    if (parameters && dice.chance('extra:parameters', 0.3)) addExtraKeys(parameters, dice.random('extra:parameters:keys'));
    wrongTypes(job, dice, NON_STATE, 0.15);
  },
  break(job, dice) {
    breakIdentity(job, dice, { id: 'uuid', created: 'created_at' });
  },
  fallback(job, dice) {
    addExtraKeys(job, dice.random('fallback'));
  },
};
