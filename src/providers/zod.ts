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

/** A number that may come as a JSON number or as a string (protobuf int64/double in JSON). */
export const looseNumber = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/).transform(Number)]);

/** Epoch milliseconds. */
export const epochMs = z.number().int().transform((ms) => new Date(ms));

const ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

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
    const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(.*)$/.exec(text);
    if (!match) return null;
    const [, date, time, fraction = '', zone = ''] = match;
    if (zone !== '' && !ZONE.test(zone)) return null;
    // JavaScript keeps milliseconds only; microseconds are cut, not rounded, so ordering holds.
    const millis = fraction === '' ? '' : fraction.slice(0, 4).padEnd(4, '0');
    iso = `${date}T${time}${millis}${zone === '' ? 'Z' : zone}`;
  }
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** An ISO-8601 timestamp string in any of the spellings `parseTimestamp` reads. */
export const timestamp = z.string().transform((value, ctx) => {
  const at = parseTimestamp(value);
  if (at === null) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${JSON.stringify(value.slice(0, 40))}` });
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
