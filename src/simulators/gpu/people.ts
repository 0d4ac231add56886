// Whose key pair signed a GPU request and which jobs that account may see. The service pair (the
// gateway's own account) sees every job, as it always has. Each person sees the jobs of their own
// account only: the wire notes know no team or organisation, so nothing is shared between people.
import { keyFraction, type SimPerson } from '../common/people.js';
import type { SimRequest } from '../common/server.js';

/**
 * How a job (or run) the caller may not see is answered. `not-found`: as if it did not exist, the
 * only answer the notes imply for another account's job. `forbidden`: 403 with the error body.
 */
export type ForeignJobs = 'not-found' | 'forbidden';

/** Null stands for the service account. */
export type Caller = SimPerson | null;

/** Share of the generated jobs that belong to the people (the rest are the service account's). */
const PEOPLE_SHARE = 0.6;

/** A number in [0, 1) fixed by the id alone: no draw from the world's random streams. */
function idFraction(id: string): number {
  return keyFraction(id.toLowerCase());
}

export class GpuOwners {
  private readonly byKey: ReadonlyMap<string, SimPerson>;
  /** Jobs created through the API: their creator, whoever the id would hash to. */
  private readonly created = new Map<string, string | null>();

  constructor(readonly people: readonly SimPerson[]) {
    this.byKey = new Map(people.map((person) => [person.gpu.apiKey, person]));
  }

  /** The key pairs the verifier accepts besides the service's. */
  keys(): [string, string][] {
    return this.people.map((person) => [person.gpu.apiKey, person.gpu.apiSecret]);
  }

  /** Call only after the signature has been verified: the key then names a known account. */
  caller(request: SimRequest): Caller {
    const key = request.headers['x-api-key'];
    return this.byKey.get(Array.isArray(key) ? key.join(', ') : (key ?? '')) ?? null;
  }

  /** The username of the job's account, or null for the service's. */
  ownerOf(uuid: string): string | null {
    const id = uuid.toLowerCase();
    const made = this.created.get(id);
    if (made !== undefined) return made;
    if (this.people.length === 0) return null;
    const share = idFraction(id);
    if (share >= PEOPLE_SHARE) return null;
    return (this.people[Math.floor((share / PEOPLE_SHARE) * this.people.length)] as SimPerson).username;
  }

  recordCreated(uuid: string, caller: Caller): void {
    this.created.set(uuid.toLowerCase(), caller?.username ?? null);
  }

  sees(caller: Caller, uuid: string): boolean {
    return caller === null || this.ownerOf(uuid) === caller.username;
  }

  /** What a person (by username) sees; an unknown name sees nothing. */
  personSees(username: string, uuid: string): boolean {
    return this.people.some((person) => person.username === username) && this.ownerOf(uuid) === username;
  }
}
