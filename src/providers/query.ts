export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];
export type QueryParams = Readonly<Record<string, QueryValue>>;

/**
 * Percent-encodes like Python's `urllib.parse.quote_plus` (what `urlencode` uses): only
 * `A-Z a-z 0-9 _ . - ~` stay as they are and a space becomes `+`. The GPU backend signs the query
 * string in exactly this form; the other backends accept it as ordinary form encoding.
 */
export function quotePlus(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * Builds a query string without the leading `?`. Absent values (`undefined`, `null`) are left out
 * and arrays repeat the key, as UCloud and grpc-gateway expect. With `sorted`, keys are sorted and
 * so are the values of a repeated key: the canonical form the GPU signature covers.
 */
export function encodeQuery(params: QueryParams, options: { sorted?: boolean } = {}): string {
  const pairs: [string, string][] = [];
  for (const [key, raw] of Object.entries(params)) {
    if (raw === undefined || raw === null) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map(String);
    if (options.sorted) values.sort();
    for (const value of values) pairs.push([key, value]);
  }
  if (options.sorted) pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&');
}
