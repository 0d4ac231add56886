// The one redaction: every text built from a backend's answer or a caller's input passes through it
// before it reaches a client or a log, with every credential that request carried.

/** Shorter values are not replaced: they would blank out ordinary words, and no credential is that short. */
const MIN_SECRET_LENGTH = 4;

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('[redacted]');
  return out;
}

/**
 * The secrets in authentication header values: each whole value and, for `Scheme credential`
 * (`Bearer ...`), the credential alone, since a backend may echo the bare token.
 */
export function headerSecrets(headers: Readonly<Record<string, string>>): string[] {
  return Object.values(headers).flatMap((value) => {
    const scheme = /^[A-Za-z][\w-]*\s+(\S.*)$/.exec(value);
    return scheme?.[1] ? [value, scheme[1]] : [value];
  });
}
