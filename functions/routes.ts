/**
 * THE route table: read by the CDK app to build API Gateway and by the local server to dispatch requests.
 * `handler` is the folder under functions/ whose handler.ts serves the route.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What a function may touch; the CDK app grants exactly this and nothing more. */
export interface Grants {
  table?: 'read' | 'write';
  kms?: 'generateDataKey' | 'decrypt';
  queue?: 'send';
  /** Calls providers' APIs: gets the provider endpoint settings (`PROVIDER_ENDPOINT_SETTINGS`). */
  providers?: true;
}

export interface Route {
  method: HttpMethod;
  path: string;
  handler: string;
  auth: boolean;
  grants: Grants;
  /** A GET route that answers HEAD too, with the same headers and no body (health checks probe with HEAD). */
  head?: true;
}

export const API_PREFIX = '/api/v1';

export const routes: readonly Route[] = [
  {
    method: 'POST',
    path: '/api/v1/credentials',
    handler: 'create-credential',
    auth: true,
    grants: { table: 'write', kms: 'generateDataKey', queue: 'send' },
  },
  { method: 'GET', path: '/api/v1/credentials', handler: 'list-credentials', auth: true, grants: { table: 'read' } },
  {
    method: 'GET',
    path: '/api/v1/credentials/aws-role-setup',
    handler: 'aws-role-setup',
    auth: true,
    grants: { table: 'write' },
  },
  { method: 'GET', path: '/api/v1/credentials/{id}', handler: 'get-credential', auth: true, grants: { table: 'read' } },
  {
    method: 'PATCH',
    path: '/api/v1/credentials/{id}',
    handler: 'update-credential',
    auth: true,
    grants: { table: 'write', kms: 'generateDataKey', queue: 'send' },
  },
  {
    method: 'DELETE',
    path: '/api/v1/credentials/{id}',
    handler: 'delete-credential',
    auth: true,
    grants: { table: 'write' },
  },
  {
    method: 'POST',
    path: '/api/v1/credentials/{id}/verify',
    handler: 'verify-credential',
    auth: true,
    grants: { table: 'write', queue: 'send' },
  },
  {
    method: 'GET',
    path: '/api/v1/credentials/{id}/required-policy',
    handler: 'get-required-policy',
    auth: true,
    grants: { table: 'read' },
  },
  { method: 'POST', path: '/api/v1/resources', handler: 'create-resource', auth: true, grants: { table: 'write' } },
  { method: 'GET', path: '/api/v1/resources', handler: 'list-resources', auth: true, grants: { table: 'read' } },
  { method: 'GET', path: '/api/v1/resources/{id}', handler: 'get-resource', auth: true, grants: { table: 'read' } },
  {
    method: 'PATCH',
    path: '/api/v1/resources/{id}',
    handler: 'update-resource',
    auth: true,
    grants: { table: 'write' },
  },
  {
    method: 'DELETE',
    path: '/api/v1/resources/{id}',
    handler: 'delete-resource',
    auth: true,
    grants: { table: 'write' },
  },
  {
    method: 'POST',
    path: '/api/v1/resources/{id}/verify',
    handler: 'verify-resource',
    auth: true,
    grants: { table: 'write', kms: 'decrypt', providers: true },
  },
  { method: 'GET', path: '/api/v1/audit-logs', handler: 'list-audit-logs', auth: true, grants: { table: 'read' } },
  { method: 'GET', path: '/api/v1/openapi.json', handler: 'get-openapi-document', auth: false, grants: {} },
  { method: 'GET', path: '/api/v1/health', handler: 'health', auth: false, grants: {}, head: true },
];
