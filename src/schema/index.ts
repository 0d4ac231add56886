// The one place the schema is built: the server and the schema printer both import it from here.
import { builder } from './builder.js';
import './scalars.js';
import './enums.js';
import './job.js';
import './ucloud.js';
import './rime.js';
import './datamanager.js';
import './gpu.js';
import './connection.js';
import './providers.js';

builder.queryType({ description: 'Read jobs of every backend through one schema.' });

export const schema = builder.toSchema({ sortSchema: true });
