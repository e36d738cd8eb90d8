import { randomBytes } from 'node:crypto';
import { type DoubleResponse, type HttpDouble, json, type RecordedRequest, startHttpDouble } from './http-double.ts';

export interface ApisixDoubleOptions {
  adminKey: string;
  /** A path the Admin API sits under, as behind a reverse proxy. Default none. */
  pathPrefix?: string;
  /** `false` answers 403 to every request, as when this client's address is not in `allow_admin`. Default `true`. */
  allowAdmin?: boolean;
  /** Answer every request with a 302 to this URL. */
  redirectTo?: string;
  /** Put the key that was sent into the refusal, as a careless provider might. */
  echoCredentials?: boolean;
}

/** A fresh admin key, made at run time. */
export function newApisixAdminKey(): string {
  return randomBytes(16).toString('hex');
}

/** The APISIX Admin API's route listing: checks `X-API-KEY` against the admin key. */
export async function startApisixDouble(options: ApisixDoubleOptions): Promise<HttpDouble> {
  return startHttpDouble((request) => answer(request, options), { failure: html });
}

function answer(request: RecordedRequest, options: ApisixDoubleOptions): DoubleResponse {
  if (options.redirectTo !== undefined) return { status: 302, headers: { location: options.redirectTo } };
  if (options.allowAdmin === false) return html(403);
  const path = new URL(request.url, 'http://apisix.double').pathname;
  if (request.method !== 'GET' || path !== `${options.pathPrefix ?? ''}/apisix/admin/routes`) {
    return json(404, { error_msg: '404 Route Not Found' });
  }
  const sent = request.headers['x-api-key'];
  if (sent !== options.adminKey) {
    return json(401, {
      error_msg: options.echoCredentials ? `failed to check token ${String(sent)}` : 'failed to check token',
    });
  }
  const route = { id: '1', uri: '/hello', upstream: { type: 'roundrobin', nodes: { '127.0.0.1:1980': 1 } } };
  return json(200, { total: 1, list: [{ key: '/apisix/routes/1', value: route }] });
}

/** What the nginx in front of the Admin API answers on its own. */
function html(status: number): DoubleResponse {
  return { status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${status}</h1></body></html>` };
}
