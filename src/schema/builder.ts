import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import type { GatewayContext } from '../context.js';
import type { ProviderErrorFields } from './provider-error.js';
import { decodeGlobalId, encodeGlobalId } from './global-id.js';
import { badInput } from './input-error.js';

export const MAX_NODES = 100;

/** The one SchemaBuilder: every plugin, no types (those live one file per type beside it). */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { providerErrors: ProviderErrorFields[] };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ErrorsPlugin, RelayPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    edgesFieldOptions: { nullable: false, description: 'The jobs of this page, in list order.' },
    nodeFieldOptions: { nullable: false, description: 'The job at this position.' },
    cursorFieldOptions: { description: 'Opaque position of this edge; pass it as `after` to continue after it.' },
    pageInfoFieldOptions: { description: 'Where this page sits in the whole list.' },
    nodeTypeOptions: { description: 'An object with a global ID that `node` and `nodes` can fetch again.' },
    idFieldOptions: { description: 'Global ID, stable across requests and gateway replicas.' },
    pageInfoTypeOptions: { description: 'Forward pagination state of a connection (Relay cursor connections).' },
    hasNextPageFieldOptions: { description: 'True when more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'True when this page was requested after a cursor.' },
    startCursorFieldOptions: { description: 'Cursor of the first edge of this page; null when the page is empty.' },
    endCursorFieldOptions: { description: 'Cursor of the last edge of this page; pass it as `after` for the next page.' },
    nodeQueryOptions: {
      description: 'Fetches any object with a global ID; null when it no longer exists.',
      args: { id: { description: 'A global ID (`Node.id`).' } },
    },
    nodesQueryOptions: {
      description: `Fetches up to ${MAX_NODES} objects by global ID in one batched round (one request per backend where it can batch); null for each that does not exist.`,
      args: { ids: { description: `Global IDs (\`Node.id\`), at most ${MAX_NODES}.` } },
      resolve: (_root, { ids }, _context, _info, resolveNodes) => {
        if (ids.length > MAX_NODES) throw badInput([{ message: `at most ${MAX_NODES} ids per request`, path: ['ids'] }]);
        return resolveNodes(ids);
      },
    },
  },
  errors: {
    defaultTypes: [],
    // Lets a mutation answer broken argument rules (validation plugin) as an InvalidInputError
    // result. "Unsafely" is about auth plugins running after validation; there are none here.
    unsafelyHandleInputErrors: true,
  },
  validation: {
    validationError: (failure) => badInput(failure.issues),
  },
});
