// Other spellings of the same UTC instant: zone suffix, fraction length, separator, or only the date.
import type { Random } from './random.js';

export type Zone = 'Z' | '+00:00' | '';
export type FractionDigits = 0 | 3 | 6 | 9;

export interface Spellings {
  /** Zone suffixes to choose from; `''` is a naive time, read as UTC. */
  zones: readonly Zone[];
  /** Fraction lengths to choose from; one that would lose more than the sub-millisecond part is skipped. */
  digits?: readonly FractionDigits[];
  /** May use a space instead of `T` (Python's `str(datetime)`). */
  space?: boolean;
  /** May drop the time altogether (a field migrated from a date column). */
  bareDate?: boolean;
}

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|\+00:00)?$/;

/**
 * `text` respelled; anything that is not a UTC datetime (a bare date, a time in another zone, not a
 * string) is left as it is. Milliseconds always survive, except in the bare-date spelling.
 */
export function respell(text: unknown, random: Random, spellings: Spellings): unknown {
  if (typeof text !== 'string') return text;
  const match = ISO.exec(text);
  if (!match) return text;
  const [, date = '', time = '', fraction = ''] = match;
  if (spellings.bareDate && random.chance(0.25)) return date;
  const nanos = fraction.padEnd(9, '0');
  // Three digits are always allowed: what they drop is below the millisecond every reader keeps.
  const digits = (spellings.digits ?? [0, 3, 6, 9]).filter((d) => d === 3 || /^0*$/.test(nanos.slice(d)));
  const length = digits.length > 0 ? random.pick(digits) : 9;
  const separator = spellings.space && random.chance(0.3) ? ' ' : 'T';
  const zone = spellings.zones.length > 0 ? random.pick(spellings.zones) : 'Z';
  return `${date}${separator}${time}${length === 0 ? '' : `.${nanos.slice(0, length)}`}${zone}`;
}
