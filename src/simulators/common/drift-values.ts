// The pieces every backend's drift catalogue is made of: values of the wrong type, keys nobody
// knows yet, unreadable identities, and walking a job to find the fields a variant applies to.
import { isTree, type JobDice, type JsonTree } from './drift.js';
import type { Random } from './random.js';

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Never the field's own JSON type, and never a string: a lenient reader may take `"42"` for a
 * number, which would make the field readable after all.
 */
const WRONG_TYPES: readonly unknown[] = [42, true, [], { unexpected: true }];

export function wrongTypeFor(value: unknown, random: Random): unknown {
  const candidates = WRONG_TYPES.filter((candidate) => jsonType(candidate) !== jsonType(value));
  return structuredClone(random.pick(candidates));
}

/** The object at `path` (`jobData.stress`), if there is one. */
export function at(tree: JsonTree, path: string): JsonTree | null {
  let current: unknown = tree;
  for (const key of path.split('.')) {
    if (!isTree(current)) return null;
    current = current[key];
  }
  return isTree(current) ? current : null;
}

/** The parent object and last key of `path`, when the parent exists. */
export function slot(tree: JsonTree, path: string): { parent: JsonTree; key: string } | null {
  const keys = path.split('.');
  const key = keys.pop() as string;
  const parent = keys.length === 0 ? tree : at(tree, keys.join('.'));
  return parent ? { parent, key } : null;
}

/**
 * Replaces some of the fields at `paths` that the job carries by values of the wrong type; absent
 * ones stay absent (a release that dropped a field is not what this variant is about).
 */
export function wrongTypes(job: JsonTree, dice: JobDice, paths: readonly string[], probability: number): void {
  for (const path of paths) {
    const place = slot(job, path);
    if (!place || !(place.key in place.parent) || !dice.chance(`wrong:${path}`, probability)) continue;
    place.parent[place.key] = wrongTypeFor(place.parent[place.key], dice.random(`wrong-value:${path}`));
  }
}

/** Names a later release might add; none of them is a field of any simulated backend. */
const EXTRA_NAMES = ['etag', 'revision', 'labels', 'schemaVersion', 'x_trace', 'region_hint', '_links', 'featureFlags', 'quota'];
const EXTRA_VALUES: readonly unknown[] = [
  'rev-7f3c',
  17,
  true,
  null,
  [],
  ['a', 'b'],
  { self: { href: '/jobs/self' } },
  { nested: { deeper: [1, 2, 3] } },
];

/** Adds one to three keys the wire notes do not know. */
export function addExtraKeys(tree: JsonTree, random: Random): void {
  const count = random.int(1, 3);
  for (let i = 0; i < count; i++) {
    const name = random.pick(EXTRA_NAMES);
    if (name in tree) continue;
    tree[name] = structuredClone(random.pick(EXTRA_VALUES));
  }
}

/** `"..."` ⇄ `{"uuid": "..."}`: the two forms object ids take across releases. */
export function toggleWrapped(value: unknown): unknown {
  if (typeof value === 'string') return { uuid: value };
  if (isTree(value) && typeof value['uuid'] === 'string' && Object.keys(value).length === 1) return value['uuid'];
  return value;
}

/** Calls `visit` for every object in the tree, with a dotted path naming it (array items by index). */
export function eachObject(value: unknown, visit: (tree: JsonTree, path: string) => void, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => eachObject(item, visit, `${path}[${i}]`));
  } else if (isTree(value)) {
    visit(value, path);
    for (const [key, inner] of Object.entries(value)) eachObject(inner, visit, path === '' ? key : `${path}.${key}`);
  }
}

type Damage = { kind: 'missing' } | { kind: 'value'; value: unknown };

const BROKEN_IDS: readonly Damage[] = [
  { kind: 'missing' },
  { kind: 'value', value: null },
  { kind: 'value', value: '' },
  // No numbers: a lenient reader may turn 42 into the id "42" (a different job, but readable).
  { kind: 'value', value: true },
  { kind: 'value', value: [] },
  { kind: 'value', value: { unexpected: true } },
];

const BROKEN_TIMES: readonly Damage[] = [
  { kind: 'missing' },
  { kind: 'value', value: 'yesterday' },
  { kind: 'value', value: {} },
];

function damage(tree: JsonTree, key: string, how: Damage): void {
  if (how.kind === 'missing') delete tree[key];
  else tree[key] = structuredClone(how.value);
}

/**
 * Makes the job's id or its creation time unreadable. An answer that does not carry the id at all
 * (the Data Manager's single get names the instance only in its path) loses its creation time
 * instead, so the job is unreadable in every answer, as its kind says.
 */
export function breakIdentity(job: JsonTree, dice: JobDice, keys: { id: string; created: string }): void {
  const target = dice.pick('broken:target', ['id', 'created'] as const);
  if (target === 'id' && keys.id in job) damage(job, keys.id, dice.pick('broken:id', BROKEN_IDS));
  else damage(job, keys.created, dice.pick('broken:created', BROKEN_TIMES));
}
