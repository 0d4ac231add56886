// The people UCloud knows besides the gateway's service account, and which jobs are theirs.
// Ownership lives beside the world, never in it: the service account keeps its god's-eye view
// (every job, the seeded payloads, the seeded random draws), and a person sees a projection of it.
import { percentile, personPercent, SHARED_PERCENT, SHARED_PROJECT_NAME, uuidFrom, type SimPerson } from '../common/people.js';
import { Refusal, type ProjectDef, type SimJob } from './data.js';

/** What a person gets for a job they cannot see: as an unknown id (404) or a refusal (403). */
export type ForeignJobs = 'not-found' | 'forbidden';

export type Owner = { kind: 'service' } | { kind: 'person'; username: string } | { kind: 'shared' };

/** Who a valid bearer token belongs to. */
export type Caller = { kind: 'service' } | { kind: 'person'; person: SimPerson };

/** `owner` as a person's request shows it. */
export interface OwnerView {
  createdBy: string;
  project: string | null;
}

export class Ownership {
  /** The project every person is a member of; the service user is not (its `projects` stay as seeded). */
  readonly sharedProject: ProjectDef;
  /** Jobs created through the API: their owner is whoever created them, not the hash. */
  private readonly created = new Map<string, Owner>();
  private readonly hashed = new Map<string, Owner>();
  private readonly personPercent: number;

  constructor(
    readonly people: readonly SimPerson[],
    seed: number | string,
  ) {
    this.sharedProject = {
      id: uuidFrom(`ucloud:${seed}:project:${SHARED_PROJECT_NAME}`, 'a'),
      title: SHARED_PROJECT_NAME,
      members: people.map((person) => person.username),
      driveId: 100_000 + percentile(`ucloud:${seed}:drive`) * 9_000,
    };
    // Many people would otherwise overflow 100 %: they split what the shared project leaves.
    this.personPercent = personPercent(people);
  }

  ownerOf(job: SimJob): Owner {
    const known = this.created.get(job.id) ?? this.hashed.get(job.id);
    if (known) return known;
    const owner = this.byHash(job.id);
    this.hashed.set(job.id, owner);
    return owner;
  }

  /** A job created through the API belongs to its creator (or to the shared project it was created in). */
  assign(job: SimJob, caller: Caller): void {
    if (caller.kind === 'service') this.created.set(job.id, { kind: 'service' });
    else this.created.set(job.id, job.project === this.sharedProject.id ? { kind: 'shared' } : { kind: 'person', username: caller.person.username });
  }

  personByToken(token: string | null): SimPerson | undefined {
    return token === null ? undefined : this.people.find((person) => person.ucloud.token === token);
  }

  person(username: string): SimPerson | undefined {
    return this.people.find((person) => person.username === username);
  }

  /** The workspace a person's `Project` header selects: their personal one, or the shared project. */
  workspaceOf(project: string | null): string | null {
    if (project === null || project === this.sharedProject.id) return project;
    // What UCloud answers for a project the caller is not a member of.
    throw new Refusal(403, 'Forbidden');
  }

  /** Whether `person` sees `job` in the workspace `project` (null: personal). */
  sees(person: SimPerson, job: SimJob, project: string | null): boolean {
    const owner = this.ownerOf(job);
    if (project === null) return owner.kind === 'person' && owner.username === person.username;
    return project === this.sharedProject.id && owner.kind === 'shared';
  }

  /** Whether `person` sees `job` in any of their workspaces. */
  seesAnywhere(person: SimPerson, job: SimJob): boolean {
    return this.sees(person, job, null) || this.sees(person, job, this.sharedProject.id);
  }

  /**
   * `owner` as a person reads it. Seeded jobs name the service user in the world; a person sees
   * their own login (or, in the shared project, a member's) so that `filterCreatedBy` works for them.
   */
  ownerView(job: SimJob): OwnerView {
    if (this.created.has(job.id)) return { createdBy: job.createdBy, project: job.project };
    const owner = this.ownerOf(job);
    if (owner.kind === 'person') return { createdBy: owner.username, project: null };
    if (owner.kind === 'shared') {
      const member = this.people[percentile(`ucloud:member:${job.id}`) % Math.max(1, this.people.length)];
      return { createdBy: member?.username ?? job.createdBy, project: this.sharedProject.id };
    }
    return { createdBy: job.createdBy, project: job.project };
  }

  /**
   * The job `id` names, for a person acting in `project`; a job of someone else answers as
   * `foreign` says, one of theirs in another workspace as unknown (it is not in this one).
   */
  jobFor(person: SimPerson, job: SimJob | undefined, project: string | null, now: number, foreign: ForeignJobs): SimJob {
    if (!job || job.createdAt > now) throw new Refusal(404, 'Not Found');
    if (this.sees(person, job, project)) return job;
    if (foreign === 'forbidden' && !this.seesAnywhere(person, job)) throw new Refusal(403, 'Permission denied');
    throw new Refusal(404, 'Not Found');
  }

  private byHash(id: string): Owner {
    if (this.people.length === 0) return { kind: 'service' };
    const at = percentile(`ucloud:owner:${id}`);
    if (at < SHARED_PERCENT) return { kind: 'shared' };
    const index = Math.floor((at - SHARED_PERCENT) / this.personPercent);
    const person = this.people[index];
    return person ? { kind: 'person', username: person.username } : { kind: 'service' };
  }
}
