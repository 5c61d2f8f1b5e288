import type { ApiClient } from './http/api-client.ts';

const tokenHeader = (token?: string): Record<string, string> => (token === undefined ? {} : { 'x-queue-token': token });

/** Queue service calls, against one chosen instance. */
export const queueApi = {
  enter(api: ApiClient, baseUrl: string, body: unknown) {
    return api.send('POST', `${baseUrl}/api/v1/queue/enter`, { body });
  },
  /** A body sent as is, e.g. text that is not JSON. */
  enterRaw(api: ApiClient, baseUrl: string, rawBody: string) {
    return api.send('POST', `${baseUrl}/api/v1/queue/enter`, { rawBody, headers: { 'content-type': 'application/json' } });
  },
  status(api: ApiClient, baseUrl: string, token?: string) {
    return api.send('GET', `${baseUrl}/api/v1/queue/status`, { headers: tokenHeader(token) });
  },
  activate(api: ApiClient, baseUrl: string, token?: string) {
    return api.send('POST', `${baseUrl}/api/v1/queue/activate`, { headers: tokenHeader(token) });
  },
  exit(api: ApiClient, baseUrl: string, token?: string) {
    return api.send('DELETE', `${baseUrl}/api/v1/queue/token`, { headers: tokenHeader(token) });
  },
  health(api: ApiClient, baseUrl: string, probe: 'live' | 'ready') {
    return api.send('GET', `${baseUrl}/health/${probe}`);
  },
  metrics(api: ApiClient, baseUrl: string) {
    return api.send('GET', `${baseUrl}/metrics`);
  },
};
