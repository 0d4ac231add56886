import * as datamanager from '../../src/simulators/datamanager/index.js';
import * as gpu from '../../src/simulators/gpu/index.js';
import * as rime from '../../src/simulators/rime/index.js';
import * as ucloud from '../../src/simulators/ucloud/index.js';

/** Every credential the demo backends accept: none may ever appear in an answer, a log or a span. */
export const DEMO_SECRETS: readonly string[] = [
  ucloud.DEMO_CREDENTIALS.token,
  ucloud.DEMO_CREDENTIALS.refreshToken,
  rime.DEMO_API_KEY,
  datamanager.DEMO_TOKEN,
  gpu.DEMO_CREDENTIALS.apiKey,
  gpu.DEMO_CREDENTIALS.apiSecret,
];
