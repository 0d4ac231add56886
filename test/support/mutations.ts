// Typed mutation documents and the helpers the mutation suites share.
import { expect } from 'vitest';
import { graphql } from '../../schema/client/index.js';
import type { MutationResultFieldsFragment } from '../../schema/client/graphql.js';
import type { JobProvider } from '../../src/providers/job.js';
import type { RecordedRequest, SimServer } from '../../src/simulators/common/server.js';
import type { World } from './gateway.js';

export const MutationResultFields = graphql(`
  fragment MutationResultFields on JobMutationResult {
    __typename
    ... on JobMutationSuccess {
      job {
        __typename
        id
        provider
        providerJobId
        name
        state
        providerState
        terminal
        capabilities {
          cancel
          extend
          suspend
          resume
        }
        ... on UCloudJob {
          replicas
          timeAllocationSeconds
          expiresAt
          sshEnabled
          parameters
          application {
            name
            version
          }
          product {
            id
            category
            provider
          }
        }
        ... on GpuJob {
          description
          task
          cpuCount
          gpuCount
          gpuName
          minRamGb
          maxTimeoutRunMs
          maxTimeoutAssignMs
          maxTimeoutStartMs
          maxNodeCount
          docker {
            image
            tag
            host
            user
            imageSource
            envNames
            ports
            allowedIps
            volumes {
              image
              mount
              registry
              tag
              user
            }
          }
        }
        ... on RimeJob {
          jobType
          cancellationRequested
        }
      }
    }
    ... on MutationError {
      code
      message
    }
    ... on NotFoundError {
      id
    }
    ... on UnsupportedError {
      provider
      operation
    }
    ... on InvalidInputError {
      issues {
        path
        message
      }
    }
    ... on RejectedError {
      provider
      status
    }
    ... on UnavailableError {
      provider
      outcomeUnknown
    }
  }
`);

export const CancelJob = graphql(`
  mutation CancelJob($id: ID!) {
    cancelJob(id: $id) {
      ...MutationResultFields
    }
  }
`);

export const CancelJobs = graphql(`
  mutation CancelJobs($ids: [ID!]!) {
    cancelJobs(ids: $ids) {
      ...MutationResultFields
    }
  }
`);

export const ExtendJob = graphql(`
  mutation ExtendJob($id: ID!, $duration: DurationInput!) {
    extendJob(id: $id, duration: $duration) {
      ...MutationResultFields
    }
  }
`);

export const SuspendJob = graphql(`
  mutation SuspendJob($id: ID!) {
    suspendJob(id: $id) {
      ...MutationResultFields
    }
  }
`);

export const ResumeJob = graphql(`
  mutation ResumeJob($id: ID!) {
    resumeJob(id: $id) {
      ...MutationResultFields
    }
  }
`);

export const CreateGpuJob = graphql(`
  mutation CreateGpuJob($input: CreateGpuJobInput!) {
    createGpuJob(input: $input) {
      ...MutationResultFields
    }
  }
`);

export const CreateUCloudJob = graphql(`
  mutation CreateUCloudJob($input: CreateUCloudJobInput!) {
    createUCloudJob(input: $input) {
      ...MutationResultFields
    }
  }
`);

export const JobState = graphql(`
  query MutatedJobState($id: ID!) {
    job(id: $id) {
      state
      providerState
    }
  }
`);

export type Result = MutationResultFieldsFragment;
export type Typename = Result['__typename'];
export type ResultOf<T extends Typename> = Extract<Result, { __typename: T }>;

const TYPENAMES = { UCLOUD: 'UCloudJob', RIME: 'RimeJob', DATA_MANAGER: 'DataManagerInstance', GPU: 'GpuJob' } as const;

export type MutatedJob = ResultOf<'JobMutationSuccess'>['job'];

/** The job, which must be of the GraphQL type `typename`. */
export function jobAs<T extends MutatedJob['__typename']>(job: MutatedJob, typename: T): Extract<MutatedJob, { __typename: T }> {
  expect(job.__typename).toBe(typename);
  return job as Extract<MutatedJob, { __typename: T }>;
}

/** A global ID built the way Relay tooling reads it, independently of the gateway's encoder. */
export function globalId(provider: JobProvider, id: string): string {
  return Buffer.from(`${TYPENAMES[provider]}:${id}`).toString('base64');
}

/** The result, which must be of `typename` (the test fails with the whole result otherwise). */
export function as<T extends Typename>(result: Result | undefined, typename: T): ResultOf<T> {
  expect(result?.__typename, JSON.stringify(result)).toBe(typename);
  return result as ResultOf<T>;
}

export function sims(world: World): SimServer[] {
  const { ucloud, rime, dataManager, gpu } = world.demo;
  return [ucloud.server, rime.server, dataManager.server, gpu.server];
}

/** Every request the four simulators saw that is not a read: what a mutation test must account for. */
export function writes(world: World): RecordedRequest[] {
  return sims(world).flatMap((server) => server.requests.filter((request) => request.method !== 'GET' && request.route !== 'POST /auth/refresh'));
}

/** Every request the four simulators saw (the UCloud token refresh aside). */
export function allRequests(world: World): RecordedRequest[] {
  return sims(world).flatMap((server) => server.requests.filter((request) => request.route !== 'POST /auth/refresh'));
}

export function resetSims(world: World): void {
  for (const server of sims(world)) {
    server.faults.reset();
    server.resetCounts();
  }
}

/** The one recorded request of `route`; fails unless there was exactly one. */
export function onlyRequest(server: SimServer, route: string): RecordedRequest {
  const matching = server.requests.filter((request) => request.route === route);
  expect(matching, `requests of ${route}`).toHaveLength(1);
  return matching[0] as RecordedRequest;
}

export function header(request: RecordedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
