// What other Data Manager releases make of the same instance. Its state is `phase`, never touched;
// its creation time is `launched` (the inventory's `createdAtMs`).
import { respell, type Spellings } from '../common/drift-time.js';
import { addExtraKeys, breakIdentity, wrongTypes } from '../common/drift-values.js';
import type { DriftCatalogue, JobDice, JsonTree } from '../common/drift.js';

/** Python writes naive UTC; other releases add a zone. Never less than milliseconds. */
const SPELLINGS: Spellings = { zones: ['', 'Z', '+00:00'], digits: [0, 3, 6] };
const TIMES = ['launched', 'started', 'stopped'];
/** Fields that are neither identity nor state. */
const NON_STATE = ['url', 'error_message', 'run_time', 'archived', 'fix_permissions', 'job_name'];

function decodedJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A JSON-in-a-string field as the object, or the object as its JSON text. */
function toggleEncoding(value: unknown): unknown {
  return typeof value === 'string' ? decodedJson(value) : value === undefined || value === null ? value : JSON.stringify(value);
}

function numbers(body: JsonTree, dice: JobDice): void {
  // `coins` is a decimal string; some releases send the number. (Only fields the list entry and the
  // get share drift, so that both show an instance alike.)
  if (typeof body['coins'] === 'string' && dice.chance('number:coins', 0.4)) body['coins'] = Number(body['coins']);
  if (typeof body['job_id'] === 'number' && dice.chance('number:job_id', 0.4)) body['job_id'] = String(body['job_id']);
}

export const datamanagerDrift: DriftCatalogue = {
  drift(body, dice) {
    for (const key of TIMES) {
      if (key in body && dice.chance(`time:${key}`, 0.6)) body[key] = respell(body[key], dice.random(`spelling:${key}`), SPELLINGS);
    }
    numbers(body, dice);
    if ('outputs' in body && dice.chance('outputs', 0.4)) body['outputs'] = toggleEncoding(body['outputs']);
    if (typeof body['application_specification'] === 'string' && dice.chance('specification', 0.4)) {
      body['application_specification'] = decodedJson(body['application_specification']);
    }
    if (dice.chance('extra')) addExtraKeys(body, dice.random('extra:keys'));
    wrongTypes(body, dice, NON_STATE, 0.15);
  },
  break(body, dice) {
    breakIdentity(body, dice, { id: 'id', created: 'launched' });
  },
  fallback(body, dice) {
    addExtraKeys(body, dice.random('fallback'));
  },
};
