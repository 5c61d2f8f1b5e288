import type { ApiClient } from './http/api-client.ts';
import { target } from './target.ts';

/** Who the call claims to be: the operator (default), someone with a wrong token, or nobody. */
export type AdminCredentials = 'operator' | 'wrong' | 'none';

const auth = (as: AdminCredentials = 'operator'): Record<string, string> => {
  if (as === 'none') return {};
  return { authorization: `Bearer ${as === 'operator' ? target.adminToken : `${target.adminToken}-not-quite`}` };
};

/** Admin calls scenarios use to set the stage. */
export const adminApi = {
  createConcert(api: ApiClient, concert: { concertId: string; name: string; seatCount: number; price: number }) {
    return api.send('POST', `${target.coreUrl}/admin/concerts`, { headers: auth(), body: concert });
  },
  pauseAdmission(api: ApiClient, queueUrl: string, concertId: string, as?: AdminCredentials) {
    return api.send('POST', `${queueUrl}/admin/concerts/${concertId}/queue/pause`, { headers: auth(as) });
  },
  resumeAdmission(api: ApiClient, queueUrl: string, concertId: string, as?: AdminCredentials) {
    return api.send('POST', `${queueUrl}/admin/concerts/${concertId}/queue/resume`, { headers: auth(as) });
  },
  /** `policy` is usually an object of numbers; scenarios about bad input send anything. */
  setQueuePolicy(api: ApiClient, queueUrl: string, concertId: string, policy: unknown, as?: AdminCredentials) {
    return api.send('PUT', `${queueUrl}/admin/concerts/${concertId}/queue-policy`, { headers: auth(as), body: policy });
  },
  setQueuePolicyRaw(api: ApiClient, queueUrl: string, concertId: string, rawBody: string) {
    return api.send('PUT', `${queueUrl}/admin/concerts/${concertId}/queue-policy`, {
      headers: { ...auth(), 'content-type': 'application/json' },
      rawBody,
    });
  },
  queueStats(api: ApiClient, queueUrl: string, concertId: string, as?: AdminCredentials) {
    return api.send('GET', `${queueUrl}/admin/concerts/${concertId}/queue`, { headers: auth(as) });
  },
};
