// What other RIME releases (and other grpc-gateway marshaler settings) make of the same job. The
// job's state is `status` with `cancellationRequested`: neither is ever touched.
import { respell, type Spellings } from '../common/drift-time.js';
import { addExtraKeys, at, breakIdentity, eachObject, toggleWrapped, wrongTypes } from '../common/drift-values.js';
import type { DriftCatalogue, JobDice, JsonTree } from '../common/drift.js';

/** Object ids the swagger types as strings in some places and as `rimeUUID` in others. */
const ID_KEYS: ReadonlySet<string> = new Set(['jobId', 'agentId', 'projectId', 'testRunId', 'firewallId']);
const TIME_KEYS: ReadonlySet<string> = new Set(['creationTime', 'startTime', 'completionTime', 'expirationTime', 'binStartTime', 'binEndTime']);
/** protojson writes UTC with Z; other marshalers (and hand-written gateways) write +00:00. */
const SPELLINGS: Spellings = { zones: ['Z', '+00:00'], digits: [0, 3, 6, 9] };
const UNKNOWN_REASONS = ['TERMINATION_REASON_PREEMPTED', 'TERMINATION_REASON_EVICTED', 'TERMINATION_REASON_DEADLINE_EXCEEDED'];
/** Fields that are neither identity nor state. */
const NON_STATE = [
  'jobProgressStr',
  'archivedJobLogs',
  'agentId',
  'errorMsg',
  'runningTimeSecs',
  'jobData.stress.progress',
  'jobData.continuousInc.progress',
];

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

function respellIds(job: JsonTree, dice: JobDice): void {
  eachObject(job, (tree, path) => {
    for (const [key, value] of Object.entries(tree)) {
      const where = join(path, key);
      if (ID_KEYS.has(key) && dice.chance(`id:${where}`)) tree[key] = toggleWrapped(value);
      if (key === 'ctTestRunIds' && Array.isArray(value)) {
        tree[key] = value.map((id: unknown, i) => (dice.chance(`id:${where}[${i}]`) ? toggleWrapped(id) : id));
      }
    }
  });
}

function respellTimes(job: JsonTree, dice: JobDice): void {
  eachObject(job, (tree, path) => {
    for (const key of Object.keys(tree)) {
      const where = join(path, key);
      if (TIME_KEYS.has(key) && dice.chance(`time:${where}`, 0.6)) tree[key] = respell(tree[key], dice.random(`spelling:${where}`), SPELLINGS);
    }
  });
}

export const rimeDrift: DriftCatalogue = {
  drift(job, dice) {
    respellIds(job, dice);
    respellTimes(job, dice);
    // int64 and double both come as strings from some marshalers.
    if (typeof job['runningTimeSecs'] === 'number' && dice.chance('running-time')) job['runningTimeSecs'] = String(job['runningTimeSecs']);
    if (dice.chance('termination-reason', 0.3)) job['terminationReason'] = dice.pick('termination-reason:value', UNKNOWN_REASONS);
    if (dice.chance('extra')) addExtraKeys(job, dice.random('extra:keys'));
    const data = at(job, 'jobData');
    if (data && dice.chance('extra:jobData')) addExtraKeys(data, dice.random('extra:jobData:keys'));
    wrongTypes(job, dice, NON_STATE, 0.2);
  },
  break(job, dice) {
    breakIdentity(job, dice, { id: 'jobId', created: 'creationTime' });
  },
  fallback(job, dice) {
    addExtraKeys(job, dice.random('fallback'));
  },
};
