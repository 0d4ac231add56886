// The GPU service is a Python application. These are the few pieces of Python behaviour its signature
// check depends on, written from the Python documentation rather than shared with the client, so
// that a client which only agrees with itself fails against this simulator.

/** Python orders `str` by code point. */
function codePoints(text: string): number[] {
  return Array.from(text, (char) => char.codePointAt(0) as number);
}

export function pythonStrCompare(a: string, b: string): number {
  const x = codePoints(a);
  const y = codePoints(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
};

/** `json.encoder.py_encode_basestring_ascii`: printable ASCII as is, the rest as `\uxxxx` per UTF-16 unit. */
function dumpString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const short = SHORT_ESCAPES[unit];
    if (short !== undefined) out += short;
    else if (unit >= 0x20 && unit <= 0x7e) out += text[i];
    else out += `\\u${unit.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/**
 * A JSON number as Python prints what it parsed: digits-only literals are ints (printed in full),
 * others floats in `repr` form, whose exponent appears below 1e-4 and from 1e16 on, with at least
 * two digits. A parsed JS number no longer says which it was; integral values below 1e21 are the
 * ones a canonical sender writes as digits.
 */
function dumpNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return BigInt(value).toString();
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) return String(value);
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
  const power = Number(exponent);
  return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
}

/** `json.dumps(value, sort_keys=True, separators=(',', ':'))` (ensure_ascii is Python's default). */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return dumpNumber(value);
  if (typeof value === 'string') return dumpString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => pythonStrCompare(a, b));
    return `{${entries.map(([key, inner]) => `${dumpString(key)}:${pythonJsonDumps(inner)}`).join(',')}}`;
  }
  throw new TypeError(`no JSON form for ${typeof value}`);
}

const SAFE = /^[A-Za-z0-9_.\-~]$/;

/** `urllib.parse.quote_plus`: UTF-8 bytes, unreserved characters kept, space as `+`, hex upper-case. */
export function pythonQuotePlus(text: string): string {
  let out = '';
  for (const char of text) {
    if (char === ' ') out += '+';
    else if (SAFE.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `urllib.parse.unquote_plus`; null when a `%` escape is broken. */
export function pythonUnquotePlus(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * The query string the service signs: parsed from what arrived (blank values kept), keys sorted,
 * each key's values sorted, re-encoded by `urlencode`. Null when the query cannot be decoded.
 */
export function canonicalQuery(rawQuery: string): string | null {
  const byKey = new Map<string, string[]>();
  for (const field of rawQuery.split('&')) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    const key = pythonUnquotePlus(eq >= 0 ? field.slice(0, eq) : field);
    const value = pythonUnquotePlus(eq >= 0 ? field.slice(eq + 1) : '');
    if (key === null || value === null) return null;
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
  }
  const pairs: string[] = [];
  for (const key of [...byKey.keys()].sort(pythonStrCompare)) {
    for (const value of (byKey.get(key) ?? []).sort(pythonStrCompare)) {
      pairs.push(`${pythonQuotePlus(key)}=${pythonQuotePlus(value)}`);
    }
  }
  return pairs.join('&');
}

/** `datetime.isoformat()` of an aware UTC datetime: `2026-01-15T11:58:02.123456+00:00`. */
export function pythonIsoformat(epochMs: number, extraMicros = 0): string {
  const iso = new Date(epochMs).toISOString();
  const micros = String((epochMs % 1000 + 1000) % 1000 * 1000 + extraMicros).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}+00:00`;
}

/** `date.isoformat()`: `2026-01-15`. */
export function pythonDateIsoformat(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
