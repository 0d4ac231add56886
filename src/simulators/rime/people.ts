// The people a RIME workspace knows besides the gateway's service key, and which jobs are theirs.
// Ownership lives beside the world, never in it: the service key keeps seeing every job exactly as
// seeded, and a person's API key sees their own jobs and those of the project they all share.
import { percentile, personPercent, SHARED_PERCENT, SHARED_PROJECT_NAME, uuidFrom, type SimPerson } from '../common/people.js';
import type { SimJob } from './plan.js';

/** What a person gets for a job they cannot see: as an unknown id (NOT_FOUND) or PERMISSION_DENIED. */
export type ForeignJobs = 'not-found' | 'forbidden';

export type Owner = { kind: 'service' } | { kind: 'person'; username: string } | { kind: 'shared' };

/** Who an API key belongs to. */
export type Caller = { kind: 'service' } | { kind: 'person'; person: SimPerson };

export class Ownership {
  /**
   * The project the people share. RIME scopes access by project: its jobs are listed for every
   * member, and a person reads it as the stress test's `projectId` and from GetProjectID.
   */
  readonly sharedProject: string;
  private readonly owners = new Map<string, Owner>();
  private readonly personPercent: number;

  constructor(
    readonly people: readonly SimPerson[],
    seed: number | string,
  ) {
    this.sharedProject = uuidFrom(`rime:${seed}:project:${SHARED_PROJECT_NAME}`, 'b');
    // Many people would otherwise overflow 100 %: they split what the shared project leaves.
    this.personPercent = personPercent(people);
  }

  callerOf(apiKey: string | undefined): Caller | null {
    const person = apiKey === undefined ? undefined : this.people.find((candidate) => candidate.rime.apiKey === apiKey);
    return person ? { kind: 'person', person } : null;
  }

  person(username: string): SimPerson | undefined {
    return this.people.find((candidate) => candidate.username === username);
  }

  ownerOf(job: SimJob): Owner {
    const known = this.owners.get(job.jobId);
    if (known) return known;
    const owner = this.byHash(job.jobId);
    this.owners.set(job.jobId, owner);
    return owner;
  }

  /** A person's API key reaches their own jobs and the shared project's. */
  sees(person: SimPerson, job: SimJob): boolean {
    const owner = this.ownerOf(job);
    return owner.kind === 'shared' || (owner.kind === 'person' && owner.username === person.username);
  }

  /** The project a person reads on the job (the seeded one, except for the shared project's jobs). */
  projectIdFor(job: SimJob): string | null {
    return this.ownerOf(job).kind === 'shared' ? this.sharedProject : job.projectId;
  }

  private byHash(jobId: string): Owner {
    if (this.people.length === 0) return { kind: 'service' };
    const at = percentile(`rime:owner:${jobId}`);
    if (at < SHARED_PERCENT) return { kind: 'shared' };
    const person = this.people[Math.floor((at - SHARED_PERCENT) / this.personPercent)];
    return person ? { kind: 'person', username: person.username } : { kind: 'service' };
  }
}
