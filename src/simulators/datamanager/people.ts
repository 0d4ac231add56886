// Who is calling the Data Manager and what they may see. The service token (the gateway's own
// account) sees every instance, as it always has; each person sees the instances they own plus
// every instance of the one project they all belong to, as Data Manager project members do.
import { keyFraction, type SimPerson } from '../common/people.js';
import type { SimRequest } from '../common/server.js';
import type { SimInstance, SimProject } from './data.js';

/**
 * How an instance the caller may not see is answered. `not-found`: as if it did not exist, the
 * only answer the wire notes give for `GET /instance/{id}`. `forbidden`: 403 `{"error": ...}`, the
 * other reading a gateway must cope with.
 */
export type ForeignJobs = 'not-found' | 'forbidden';

export type Caller = { kind: 'service'; user: string } | { kind: 'person'; person: SimPerson };

/** Share of the colleagues' instances the people take over (the rest stay with colleagues). */
const PEOPLE_SHARE = 0.9;

/** A number in [0, 1) fixed by the id alone: no draw from the world's random streams. */
export function idFraction(id: string): number {
  return keyFraction(id);
}

export class DmAccess {
  private readonly byToken: ReadonlyMap<string, SimPerson>;

  constructor(
    private readonly serviceToken: string,
    private readonly serviceUser: string,
    readonly people: readonly SimPerson[],
    /** The project every person is a member of. */
    readonly sharedProject: SimProject,
  ) {
    this.byToken = new Map(people.map((person) => [person.dataManager.token, person]));
  }

  /** The bearer token's owner; null for a missing or unknown token. */
  caller(request: SimRequest): Caller | null {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const token = match?.[1];
    if (token === undefined) return null;
    if (token === this.serviceToken) return { kind: 'service', user: this.serviceUser };
    const person = this.byToken.get(token);
    return person ? { kind: 'person', person } : null;
  }

  /** The name the caller launches and deletes as. */
  userOf(caller: Caller): string {
    return caller.kind === 'service' ? caller.user : caller.person.username;
  }

  sees(caller: Caller, instance: SimInstance): boolean {
    return caller.kind === 'service' || this.personSees(caller.person.username, instance);
  }

  /** What a person (by username) sees; nobody else is a member of the shared project. */
  personSees(username: string, instance: SimInstance): boolean {
    if (!this.people.some((person) => person.username === username)) return false;
    return instance.owner === username || instance.project.id === this.sharedProject.id;
  }

  /**
   * The owner a generated instance has once the people exist. The service user's own instances
   * stay theirs, so what the service may delete is unchanged; most of the colleagues' instances go
   * to the people, chosen by id so that the world's random draws stay exactly as they were.
   */
  ownerFor(instance: SimInstance): string {
    if (instance.owner === this.serviceUser || this.people.length === 0) return instance.owner;
    const share = idFraction(instance.id);
    if (share >= PEOPLE_SHARE) return instance.owner;
    return (this.people[Math.floor((share / PEOPLE_SHARE) * this.people.length)] as SimPerson).username;
  }
}
