// Every field of every job type resolves, over HTTP, for real jobs of each backend; the selection is
// built from the schema itself so a field added later is covered without touching this test.
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { gqlData, startWorld, type World } from '../support/gateway.js';

/** Every field of `type`, objects expanded all the way down (no job type nests another job). */
function selection(type: GraphQLObjectType, depth = 0): string {
  const fields = Object.values(type.getFields()).filter((field: GraphQLField<unknown, unknown>) => field.args.every((a) => a.type.toString().endsWith('!') === false));
  return fields
    .map((field) => {
      const named = getNamedType(field.type);
      if (isObjectType(named)) return `${field.name} { ${selection(named, depth + 1)} }`;
      if (isInterfaceType(named) || isUnionType(named)) return `${field.name} { __typename }`;
      return field.name;
    })
    .join(' ');
}

const JOB_TYPES = ['UCloudJob', 'RimeJob', 'DataManagerInstance', 'GpuJob'] as const;
const query = `query Everything($ids: [ID!]!) { nodes(ids: $ids) { __typename ${JOB_TYPES.map(
  (name) => `... on ${name} { ${selection(schema.getType(name) as GraphQLObjectType)} }`,
).join(' ')} } }`;

type Node = Record<string, unknown> & { __typename: string };

let world: World;

beforeAll(async () => {
  world = await startWorld({ seed: 17 });
});

afterAll(async () => {
  await world?.close();
});

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Every field of the answer present (null allowed where the schema allows it: GraphQL checks that). */
function expectAllFields(node: Node, type: GraphQLObjectType): void {
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => a.type.toString().endsWith('!'))) continue;
    expect(node, `${type.name}.${field.name}`).toHaveProperty(field.name);
  }
}

describe('every field of every job type', () => {
  it('resolves for seeded jobs of each backend in every state, without errors', async () => {
    const { ucloud, rime, dataManager, gpu } = world.demo;
    const oneOfEachState = <T extends { id: string; state: string }>(items: T[]) =>
      [...new Map(items.map((item) => [item.state, item.id])).values()];
    const ids = [
      ...oneOfEachState(ucloud.inventory()).map((id) => b64(`UCloudJob:${id}`)),
      ...oneOfEachState(rime.inventory()).map((id) => b64(`RimeJob:${id}`)),
      ...oneOfEachState(dataManager.inventory()).map((id) => b64(`DataManagerInstance:${id}`)),
      ...oneOfEachState(gpu.inventory()).map((id) => b64(`GpuJob:${id}`)),
    ];
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(ids.length).toBeLessThanOrEqual(100);
    const { nodes } = await gqlData<{ nodes: (Node | null)[] }, { ids: string[] }>(world.url, query, { ids });
    expect(nodes).toHaveLength(ids.length);
    for (const node of nodes) {
      expect(node).not.toBeNull();
      expectAllFields(node!, schema.getType(node!.__typename) as GraphQLObjectType);
    }
  });

  it('carries the backends\' values faithfully', async () => {
    const { ucloud, gpu, dataManager } = world.demo;
    const gpuJob = gpu.inventory()[5]!;
    const gpuWire = gpu.snapshot(gpuJob.id) as Record<string, unknown> & { parameters: { parameters: Record<string, unknown> } };
    const ucloudJob = ucloud.inventory().find((item) => item.state === 'SUCCESS')!;
    const ucloudWire = ucloud.job(ucloudJob.id) as unknown as {
      specification: { application: { name: string; version: string }; product: { id: string }; replicas: number };
      updates: unknown[];
    };
    const dm = dataManager.inventory()[4]!;
    const { nodes } = await gqlData<{ nodes: (Node | null)[] }, { ids: string[] }>(world.url, query, {
      ids: [b64(`GpuJob:${gpuJob.id}`), b64(`UCloudJob:${ucloudJob.id}`), b64(`DataManagerInstance:${dm.id}`)],
    });
    const [g, u, d] = nodes as Node[];
    expect(g).toMatchObject({ providerJobId: gpuJob.id, name: gpuWire.title, providerState: gpuWire.status, task: gpuWire.task });
    expect((g!.docker as Record<string, unknown>).image).toBe(gpuWire.parameters.parameters.image);
    // Secrets never leave the gateway, not even by accident inside another field.
    const gpuText = JSON.stringify(g);
    for (const secret of ['secret', 'sshkey']) {
      const value = gpuWire.parameters.parameters[secret];
      if (typeof value === 'string' && value.length > 0) expect(gpuText).not.toContain(value);
    }
    expect(u).toMatchObject({
      providerJobId: ucloudJob.id,
      state: 'SUCCEEDED',
      terminal: true,
      replicas: ucloudWire.specification.replicas,
      application: ucloudWire.specification.application,
    });
    expect((u!.product as Record<string, unknown>).id).toBe(ucloudWire.specification.product.id);
    expect(u!.updates).toHaveLength(ucloudWire.updates.length);
    expect(d).toMatchObject({ providerJobId: dm.id, name: dm.name, phase: dm.state, owner: dm.owner, project: dm.project });
    expect(d!.taskIds).toEqual(dataManager.taskIds(dm.id));
  });
});
