import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * A real token issuer for tests: an HTTP server on 127.0.0.1 serving an OpenID configuration and
 * a JWKS, and the means to sign good tokens and craft every kind of bad one.
 */
export type IssuerAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

/** Claims to put in a token. A claim given as `undefined` is left out (e.g. `{ exp: undefined }`). */
export interface TokenClaims {
  sub?: string | undefined;
  scope?: unknown;
  scp?: unknown;
  exp?: unknown;
  nbf?: unknown;
  iss?: unknown;
  aud?: unknown;
  [claim: string]: unknown;
}

export interface SignOptions {
  /** The kid in the header; defaults to the kid of the signing key; null: no kid at all. */
  kid?: string | null;
  /** 'unknown': a key the issuer never published (with a kid it never published, unless `kid`). */
  key?: 'current' | 'unknown';
  /** exp = now + this (negative: already expired). Ignored when `claims.exp` is given. */
  expiresInSec?: number;
  /** nbf = now + this. Ignored when `claims.nbf` is given. */
  notBeforeSec?: number;
}

/**
 * How the server answers: 'up' normally, 'error' 503 to everything, 'hang' never (the request is
 * held open until close), for testing outages without losing the port.
 */
export type IssuerMode = 'up' | 'error' | 'hang';

export interface TestIssuer {
  issuer: string;
  jwksUrl: string;
  audience: string;
  /** The kid of the key that signs by default (the newest). */
  readonly kid: string;
  mode: IssuerMode;
  sign(claims?: TokenClaims, options?: SignOptions): Promise<string>;
  rotate(): Promise<string>;
  unsignedToken(claims?: TokenClaims): string;
  hs256WithPublicKey(claims?: TokenClaims): string;
  wrongSignature(claims?: TokenClaims): Promise<string>;
  readonly requests: { jwks: number; discovery: number };
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
  /** SPKI PEM of the public key, the "secret" of the key-confusion attack. */
  publicPem: string;
}

const AUDIENCE = 'job-gateway';

export async function startIssuer(options: { algorithm?: IssuerAlgorithm } = {}): Promise<TestIssuer> {
  const algorithm = options.algorithm ?? 'RS256';
  const published: SigningKey[] = [await newKey(algorithm)];
  const current = (): SigningKey => published[published.length - 1] as SigningKey;
  const requests = { jwks: 0, discovery: 0 };
  let mode: IssuerMode = 'up';

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/.well-known/openid-configuration') requests.discovery += 1;
    else if (path === '/jwks') requests.jwks += 1;
    if (mode === 'hang') return;
    if (mode === 'error') return send(response, 503, { error: 'temporarily_unavailable' });
    if (path === '/.well-known/openid-configuration') return send(response, 200, { issuer, jwks_uri: jwksUrl });
    if (path === '/jwks') return send(response, 200, { keys: published.map((key) => key.jwk) });
    send(response, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const jwksUrl = `${issuer}/jwks`;

  const claimsSet = (claims: TokenClaims, signOptions: SignOptions = {}): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000);
    const merged: Record<string, unknown> = {
      sub: 'ada',
      scope: 'jobs:read jobs:write',
      iss: issuer,
      aud: AUDIENCE,
      iat: now,
      exp: now + (signOptions.expiresInSec ?? 600),
      ...(signOptions.notBeforeSec === undefined ? {} : { nbf: now + signOptions.notBeforeSec }),
      ...claims,
    };
    for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
    return merged;
  };

  const signWith = (key: SigningKey, kid: string | null, claims: Record<string, unknown>): Promise<string> =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: algorithm, typ: 'JWT', ...(kid === null ? {} : { kid }) })
      .sign(key.privateKey);

  return {
    issuer,
    jwksUrl,
    audience: AUDIENCE,
    get kid() {
      return current().kid;
    },
    get mode() {
      return mode;
    },
    set mode(next: IssuerMode) {
      mode = next;
    },
    requests,
    async sign(claims = {}, signOptions = {}) {
      const key = signOptions.key === 'unknown' ? await newKey(algorithm) : current();
      return signWith(key, signOptions.kid === undefined ? key.kid : signOptions.kid, claimsSet(claims, signOptions));
    },
    async rotate() {
      const key = await newKey(algorithm);
      published.push(key);
      return key.kid;
    },
    unsignedToken(claims = {}) {
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claimsSet(claims))}.`;
    },
    hs256WithPublicKey(claims = {}) {
      // The classic key-confusion attack: a verifier that lets the token pick HS256 would take the
      // public key it holds for this kid as the HMAC secret. jose refuses to sign this, so by hand.
      const key = current();
      const input = `${encode({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${encode(claimsSet(claims))}`;
      return `${input}.${createHmac('sha256', key.publicPem).update(input).digest('base64url')}`;
    },
    async wrongSignature(claims = {}) {
      return signWith(await newKey(algorithm), current().kid, claimsSet(claims));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

async function newKey(algorithm: IssuerAlgorithm): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, algorithm === 'RS256' ? { modulusLength: 2048 } : {});
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
  // Exported now so that hs256WithPublicKey can stay synchronous.
  return { kid, privateKey, jwk, publicPem: await exportSPKI(publicKey) };
}

function encode(part: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(part)).toString('base64url');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
