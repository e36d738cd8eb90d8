import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one DynamoDB table (single-table design, docs/operations.md has the data model). Key attribute names are shared by
 * the data functions, the local bootstrap and the CDK stack.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  verificationIndex: {
    name: 'verification-due',
    partitionKey: 'dueShard',
    sortKey: 'dueAt',
    projectedAttributes: ['orgId', 'id', 'secretVersion'],
  },
} as const;

export const keys = {
  org: (orgId: string) => `ORG#${orgId}`,
  credential: (id: string) => `CRED#${id}`,
  credentialPrefix: 'CRED#',
  nameClaim: (name: string) => `NAME#${name.trim().toLowerCase()}`,
  link: (credentialId: string, resourceId: string) => `LINK#${credentialId}#${resourceId}`,
  linkPrefix: (credentialId: string) => `LINK#${credentialId}#`,
  resource: (id: string) => `RES#${id}`,
  resourcePrefix: 'RES#',
  audit: (id: string) => `AUDIT#${id}`,
  auditPrefix: 'AUDIT#',
  idempotency: (key: string) => `IDEMPOTENCY#${key}`,
  awsRoleSettings: 'SETTINGS#AWS_ROLE',
  rateLimit: (orgId: string, budget: string, minute: number) => `RATE#${orgId}#${budget}#${minute}`,
} as const;

/** The table as the data functions take it: the document client and the table's name. */
export interface Table {
  client: DynamoDBDocumentClient;
  name: string;
}

/** What a use case that only reads needs: the table. */
export interface ReadDeps {
  table: Table;
}

/**
 * What a use case that writes needs: the table, the clock and new ids (for what it creates and for its audit
 * entry). Handlers pass in process-wide instances, tests their own.
 */
export interface WriteDeps {
  table: Table;
  now: () => Date;
  newId: () => string;
}
