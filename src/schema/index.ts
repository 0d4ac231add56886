// The one place the schema is built: the server and the schema printer both import it from here.
import { builder } from './builder.js';
import './scalars.js';
import './enums.js';
import './job.js';
import './ucloud.js';
import './rime.js';
import './datamanager.js';
import './gpu.js';
import './provider-error.js';
import './connection.js';
import './providers.js';
import './mutation-errors.js';
import './mutations-cancel.js';
import './mutations-lifecycle.js';
import './mutations-create-gpu.js';
import './mutations-create-ucloud.js';
import './live.js';

builder.queryType({ description: 'Read jobs of every backend through one schema.' });
builder.mutationType({ description: 'Act on jobs of any backend: cancel, create, extend, suspend, resume. Each answers a typed result; none is ever retried by the gateway.' });
builder.subscriptionType({ description: 'Live job state, job events and job output, over graphql-ws or SSE on the GraphQL path.' });

export const schema = builder.toSchema({ sortSchema: true });
