// A page or file the gateway serves itself (GraphiQL, the dashboard): kept in memory with a strong
// ETag, compressed once per encoding on first use, answered with 304 when the client has it.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip' | 'identity';

export interface Asset {
  readonly contentType: string;
  /** A strong ETag from the content. */
  readonly etag: string;
  /** The first characters of the content hash: what a page puts in `?v=` to make URLs immutable. */
  readonly version: string;
  body(encoding: Encoding): Buffer;
}

/** `fast`: quicker compression for a large asset (GraphiQL's 9 MB page), a little bigger. */
export function asset(contentType: string, content: Buffer, options: { fast?: boolean } = {}): Asset {
  const hash = createHash('sha256').update(content).digest('base64url');
  const compressed = new Map<Encoding, Buffer>([['identity', content]]);
  return {
    contentType,
    etag: `"${hash.slice(0, 27)}"`,
    version: hash.slice(0, 12),
    body: (encoding) => {
      let body = compressed.get(encoding);
      if (!body) {
        body =
          encoding === 'br'
            ? brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: options.fast ? 5 : 11 } })
            : gzipSync(content, { level: options.fast ? 6 : 9 });
        compressed.set(encoding, body);
      }
      return body;
    },
  };
}

/** The best encoding the client accepts (q=0 means "not this one"). */
export function encodingFor(request: IncomingMessage): Encoding {
  const accepted = new Map<string, number>();
  for (const part of String(request.headers['accept-encoding'] ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    if (name !== '') accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string): boolean => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

/** Answers `request` with `served`: 304 when the client has it, else the body in the best encoding (none for HEAD). */
export function sendAsset(request: IncomingMessage, response: ServerResponse, served: Asset, cacheControl: string, extra: Record<string, string> = {}): void {
  const encoding = encodingFor(request);
  const headers: Record<string, string> = { 'content-type': served.contentType, etag: served.etag, 'cache-control': cacheControl, vary: 'accept-encoding', ...extra };
  if (request.headers['if-none-match'] === served.etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const body = served.body(encoding);
  if (encoding !== 'identity') headers['content-encoding'] = encoding;
  headers['content-length'] = String(body.length);
  response.writeHead(200, headers);
  response.end(request.method === 'HEAD' ? undefined : body);
}
