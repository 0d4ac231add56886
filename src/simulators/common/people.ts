// The people a simulator knows besides the gateway's own service account: each has a credential
// of their own for every backend and sees only their jobs (and those of the project they share).
// Demo mode starts every simulator with `DEMO_PEOPLE`, so that forwarded credentials and the
// isolation between two callers can be tried from GraphiQL.
import { createHash } from 'node:crypto';

/** One person, with the credential each backend knows them by. */
export interface SimPerson {
  /** The login every backend records as the owner of the person's jobs. */
  readonly username: string;
  /** For people reading the README and GraphiQL. */
  readonly displayName: string;
  /** A static access token; `project` selects a project's workspace (`Project` header), null: the personal one. */
  readonly ucloud: { readonly token: string; readonly project: string | null };
  readonly rime: { readonly apiKey: string };
  readonly dataManager: { readonly token: string };
  /** A key pair: the key names the person, the secret signs their requests (HMAC). */
  readonly gpu: { readonly apiKey: string; readonly apiSecret: string };
}

/**
 * The one project both demo people belong to: a few jobs of each backend live there and are seen
 * by both (the backend's own notion of a project or organisation).
 */
export const SHARED_PROJECT_NAME = 'shared-imaging';

export const DEMO_PEOPLE: readonly SimPerson[] = [
  {
    username: 'ada',
    displayName: 'Ada Lovelace',
    ucloud: { token: 'ucloud-ada-3f9d0c6e2b7a4158', project: null },
    rime: { apiKey: 'rime-ada-8c41e07d95b2463a' },
    dataManager: { token: 'dm-ada-5e2a9b7c1d3f4086' },
    gpu: { apiKey: 'gpu-ada-2b8e6f1a9c0d4e73', apiSecret: 'gpu-ada-secret-71c4a8e25f0b9d36' },
  },
  {
    username: 'grace',
    displayName: 'Grace Hopper',
    ucloud: { token: 'ucloud-grace-a7e1c94b0d2f6358', project: null },
    rime: { apiKey: 'rime-grace-4d0b8e2f6a1c9573' },
    dataManager: { token: 'dm-grace-9a3c5e1b7f2d4068' },
    gpu: { apiKey: 'gpu-grace-6e1f3a9d2c8b0475', apiSecret: 'gpu-grace-secret-0d8b2f6e4a1c9357' },
  },
];

/** A stable 32-bit number for a key (sha256): who owns what is decided without drawing from any random stream. */
function hashWord(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0);
}

/** A stable number in [0, 100) for a key. */
export function percentile(key: string): number {
  return hashWord(key) % 100;
}

/** A stable number in [0, 1) for a key. */
export function keyFraction(key: string): number {
  return hashWord(key) / 2 ** 32;
}

/** A UUID-shaped id derived from a key; `variant` is its variant nibble (backends' ids are UUIDs). */
export function uuidFrom(key: string, variant: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Share of the seeded jobs in the shared project, in percent. */
export const SHARED_PERCENT = 10;
const PERSON_PERCENT = 30;

/** Each person's share in percent: at most 30, and many people split what the shared project leaves. */
export function personPercent(people: readonly SimPerson[]): number {
  return people.length === 0 ? 0 : Math.min(PERSON_PERCENT, Math.floor((100 - SHARED_PERCENT) / people.length));
}
