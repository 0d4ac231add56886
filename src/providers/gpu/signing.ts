// HMAC request signing of the GPU compute API (upstreams/gpu.md). The server is written in Python and
// rebuilds the canonical string from what arrives, so every piece here reproduces Python's own output
// byte for byte: `json.dumps(sort_keys=True, separators=(',', ':'))` for the body and `urlencode`
// (via `encodeQuery(..., { sorted: true })`) for the query.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface GpuCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface CanonicalParts {
  publicKey: string;
  timestamp: string | number;
  nonce: string;
  method: string;
  /** The full path as sent, base path included, without the query. */
  pathname: string;
  /** The query exactly as sent, without `?`; empty for none. */
  queryString: string;
  bodySha256: string;
}

/** The part of a request the signature covers (what the HttpClient `authenticate` hook receives). */
export interface SignedRequestParts {
  method: string;
  fullPath: string;
  query: string;
  body: string | undefined;
}

/** Python sorts `str` keys by code point; a plain JS sort compares UTF-16 units and differs above U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * Python's `ensure_ascii` escapes everything outside printable ASCII, DEL (0x7f) included, one UTF-16
 * unit at a time (so astral characters become surrogate pairs) with lowercase hex. JSON.stringify
 * already escapes quotes, backslashes, control characters and lone surrogates the same way.
 */
function encodeString(text: string): string {
  return JSON.stringify(text).replace(/[^\x20-\x7e]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Python prints integers in full and floats with `repr`, which switches to an exponent below 1e-4
 * and pads it to two digits (`1e-05`), where JavaScript would write `0.00001` or `1e-7`. Above that
 * the two agree: a non-integer double is always below 2^53, and integers up to 1e21 print in full
 * in both (Python reads them back as int).
 */
function encodeNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
  if (Object.is(value, -0)) return '0';
  const magnitude = Math.abs(value);
  if (!Number.isInteger(value) && magnitude < 1e-4) {
    const [mantissa, exponent = '0'] = value.toExponential().split('e');
    const power = Number(exponent);
    return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
  }
  return String(value);
}

function encode(value: unknown, inArray: boolean): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return encode((value as { toJSON: () => unknown }).toJSON(), inArray);
  }
  switch (typeof value) {
    case 'string':
      return encodeString(value);
    case 'number':
      return encodeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      // What JSON.stringify does: dropped from objects, null inside arrays.
      return inArray ? 'null' : undefined;
    case 'bigint':
      throw new TypeError('canonicalJson: bigint has no JSON form');
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => encode(item, true) ?? 'null').join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value as object).sort(compareCodePoints)) {
    const encoded = encode((value as Record<string, unknown>)[key], false);
    if (encoded !== undefined) members.push(`${encodeString(key)}:${encoded}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * The body exactly as the server re-serialises it: recursively sorted keys, no whitespace, non-ASCII
 * as `\uXXXX`. The client sends these bytes, so the hash it signs is the hash the server computes.
 */
export function canonicalJson(value: unknown): string {
  const encoded = encode(value, false);
  if (encoded === undefined) throw new TypeError('canonicalJson: value has no JSON form');
  return encoded;
}

export function canonicalString(parts: CanonicalParts): string {
  return [
    parts.publicKey,
    String(parts.timestamp),
    parts.nonce,
    parts.method.toUpperCase(),
    parts.pathname,
    parts.queryString,
    parts.bodySha256,
  ].join('|');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function signature(secret: string, canonical: string): string {
  return createHmac('sha256', secret).update(canonical, 'utf8').digest('hex');
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The four auth headers of one attempt. Time and nonce are fresh per call (the server refuses a
 * reused nonce), so the HttpClient calls this again for every retry; `now`/`nonce` are for tests.
 */
export function signedHeaders(
  credentials: GpuCredentials,
  request: SignedRequestParts,
  options: { now?: number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(options.now ?? Date.now());
  const nonce = options.nonce ?? newNonce();
  const canonical = canonicalString({
    publicKey: credentials.apiKey,
    timestamp,
    nonce,
    method: request.method,
    pathname: request.fullPath,
    queryString: request.query,
    bodySha256: sha256Hex(request.body ?? ''),
  });
  return {
    'X-API-Key': credentials.apiKey,
    'X-Time': timestamp,
    'X-Nonce': nonce,
    'X-Signature': signature(credentials.apiSecret, canonical),
  };
}
