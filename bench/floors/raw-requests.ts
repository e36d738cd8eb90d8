import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';

/**
 * What the floors share: the table from the environment, the item keys, the summary projection and the rate-limit
 * counter, written against the low-level DynamoDB API (attribute values, no document client).
 */
export type Item = Record<string, AttributeValue>;

export const table = () => process.env.TABLE_NAME!;

export const key = (orgId: string, sk: string): Item => ({ pk: { S: `ORG#${orgId}` }, sk: { S: sk } });

const SUMMARY_FIELDS = [
  'orgId',
  'id',
  'name',
  'provider',
  'credentialType',
  'status',
  'lastVerifiedAt',
  'verificationError',
  'verifiedIdentity',
  'hint',
  'createdAt',
  'updatedAt',
  'secretVersion',
  'linkCount',
];

/** A credential without its sealed secret, as listing and reading project it. */
export const summaryProjection = {
  ProjectionExpression: SUMMARY_FIELDS.map((_, i) => `#f${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(SUMMARY_FIELDS.map((field, i) => [`#f${i}`, field])),
};

/**
 * The organization's resources that need attention (last check failed, resource missing or a permission not granted),
 * as credential views count them: a Query filtered server-side; `credentialId` narrows it to one credential.
 */
export function attentionQuery(orgId: string, credentialId?: string) {
  const needsAttention =
    '(#isActive = :false AND attribute_type(#lastVerifiedAt, :string)) OR #check.#allGranted = :false OR #check.#exists = :false';
  return {
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression:
      credentialId === undefined ? needsAttention : `#credentialId = :credentialId AND (${needsAttention})`,
    ExpressionAttributeNames: {
      '#isActive': 'isActive',
      '#lastVerifiedAt': 'lastVerifiedAt',
      '#check': 'permissionCheck',
      '#allGranted': 'allGranted',
      '#exists': 'exists',
      '#credentialId': 'credentialId',
    },
    ExpressionAttributeValues: {
      ':pk': { S: `ORG#${orgId}` },
      ':prefix': { S: 'RES#' },
      ':false': { BOOL: false },
      ':string': { S: 'S' },
      ...(credentialId !== undefined && { ':credentialId': { S: credentialId } }),
    },
    ...(credentialId === undefined
      ? { ProjectionExpression: '#credentialId' }
      : { Select: 'COUNT' as const, ConsistentRead: true }),
  };
}

/** The per-organization, per-minute request counter every API route charges first. */
export function rateCounter(orgId: string, budget: 'read' | 'write') {
  const minute = Math.floor(Date.now() / 60_000);
  return {
    TableName: table(),
    Key: { pk: { S: `RATE#${orgId}#${budget}#${minute}` }, sk: { S: 'RATE' } },
    UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
    ExpressionAttributeNames: { '#count': 'count' },
    ExpressionAttributeValues: { ':one': { N: '1' }, ':expiresAt': { N: String((minute + 2) * 60) } },
    ReturnValues: 'UPDATED_NEW' as const,
  };
}

/** A put that must not overwrite anything, as every item the service creates is written. */
export const newItem = (item: Item) => ({
  Put: { TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
});

/** Every item of the organization whose sort key starts with `prefix`, newest first, page after page. */
export async function queryAllNewestFirst(
  db: DynamoDBClient,
  orgId: string,
  prefix: string,
  projection: object = {},
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: `ORG#${orgId}` }, ':prefix': { S: prefix } },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
        ...projection,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * The KMS encryption context of a credential's sealed secret, as the service sends it (shared/crypto/envelope.ts):
 * a `v2.` envelope binds the secret version too, a `v1.` one only the organization and credential.
 */
export function sealedContext(orgId: string, credentialId: string, credential: Item): Record<string, string> {
  const sealed = credential.sealedSecret!.S!;
  return {
    orgId,
    credentialId,
    ...(sealed.startsWith('v2.') && { secretVersion: credential.secretVersion!.N! }),
  };
}
