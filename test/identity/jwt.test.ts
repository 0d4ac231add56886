import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  bearerToken,
  createJwtVerifier,
  hasScope,
  READ_SCOPE,
  WRITE_SCOPE,
  type AuthReason,
  type JwtVerifier,
} from '../../src/identity/jwt.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';

/** The AuthError a verify must fail with, checked to leak nothing of the token. */
async function refusal(promise: Promise<unknown>, token: string): Promise<AuthError> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(AuthError);
  const error = outcome as AuthError;
  expect(error.code).toBe('UNAUTHENTICATED');
  const shown = `${error.message} ${String(error)} ${JSON.stringify(error)}`;
  // Every segment, not just the whole token: a header or payload echoed alone is a leak too.
  for (const part of [token, ...token.split('.')].filter((part) => part.length >= 8)) {
    expect(shown).not.toContain(part);
  }
  return error;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('verifying tokens against a real issuer', () => {
  let issuer: TestIssuer;
  let verifier: JwtVerifier;

  beforeAll(async () => {
    issuer = await startIssuer();
    verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl });
  });
  afterAll(() => issuer.close());

  it('accepts a good token: subject, scopes from `scope`, expiry', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const caller = await verifier.verify(await issuer.sign({ exp }));
    expect(caller.subject).toBe('ada');
    expect([...caller.scopes].sort()).toEqual([READ_SCOPE, WRITE_SCOPE]);
    expect(caller.expiresAt).toBe(exp * 1000);
    expect(hasScope(caller, READ_SCOPE)).toBe(true);
    expect(hasScope(caller, 'jobs:admin')).toBe(false);
  });

  it('reads scopes from `scp` as an array or a string, and unions it with `scope`', async () => {
    const array = await verifier.verify(await issuer.sign({ scope: undefined, scp: [READ_SCOPE] }));
    expect([...array.scopes]).toEqual([READ_SCOPE]);
    const string = await verifier.verify(await issuer.sign({ scope: undefined, scp: `${WRITE_SCOPE}  ${READ_SCOPE}` }));
    expect([...string.scopes].sort()).toEqual([READ_SCOPE, WRITE_SCOPE]);
    const both = await verifier.verify(await issuer.sign({ scope: READ_SCOPE, scp: [WRITE_SCOPE] }));
    expect([...both.scopes].sort()).toEqual([READ_SCOPE, WRITE_SCOPE]);
    const none = await verifier.verify(await issuer.sign({ scope: undefined }));
    expect(none.scopes.size).toBe(0);
    expect(hasScope(none, READ_SCOPE)).toBe(false);
  });

  it('fetches the JWKS once for many tokens, concurrent first ones included', async () => {
    const fresh = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl });
    const before = issuer.requests.jwks;
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => issuer.sign({ sub: `user-${i}` })));
    const callers = await Promise.all(tokens.map((token) => fresh.verify(token)));
    expect(callers.map((caller) => caller.subject)).toEqual(tokens.map((_, i) => `user-${i}`));
    for (const token of tokens) await fresh.verify(token);
    expect(issuer.requests.jwks - before).toBe(1);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Promise<string> | string, AuthReason, RegExp]> = [
    ['a string that is not a JWT', () => 'definitely-not-a-jwt-token', 'malformed', /not a JWT/],
    ['three segments of garbage', () => 'aGVsbG8gd29ybGQ.aGVsbG8gd29ybGQ.aGVsbG8gd29ybGQ', 'malformed', /not a JWT/],
    ['an empty string', () => '', 'malformed', /not a JWT/],
    ['a wrong signature under the current kid', () => issuer.wrongSignature(), 'signature', /signature does not verify/],
    ['a key the issuer never published', () => issuer.sign({}, { key: 'unknown' }), 'unknown_key', /no key of the issuer matches/],
    ['an expired token (beyond the clock tolerance)', () => issuer.sign({}, { expiresInSec: -120 }), 'expired', /has expired/],
    ['a token not yet valid', () => issuer.sign({}, { notBeforeSec: 300 }), 'not_yet_valid', /not yet valid/],
    ['another issuer', () => issuer.sign({ iss: 'https://issuer.invalid' }), 'issuer', /another issuer/],
    ['another audience', () => issuer.sign({ aud: 'some-other-api' }), 'audience', /another audience/],
    ['alg none', () => issuer.unsignedToken(), 'algorithm', /algorithm is not allowed/],
    ['HS256 signed with the public key', () => issuer.hs256WithPublicKey(), 'algorithm', /algorithm is not allowed/],
    ['no exp', () => issuer.sign({ exp: undefined }), 'claims', /no expiry/],
    ['an exp that is not a number', () => issuer.sign({ exp: String(now() + 600) }), 'claims', /expiry time is not valid/],
    ['no sub', () => issuer.sign({ sub: undefined }), 'claims', /no subject/],
    ['a scope claim of the wrong type', () => issuer.sign({ scope: 42 }), 'claims', /scope claim is not valid/],
  ];
  it.each(cases)('refuses %s', async (_name, make, reason, message) => {
    const token = await make();
    const error = await refusal(verifier.verify(token), token);
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
    // Token faults carry no cause: jose's claim errors would bring the whole payload along.
    expect(error.cause).toBeUndefined();
  });

  it('does not refetch the JWKS for a flood of unknown kids (jose cooldown)', async () => {
    const before = issuer.requests.jwks;
    const tokens = await Promise.all(Array.from({ length: 8 }, () => issuer.sign({}, { key: 'unknown' })));
    for (const token of tokens) await refusal(verifier.verify(token), token);
    // The first load was moments ago, well inside the default 30 s cooldown.
    expect(issuer.requests.jwks - before).toBe(0);
  });
});

describe.each(['ES256', 'EdDSA'] as const)('an %s issuer', (algorithm) => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startIssuer({ algorithm });
  });
  afterAll(() => issuer.close());

  it('has its tokens accepted and its forgeries refused', async () => {
    const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl });
    expect((await verifier.verify(await issuer.sign({ sub: 'grace' }))).subject).toBe('grace');
    const forged = await issuer.wrongSignature();
    expect((await refusal(verifier.verify(forged), forged)).reason).toBe('signature');
  });
});

describe('OIDC discovery (jwksUrl null)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startIssuer();
  });
  afterAll(() => issuer.close());

  it('finds the JWKS once, across many and concurrent verifies', async () => {
    const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: null });
    const before = { ...issuer.requests };
    const tokens = await Promise.all(Array.from({ length: 5 }, () => issuer.sign()));
    await Promise.all(tokens.map((token) => verifier.verify(token)));
    for (const token of tokens) expect((await verifier.verify(token)).subject).toBe('ada');
    expect(issuer.requests.discovery - before.discovery).toBe(1);
    expect(issuer.requests.jwks - before.jwks).toBe(1);
  });

  it('refuses a discovery document that names another issuer', async () => {
    // Same discovery URL (the trailing slash is dropped to build it), but the document's issuer
    // is then not the configured one.
    const verifier = createJwtVerifier({ issuer: `${issuer.issuer}/`, audience: issuer.audience, jwksUrl: null });
    const token = await issuer.sign({ iss: `${issuer.issuer}/` });
    const error = await refusal(verifier.verify(token), token);
    expect(error.reason).toBe('issuer_unreachable');
    expect(String((error.cause as Error).message)).toMatch(/names the issuer/);
  });

  it('retries a failed discovery later, but not at once', async () => {
    const verifier = createJwtVerifier(
      { issuer: issuer.issuer, audience: issuer.audience, jwksUrl: null },
      { cooldownMs: 300 },
    );
    const token = await issuer.sign();
    const before = issuer.requests.discovery;
    issuer.mode = 'error';
    try {
      expect((await refusal(verifier.verify(token), token)).message).toMatch(/could not be reached/);
      // Within the back-off: refused without asking the issuer again.
      for (let i = 0; i < 5; i++) await refusal(verifier.verify(token), token);
      expect(issuer.requests.discovery - before).toBe(1);
    } finally {
      issuer.mode = 'up';
    }
    await sleep(350);
    expect((await verifier.verify(token)).subject).toBe('ada');
    expect(issuer.requests.discovery - before).toBe(2);
  });

  it('gives up on a discovery that never answers within the timeout', async () => {
    const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: null }, { timeoutMs: 300 });
    const token = await issuer.sign();
    issuer.mode = 'hang';
    try {
      const started = Date.now();
      expect((await refusal(verifier.verify(token), token)).reason).toBe('issuer_unreachable');
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      issuer.mode = 'up';
    }
  });
});

describe('key rotation', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    // ES256: generating its keys takes microseconds, where an RSA key could eat into the cooldown
    // that the first test relies on still running.
    issuer = await startIssuer({ algorithm: 'ES256' });
  });
  afterAll(() => issuer.close());

  it('accepts a newly published kid without a new verifier, once the cooldown has passed', async () => {
    const verifier = createJwtVerifier(
      { issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl },
      { cooldownMs: 500 },
    );
    const oldToken = await issuer.sign();
    await verifier.verify(oldToken);
    const oldKid = issuer.kid;
    const newKid = await issuer.rotate();
    expect(newKid).not.toBe(oldKid);
    const newToken = await issuer.sign();
    // Inside the cooldown the cached JWKS is trusted and the new kid is not fetched for.
    expect((await refusal(verifier.verify(newToken), newToken)).reason).toBe('unknown_key');
    await sleep(550);
    expect((await verifier.verify(newToken)).subject).toBe('ada');
    // The old key is still published, so tokens signed before the rotation go on working.
    expect((await verifier.verify(oldToken)).subject).toBe('ada');
    expect(issuer.requests.jwks).toBe(2);
  });

  it('verifies a token without a kid when several published keys fit', async () => {
    await issuer.rotate();
    const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl });
    // Several keys of one type are published; the token names none of them and is signed by the
    // newest, so jose hands back all candidates and each is tried.
    expect((await verifier.verify(await issuer.sign({}, { kid: null }))).subject).toBe('ada');
    const forged = await issuer.wrongSignature();
    expect((await refusal(verifier.verify(forged), forged)).reason).toBe('signature');
  });
});

describe('an unreachable issuer', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startIssuer();
  });
  afterAll(() => issuer.close());

  it('is an AuthError saying so, when nothing listens', async () => {
    const gone = await startIssuer();
    await gone.close();
    const verifier = createJwtVerifier({ issuer: gone.issuer, audience: gone.audience, jwksUrl: gone.jwksUrl });
    const token = await gone.sign();
    const error = await refusal(verifier.verify(token), token);
    expect(error.reason).toBe('issuer_unreachable');
    expect(error.message).toBe("the token's issuer could not be reached");
    // For the gateway's log.
    expect(error.cause).toBeDefined();
  });

  it('is refused within the timeout when the JWKS never answers', async () => {
    const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl }, { timeoutMs: 300 });
    const token = await issuer.sign();
    issuer.mode = 'hang';
    try {
      const started = Date.now();
      expect((await refusal(verifier.verify(token), token)).reason).toBe('issuer_unreachable');
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      issuer.mode = 'up';
    }
  });

  it('is asked again only after a back-off when the JWKS fails', async () => {
    const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl }, { cooldownMs: 300 });
    const token = await issuer.sign();
    const before = issuer.requests.jwks;
    issuer.mode = 'error';
    try {
      for (let i = 0; i < 5; i++) expect((await refusal(verifier.verify(token), token)).reason).toBe('issuer_unreachable');
      expect(issuer.requests.jwks - before).toBe(1);
    } finally {
      issuer.mode = 'up';
    }
    await sleep(350);
    expect((await verifier.verify(token)).subject).toBe('ada');
    expect(issuer.requests.jwks - before).toBe(2);
  });
});

describe('bearerToken', () => {
  it('is null when there is no credential', () => {
    expect(bearerToken(null)).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('')).toBeNull();
    expect(bearerToken('   ')).toBeNull();
  });

  it('takes the token of a Bearer credential, whatever the case of the scheme', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('BEARER   abc.def-_~+/ghi==')).toBe('abc.def-_~+/ghi==');
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['two tokens', 'Bearer abcdefgh ijklmnop'],
    ['a bare token', 'abcdefgh.ijklmnop.qrstuvwx'],
    ['a quoted token', 'Bearer "abcdefgh"'],
  ])('refuses %s, without echoing it', (_name, value) => {
    let thrown: unknown;
    try {
      bearerToken(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuthError);
    const error = thrown as AuthError;
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('the Authorization header is not a Bearer token');
  });
});
