import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApisixDouble,
  type ApisixRoute,
  newApisixAdminKey,
  startApisixDouble,
} from '../../helpers/doubles/apisix-double.ts';

const adminKey = newApisixAdminKey();
const routes: ApisixRoute[] = [{ id: 'orders', uri: '/orders/*' }];
let apisix: ApisixDouble;

beforeAll(async () => {
  apisix = await startApisixDouble({ adminKey, routes });
});
afterAll(() => apisix.close());

async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('APISIX double: the Admin API', () => {
  const routeUrl = (id: string) => `${apisix.url}/apisix/admin/routes/${id}`;

  it('answers GET /apisix/admin/routes/{id} with the route, 404 Key not found, 401 without the key', async () => {
    expect(await call(routeUrl('orders'), { headers: { 'x-api-key': adminKey } })).toEqual({
      status: 200,
      body: {
        key: '/apisix/routes/orders',
        value: { id: 'orders', uri: '/orders/*' },
        createdIndex: 1,
        modifiedIndex: 1,
      },
    });
    expect(await call(routeUrl('missing'), { headers: { 'x-api-key': adminKey } })).toEqual({
      status: 404,
      body: { message: 'Key not found' },
    });
    expect(await call(routeUrl('orders'), { headers: { 'x-api-key': 'wrong' } })).toEqual({
      status: 401,
      body: { error_msg: 'failed to check token' },
    });
  });

  it('lists the routes as before', async () => {
    expect(await call(`${apisix.url}/apisix/admin/routes`, { headers: { 'x-api-key': adminKey } })).toEqual({
      status: 200,
      body: { total: 1, list: [{ key: '/apisix/routes/orders', value: { id: 'orders', uri: '/orders/*' } }] },
    });
  });

  it('answers any other path 404 Route Not Found before checking the key, as before', async () => {
    for (const path of ['/apisix/admin/routes/', '/apisix/admin/routes/orders/extra', '/apisix/admin/upstreams']) {
      expect(await call(`${apisix.url}${path}`)).toEqual({ status: 404, body: { error_msg: '404 Route Not Found' } });
    }
  });

  it('refuses and records every change, with or without the key', async () => {
    const before = apisix.mutations.length;
    for (const [method, headers] of [
      ['PUT', { 'x-api-key': adminKey }],
      ['PATCH', { 'x-api-key': adminKey }],
      ['DELETE', {}],
    ] as const) {
      const response = await call(routeUrl('orders'), { method, headers, body: method === 'DELETE' ? null : '{}' });
      expect(response.status).toBe(403);
    }
    expect(routes).toEqual([{ id: 'orders', uri: '/orders/*' }]);
    expect(apisix.mutations.slice(before).map((mutation) => mutation.operation)).toEqual([
      'PUT /apisix/admin/routes/orders',
      'PATCH /apisix/admin/routes/orders',
      'DELETE /apisix/admin/routes/orders',
    ]);
  });
});
