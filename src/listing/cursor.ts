import { z } from 'zod';
import { JOB_PROVIDERS } from '../providers/job.js';
import type { SortKey } from './order.js';

// A cursor is the position itself (keyset), not a page number or server state: any replica can
// continue from it, and jobs created or removed meanwhile never shift later pages.
const cursorSchema = z.object({
  v: z.literal(1),
  // Within the range a Date can hold, so a forged cursor cannot reach a backend as nonsense.
  t: z.number().int().min(-8.64e15).max(8.64e15),
  p: z.enum(JOB_PROVIDERS),
  i: z.string().min(1).max(512),
});

export function encodeCursor(key: SortKey): string {
  const payload = { v: 1, t: key.createdAtMs, p: key.provider, i: key.providerJobId };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Decodes a cursor issued by `encodeCursor`; null for anything else (the caller says why, plainly). */
export function decodeCursor(cursor: string): SortKey | null {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) return null;
  return { createdAtMs: parsed.data.t, provider: parsed.data.p, providerJobId: parsed.data.i };
}
