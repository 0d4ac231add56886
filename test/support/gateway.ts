import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import type { Config } from '../../src/config.js';
import { startDemoBackends, type DemoBackends, type DemoOptions } from '../../src/demo.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server.js';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { testConfig } from './config.js';

export const WORLD_START = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface World {
  demo: DemoBackends;
  clock: ManualClock;
  gateway: Gateway;
  /** The GraphQL endpoint (`http://127.0.0.1:<port>/graphql`). */
  url: string;
  close(): Promise<void>;
}

/** The four simulators on a clock the test drives, and a gateway over them, both on free ports. */
export async function startWorld(
  options: { seed?: number; config?: Partial<Config> | ((demo: DemoBackends) => Partial<Config>); gateway?: GatewayOptions } & Pick<
    DemoOptions,
    'drift' | 'simulators' | 'jobCount'
  > = {},
): Promise<World> {
  const clock = new ManualClock(WORLD_START);
  const { seed = 11, config, gateway: gatewayOptions, ...demoOptions } = options;
  const demo = await startDemoBackends({ clock, seed, ...demoOptions });
  // A function of the simulators: settings that need their URLs (a backend forwarding callers' credentials).
  const gateway = createGateway(testConfig(demo, typeof config === 'function' ? config(demo) : config), gatewayOptions);
  const url = await gateway.listen();
  return {
    demo,
    clock,
    gateway,
    url,
    close: async () => {
      await gateway.close();
      await demo.close();
    },
  };
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

/** One GraphQL request over real HTTP, as any client would send it. */
export async function gql<T, V extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<T, V> | string,
  variables?: V,
  /** More request headers: `authorization`, forwarded credentials. */
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const query = typeof document === 'string' ? document : print(document);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLFormattedError[] };
  return { status: response.status, ...body };
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export async function gqlData<T, V extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<T, V> | string,
  variables?: V,
): Promise<T> {
  const response = await gql(url, document, variables);
  if (response.errors?.length || response.data == null) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors ?? response)}`);
  }
  return response.data;
}
