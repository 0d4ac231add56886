// Lenient reading of upstream items (DESIGN, "Layout": strict where it matters, lenient elsewhere).
//
// An item is first parsed with its ordinary schema, which already accepts every documented shape and
// the known alternatives. Only when that fails is the item repaired: each field zod names is removed
// (an array element is cut out), so the schema's own null/default takes its place, and the item is
// parsed again. A failure in an identity field (id, creation time) is not repaired: that item is not
// one job any more. The happy path costs one parse, as before; repairs are counted per field path.
import { z } from 'zod';
import { upstreamAnomalies } from './anomalies.js';
import { ProviderError } from './errors.js';
import { ITEM_MEMO_CAPACITY, ItemMemo } from './item-memo.js';
import type { JobProvider } from './job.js';

export interface ItemReading {
  provider: JobProvider;
  /** The wire type's name, the first part of every anomaly path (`JobMetadata`). */
  name: string;
  /** Top-level keys without which the item cannot be placed or addressed: never repaired. */
  identity: readonly string[];
}

/** Items an answer held whose identity could not be read. Paths only: never a value. */
export interface SkippedItems {
  count: number;
  /** Distinct field paths that made items unreadable (`JobMetadata.creationTime`). */
  paths: string[];
}

export interface Tolerated<T> {
  items: T[];
  skipped: SkippedItems | null;
}

type Segment = PropertyKey;

/** Repairs go a few rounds deep at most: each round removes every field the last parse named. */
const MAX_ROUNDS = 6;
const REMOVED: unique symbol = Symbol('removed');

/** `updates.3.state` → `updates[].state`: one counter per field, not per position. */
export function fieldPath(name: string, path: readonly Segment[]): string {
  let out = name;
  for (const segment of path) out += typeof segment === 'number' ? '[]' : `.${String(segment)}`;
  return out;
}

function isContainer(value: unknown): value is Record<PropertyKey, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

/**
 * Removes what `path` points at, or the nearest enclosing value that can be removed when the path
 * names a key that is absent (a required field left out). Returns the removed path, or null when
 * only the item itself could go.
 */
function removeAt(root: unknown, path: readonly Segment[], touched: Set<unknown[]>): readonly Segment[] | null {
  if (path.length === 0) return null;
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (!isContainer(parent)) return removeAt(root, path.slice(0, -1), touched);
    parent = (parent as Record<PropertyKey, unknown>)[segment];
    // Already cut out in this round by another issue.
    if (parent === REMOVED) return path;
  }
  const last = path[path.length - 1] as Segment;
  if (Array.isArray(parent) && typeof last === 'number' && last < parent.length) {
    parent[last] = REMOVED;
    touched.add(parent);
    return path;
  }
  if (isContainer(parent) && !Array.isArray(parent) && Object.hasOwn(parent, last)) {
    delete (parent as Record<PropertyKey, unknown>)[last];
    return path;
  }
  return path.length > 1 ? removeAt(root, path.slice(0, -1), touched) : null;
}

type Reading<T> = { ok: true; value: T; repaired: boolean } | { ok: false; path: readonly Segment[] };

function readItem<S extends z.ZodType>(schema: S, raw: unknown, reading: ItemReading): Reading<z.output<S>> {
  const first = schema.safeParse(raw);
  if (first.success) return { ok: true, value: first.data, repaired: false };
  if (!isContainer(raw) || Array.isArray(raw)) return { ok: false, path: [] };
  const copy: unknown = structuredClone(raw);
  const repaired = new Set<string>();
  let issues = first.error.issues;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const touched = new Set<unknown[]>();
    for (const issue of issues) {
      const path = issue.path;
      if (path.length === 0 || reading.identity.includes(String(path[0]))) return { ok: false, path };
      const removed = removeAt(copy, path, touched);
      if (removed === null) return { ok: false, path };
      repaired.add(fieldPath(reading.name, removed));
    }
    for (const array of touched) {
      const kept = array.filter((element) => element !== REMOVED);
      array.splice(0, array.length, ...kept);
    }
    const next = schema.safeParse(copy);
    if (next.success) {
      for (const path of repaired) upstreamAnomalies.record(reading.provider, path, 'repaired');
      return { ok: true, value: next.data, repaired: true };
    }
    issues = next.error.issues;
  }
  return { ok: false, path: issues[0]?.path ?? [] };
}

/**
 * `schema` read leniently (a job, or an answer's envelope, whose identity is its list and paging): any field outside `reading.identity` that does not have an accepted shape
 * reads as the schema's null/default and is counted. An unreadable identity fails the parse with
 * the field's path (and nothing of its value) in the message.
 */
export function tolerant<S extends z.ZodType>(schema: S, reading: ItemReading, options: { memo?: boolean } = {}): z.ZodType<z.output<S>, unknown> {
  // Items of big listings (see item-memo.ts). Only clean readings are kept: a repaired item is read
  // (and counted in the anomaly metrics) every time it comes.
  const memo = options.memo ? new ItemMemo<z.output<S>>(ITEM_MEMO_CAPACITY) : null;
  return z.unknown().transform((raw, ctx): z.output<S> => {
    const text = memo !== null && isContainer(raw) ? JSON.stringify(raw) : null;
    if (text !== null) {
      const kept = memo?.get(text);
      if (kept !== undefined) return kept;
    }
    const result = readItem(schema, raw, reading);
    if (result.ok) {
      if (text !== null && !result.repaired) memo?.set(text, result.value);
      return result.value;
    }
    const path = fieldPath(reading.name, result.path);
    upstreamAnomalies.record(reading.provider, path, 'dropped');
    ctx.addIssue({ code: 'custom', path: [...result.path], message: `${path} cannot be read` });
    return z.NEVER;
  });
}

/**
 * A list of `item`s (already `tolerant`) that never fails for one item: unreadable items are left
 * out and reported in `skipped`. Only a value that is not a list fails (or, when `optional`, a
 * value that is neither a list nor absent), since then nothing can be served.
 */
export function tolerantList<T>(item: z.ZodType<T, unknown>, reading: ItemReading, options: { optional?: boolean } = {}) {
  const list = options.optional ? z.array(z.unknown()).nullish() : z.array(z.unknown());
  return list.transform((raw): Tolerated<T> => {
    const items: T[] = [];
    const paths = new Set<string>();
    let count = 0;
    for (const element of raw ?? []) {
      const parsed = item.safeParse(element);
      if (parsed.success) {
        items.push(parsed.data);
      } else {
        count++;
        paths.add(fieldPath(reading.name, parsed.error.issues[0]?.path ?? []));
      }
    }
    return { items, skipped: count === 0 ? null : { count, paths: [...paths] } };
  });
}

type ItemsOf<T> = T extends Tolerated<infer I> ? I[] : never;

/** A list answer as callers read it: the list under its own key, and `skipped` when items were left out. */
export type ListAnswer<T, K extends PropertyKey> = Omit<T, K> & { [P in K]: P extends keyof T ? ItemsOf<T[P]> : never } & { skipped?: SkippedItems };

/**
 * A list answer's envelope (`{"jobs": [...], "nextPageToken": ...}`): `key` holds a `tolerantList`,
 * and it and the keys in `reading.identity` (paging) are what make the answer usable; any other
 * envelope field reads leniently. A clean answer has no `skipped` key at all.
 */
export function tolerantAnswer<S extends z.ZodRawShape, K extends keyof S & string>(shape: S, key: K, reading: ItemReading) {
  type Answer = z.output<z.ZodObject<S>>;
  const envelope = tolerant(z.object(shape), { ...reading, identity: [key, ...reading.identity] });
  return envelope.transform((answer): ListAnswer<Answer, K> => {
    const { [key]: list, ...rest } = answer as Answer & Record<K, Tolerated<unknown>>;
    const out = { ...rest, [key]: list.items };
    return (list.skipped === null ? out : { ...out, skipped: list.skipped }) as ListAnswer<Answer, K>;
  });
}

/** Adds the skipped items of several answers up (a listing read in pages). */
export function mergeSkipped(a: SkippedItems | null, b: SkippedItems | null): SkippedItems | null {
  if (a === null) return b;
  if (b === null) return a;
  return { count: a.count + b.count, paths: [...new Set([...a.paths, ...b.paths])] };
}

/** `2 items left out of the answer because JobMetadata.creationTime could not be read`. */
export function describeSkipped(skipped: SkippedItems): string {
  const items = skipped.count === 1 ? '1 item' : `${skipped.count} items`;
  return `${items} left out of the answer because ${skipped.paths.join(', ')} could not be read`;
}

/** The error a batch get gives the ids its answer may have held among the items it left out. */
export function skippedError(provider: JobProvider, call: string, skipped: SkippedItems): ProviderError {
  return new ProviderError({ code: 'BAD_RESPONSE', provider, message: `${provider} ${call}: ${describeSkipped(skipped)}` });
}
