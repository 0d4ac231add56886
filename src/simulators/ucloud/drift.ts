// What the other UCloud backend, and other releases, make of the same job. Its state is
// `status.state` (and each update's `state`): never touched.
import { addExtraKeys, at, breakIdentity, wrongTypeFor } from '../common/drift-values.js';
import { isTree, type DriftCatalogue, type JobDice, type JsonTree } from '../common/drift.js';
import type { Dialect } from './plan.js';

const UNKNOWN_STATES = ['RESTARTING', 'PREEMPTED', 'MIGRATING'];

/** Fields Kotlin always writes (as null, false or []) and Go leaves out, by the object they sit in. */
const KOTLIN_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  '': { updates: [], output: null, permissions: null, providerGeneratedId: null },
  owner: { project: null },
  specification: {
    name: null,
    allowDuplicateJob: false,
    parameters: null,
    resources: null,
    timeAllocation: null,
    openedFile: null,
    restartOnExit: null,
    sshEnabled: null,
  },
  status: {
    jobParametersJson: null,
    startedAt: null,
    expiresAt: null,
    resolvedApplication: null,
    resolvedSupport: null,
    resolvedProduct: null,
    allowRestart: false,
  },
};
const UPDATE_DEFAULTS: Readonly<Record<string, unknown>> = {
  state: null,
  outputFolder: null,
  status: null,
  expectedState: null,
  expectedDifferentState: null,
  newTimeAllocation: null,
  allowRestart: null,
  newMounts: null,
};

/** Go's omission of null fields and empty lists, at every depth. */
function omitEmpty(tree: JsonTree): void {
  for (const [key, value] of Object.entries(tree)) {
    if (value === null || (Array.isArray(value) && value.length === 0)) delete tree[key];
    else if (isTree(value)) omitEmpty(value);
    else if (Array.isArray(value)) value.forEach((item: unknown) => isTree(item) && omitEmpty(item));
  }
}

function fillDefaults(tree: JsonTree, defaults: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(defaults)) if (!(key in tree)) tree[key] = structuredClone(value);
}

/** Kotlin's explicit nulls and defaults, where Go left them out. */
function explicitNulls(job: JsonTree): void {
  for (const [path, defaults] of Object.entries(KOTLIN_DEFAULTS)) {
    const tree = path === '' ? job : at(job, path);
    if (tree) fillDefaults(tree, defaults);
  }
  const updates = job['updates'];
  if (Array.isArray(updates)) updates.forEach((update: unknown) => isTree(update) && fillDefaults(update, UPDATE_DEFAULTS));
}

const numeric = (value: unknown): unknown => (typeof value === 'number' ? String(value) : value);

function updatesOf(job: JsonTree): JsonTree[] {
  const updates = job['updates'];
  return Array.isArray(updates) ? updates.filter(isTree) : [];
}

/** Epoch-millisecond fields as decimal strings, as int64 values often travel. */
function timesAsStrings(job: JsonTree, dice: JobDice): void {
  if (dice.chance('number:createdAt', 0.4)) job['createdAt'] = numeric(job['createdAt']);
  updatesOf(job).forEach((update, i) => {
    if (dice.chance(`number:updates[${i}].timestamp`, 0.4)) update['timestamp'] = numeric(update['timestamp']);
  });
  const status = at(job, 'status');
  for (const key of ['startedAt', 'expiresAt']) {
    if (status && dice.chance(`number:status.${key}`, 0.4)) status[key] = numeric(status[key]);
  }
  const specification = at(job, 'specification');
  if (specification && dice.chance('number:replicas', 0.3)) specification['replicas'] = numeric(specification['replicas']);
}

function unknownExpectedState(job: JsonTree, dice: JobDice): void {
  const updates = updatesOf(job);
  if (updates.length === 0 || !dice.chance('expected-state', 0.3)) return;
  const update = updates[dice.random('expected-state:which').int(0, updates.length - 1)];
  if (update) update['expectedState'] = dice.pick('expected-state:value', UNKNOWN_STATES);
}

function extraKeys(job: JsonTree, dice: JobDice): void {
  for (const path of ['', 'specification', 'status']) {
    const tree = path === '' ? job : at(job, path);
    if (tree && dice.chance(`extra:${path}`, 0.35)) addExtraKeys(tree, dice.random(`extra:${path}:keys`));
  }
  const update = updatesOf(job)[0];
  if (update && dice.chance('extra:update', 0.25)) addExtraKeys(update, dice.random('extra:update:keys'));
}

/** Fields that are neither identity nor state, each replaced by a value of a type it never has. */
function unreadableFields(job: JsonTree, dice: JobDice): void {
  const specification = at(job, 'specification');
  if (specification && dice.chance('wrong:name', 0.15)) specification['name'] = dice.random('wrong:name:value').int(1, 99_999);
  if (dice.chance('wrong:output', 0.15)) job['output'] = '/home/output';
  if (dice.chance('wrong:permissions', 0.15)) job['permissions'] = 7;
  const allocation = at(job, 'specification.timeAllocation');
  if (allocation && dice.chance('wrong:hours', 0.15)) allocation['hours'] = numeric(allocation['hours']);
  const updates = updatesOf(job);
  if (updates.length > 0 && dice.chance('wrong:update-status', 0.15)) {
    const update = updates[dice.random('wrong:update-status:which').int(0, updates.length - 1)];
    if (update) update['status'] = { unexpected: true };
  }
  if (dice.chance('wrong:providerGeneratedId', 0.1)) job['providerGeneratedId'] = wrongTypeFor('', dice.random('wrong:providerGeneratedId:value'));
}

export function ucloudDrift(dialect: Dialect): DriftCatalogue {
  return {
    drift(job, dice) {
      // First: the other values below must not be dropped again by an omission.
      if (dice.chance('style', 0.35)) {
        if (dialect === 'kotlin') omitEmpty(job);
        else explicitNulls(job);
      }
      timesAsStrings(job, dice);
      unknownExpectedState(job, dice);
      extraKeys(job, dice);
      unreadableFields(job, dice);
    },
    break(job, dice) {
      breakIdentity(job, dice, { id: 'id', created: 'createdAt' });
    },
    fallback(job, dice) {
      addExtraKeys(job, dice.random('fallback'));
    },
  };
}
