import type { ApiClient } from './http/api-client.ts';
import { target } from './target.ts';

const auth = () => ({ authorization: `Bearer ${target.adminToken}` });

/** Admin calls scenarios use to set the stage. */
export const adminApi = {
  createConcert(api: ApiClient, concert: { concertId: string; name: string; seatCount: number; price: number }) {
    return api.send('POST', `${target.coreUrl}/admin/concerts`, { headers: auth(), body: concert });
  },
};
