import { randomBytes } from 'node:crypto';
import { type EchoOption, echoed } from './echo.ts';
import {
  type DoubleResponse,
  json,
  type ReadOnlyDouble,
  type RecordedRequest,
  restMutation,
  startReadOnlyDouble,
} from './http-double.ts';

/** A route as the Admin API stores it. */
export interface ApisixRoute {
  id: string;
  uri: string;
  [field: string]: unknown;
}

export interface ApisixDoubleOptions {
  adminKey: string;
  /** A path the Admin API sits under, as behind a reverse proxy. Default none. */
  pathPrefix?: string;
  /** `false` answers 403 to every request, as when this client's address is not in `allow_admin`. Default `true`. */
  allowAdmin?: boolean;
  /** Answer every request with a 302 to this URL. */
  redirectTo?: string;
  /** The routes. Kept by reference: push or splice during a test. Default one route, id `1`. */
  routes?: ApisixRoute[];
  /** Put the key that was sent into the refusal, as a careless provider might (in the encoding given). */
  echoCredentials?: EchoOption;
}

/** Every PUT, PATCH, POST and DELETE under the Admin API is refused and kept in `mutations`. */
export type ApisixDouble = ReadOnlyDouble;

/** A fresh admin key, made at run time. */
export function newApisixAdminKey(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The APISIX Admin API, reads only: `GET /apisix/admin/routes` (the list) and `GET /apisix/admin/routes/{id}` (200
 * with the route, 404 `Key not found`), both checking `X-API-KEY` against the admin key. Every change is refused and
 * kept in `mutations`.
 */
export async function startApisixDouble(options: ApisixDoubleOptions): Promise<ApisixDouble> {
  const routes = options.routes ?? [
    { id: '1', uri: '/hello', upstream: { type: 'roundrobin', nodes: { '127.0.0.1:1980': 1 } } },
  ];
  const admin = `${options.pathPrefix ?? ''}/apisix/admin/`;
  return startReadOnlyDouble((request) => answer(request, options, routes), {
    failure: html,
    mutationOf: (request) => (pathOf(request).startsWith(admin) ? restMutation(request) : undefined),
    refuse: () => json(403, { error_msg: 'the APISIX test double refuses every change: EntryGuard must only read' }),
  });
}

function pathOf(request: RecordedRequest): string {
  return new URL(request.url, 'http://apisix.double').pathname;
}

function answer(request: RecordedRequest, options: ApisixDoubleOptions, routes: ApisixRoute[]): DoubleResponse {
  if (options.redirectTo !== undefined) return { status: 302, headers: { location: options.redirectTo } };
  if (options.allowAdmin === false) return html(403);
  const path = pathOf(request);
  const prefix = `${options.pathPrefix ?? ''}/apisix/admin/routes`;
  const routeId = path.startsWith(`${prefix}/`) ? decodeURIComponent(path.slice(prefix.length + 1)) : undefined;
  if (request.method !== 'GET' || (path !== prefix && (routeId === undefined || !/^[^/]+$/.test(routeId)))) {
    return json(404, { error_msg: '404 Route Not Found' });
  }
  const sent = request.headers['x-api-key'];
  if (sent !== options.adminKey) {
    return json(401, {
      error_msg: options.echoCredentials
        ? `failed to check token ${echoed(String(sent), options.echoCredentials)}`
        : 'failed to check token',
    });
  }
  if (routeId === undefined) {
    return json(200, {
      total: routes.length,
      list: routes.map((route) => ({ key: `/apisix/routes/${route.id}`, value: route })),
    });
  }
  const route = routes.find((candidate) => candidate.id === routeId);
  if (route === undefined) return json(404, { message: 'Key not found' });
  return json(200, { key: `/apisix/routes/${route.id}`, value: route, createdIndex: 1, modifiedIndex: 1 });
}

/** What the nginx in front of the Admin API answers on its own. */
function html(status: number): DoubleResponse {
  return { status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${status}</h1></body></html>` };
}
