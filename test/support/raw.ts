// Upstream answers exactly as the simulators send them, for tests that feed the wire schemas by
// hand. Real HTTP with each backend's real authentication; nothing is parsed here.
import type { DemoBackends } from '../../src/demo.js';
import { HttpClient, type OutgoingRequest } from '../../src/providers/http.js';
import type { JobProvider } from '../../src/providers/job.js';
import { signedHeaders } from '../../src/providers/gpu/signing.js';
import { UCloudClient } from '../../src/providers/ucloud/client.js';

export interface RawClient {
  get(path: string, query?: string): Promise<unknown>;
  close(): Promise<void>;
}

function wrap(http: HttpClient, owned: { close(): Promise<void> }): RawClient {
  return {
    get: async (path, query = '') => {
      const request: OutgoingRequest = { method: 'GET', path, query };
      return JSON.parse(await http.send(request)) as unknown;
    },
    close: () => owned.close(),
  };
}

export function rawClient(demo: DemoBackends, provider: JobProvider): RawClient {
  const timeoutMs = 5_000;
  switch (provider) {
    case 'UCLOUD': {
      // The UCloud client owns the token refresh; its HttpClient sends with whatever token it holds.
      const client = new UCloudClient(demo.settings.ucloud!, { timeoutMs });
      return wrap(client.http, client);
    }
    case 'RIME': {
      const { url, apiKey } = demo.settings.rime!;
      const http = new HttpClient({ provider, baseUrl: url, timeoutMs, authenticate: () => ({ 'rime-api-key': apiKey }) });
      return wrap(http, http);
    }
    case 'DATA_MANAGER': {
      const { url, token } = demo.settings.dataManager!;
      const http = new HttpClient({ provider, baseUrl: url, timeoutMs, authenticate: () => ({ authorization: `Bearer ${token}` }) });
      return wrap(http, http);
    }
    case 'GPU': {
      const { url, apiKey, apiSecret } = demo.settings.gpu!;
      const http = new HttpClient({ provider, baseUrl: url, timeoutMs, authenticate: (request) => signedHeaders({ apiKey, apiSecret }, request) });
      return wrap(http, http);
    }
  }
}
