/**
 * THE route table: read by the CDK app to build API Gateway and by the local server to dispatch requests.
 * `handler` is the folder under functions/ whose handler.ts serves the route.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A DynamoDB read of the table, as IAM names the action. */
export type TableRead = 'GetItem' | 'Query' | 'BatchGetItem';

/**
 * A DynamoDB write of the table, as IAM names the action. `TransactWriteItems` has no action of its own: IAM
 * authorizes each of its steps as the `PutItem`, `UpdateItem`, `DeleteItem` or `ConditionCheckItem` it is.
 */
export type TableWrite = 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/**
 * The table actions a function's code calls, and only those (test/infra/table-calls.test.ts records every call of
 * every function through the local server and compares). The rate limiter's counter update is not listed here: every
 * authenticated route gets it, on the `RATE#` counters only.
 */
export interface TableGrants {
  read?: readonly TableRead[];
  write?: readonly TableWrite[];
}

/** What a function may touch; the CDK app grants exactly this and nothing more. */
export interface Grants {
  table?: TableGrants;
  kms?: 'generateDataKey' | 'decrypt';
  queue?: 'send';
  /** Calls providers' APIs: gets the provider endpoint settings (`PROVIDER_ENDPOINT_SETTINGS`). */
  providers?: true;
  /**
   * Assumes customers' IAM roles (AWS `ASSUME_ROLE` credentials): through the stack's role assumer, the one principal
   * customers trust (infra/aws/role-assumer.ts), which the function may assume and nothing else in STS.
   */
  assumeCustomerRoles?: true;
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
    grants: { table: { read: ['GetItem'], write: ['PutItem'] }, kms: 'generateDataKey', queue: 'send' },
  },
  {
    method: 'GET',
    path: '/api/v1/credentials',
    handler: 'list-credentials',
    auth: true,
    grants: { table: { read: ['Query'] } },
  },
  {
    method: 'GET',
    path: '/api/v1/credentials/aws-role-setup',
    handler: 'aws-role-setup',
    auth: true,
    // The organization's external ID is created on first use (a conditional put).
    grants: { table: { read: ['GetItem'], write: ['PutItem'] } },
  },
  {
    method: 'GET',
    path: '/api/v1/credentials/{id}',
    handler: 'get-credential',
    auth: true,
    // The credential, and a count of its resources needing attention.
    grants: { table: { read: ['GetItem', 'Query'] } },
  },
  {
    method: 'PATCH',
    path: '/api/v1/credentials/{id}',
    handler: 'update-credential',
    auth: true,
    // A rename deletes the old name claim and puts the new one; the audit entry is a put.
    grants: {
      table: { read: ['GetItem', 'Query'], write: ['PutItem', 'UpdateItem', 'DeleteItem'] },
      kms: 'generateDataKey',
      queue: 'send',
    },
  },
  {
    method: 'DELETE',
    path: '/api/v1/credentials/{id}',
    handler: 'delete-credential',
    auth: true,
    grants: { table: { read: ['GetItem'], write: ['PutItem', 'DeleteItem'] } },
  },
  {
    method: 'POST',
    path: '/api/v1/credentials/{id}/verify',
    handler: 'verify-credential',
    auth: true,
    grants: { table: { read: ['GetItem', 'Query'], write: ['PutItem'] }, queue: 'send' },
  },
  {
    method: 'POST',
    path: '/api/v1/resources',
    handler: 'create-resource',
    auth: true,
    // The link is a put beside `ADD linkCount 1` on the credential.
    grants: { table: { read: ['GetItem'], write: ['PutItem', 'UpdateItem'] } },
  },
  {
    method: 'GET',
    path: '/api/v1/resources',
    handler: 'list-resources',
    auth: true,
    // The page is a query; each linked credential's name a get.
    grants: { table: { read: ['Query', 'GetItem'] } },
  },
  {
    method: 'GET',
    path: '/api/v1/resources/{id}',
    handler: 'get-resource',
    auth: true,
    grants: { table: { read: ['GetItem'] } },
  },
  {
    method: 'GET',
    path: '/api/v1/credentials/{id}/required-policy',
    handler: 'get-required-policy',
    auth: true,
    // The credential's summary and a query of its resources.
    grants: { table: { read: ['GetItem', 'Query'] } },
  },
  {
    method: 'PATCH',
    path: '/api/v1/resources/{id}',
    handler: 'update-resource',
    auth: true,
    // Moving a resource to another credential deletes one link and puts another.
    grants: { table: { read: ['GetItem'], write: ['PutItem', 'UpdateItem', 'DeleteItem'] } },
  },
  {
    method: 'DELETE',
    path: '/api/v1/resources/{id}',
    handler: 'delete-resource',
    auth: true,
    grants: { table: { read: ['GetItem'], write: ['PutItem', 'UpdateItem', 'DeleteItem'] } },
  },
  {
    method: 'POST',
    path: '/api/v1/resources/{id}/verify',
    handler: 'verify-resource',
    auth: true,
    // The check's outcome is a conditional update. A check with an AWS role reads the organization's external ID
    // (GetItem) and, before role setup was opened or the credential's own check ran, creates it as they do (a
    // conditional PutItem): without it that check answered 503 though nothing was unavailable.
    grants: {
      table: { read: ['GetItem'], write: ['PutItem', 'UpdateItem'] },
      kms: 'decrypt',
      providers: true,
      assumeCustomerRoles: true,
    },
  },
  {
    method: 'GET',
    path: '/api/v1/audit-logs',
    handler: 'list-audit-logs',
    auth: true,
    grants: { table: { read: ['Query'] } },
  },
  { method: 'GET', path: '/api/v1/openapi.json', handler: 'get-openapi-document', auth: false, grants: {} },
  { method: 'GET', path: '/api/v1/health', handler: 'health', auth: false, grants: {}, head: true },
];
