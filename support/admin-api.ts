import type { ApiClient } from './http/api-client.ts';
import { target } from './target.ts';

const auth = () => ({ authorization: `Bearer ${target.adminToken}` });

/** Admin calls scenarios use to set the stage. */
export const adminApi = {
  createConcert(api: ApiClient, concert: { concertId: string; name: string; seatCount: number; price: number }) {
    return api.send('POST', `${target.coreUrl}/admin/concerts`, { headers: auth(), body: concert });
  },
  pauseAdmission(api: ApiClient, queueUrl: string, concertId: string) {
    return api.send('POST', `${queueUrl}/admin/concerts/${concertId}/queue/pause`, { headers: auth() });
  },
  resumeAdmission(api: ApiClient, queueUrl: string, concertId: string) {
    return api.send('POST', `${queueUrl}/admin/concerts/${concertId}/queue/resume`, { headers: auth() });
  },
  setQueuePolicy(api: ApiClient, queueUrl: string, concertId: string, policy: Record<string, number>) {
    return api.send('PUT', `${queueUrl}/admin/concerts/${concertId}/queue-policy`, { headers: auth(), body: policy });
  },
  queueStats(api: ApiClient, queueUrl: string, concertId: string) {
    return api.send('GET', `${queueUrl}/admin/concerts/${concertId}/queue`, { headers: auth() });
  },
};
