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
    "\n  query ErrorsPage($first: Int, $after: String) {\n    jobs(first: $first, after: $after) {\n      edges {\n        node {\n          provider\n        }\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": typeof types.ErrorsPageDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n": typeof types.NodeByIdDocument,
    "\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      state\n    }\n  }\n": typeof types.JobByIdDocument,
    "\n  query FilteredPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          provider\n          providerJobId\n          state\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        message\n      }\n    }\n  }\n": typeof types.FilteredPageDocument,
    "\n  query Providers {\n    providers {\n      provider\n      enabled\n      reachable\n      lastError {\n        code\n        message\n      }\n      capabilities {\n        cancel\n        create\n        extend\n        suspend\n        resume\n        logs\n      }\n    }\n  }\n": typeof types.ProvidersDocument,
    "\n  query JobsPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": typeof types.JobsPageDocument,
};
const documents: Documents = {
    "\n  query EveryCommonField($first: Int) {\n    jobs(first: $first) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          name\n          state\n          providerState\n          terminal\n          owner\n          project\n          createdAt\n          startedAt\n          finishedAt\n          runningTimeSeconds\n          statusMessage\n          capabilities {\n            cancel\n            extend\n            suspend\n            resume\n            logs\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n      }\n    }\n  }\n": types.EveryCommonFieldDocument,
    "\n  query NodesById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Job {\n        provider\n        providerJobId\n        state\n      }\n    }\n  }\n": types.NodesByIdDocument,
    "\n  query SameJobTwice($id: ID!) {\n    a: job(id: $id) {\n      id\n      state\n    }\n    b: job(id: $id) {\n      providerJobId\n    }\n    c: node(id: $id) {\n      id\n    }\n    d: nodes(ids: [$id, $id]) {\n      id\n    }\n  }\n": types.SameJobTwiceDocument,
    "\n  query ErrorsPage($first: Int, $after: String) {\n    jobs(first: $first, after: $after) {\n      edges {\n        node {\n          provider\n        }\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": types.ErrorsPageDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n    }\n  }\n": types.NodeByIdDocument,
    "\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      state\n    }\n  }\n": types.JobByIdDocument,
    "\n  query FilteredPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          provider\n          providerJobId\n          state\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      providerErrors {\n        provider\n        message\n      }\n    }\n  }\n": types.FilteredPageDocument,
    "\n  query Providers {\n    providers {\n      provider\n      enabled\n      reachable\n      lastError {\n        code\n        message\n      }\n      capabilities {\n        cancel\n        create\n        extend\n        suspend\n        resume\n        logs\n      }\n    }\n  }\n": types.ProvidersDocument,
    "\n  query JobsPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n": types.JobsPageDocument,
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
export function graphql(source: "\n  query Providers {\n    providers {\n      provider\n      enabled\n      reachable\n      lastError {\n        code\n        message\n      }\n      capabilities {\n        cancel\n        create\n        extend\n        suspend\n        resume\n        logs\n      }\n    }\n  }\n"): (typeof documents)["\n  query Providers {\n    providers {\n      provider\n      enabled\n      reachable\n      lastError {\n        code\n        message\n      }\n      capabilities {\n        cancel\n        create\n        extend\n        suspend\n        resume\n        logs\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobsPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query JobsPage($first: Int, $after: String, $filter: JobFilter) {\n    jobs(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          provider\n          providerJobId\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      providerErrors {\n        provider\n        code\n        message\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;