// `PageV2` listing as UCloud serves it: include/filter flags, sorting, `next` tokens, page sizes.
import { Refusal, type SimJob, type World } from './data.js';
import { UCLOUD_STATES, type Dialect } from './plan.js';
import type { ReadFlags } from './serialize.js';

export interface Filters {
  filterApplication?: string;
  filterState?: string;
  filterCreatedBy?: string;
  filterCreatedAfter?: number;
  filterCreatedBefore?: number;
  filterProvider?: string;
  filterProductId?: string;
  filterProductCategory?: string;
  filterProviderIds?: string[];
  filterIds?: string[];
}

export interface Listing {
  itemsPerPage: number;
  next: string | null;
  itemsToSkip: number;
  sortBy: string | null;
  sortDirection: 'ascending' | 'descending';
}

/** Reads a flag value from the query (strings) or a JSON body (typed values). */
type Source = (key: string) => unknown;

const BOOLEAN_FLAGS = ['includeParameters', 'includeApplication', 'includeProduct', 'includeOthers', 'includeUpdates', 'includeSupport'] as const;

function text(source: Source, key: string): string | undefined {
  const value = source(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Refusal(400, `Bad value for ${key}`);
}

function integer(source: Source, key: string): number | undefined {
  const value = text(source, key);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new Refusal(400, `${key} must be a whole number`);
  return Number(value);
}

function bool(source: Source, key: string): boolean | undefined {
  const value = text(source, key);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new Refusal(400, `${key} must be true or false`);
  return value === 'true';
}

function commaList(source: Source, key: string): string[] | undefined {
  const value = text(source, key);
  return value === undefined ? undefined : value.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

export function readFlags(source: Source): ReadFlags {
  const flags: ReadFlags = {};
  for (const key of BOOLEAN_FLAGS) {
    const value = bool(source, key);
    if (value !== undefined) flags[key] = value;
  }
  return flags;
}

export function readFilters(source: Source): Filters {
  const state = text(source, 'filterState');
  if (state !== undefined && !(UCLOUD_STATES as readonly string[]).includes(state)) throw new Refusal(400, `Unknown job state: ${state}`);
  const filters: Filters = {};
  const set = <K extends keyof Filters>(key: K, value: Filters[K] | undefined): void => {
    if (value !== undefined) filters[key] = value;
  };
  set('filterApplication', text(source, 'filterApplication'));
  set('filterState', state);
  set('filterCreatedBy', text(source, 'filterCreatedBy'));
  set('filterCreatedAfter', integer(source, 'filterCreatedAfter'));
  set('filterCreatedBefore', integer(source, 'filterCreatedBefore'));
  set('filterProvider', text(source, 'filterProvider'));
  set('filterProductId', text(source, 'filterProductId'));
  set('filterProductCategory', text(source, 'filterProductCategory'));
  set('filterProviderIds', commaList(source, 'filterProviderIds'));
  set('filterIds', commaList(source, 'filterIds'));
  return filters;
}

/** Kotlin knows five page sizes (anything else means 50); Go takes 1..1000. */
export function readListing(source: Source, dialect: Dialect): Listing {
  const requested = integer(source, 'itemsPerPage');
  const itemsPerPage =
    dialect === 'kotlin'
      ? requested !== undefined && [10, 25, 50, 100, 250].includes(requested)
        ? requested
        : 50
      : requested === undefined || requested < 1
        ? 50
        : Math.min(requested, 1000);
  const direction = text(source, 'sortDirection');
  if (direction !== undefined && direction !== 'ascending' && direction !== 'descending') {
    throw new Refusal(400, `Unknown sortDirection: ${direction}`);
  }
  return {
    itemsPerPage,
    next: text(source, 'next') ?? null,
    itemsToSkip: Math.max(0, integer(source, 'itemsToSkip') ?? 0),
    sortBy: text(source, 'sortBy') ?? null,
    sortDirection: direction ?? 'ascending',
  };
}

/** `createdBy`: the owner as the caller reads it (a person sees their own login on their jobs). */
export function matches(world: World, job: SimJob, filters: Filters, now: number, createdBy: string = job.createdBy): boolean {
  if (filters.filterApplication !== undefined && job.app.name !== filters.filterApplication) return false;
  if (filters.filterState !== undefined && world.stateOf(job, now) !== filters.filterState) return false;
  if (filters.filterCreatedBy !== undefined && createdBy !== filters.filterCreatedBy) return false;
  // Both bounds are inclusive, as UCloud's SQL compares them.
  if (filters.filterCreatedAfter !== undefined && job.createdAt < filters.filterCreatedAfter) return false;
  if (filters.filterCreatedBefore !== undefined && job.createdAt > filters.filterCreatedBefore) return false;
  if (filters.filterProvider !== undefined && job.product.provider !== filters.filterProvider) return false;
  if (filters.filterProductId !== undefined && job.product.id !== filters.filterProductId) return false;
  if (filters.filterProductCategory !== undefined && job.product.category !== filters.filterProductCategory) return false;
  if (filters.filterProviderIds !== undefined && (job.providerGeneratedId === null || !filters.filterProviderIds.includes(job.providerGeneratedId))) return false;
  if (filters.filterIds !== undefined && !filters.filterIds.includes(job.id)) return false;
  return true;
}

/** The order of a listing: the token remembers it, so later pages keep the first page's order. */
interface Order {
  byCreatedAt: boolean;
  descending: boolean;
}

interface Token {
  order: Order;
  /** The last item handed out: [createdAt, id number]. */
  after: [number, number];
}

function encodeToken(token: Token): string {
  return Buffer.from(JSON.stringify([token.order.byCreatedAt ? 'c' : 'i', token.order.descending ? 'd' : 'a', ...token.after])).toString('base64url');
}

function decodeToken(value: string): Token {
  try {
    const [by, direction, createdAt, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if ((by === 'c' || by === 'i') && (direction === 'a' || direction === 'd') && typeof createdAt === 'number' && typeof id === 'number') {
      return { order: { byCreatedAt: by === 'c', descending: direction === 'd' }, after: [createdAt, id] };
    }
  } catch {
    // falls through
  }
  throw new Refusal(400, 'Invalid next token');
}

function compare(order: Order, a: [number, number], b: [number, number]): number {
  const primary = order.byCreatedAt ? a[0] - b[0] : 0;
  const result = primary !== 0 ? primary : a[1] - b[1];
  return order.descending ? -result : result;
}

/**
 * One page. Without `sortBy` the order is by id (UCloud promises no other): never newest first by
 * accident. `next` is a keyset position, so jobs created while paging do not shift later pages.
 */
export function paginate(jobs: SimJob[], listing: Listing): { items: SimJob[]; next: string | null } {
  const token = listing.next === null ? null : decodeToken(listing.next);
  const order: Order = token?.order ?? {
    byCreatedAt: listing.sortBy !== null && listing.sortBy.toUpperCase().replace(/_/g, '') === 'CREATEDAT',
    descending: listing.sortDirection === 'descending',
  };
  const key = (job: SimJob): [number, number] => [job.createdAt, job.idNumber];
  let sorted = [...jobs].sort((a, b) => compare(order, key(a), key(b)));
  if (token) sorted = sorted.filter((job) => compare(order, key(job), token.after) > 0);
  else sorted = sorted.slice(listing.itemsToSkip);
  const items = sorted.slice(0, listing.itemsPerPage);
  const last = items[items.length - 1];
  const next = sorted.length > items.length && last ? encodeToken({ order, after: key(last) }) : null;
  return { items, next };
}
