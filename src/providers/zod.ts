// Building blocks shared by the four `wire.ts` files: the tolerant readings every backend needs.
import { z } from 'zod';

/** `items.3.status.state: Invalid input ...` — names the field a backend got wrong. */
export function describeZodError(error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '';
  return issues.join('; ') + more;
}

/** A field a backend may send as null or leave out; both read as null. */
export function nullish<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value): z.output<T> | null => value ?? null);
}

/** A string from an open set: known values are documented, unknown ones must not fail a parse. */
export const openEnum = z.string();

const NUMERIC = /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/;

/**
 * A number that may come as a JSON number or as a decimal string (protobuf int64 in JSON, and any
 * backend whose serialiser switched to strings for large counts, sizes and durations).
 */
export const looseNumber = z.union([z.number(), z.string().regex(NUMERIC).transform(Number)]);

/** An integer in either spelling. */
export const looseInt = looseNumber.pipe(z.number().int());

/** A boolean, or its name as a string (`"true"`), as some serialisers write it. */
export const looseBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

/** An identifier that is a string on the wire, or a number where a serialiser made it one. */
export const looseId = z.union([z.string().min(1), z.number().int().transform(String)]);

const ZONE = /^(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** `+0100` and `+01` as `+01:00`, the spelling `Date` reads everywhere. */
function normaliseZone(zone: string): string {
  if (zone === '' || zone.toUpperCase() === 'Z') return 'Z';
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4).padEnd(2, '0')}`;
}

/**
 * Parses the timestamp spellings our backends use: RFC 3339 with a zone, zone-less ISO (read as UTC,
 * microseconds allowed) and a bare date. Returns null for anything else.
 */
export function parseTimestamp(value: string): Date | null {
  const text = value.trim();
  let iso: string;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    iso = `${text}T00:00:00Z`;
  } else {
    const match = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2})?)([.,]\d+)?\s*(.*)$/.exec(text);
    if (!match) return null;
    const [, date, time, fraction = '', zone = ''] = match;
    if (zone !== '' && !ZONE.test(zone)) return null;
    // JavaScript keeps milliseconds only; microseconds are cut, not rounded, so ordering holds.
    const millis = fraction === '' ? '' : `.${fraction.slice(1, 4).padEnd(3, '0')}`;
    iso = `${date}T${time}${millis}${normaliseZone(zone)}`;
  }
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** An ISO-8601 timestamp string in any of the spellings `parseTimestamp` reads. */
export const timestamp = z.string().transform((value, ctx) => {
  const at = parseTimestamp(value);
  if (at === null) {
    // The value stays out of the message: messages reach clients and logs, payloads must not.
    ctx.addIssue({ code: 'custom', message: 'not a timestamp' });
    return z.NEVER;
  }
  return at;
});

/**
 * Python `timedelta` as `str()` prints it: `0:12:32`, `1 day, 2:03:04`, `3 days, 0:00:01.250000`,
 * `-1 day, 23:59:59`. Returns seconds, or null when the text is not of that form.
 */
export function parseTimedelta(value: string): number | null {
  const match = /^\s*(?:(-?\d+) days?, )?(\d+):(\d{2}):(\d{2})(\.\d+)?\s*$/.exec(value);
  if (!match) return null;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  return Number(days) * 86_400 + Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds) + (fraction ? Number(fraction) : 0);
}

/**
 * Epoch milliseconds, the UCloud way: a JSON number, a decimal string (int64 drift), or an ISO-8601
 * timestamp (a serialiser that switched to dates). Kept numeric: jobs are compared and folded on it.
 */
export const epochMillis = z.union([
  z.number().int(),
  z.string().regex(/^\s*-?\d+\s*$/).transform(Number),
  timestamp.transform((at) => at.getTime()),
]);
