/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query EveryCommonField($first: Int) {\n    jobs(first: $first) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          name\n          state\n          providerState\n          terminal\n          owner\n          project\n          createdAt\n          startedAt\n          finishedAt\n          runningTimeSeconds\n          statusMessage\n          capabilities {\n            cancel\n            extend\n            suspend\n            resume\n            logs\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n      }\n    }\n  }\n": typeof types.EveryCommonFieldDocument,
    "\n  query NodesById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Job {\n        provider\n        providerJobId\n        state\n      }\n    }\n  }\n": typeof types.NodesByIdDocument,
    "\n  query SameJobTwice($id: ID!) {\n    a: job(id: $id) {\n      id\n      state\n    }\n    b: job(id: $id) {\n      providerJobId\n    }\n    c: node(id: $id) {\n      id\n    }\n    d: nodes(ids: [$id, $id]) {\n      id\n    }\n  }\n": typeof types.SameJobTwiceDocument,
    "\n  query DriftJobs($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          providerState\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": typeof types.DriftJobsDocument,
    "\n  query DriftNodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Job {\n        provider\n        providerJobId\n        providerState\n        createdAt\n      }\n    }\n  }\n": typeof types.DriftNodesDocument,
    "\n  query ErrorsPage($first: Int, $after: String) {\n    jobs(first: $first, after: $after) {\n      edges {\n        node {\n          provider\n        }\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": typeof types.ErrorsPageDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n": typeof types.NodeByIdDocument,
    "\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      state\n    }\n  }\n": typeof types.JobByIdDocument,
    "\n  query FilteredPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          provider\n          providerJobId\n          state\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        message\n      }\n    }\n  }\n": typeof types.FilteredPageDocument,
    "\n  query Providers {\n    providers {\n      provider\n      enabled\n      reachable\n      checkedAt\n      lastError {\n        code\n        message\n      }\n      capabilities {\n        cancel\n        create\n        extend\n        suspend\n        resume\n        logs\n      }\n    }\n  }\n": typeof types.ProvidersDocument,
    "\n  query JobsPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": typeof types.JobsPageDocument,
    "\n  fragment MutationResultFields on JobMutationResult {\n    __typename\n    ... on JobMutationSuccess {\n      job {\n        __typename\n        id\n        provider\n        providerJobId\n        name\n        state\n        providerState\n        terminal\n        capabilities {\n          cancel\n          extend\n          suspend\n          resume\n        }\n        ... on UCloudJob {\n          replicas\n          timeAllocationSeconds\n          expiresAt\n          sshEnabled\n          parameters\n          application {\n            name\n            version\n          }\n          product {\n            id\n            category\n            provider\n          }\n        }\n        ... on GpuJob {\n          description\n          task\n          cpuCount\n          gpuCount\n          gpuName\n          minRamGb\n          maxTimeoutRunMs\n          maxTimeoutAssignMs\n          maxTimeoutStartMs\n          maxNodeCount\n          docker {\n            image\n            tag\n            host\n            user\n            imageSource\n            envNames\n            ports\n            allowedIps\n            volumes {\n              image\n              mount\n              registry\n              tag\n              user\n            }\n          }\n        }\n        ... on RimeJob {\n          jobType\n          cancellationRequested\n        }\n      }\n    }\n    ... on MutationError {\n      code\n      message\n    }\n    ... on NotFoundError {\n      id\n    }\n    ... on UnsupportedError {\n      provider\n      operation\n    }\n    ... on InvalidInputError {\n      issues {\n        path\n        message\n      }\n    }\n    ... on RejectedError {\n      provider\n      status\n    }\n    ... on UnavailableError {\n      provider\n      outcomeUnknown\n    }\n  }\n": typeof types.MutationResultFieldsFragmentDoc,
    "\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n": typeof types.CancelJobDocument,
    "\n  mutation CancelJobs($ids: [ID!]!) {\n    cancelJobs(ids: $ids) {\n      ...MutationResultFields\n    }\n  }\n": typeof types.CancelJobsDocument,
    "\n  mutation ExtendJob($id: ID!, $duration: DurationInput!) {\n    extendJob(id: $id, duration: $duration) {\n      ...MutationResultFields\n    }\n  }\n": typeof types.ExtendJobDocument,
    "\n  mutation SuspendJob($id: ID!) {\n    suspendJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n": typeof types.SuspendJobDocument,
    "\n  mutation ResumeJob($id: ID!) {\n    resumeJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n": typeof types.ResumeJobDocument,
    "\n  mutation CreateGpuJob($input: CreateGpuJobInput!) {\n    createGpuJob(input: $input) {\n      ...MutationResultFields\n    }\n  }\n": typeof types.CreateGpuJobDocument,
    "\n  mutation CreateUCloudJob($input: CreateUCloudJobInput!) {\n    createUCloudJob(input: $input) {\n      ...MutationResultFields\n    }\n  }\n": typeof types.CreateUCloudJobDocument,
    "\n  query MutatedJobState($id: ID!) {\n    job(id: $id) {\n      state\n      providerState\n    }\n  }\n": typeof types.MutatedJobStateDocument,
};
const documents: Documents = {
    "\n  query EveryCommonField($first: Int) {\n    jobs(first: $first) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          name\n          state\n          providerState\n          terminal\n          owner\n          project\n          createdAt\n          startedAt\n          finishedAt\n          runningTimeSeconds\n          statusMessage\n          capabilities {\n            cancel\n            extend\n            suspend\n            resume\n            logs\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n      }\n    }\n  }\n": types.EveryCommonFieldDocument,
    "\n  query NodesById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Job {\n        provider\n        providerJobId\n        state\n      }\n    }\n  }\n": types.NodesByIdDocument,
    "\n  query SameJobTwice($id: ID!) {\n    a: job(id: $id) {\n      id\n      state\n    }\n    b: job(id: $id) {\n      providerJobId\n    }\n    c: node(id: $id) {\n      id\n    }\n    d: nodes(ids: [$id, $id]) {\n      id\n    }\n  }\n": types.SameJobTwiceDocument,
    "\n  query DriftJobs($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          providerState\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": types.DriftJobsDocument,
    "\n  query DriftNodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Job {\n        provider\n        providerJobId\n        providerState\n        createdAt\n      }\n    }\n  }\n": types.DriftNodesDocument,
    "\n  query ErrorsPage($first: Int, $after: String) {\n    jobs(first: $first, after: $after) {\n      edges {\n        node {\n          provider\n        }\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": types.ErrorsPageDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n": types.NodeByIdDocument,
    "\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      state\n    }\n  }\n": types.JobByIdDocument,
    "\n  query FilteredPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          provider\n          providerJobId\n          state\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        message\n      }\n    }\n  }\n": types.FilteredPageDocument,
    "\n  query Providers {\n    providers {\n      provider\n      enabled\n      reachable\n      checkedAt\n      lastError {\n        code\n        message\n      }\n      capabilities {\n        cancel\n        create\n        extend\n        suspend\n        resume\n        logs\n      }\n    }\n  }\n": types.ProvidersDocument,
    "\n  query JobsPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": types.JobsPageDocument,
    "\n  fragment MutationResultFields on JobMutationResult {\n    __typename\n    ... on JobMutationSuccess {\n      job {\n        __typename\n        id\n        provider\n        providerJobId\n        name\n        state\n        providerState\n        terminal\n        capabilities {\n          cancel\n          extend\n          suspend\n          resume\n        }\n        ... on UCloudJob {\n          replicas\n          timeAllocationSeconds\n          expiresAt\n          sshEnabled\n          parameters\n          application {\n            name\n            version\n          }\n          product {\n            id\n            category\n            provider\n          }\n        }\n        ... on GpuJob {\n          description\n          task\n          cpuCount\n          gpuCount\n          gpuName\n          minRamGb\n          maxTimeoutRunMs\n          maxTimeoutAssignMs\n          maxTimeoutStartMs\n          maxNodeCount\n          docker {\n            image\n            tag\n            host\n            user\n            imageSource\n            envNames\n            ports\n            allowedIps\n            volumes {\n              image\n              mount\n              registry\n              tag\n              user\n            }\n          }\n        }\n        ... on RimeJob {\n          jobType\n          cancellationRequested\n        }\n      }\n    }\n    ... on MutationError {\n      code\n      message\n    }\n    ... on NotFoundError {\n      id\n    }\n    ... on UnsupportedError {\n      provider\n      operation\n    }\n    ... on InvalidInputError {\n      issues {\n        path\n        message\n      }\n    }\n    ... on RejectedError {\n      provider\n      status\n    }\n    ... on UnavailableError {\n      provider\n      outcomeUnknown\n    }\n  }\n": types.MutationResultFieldsFragmentDoc,
    "\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n": types.CancelJobDocument,
    "\n  mutation CancelJobs($ids: [ID!]!) {\n    cancelJobs(ids: $ids) {\n      ...MutationResultFields\n    }\n  }\n": types.CancelJobsDocument,
    "\n  mutation ExtendJob($id: ID!, $duration: DurationInput!) {\n    extendJob(id: $id, duration: $duration) {\n      ...MutationResultFields\n    }\n  }\n": types.ExtendJobDocument,
    "\n  mutation SuspendJob($id: ID!) {\n    suspendJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n": types.SuspendJobDocument,
    "\n  mutation ResumeJob($id: ID!) {\n    resumeJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n": types.ResumeJobDocument,
    "\n  mutation CreateGpuJob($input: CreateGpuJobInput!) {\n    createGpuJob(input: $input) {\n      ...MutationResultFields\n    }\n  }\n": types.CreateGpuJobDocument,
    "\n  mutation CreateUCloudJob($input: CreateUCloudJobInput!) {\n    createUCloudJob(input: $input) {\n      ...MutationResultFields\n    }\n  }\n": types.CreateUCloudJobDocument,
    "\n  query MutatedJobState($id: ID!) {\n    job(id: $id) {\n      state\n      providerState\n    }\n  }\n": types.MutatedJobStateDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EveryCommonField($first: Int) {\n    jobs(first: $first) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          name\n          state\n          providerState\n          terminal\n          owner\n          project\n          createdAt\n          startedAt\n          finishedAt\n          runningTimeSeconds\n          statusMessage\n          capabilities {\n            cancel\n            extend\n            suspend\n            resume\n            logs\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n      }\n    }\n  }\n"): (typeof documents)["\n  query EveryCommonField($first: Int) {\n    jobs(first: $first) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          name\n          state\n          providerState\n          terminal\n          owner\n          project\n          createdAt\n          startedAt\n          finishedAt\n          runningTimeSeconds\n          statusMessage\n          capabilities {\n            cancel\n            extend\n            suspend\n            resume\n            logs\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodesById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Job {\n        provider\n        providerJobId\n        state\n      }\n    }\n  }\n"): (typeof documents)["\n  query NodesById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Job {\n        provider\n        providerJobId\n        state\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SameJobTwice($id: ID!) {\n    a: job(id: $id) {\n      id\n      state\n    }\n    b: job(id: $id) {\n      providerJobId\n    }\n    c: node(id: $id) {\n      id\n    }\n    d: nodes(ids: [$id, $id]) {\n      id\n    }\n  }\n"): (typeof documents)["\n  query SameJobTwice($id: ID!) {\n    a: job(id: $id) {\n      id\n      state\n    }\n    b: job(id: $id) {\n      providerJobId\n    }\n    c: node(id: $id) {\n      id\n    }\n    d: nodes(ids: [$id, $id]) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DriftJobs($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          providerState\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query DriftJobs($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          providerState\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DriftNodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Job {\n        provider\n        providerJobId\n        providerState\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query DriftNodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Job {\n        provider\n        providerJobId\n        providerState\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErrorsPage($first: Int, $after: String) {\n    jobs(first: $first, after: $after) {\n      edges {\n        node {\n          provider\n        }\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query ErrorsPage($first: Int, $after: String) {\n    jobs(first: $first, after: $after) {\n      edges {\n        node {\n          provider\n        }\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      state\n    }\n  }\n"): (typeof documents)["\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FilteredPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          provider\n          providerJobId\n          state\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query FilteredPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          provider\n          providerJobId\n          state\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Providers {\n    providers {\n      provider\n      enabled\n      reachable\n      checkedAt\n      lastError {\n        code\n        message\n      }\n      capabilities {\n        cancel\n        create\n        extend\n        suspend\n        resume\n        logs\n      }\n    }\n  }\n"): (typeof documents)["\n  query Providers {\n    providers {\n      provider\n      enabled\n      reachable\n      checkedAt\n      lastError {\n        code\n        message\n      }\n      capabilities {\n        cancel\n        create\n        extend\n        suspend\n        resume\n        logs\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobsPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query JobsPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MutationResultFields on JobMutationResult {\n    __typename\n    ... on JobMutationSuccess {\n      job {\n        __typename\n        id\n        provider\n        providerJobId\n        name\n        state\n        providerState\n        terminal\n        capabilities {\n          cancel\n          extend\n          suspend\n          resume\n        }\n        ... on UCloudJob {\n          replicas\n          timeAllocationSeconds\n          expiresAt\n          sshEnabled\n          parameters\n          application {\n            name\n            version\n          }\n          product {\n            id\n            category\n            provider\n          }\n        }\n        ... on GpuJob {\n          description\n          task\n          cpuCount\n          gpuCount\n          gpuName\n          minRamGb\n          maxTimeoutRunMs\n          maxTimeoutAssignMs\n          maxTimeoutStartMs\n          maxNodeCount\n          docker {\n            image\n            tag\n            host\n            user\n            imageSource\n            envNames\n            ports\n            allowedIps\n            volumes {\n              image\n              mount\n              registry\n              tag\n              user\n            }\n          }\n        }\n        ... on RimeJob {\n          jobType\n          cancellationRequested\n        }\n      }\n    }\n    ... on MutationError {\n      code\n      message\n    }\n    ... on NotFoundError {\n      id\n    }\n    ... on UnsupportedError {\n      provider\n      operation\n    }\n    ... on InvalidInputError {\n      issues {\n        path\n        message\n      }\n    }\n    ... on RejectedError {\n      provider\n      status\n    }\n    ... on UnavailableError {\n      provider\n      outcomeUnknown\n    }\n  }\n"): (typeof documents)["\n  fragment MutationResultFields on JobMutationResult {\n    __typename\n    ... on JobMutationSuccess {\n      job {\n        __typename\n        id\n        provider\n        providerJobId\n        name\n        state\n        providerState\n        terminal\n        capabilities {\n          cancel\n          extend\n          suspend\n          resume\n        }\n        ... on UCloudJob {\n          replicas\n          timeAllocationSeconds\n          expiresAt\n          sshEnabled\n          parameters\n          application {\n            name\n            version\n          }\n          product {\n            id\n            category\n            provider\n          }\n        }\n        ... on GpuJob {\n          description\n          task\n          cpuCount\n          gpuCount\n          gpuName\n          minRamGb\n          maxTimeoutRunMs\n          maxTimeoutAssignMs\n          maxTimeoutStartMs\n          maxNodeCount\n          docker {\n            image\n            tag\n            host\n            user\n            imageSource\n            envNames\n            ports\n            allowedIps\n            volumes {\n              image\n              mount\n              registry\n              tag\n              user\n            }\n          }\n        }\n        ... on RimeJob {\n          jobType\n          cancellationRequested\n        }\n      }\n    }\n    ... on MutationError {\n      code\n      message\n    }\n    ... on NotFoundError {\n      id\n    }\n    ... on UnsupportedError {\n      provider\n      operation\n    }\n    ... on InvalidInputError {\n      issues {\n        path\n        message\n      }\n    }\n    ... on RejectedError {\n      provider\n      status\n    }\n    ... on UnavailableError {\n      provider\n      outcomeUnknown\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelJobs($ids: [ID!]!) {\n    cancelJobs(ids: $ids) {\n      ...MutationResultFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelJobs($ids: [ID!]!) {\n    cancelJobs(ids: $ids) {\n      ...MutationResultFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExtendJob($id: ID!, $duration: DurationInput!) {\n    extendJob(id: $id, duration: $duration) {\n      ...MutationResultFields\n    }\n  }\n"): (typeof documents)["\n  mutation ExtendJob($id: ID!, $duration: DurationInput!) {\n    extendJob(id: $id, duration: $duration) {\n      ...MutationResultFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SuspendJob($id: ID!) {\n    suspendJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n"): (typeof documents)["\n  mutation SuspendJob($id: ID!) {\n    suspendJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeJob($id: ID!) {\n    resumeJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeJob($id: ID!) {\n    resumeJob(id: $id) {\n      ...MutationResultFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGpuJob($input: CreateGpuJobInput!) {\n    createGpuJob(input: $input) {\n      ...MutationResultFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateGpuJob($input: CreateGpuJobInput!) {\n    createGpuJob(input: $input) {\n      ...MutationResultFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUCloudJob($input: CreateUCloudJobInput!) {\n    createUCloudJob(input: $input) {\n      ...MutationResultFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateUCloudJob($input: CreateUCloudJobInput!) {\n    createUCloudJob(input: $input) {\n      ...MutationResultFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MutatedJobState($id: ID!) {\n    job(id: $id) {\n      state\n      providerState\n    }\n  }\n"): (typeof documents)["\n  query MutatedJobState($id: ID!) {\n    job(id: $id) {\n      state\n      providerState\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;